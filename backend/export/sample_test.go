package export

import (
	"time"

	"github.com/deepr-desktop/deepr/backend/job"
)

// sampleMarkdown exercises every block the exports lay out, in several
// scripts.
const sampleMarkdown = `# Heat pumps in cold climates

Modern **heat pumps** work at *-25 °C* and below ([example.jp](https://www.example.jp/hp)). See also ~~old claims~~ and ` + "`COP`" + ` values.

## Findings

1. Efficiency rises with [better compressors](https://b.example/compressors).
2. Costs fall:
   - installation
   - running costs

> Quoted: "the market grew 40 %".

| Country | Share | Note |
|:---|---:|:---:|
| Norway | 60 % | Леса и фьорды |
| Japan | 30 % | 東京の研究 |

` + "```go\nfunc main() {\n\tfmt.Println(\"hello\") // a comment that is long enough to need wrapping inside the code block of the PDF page width\n}\n```" + `

---

Русский текст: теплонасосы работают зимой. 日本語の文章：東京タワーの高さは333メートルです。中文研究显示，氢能源很重要。한국어 문장입니다. Emoji: 🍵🔥.

A very long URL-like word: https://example.org/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/end

<script>alert("x")</script> raw <b>html</b> stays text.
`

func sampleReport() Report {
	created := time.Date(2025, 5, 1, 10, 0, 0, 0, time.UTC)
	fin := created.Add(25 * time.Minute)
	j := job.Job{ID: "k3j9x0qa7z", Status: job.Completed, Provider: "openai", Model: "o3-deep-research",
		Prompt: "Heat pumps in cold climates\nCompare Norway and Japan; include *costs* & <risks>.", CreatedAt: created, FinishedAt: &fin,
		CostUSD: 1.5, Usage: job.Usage{InputTokens: 12345, OutputTokens: 6789, WebSearchCalls: 14},
		ProviderJobID: "resp_secret_looking_id", ReportPath: "/home/someone/private/path", Error: "an-internal-error-text"}
	// Offsets are rune indexes into sampleMarkdown.
	md := []rune(sampleMarkdown)
	at := func(s string) (int, int) {
		for i := range md {
			if string(md[i:min(i+len([]rune(s)), len(md))]) == s {
				return i, i + len([]rune(s))
			}
		}
		panic("not in sample: " + s)
	}
	s1, e1 := at("([example.jp](https://www.example.jp/hp))")
	s2, e2 := at("Efficiency rises with")
	s3, e3 := at("東京タワーの高さは333メートルです。")
	return Report{Job: j, Title: "Heat pumps in cold climates", Markdown: sampleMarkdown, Citations: []job.Citation{
		{Index: 1, URL: "https://www.example.jp/hp", Title: "Cold-climate heat pump study", Start: s1, End: e1},
		{Index: 2, URL: "https://b.example/compressors", Title: "Compressor [review]", Start: s2, End: e2},
		{Index: 3, URL: "https://tokyo.example/tower", Title: "東京タワー公式", Start: s3, End: e3},
		{Index: 4, URL: "javascript:alert(1)", Title: "Hostile source", Start: s3, End: e3},
	}}
}
