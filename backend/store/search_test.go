package store

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
	"github.com/deepr-desktop/deepr/backend/searchq"
)

// library is a small set of finished reports.
func library(t *testing.T) (*env, map[string]job.Job) {
	e := setup(t)
	t0 := e.clock.Now()
	docs := []struct {
		id, model, prompt, md string
		cites                 []job.Citation
		status                job.Status
		age                   time.Duration
	}{
		{"green", "o3-deep-research", "Green tea health effects", "Green tea contains catechins. Tea tea tea.", nil, job.Completed, 3 * time.Hour},
		{"black", "o3-deep-research", "History of black tea", "Black tea was traded along the **Silk Road**. Müller studied it.", nil, job.Completed, 2 * time.Hour},
		{"coffee", "o4-mini-deep-research", "Coffee markets", "Coffee prices rose; tea prices fell. 中文 資料 included.", nil, job.Incomplete, time.Hour},
		{"rust", "o3-deep-research", "Rust async runtimes", "Tokio and async-std compared. Quotes: \"AND\" NEAR( x.", nil, job.Completed, 0},
		{"heat", "o3-deep-research", "Home heating", "## Heat pumps\n\nModern [heat pumps](https://example.com/hp) are **efficient**; `solaire` panels and hydrogen storage help.\n\n| Kind | Price |\n|---|---|\n| air | low |",
			[]job.Citation{{Index: 1, URL: "https://www.example.jp/energy", Title: "Agency outlook", Start: 0, End: 5}}, job.Completed, 4 * time.Hour},
		{"zh", "o3-deep-research", "中文报告", "中文研究显示，氢能源很重要。", nil, job.Completed, 5 * time.Hour},
		{"ja", "o3-deep-research", "日本の報告", "東京タワーの高さは333メートルです。研究者が調べました。", nil, job.Completed, 6 * time.Hour},
	}
	jobs := map[string]job.Job{}
	for _, d := range docs {
		e.clock.Advance(time.Second)
		j := e.create(job.Job{ID: d.id, Status: job.Running, Model: d.model, Prompt: d.prompt, CreatedAt: t0.Add(-d.age - time.Hour)})
		fin := t0.Add(-d.age)
		j, err := e.st.Finish(e.ctx, j.ID, Report{Markdown: d.md, Citations: d.cites}, func(c *job.Job) error {
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
		{"relevance: most tea first", "tea ", SearchOptions{}, "green,black,coffee"},
		{"date order", "tea ", SearchOptions{Sort: "date"}, "coffee,black,green"},
		{"and of words", "tea prices", SearchOptions{}, "coffee"},
		{"prompt only word", "health", SearchOptions{}, "green"},
		{"prefix with star", "cat*", SearchOptions{}, "green"},
		{"the last word completes as one types", "cat", SearchOptions{}, "green"},
		{"a space ends the word", "cat ", SearchOptions{}, ""},
		{"solair finds solaire", "solair", SearchOptions{}, "heat"},
		{"hydro finds hydrogen", "hydro", SearchOptions{}, "heat"},
		{"only the last word is a prefix", "hydro storage", SearchOptions{}, ""},
		{"one letter is not completed", "h", SearchOptions{}, ""},
		{"price finds prices", "price ", SearchOptions{}, "coffee,heat"},
		{"prices finds price", "prices", SearchOptions{}, "coffee,heat"},
		{"heat pump finds heat pumps", "heat pump ", SearchOptions{}, "heat"},
		{"study finds studied", "study ", SearchOptions{}, "black"},
		{"-ing finds its base", "heating ", SearchOptions{}, "heat"},
		{"quoted phrase: the words in this order", `"pumps heat"`, SearchOptions{}, ""},
		{"quoted phrase: word forms count", `"heat pump"`, SearchOptions{}, "heat"},
		{"quoted phrase", `"heat pumps"`, SearchOptions{}, "heat"},
		{"exclude a word", "tea -coffee", SearchOptions{}, "green,black"},
		{"NOT excludes", "tea NOT coffee", SearchOptions{}, "green,black"},
		{"exclude a phrase", `tea -"silk road"`, SearchOptions{}, "green,coffee"},
		{"OR", "tokio OR catechins", SearchOptions{}, "rust,green"},
		{"explicit AND", "tea AND prices", SearchOptions{}, "coffee"},
		{"case and diacritics folded", "muller", SearchOptions{}, "black"},
		{"unicode word", "Müller", SearchOptions{}, "black"},
		{"cjk word with spaces around", "中文", SearchOptions{}, "zh,coffee"},
		{"chinese word inside a sentence", "研究", SearchOptions{}, "zh,ja"},
		{"longer chinese run", "研究显示", SearchOptions{}, "zh"},
		{"one chinese character", "氢", SearchOptions{}, "zh"},
		{"last character of a run", "示", SearchOptions{}, "zh"},
		{"japanese word inside a sentence", "東京", SearchOptions{}, "ja"},
		{"katakana with long vowel mark", "タワー", SearchOptions{}, "ja"},
		{"japanese word in another sentence", "研究者", SearchOptions{}, "ja"},
		{"cjk not adjacent is no match", "東京研究", SearchOptions{}, ""},
		{"cjk mixed with latin", "東京 333", SearchOptions{}, "ja"},
		{"source domain", "example.jp", SearchOptions{}, "heat"},
		{"source domain prefix", "example.j", SearchOptions{}, "heat"},
		{"source title", "agency outlook", SearchOptions{}, "heat"},
		{"link target is not text", "example.com", SearchOptions{}, ""},
		{"table cell", "low", SearchOptions{}, "heat"},
		{"status filter", "tea ", SearchOptions{Statuses: []job.Status{job.Incomplete}}, "coffee"},
		{"model filter", "tea ", SearchOptions{Model: "o3-deep-research"}, "green,black"},
		{"since", "tea ", SearchOptions{Since: t0.Add(-2 * time.Hour)}, "black,coffee"},
		{"until", "tea ", SearchOptions{Until: t0.Add(-2 * time.Hour)}, "green,black"},
		{"limit", "tea ", SearchOptions{Limit: 1}, "green"},
		{"offset", "tea ", SearchOptions{Limit: 1, Offset: 1}, "black"},
		{"lowercase and is a word", "and", SearchOptions{}, "rust,heat"},
		{"hyphenated is a phrase", "async-std", SearchOptions{}, "rust"},
		{"empty: newest finished first", "", SearchOptions{}, "rust,coffee,black,green,heat,zh,ja"},
		{"empty with filter", "  ", SearchOptions{Model: "o4-mini-deep-research"}, "coffee"},
		{"punctuation only finds nothing", "* : ^ 🍵", SearchOptions{}, ""},
		{"no match", "zebra", SearchOptions{}, ""},
	}
	for _, tt := range tests {
		got := strings.Join(e.searchIDs(tt.q, tt.o), ",")
		if got != tt.want {
			t.Errorf("%s: Search(%q, %+v) = %q, want %q", tt.name, tt.q, tt.o, got, tt.want)
		}
	}
}

func TestSearchSnippets(t *testing.T) {
	e, _ := library(t)
	tests := []struct {
		q, want string
	}{
		{"silk", "Black tea was traded along the \x02Silk\x03 Road. Müller studied it."},
		{"heat pump ", "\x02Heat\x03 \x02pumps\x03 Modern \x02heat\x03 \x02pumps\x03 are efficient; solaire panels and hydrogen storage help. Kind Price air low"},
		{"hydro", "Heat pumps Modern heat pumps are efficient; solaire panels and \x02hydrogen\x03 storage help. Kind Price air low"},
		{"研究", "中文\x02研究\x03显示，氢能源很重要。"},
		{"example.jp", "Agency outlook www.\x02example.jp\x03"},
		{"health", "Green tea \x02health\x03 effects"},
		{"muller", "Black tea was traded along the Silk Road. \x02Müller\x03 studied it."},
		{"tea prices", "Coffee \x02prices\x03 rose; \x02tea\x03 \x02prices\x03 fell. 中文 資料 included."},
		{"prices", "Coffee \x02prices\x03 rose; tea \x02prices\x03 fell. 中文 資料 included."},
	}
	for _, tt := range tests {
		hits, err := hitsOf(e.st.Search(e.ctx, tt.q, SearchOptions{}))
		if err != nil || len(hits) == 0 {
			t.Errorf("Search(%q) = %v, %v; want a hit", tt.q, hits, err)
			continue
		}
		if hits[0].Snippet != tt.want {
			t.Errorf("Search(%q) snippet\n got %q\nwant %q", tt.q, hits[0].Snippet, tt.want)
		}
	}
	hits, _ := hitsOf(e.st.Search(e.ctx, "tea ", SearchOptions{}))
	for i := 1; i < len(hits); i++ {
		if hits[i].Rank < hits[i-1].Rank {
			t.Errorf("ranks not ascending: %v then %v", hits[i-1].Rank, hits[i].Rank)
		}
	}
	hits, _ = hitsOf(e.st.Search(e.ctx, "", SearchOptions{Model: "o3-deep-research", Until: *e.get("heat").FinishedAt}))
	if len(hits) == 0 || hits[0].Job.ID != "heat" || strings.ContainsAny(hits[0].Snippet, "#*[]|`") {
		t.Errorf("empty query hit = %+v, want heat with a plain-text start", hits)
	}
	if _, err := hitsOf(e.st.Search(e.ctx, "tea", SearchOptions{Sort: "popular"})); err == nil {
		t.Error("Search with an unknown sort: no error")
	}
}

// TestSearchLongSnippet: a match deep in a long report is shown with
// context cut on both sides.
func TestSearchLongSnippet(t *testing.T) {
	e := setup(t)
	j := e.create(job.Job{Status: job.Running, Prompt: "long"})
	md := strings.Repeat("Lorem ipsum dolor sit amet. ", 200) + "The **kumquat** harvest. " + strings.Repeat("Consectetur adipiscing elit. ", 200)
	e.finish(j.ID, Report{Markdown: md})
	hits, err := hitsOf(e.st.Search(e.ctx, "kumquat", SearchOptions{}))
	if err != nil || len(hits) != 1 {
		t.Fatalf("Search = %v, %v", hits, err)
	}
	sn := hits[0].Snippet
	if !strings.HasPrefix(sn, "…") || !strings.HasSuffix(sn, "…") || !strings.Contains(sn, "The \x02kumquat\x03 harvest.") ||
		len(strings.Fields(sn)) > snippetTokens+1 || strings.Contains(sn, "**") {
		t.Errorf("snippet %q: want the match in context, cut with … on both sides, no markdown", sn)
	}
}

func TestSearchBadQueries(t *testing.T) {
	e, _ := library(t)
	tests := []struct{ q, msg string }{
		{`"heat pump`, "never closed"},
		{`tea "`, "never closed"},
		{`-"tea`, "never closed"},
		{`-`, `lone "-"`},
		{`tea - coffee`, `lone "-"`},
		{`AND`, "needs a word after it"},
		{`tea AND`, "needs a word after it"},
		{`AND tea`, "needs a word before it"},
		{`OR tea`, "needs a word before it"},
		{`tea OR`, "needs a word after it"},
		{`NOT`, "needs a word after it"},
		{`tea AND OR coffee`, "cannot follow"},
		{`tea NOT NOT coffee`, "cannot follow"},
		{`-tea`, "as well as what to leave out"},
		{`NOT tea`, "as well as what to leave out"},
		{`tea OR -coffee`, "exclusion"},
		{`tea OR 🍵`, "needs a word after it"},
	}
	for _, tt := range tests {
		_, err := hitsOf(e.st.Search(e.ctx, tt.q, SearchOptions{}))
		var qe *searchq.QueryError
		if !errors.Is(err, searchq.ErrBadQuery) || !errors.As(err, &qe) || !strings.Contains(err.Error(), tt.msg) || qe.Query != tt.q {
			t.Errorf("Search(%q) = %v; want a *searchq.QueryError (searchq.ErrBadQuery) saying %q", tt.q, err, tt.msg)
		}
		if strings.Contains(err.Error(), "fts5") || strings.Contains(err.Error(), "syntax error") {
			t.Errorf("Search(%q): %v shows the engine's error", tt.q, err)
		}
	}
}

// TestSearchHostile: any user text gives hits or a *searchq.QueryError, never
// another error.
func TestSearchHostile(t *testing.T) {
	e, _ := library(t)
	for _, q := range []string{
		`"`, `""`, `"""`, `*`, `**`, `tea*`, `*tea`, `t*a`, `AND`, `OR`, `NOT`, `tea AND`, `AND tea`, `NEAR(`,
		`NEAR(tea coffee, 2)`, `-`, `-tea`, `:`, `prompt:tea`, `title : x`, `^tea`, `(`, `)`, `{prompt}: tea`,
		`tea OR`, `'`, `\`, `%`, `_`, `;DROP TABLE jobs;--`, "🍵", "🍵 tea", "Müller", "中文", "日本語のテキスト",
		"\x00", "\x02\x03", "a\tb\nc", strings.Repeat("tea ", 200), "\xff\xfe", "+", "tea-", "é*", "cjk : x",
		`"a" OR "b"`, `a"b"c`, `--tea`, `-*`, `x OR OR y`, `"" tea`, `tea ""`, "研*", "ー", "東京 OR 研究",
	} {
		for _, sort := range []string{"", "date"} {
			_, err := hitsOf(e.st.Search(e.ctx, q, SearchOptions{Sort: sort}))
			if err != nil && !errors.Is(err, searchq.ErrBadQuery) {
				t.Errorf("Search(%q, %q): %v", q, sort, err)
			}
			if err != nil && (strings.Contains(err.Error(), "fts5") || strings.Contains(err.Error(), "SQL")) {
				t.Errorf("Search(%q): %v shows the engine's error", q, err)
			}
		}
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
