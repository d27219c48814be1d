package mirror

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/store"
)

// Files meant to be shared (exports) are created 0666 and folders 0777,
// less the user's umask, as any program's files are; the data folder's
// own copies stay private (Write).
const (
	sharedFile fs.FileMode = 0o666
	sharedDir  fs.FileMode = 0o777
)

// CreateTemp creates a new file in dir named pattern with a random part
// in place of its last "*" (like os.CreateTemp), with mode perm less the
// umask (os.CreateTemp always makes 0600).
func CreateTemp(dir, pattern string, perm fs.FileMode) (*os.File, error) {
	prefix, suffix := pattern, ""
	for i := len(pattern) - 1; i >= 0; i-- {
		if pattern[i] == '*' {
			prefix, suffix = pattern[:i], pattern[i+1:]
			break
		}
	}
	for range 100 {
		var b [6]byte
		_, _ = rand.Read(b[:])
		f, err := os.OpenFile(filepath.Join(dir, prefix+hex.EncodeToString(b[:])+suffix), os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, &fs.PathError{Op: "createtemp", Path: filepath.Join(dir, pattern), Err: fs.ErrExist}
}

// WriteShared writes j's report folder into the export folder dir like
// Write, but shareable: folders 0777 and files 0666, less the umask.
func WriteShared(dir string, j job.Job, rep store.Report) (string, error) {
	abs, err := absData(dir)
	if err != nil {
		return "", err
	}
	return writeIn(Dir(abs, j), j, rep, true)
}
