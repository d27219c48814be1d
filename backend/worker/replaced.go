package worker

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/recovery"
)

// A database file deleted, moved or replaced under a running worker
// (store.Store.Replaced). The worker keeps the file it opened, so it would
// go on polling and paying for runs whose record nobody will ever see,
// while the database now at the path (the next command creates one) waits
// for a poller; and what it writes may reach that database through the
// -wal file both share. So the worker looks at every pass, every lease
// renewal and every change the file watch signals, and on the first sign:
//
//   - it stops for good: no provider call, no write, no lease released
//     into the new file (Run returns the error, Tick and Run again too);
//   - it writes a recovery file (backend/recovery) from the file it still
//     has open: the runs in progress with their response ids, and the
//     reports without a folder copy; once the calls under way have ended,
//     the response ids that came back meanwhile are added to it;
//   - Health.Error and the log say what happened, name the path and the
//     recovery file, and say what to do.
//
// When the old file can no longer be read (a new database at the path
// took over the -wal file), the recovery file lists the runs this process
// saw last (lostState.tracked).

// lostState is what the worker knows once its database file is lost.
type lostState struct {
	err     error                   // why the worker stopped for good; nil while it has not
	halt    context.CancelCauseFunc // ends Run; nil while Run is not active
	path    string                  // the recovery file ("" when there was nothing to keep)
	file    recovery.File           // what it holds, before the late ids
	unsent  map[string]bool         // jobs claimed but never sent: nothing to recover
	tracked map[string]job.Job      // paid jobs (recovery.Paid) as last seen here
}

// stoppedError is the error of a worker whose database file was lost. It
// wraps the store's (errors.Is store.ErrReplaced).
type stoppedError struct {
	cause    error  // *store.ReplacedError
	path     string // the recovery file; "" when nothing was in progress
	runs     int    // runs in progress it lists
	reports  int    // reports without a folder it lists
	writeErr error  // the recovery file could not be written
}

func (e *stoppedError) Unwrap() error { return e.cause }

func (e *stoppedError) Error() string {
	msg := e.cause.Error()
	msg = sentence(strings.ToUpper(msg[:1])+msg[1:]) + " Deepr stopped polling: nothing more is sent to the providers or written to that file."
	kept := count(e.runs, "run in progress", "runs in progress")
	if e.reports > 0 {
		kept += " and " + count(e.reports, "report without a folder", "reports without a folder")
	}
	switch {
	case e.writeErr != nil:
		return msg + fmt.Sprintf(" What it was following (%s) could not be saved (%v); the log lists the runs with their response ids.", kept, e.writeErr)
	case e.path == "":
		return msg + " No run was in progress."
	}
	return msg + fmt.Sprintf(" Saved in %s: %s; Deepr takes them over when it next starts on the database at that path.", e.path, kept)
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Err returns the error the worker stopped with for good: its database
// file was deleted or replaced (errors.Is store.ErrReplaced); nil while it
// has not.
func (w *Worker) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.lost.err
}

// CheckFile stops the worker for good when its database file is no longer
// the one at its path, and returns the error it stopped with (nil: the
// file is still its own). It costs a stat. The worker calls it at every
// pass, lease renewal and file signal; a face waiting on a job (Service.
// Wait) calls it before each read.
func (w *Worker) CheckFile(ctx context.Context) error {
	if err := w.Err(); err != nil {
		return err
	}
	if cause := w.st.Replaced(); cause != nil {
		return w.halt(ctx, cause)
	}
	return nil
}

// halt stops the worker for good (see the top of this file). The first
// caller writes the recovery file; a concurrent one returns at once.
func (w *Worker) halt(ctx context.Context, cause error) error {
	w.mu.Lock()
	if w.lost.err != nil {
		err := w.lost.err
		w.mu.Unlock()
		return err
	}
	w.lost.err = cause // from here on nothing is sent or written
	was := w.leading
	w.leading = false
	w.health.Poller, w.health.LeaseHolder, w.health.NextCheck = PollerStopped, "", nil
	w.parked = map[string][]string{}
	if was {
		w.tellLocked(false)
	}
	w.mu.Unlock()

	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	// What the lost file says, and what this process saw last: once a new
	// database at the path took over the -wal file, reads of the old one
	// fail, or may even find nothing without failing.
	entries, err := recovery.Collect(rctx, w.st)
	if err != nil {
		w.log.WithError(err).Warn("reading the lost database file failed; the recovery file lists the runs this process saw last")
	}
	entries = w.withTracked(entries)
	now := w.clock.Now()
	w.mu.Lock()
	w.lost.file = recovery.File{Database: w.st.Path(), Reason: cause.Error(), WrittenAt: now, Jobs: entries}
	w.lost.path = recovery.NewPath(recovery.Folder(w.cfg.DataDir, w.st.Path()), now)
	halt := w.lost.halt
	w.mu.Unlock()
	final := w.record()
	w.emitHealth()
	if halt != nil {
		halt(final)
	}
	return final
}

// record writes the recovery file with the response ids that came back
// since the file was lost (they could not be saved), and sets the error
// the worker stopped with. Nothing is written when nothing is to be kept.
func (w *Worker) record() error {
	w.mu.Lock()
	f := w.lost.file
	f.Jobs = slices.Clone(f.Jobs)
	f.Jobs = slices.DeleteFunc(f.Jobs, func(e recovery.Entry) bool { return w.lost.unsent[e.ID] })
	for id, l := range w.late {
		i := slices.IndexFunc(f.Jobs, func(e recovery.Entry) bool { return e.ID == id })
		if i < 0 {
			f.Jobs = append(f.Jobs, recovery.Entry{Job: job.Job{ID: id, Provider: l.provider, Attempt: l.attempt}})
			i = len(f.Jobs) - 1
		}
		e := &f.Jobs[i]
		e.Status, e.ProviderJobID, e.Error = job.Running, l.id, ""
		at := l.submittedAt
		e.SubmittedAt = &at
	}
	stopped := &stoppedError{cause: w.lost.err, path: w.lost.path}
	if se, ok := w.lost.err.(*stoppedError); ok {
		stopped.cause = se.cause
	}
	w.mu.Unlock()

	for _, e := range f.Jobs {
		if e.Report != nil {
			stopped.reports++
		} else {
			stopped.runs++
		}
	}
	log := w.log.WithField("database", f.Database)
	if len(f.Jobs) == 0 {
		stopped.path = ""
	} else if stopped.writeErr = recovery.Write(stopped.path, f); stopped.writeErr != nil {
		for _, e := range f.Jobs { // the log is then the only record
			if e.Report == nil {
				log.WithField("job", e.ID).WithField("provider", e.Provider).WithField("provider_job_id", e.ProviderJobID).
					WithField("status", e.Status).Error("a run in progress when the database file was lost")
			}
		}
	}
	w.mu.Lock()
	w.lost.err = stopped
	w.health.Error = stopped.Error()
	w.mu.Unlock()
	log.WithField("recovery_file", stopped.path).Error(stopped.Error())
	return stopped
}

// recordLate adds the response ids that came back after the file was lost
// to the recovery file (stop calls it once the calls under way ended).
func (w *Worker) recordLate() {
	w.mu.Lock()
	n := len(w.late) + len(w.lost.unsent)
	w.mu.Unlock()
	if n > 0 {
		w.record()
		w.emitHealth()
	}
}

// unsent records, once the file is lost, a job claimed but never sent: it
// cannot be put back in the queue, and nothing of it is to recover.
func (w *Worker) unsent(id string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.lost.unsent == nil {
		w.lost.unsent = map[string]bool{}
	}
	w.lost.unsent[id] = true
}

// track keeps the last version seen of each paid job, for a recovery file
// written when the lost file can no longer be read.
func (w *Worker) track(js ...job.Job) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, j := range js {
		switch {
		case recovery.Paid(j):
			if w.lost.tracked == nil {
				w.lost.tracked = map[string]job.Job{}
			}
			w.lost.tracked[j.ID] = j
		default:
			delete(w.lost.tracked, j.ID)
		}
	}
}

// untrack forgets deleted jobs.
func (w *Worker) untrack(ids ...string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, id := range ids {
		delete(w.lost.tracked, id)
	}
}

// withTracked adds the paid jobs seen here that entries lacks.
func (w *Worker) withTracked(entries []recovery.Entry) []recovery.Entry {
	w.mu.Lock()
	defer w.mu.Unlock()
	for id, j := range w.lost.tracked {
		if !slices.ContainsFunc(entries, func(e recovery.Entry) bool { return e.ID == id }) {
			entries = append(entries, recovery.Entry{Job: j})
		}
	}
	slices.SortFunc(entries, func(a, b recovery.Entry) int { return strings.Compare(a.ID, b.ID) })
	return entries
}
