package library

// Imported files are not trusted: an id that is not one Deepr makes is
// replaced (its job keeps it as OriginID), parents follow the replacement,
// and control characters are taken out of the text a terminal or a window
// shows.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/store"
)

// maxOriginBytes is the longest OriginID kept.
const maxOriginBytes = 256

// originOf is what a job keeps of an imported id (or origin_id) that is
// not canonical: the id without control characters; when that removed
// anything or is longer than maxOriginBytes, cut to fit and followed by
// " sha256:" and 16 hex digits of the whole id, so two different ids
// never leave the same origin.
func originOf(id string) string {
	c := clean(id, false)
	if c == id && len(c) <= maxOriginBytes {
		return c
	}
	sum := sha256.Sum256([]byte(id))
	tag := " sha256:" + hex.EncodeToString(sum[:8])
	return cutBytes(c, maxOriginBytes-len(tag)) + tag
}

// cutBytes cuts s to at most n bytes, at a character boundary.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// clean removes the control characters (C0, DEL, C1: ESC, BEL, CSI, ...)
// from text read from an imported file. Multi-line text keeps its new
// lines and tabs; in one-line text they become spaces.
func clean(s string, multiline bool) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			if multiline {
				return r
			}
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}

// cleanText takes control characters out of every field of f that is
// shown as text. The report itself is left as it is, like any report
// from the web: what prints it (the CLI, the reader) makes it safe.
func cleanText(f *store.Finished) {
	j := &f.Job
	j.Prompt, j.Error, j.Progress.Summary = clean(j.Prompt, true), clean(j.Error, true), clean(j.Progress.Summary, true)
	for _, s := range []*string{&j.Model, &j.Provider, &j.ProviderStatus, &j.ProviderJobID, &j.ParentContext, &f.Report.Title} {
		*s = clean(*s, false)
	}
	for i := range f.Report.Citations {
		c := &f.Report.Citations[i]
		c.Title, c.URL = clean(c.Title, false), clean(c.URL, false)
	}
	for i := range f.Report.Questions {
		q := &f.Report.Questions[i]
		q.Question, q.Answer = clean(q.Question, true), clean(q.Answer, true)
		q.Provider, q.Model = clean(q.Provider, false), clean(q.Model, false)
	}
}

// shownID is an imported id quoted for a message: at most 40 bytes.
func shownID(id string) string {
	if len(id) > 40 {
		return fmt.Sprintf("%q... (%d bytes)", cutBytes(id, 40), len(id))
	}
	return fmt.Sprintf("%q", id)
}

// idMap gives the jobs of one import the ids they have in the library.
type idMap struct {
	st *store.Store
	// as maps an imported id that is not canonical to the id of its job
	// here: a new one, or the job an earlier import made from it.
	as map[string]string
}

// plan gives each item of a batch its id in the library, in place. An item
// whose id is not canonical gets a new one (store.NewID) and keeps the old
// as OriginID, unless a job was already made from it: then its entry says
// so (already is non-empty) and it is not written. Parents (and the job an
// edit came from) that are not canonical follow their job's new id; a
// parent not seen yet is left as it is for settle (wait is true for that
// item). Every item's text is cleaned (cleanText).
func (m *idMap) plan(ctx context.Context, items []store.Finished) (already []string, wait []bool, err error) {
	var keys []string
	for _, f := range items {
		for _, id := range []string{f.Job.ID, f.Job.ParentID, f.Job.Options.EditedFrom} {
			if _, ok := m.as[id]; id != "" && !ok && !job.ValidID(id) {
				keys = append(keys, id, originOf(id))
			}
		}
	}
	known, err := m.st.ImportedIDs(ctx, keys)
	if err != nil {
		return nil, nil, err
	}
	lookup := func(id string) (string, bool) {
		if v, ok := m.as[id]; ok {
			return v, true
		}
		if v, ok := known[id]; ok {
			return v, true
		}
		v, ok := known[originOf(id)]
		return v, ok
	}
	already, wait = make([]string, len(items)), make([]bool, len(items))
	for i := range items {
		f := &items[i]
		cleanText(f)
		if f.Job.OriginID != "" {
			f.Job.OriginID = originOf(f.Job.OriginID)
		}
		if id := f.Job.ID; !job.ValidID(id) {
			if v, ok := lookup(id); ok && m.as[id] == "" {
				m.as[id], f.Job.ID, f.Job.OriginID = v, v, originOf(id)
				already[i] = fmt.Sprintf("job %s: %s (imported before from the id %s)", v, store.ErrExists, shownID(id))
				continue
			}
			if _, ok := m.as[id]; !ok {
				if m.as[id], err = store.NewID(); err != nil {
					return nil, nil, err
				}
			}
			f.Job.ID, f.Job.OriginID, f.Report.JobID = m.as[id], originOf(id), m.as[id]
		}
		if e := f.Job.Options.EditedFrom; e != "" && !job.ValidID(e) {
			f.Job.Options.EditedFrom, _ = lookup(e)
		}
		if p := f.Job.ParentID; p != "" && !job.ValidID(p) {
			if v, ok := lookup(p); ok {
				f.Job.ParentID = v
			} else {
				wait[i] = true
			}
		}
	}
	return already, wait, nil
}

// settle gives a waiting item its parent's id, once the whole import was
// read: the parent's job, when the import or the library has it; else
// none, and the returned note says which parent was dropped.
func (m *idMap) settle(ctx context.Context, f *store.Finished) (string, error) {
	parent := f.Job.ParentID
	if v, ok := m.as[parent]; ok {
		f.Job.ParentID = v
		return "", nil
	}
	known, err := m.st.ImportedIDs(ctx, []string{parent, originOf(parent)})
	if err != nil {
		return "", err
	}
	for _, k := range []string{parent, originOf(parent)} {
		if v, ok := known[k]; ok {
			f.Job.ParentID = v
			return "", nil
		}
	}
	f.Job.ParentID = ""
	return fmt.Sprintf("it followed up on %s, which is not a job id Deepr makes and is neither in the library nor in this import: imported as new research", shownID(parent)), nil
}
