package mirror

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/render"
	"github.com/deepr-desktop/deepr/backend/store"
)

// The two files are written a piece at a time, and are byte for byte what
// they are built whole: report.md the header and render.Markdown,
// metadata.json what json.MarshalIndent gives, for a report longer than
// the pieces, with HTML characters, line separators, invalid UTF-8 and
// multi-byte characters wherever the pieces end.
func TestFilesWrittenInPiecesAreTheWholeFiles(t *testing.T) {
	fin := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	j := job.Job{ID: "abc123", Status: job.Completed, Model: "o3-deep-research", Prompt: "Tea <b>&</b>",
		CreatedAt: fin.Add(-time.Hour), FinishedAt: &fin}
	text := strings.Repeat("Tea & <coffee> in 中文 \u2028 \"quoted\" \\ é🚀 \xff\xe2\x82 tab\t.\n", 3000)
	rep := store.Report{Title: "Tea", Markdown: text,
		Citations: []job.Citation{{Index: 1, URL: "https://example.com/a", Title: "A", Start: 0, End: 3}},
		Questions: []store.Question{{Question: "Why?", Answer: "Because.", Model: "gpt-4.1-mini", CreatedAt: fin}}}

	var meta bytes.Buffer
	if err := writeMetadata(&meta, j, rep); err != nil {
		t.Fatalf("writeMetadata: %v", err)
	}
	whole, err := metadata(j, rep)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(meta.Bytes(), whole) {
		t.Errorf("metadata.json written in pieces (%d bytes) differs from json.MarshalIndent (%d bytes) at byte %d",
			meta.Len(), len(whole), diffAt(meta.Bytes(), whole))
	}

	var md bytes.Buffer
	if err := writeMarkdown(&md, j, rep); err != nil {
		t.Fatalf("writeMarkdown: %v", err)
	}
	if body := render.Markdown(rep.Markdown, rep.Citations); !strings.Contains(md.String(), "\n---\n\n"+body+"\n\n## Questions about this report\n") {
		t.Errorf("report.md (%d bytes) does not hold render.Markdown's %d bytes whole", md.Len(), len(body))
	}
}

func diffAt(a, b []byte) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}
