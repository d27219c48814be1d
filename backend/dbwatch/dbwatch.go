// Package dbwatch tells when a SQLite database's files were written, so
// that a reader can look at the database right then instead of asking it
// on a timer. It watches the database's folder with the operating system's
// file notifications (inotify, kqueue, ReadDirectoryChangesW) and signals
// on any write, creation, rename or removal of the database file, its
// write-ahead log (-wal) or its rollback journal (-journal).
//
// A signal says only "look now": it carries no detail, signals coalesce
// while nobody takes them, and the writer may be this process or another.
// What changed is for the reader to find out (store.Feed). Notifications
// can be lost (a full kernel queue, a network file system), so a reader
// should still look now and then; a lost or failed notification is
// signalled too, never hidden.
package dbwatch

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"github.com/fsnotify/fsnotify"
)

// Watcher signals writes to one database's files. Close it when done.
type Watcher struct {
	fs      *fsnotify.Watcher
	names   [3]string // base names of the database, its -wal and its -journal
	changes chan struct{}
	done    chan struct{}
	stop    sync.Once
	err     error // of closing the notifications
	wg      sync.WaitGroup
}

// New starts watching the files of the database at dbPath. It fails when
// the operating system gives no file notifications for the folder (no
// inotify instances left, a folder that does not exist); the caller then
// looks on a timer instead.
func New(dbPath string) (*Watcher, error) {
	abs, err := filepath.Abs(dbPath)
	if err != nil {
		return nil, fmt.Errorf("watching the database %s: %w", dbPath, err)
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watching the database %s: %w", abs, err)
	}
	dir, base := filepath.Split(abs)
	if err := fw.Add(filepath.Clean(dir)); err != nil {
		fw.Close()
		return nil, fmt.Errorf("watching the database folder %s: %w", dir, err)
	}
	w := &Watcher{
		fs:      fw,
		names:   [3]string{base, base + "-wal", base + "-journal"},
		changes: make(chan struct{}, 1),
		done:    make(chan struct{}),
	}
	w.wg.Add(1)
	go w.loop()
	return w, nil
}

// Changes receives a value after the database's files were written. Values
// coalesce: one receive may stand for many writes. It is never closed.
func (w *Watcher) Changes() <-chan struct{} { return w.changes }

// Close stops watching. It is safe to call more than once.
func (w *Watcher) Close() error {
	w.stop.Do(func() {
		close(w.done)
		w.err = w.fs.Close()
		w.wg.Wait()
	})
	return w.err
}

func (w *Watcher) loop() {
	defer w.wg.Done()
	for {
		select {
		case <-w.done:
			return
		case ev, ok := <-w.fs.Events:
			if !ok {
				return
			}
			if w.concerns(ev) {
				w.signal()
			}
		case err, ok := <-w.fs.Errors:
			if !ok {
				return
			}
			if err != nil {
				w.signal() // an event may have been lost: look anyway
			}
		}
	}
}

// concerns reports whether ev is a change to one of the database's files.
// Permission changes (chmod) change no content. Names are compared without
// case, as the default file systems of macOS and Windows do; a false match
// on Linux costs one needless look, never a missed one.
func (w *Watcher) concerns(ev fsnotify.Event) bool {
	if ev.Op == fsnotify.Chmod {
		return false
	}
	name := filepath.Base(ev.Name)
	for _, n := range w.names {
		if strings.EqualFold(name, n) {
			return true
		}
	}
	return false
}

func (w *Watcher) signal() {
	select {
	case w.changes <- struct{}{}:
	default:
	}
}
