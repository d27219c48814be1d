package store

import (
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
)

func TestFTSQuery(t *testing.T) {
	tests := []struct {
		in     string
		want   string
		wantOK bool
	}{
		{"tea", `"tea"`, true},
		{"  green   tea ", `"green" "tea"`, true},
		{"te*", `"te"*`, true},
		{"te* gre*", `"te" "gre"*`, true}, // only the last word keeps its '*'
		{`say "hi"`, `"say" """hi"""`, true},
		{"AND OR NOT", `"AND" "OR" "NOT"`, true},
		{"NEAR(a b)", `"NEAR(a" "b)"`, true},
		{"col:value", `"col:value"`, true},
		{"-x", `"-x"`, true},
		{"Müller 中文", `"Müller" "中文"`, true},
		{`" * - : ( ) ^ 🍵`, "", false},
		{"", "", false},
		{"*", "", false},
	}
	for _, tt := range tests {
		got, ok := ftsQuery(tt.in)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("ftsQuery(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

// library is a small set of finished reports.
func library(t *testing.T) (*env, map[string]job.Job) {
	e := setup(t)
	t0 := e.clock.Now()
	docs := []struct {
		id, model, prompt, md string
		status                job.Status
		age                   time.Duration
	}{
		{"green", "o3-deep-research", "Green tea health effects", "Green tea contains catechins. Tea tea tea.", job.Completed, 3 * time.Hour},
		{"black", "o3-deep-research", "History of black tea", "Black tea was traded along the Silk Road. Müller studied it.", job.Completed, 2 * time.Hour},
		{"coffee", "o4-mini-deep-research", "Coffee markets", "Coffee prices rose; tea prices fell. 中文 資料 included.", job.Incomplete, time.Hour},
		{"rust", "o3-deep-research", "Rust async runtimes", "Tokio and async-std compared. Quotes: \"AND\" NEAR( x.", job.Completed, 0},
	}
	jobs := map[string]job.Job{}
	for _, d := range docs {
		e.clock.Advance(time.Second)
		j := e.create(job.Job{ID: d.id, Status: job.Running, Model: d.model, Prompt: d.prompt, CreatedAt: t0.Add(-d.age - time.Hour)})
		fin := t0.Add(-d.age)
		j, err := e.st.Finish(e.ctx, j.ID, Report{Markdown: d.md}, func(c *job.Job) error {
			c.Status = d.status
			c.FinishedAt = &fin
			return nil
		})
		if err != nil {
			t.Fatalf("Finish(%s): %v", d.id, err)
		}
		jobs[d.id] = j
	}
	// A job without a report is never a hit.
	e.create(job.Job{ID: "pending", Prompt: "tea still running", Status: job.Running})
	return e, jobs
}

func TestSearch(t *testing.T) {
	e, jobs := library(t)
	t0 := jobs["rust"].FinishedAt
	tests := []struct {
		name string
		q    string
		o    SearchOptions
		want string
	}{
		{"relevance: most tea first", "tea", SearchOptions{}, "green,black,coffee"},
		{"date order", "tea", SearchOptions{Sort: "date"}, "coffee,black,green"},
		{"and of words", "tea prices", SearchOptions{}, "coffee"},
		{"prompt only word", "health", SearchOptions{}, "green"},
		{"prefix as you type", "cat*", SearchOptions{}, "green"},
		{"prefix needs star", "cat", SearchOptions{}, ""},
		{"case and diacritics folded", "muller", SearchOptions{}, "black"},
		{"unicode word", "Müller", SearchOptions{}, "black"},
		{"cjk word", "中文", SearchOptions{}, "coffee"},
		{"status filter", "tea", SearchOptions{Statuses: []job.Status{job.Incomplete}}, "coffee"},
		{"model filter", "tea", SearchOptions{Model: "o3-deep-research"}, "green,black"},
		{"since", "tea", SearchOptions{Since: t0.Add(-2 * time.Hour)}, "black,coffee"},
		{"until", "tea", SearchOptions{Until: t0.Add(-2 * time.Hour)}, "green,black"},
		{"limit", "tea", SearchOptions{Limit: 1}, "green"},
		{"offset", "tea", SearchOptions{Limit: 1, Offset: 1}, "black"},
		{"keyword-looking text is plain text", "AND", SearchOptions{}, "rust"},
		{"hyphenated is a phrase", "async-std", SearchOptions{}, "rust"},
		{"empty: newest finished first", "", SearchOptions{}, "rust,coffee,black,green"},
		{"empty with filter", "  ", SearchOptions{Model: "o4-mini-deep-research"}, "coffee"},
		{"no match", "zebra", SearchOptions{}, ""},
	}
	for _, tt := range tests {
		got := strings.Join(e.searchIDs(tt.q, tt.o), ",")
		if got != tt.want {
			t.Errorf("%s: Search(%q, %+v) = %q, want %q", tt.name, tt.q, tt.o, got, tt.want)
		}
	}
}

func TestSearchSnippetsAndRank(t *testing.T) {
	e, _ := library(t)
	hits, err := e.st.Search(e.ctx, "silk", SearchOptions{})
	if err != nil || len(hits) != 1 {
		t.Fatalf("Search(silk) = %v, %v; want one hit", hits, err)
	}
	if !strings.Contains(hits[0].Snippet, "\x02Silk\x03") {
		t.Errorf("snippet %q, want the match wrapped in \\x02 \\x03", hits[0].Snippet)
	}
	hits, _ = e.st.Search(e.ctx, "tea", SearchOptions{})
	for i := 1; i < len(hits); i++ {
		if hits[i].Rank < hits[i-1].Rank {
			t.Errorf("ranks not ascending: %v then %v", hits[i-1].Rank, hits[i].Rank)
		}
	}
	hits, _ = e.st.Search(e.ctx, "", SearchOptions{Limit: 1})
	if len(hits) != 1 || hits[0].Snippet != "Tokio and async-std compared. Quotes: \"AND\" NEAR( x." || hits[0].Job.ID != "rust" {
		t.Errorf("empty query hit = %+v, want rust with the start of its report", hits)
	}
	if _, err := e.st.Search(e.ctx, "tea", SearchOptions{Sort: "popular"}); err == nil {
		t.Error("Search with an unknown sort: no error")
	}
}

// TestSearchHostile: any user text is a valid query.
func TestSearchHostile(t *testing.T) {
	e, _ := library(t)
	for _, q := range []string{
		`"`, `""`, `"""`, `*`, `**`, `tea*`, `*tea`, `t*a`, `AND`, `OR`, `NOT`, `tea AND`, `AND tea`, `NEAR(`,
		`NEAR(tea coffee, 2)`, `-`, `-tea`, `:`, `prompt:tea`, `title : x`, `^tea`, `(`, `)`, `{prompt}: tea`,
		`tea OR`, `'`, `\`, `%`, `_`, `;DROP TABLE jobs;--`, "🍵", "🍵 tea", "Müller", "中文", "日本語のテキスト",
		"\x00", "\x02\x03", "a\tb\nc", strings.Repeat("tea ", 200), "\xff\xfe", "+", "tea-", "é*",
	} {
		if _, err := e.st.Search(e.ctx, q, SearchOptions{}); err != nil {
			t.Errorf("Search(%q): %v", q, err)
		}
		if _, err := e.st.Search(e.ctx, q, SearchOptions{Sort: "date"}); err != nil {
			t.Errorf("Search(%q, date): %v", q, err)
		}
	}
	if hits, err := e.st.Search(e.ctx, `" * : -`, SearchOptions{}); err != nil || len(hits) != 0 {
		t.Errorf("punctuation-only query = %d hits, %v; want none, no error", len(hits), err)
	}
}

func TestPreview(t *testing.T) {
	long := strings.Repeat("é", 300)
	tests := []struct{ in, want string }{
		{"# Title\n\nFirst  para\nline", "Title First para line"},
		{"## \n ### Deep", "Deep"},
		{"", ""},
		{long, strings.Repeat("é", previewRunes-1) + "…"},
	}
	for _, tt := range tests {
		if got := preview(tt.in); got != tt.want {
			t.Errorf("preview(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
