package fakehttp

import (
	"fmt"
	"strconv"
	"strings"
)

// sizePrefix starts the marker that asks for a report of a given size:
// [[fake:bytes-N]] makes the completed report about N bytes long.
const sizePrefix = "bytes-"

// Size returns N of a [[fake:bytes-N]] marker among marks (as Markers
// returns them), 0 when there is none.
func Size(marks map[string]bool) int {
	for m := range marks {
		if n, err := strconv.Atoi(strings.TrimPrefix(m, sizePrefix)); err == nil && strings.HasPrefix(m, sizePrefix) && n > 0 {
			return n
		}
	}
	return 0
}

// bigSources is how many different sources a big report cites.
const bigSources = 200

// Big is a report of at least n bytes of markdown on topic, as one content
// part: sections with headings, paragraphs with bold text, an inline link,
// accented and CJK words, lists and a table, one cited span a section
// (about 1.7 KB), citing bigSources sources in turn. Reports this large are what
// the memory benchmark saves (make bench).
func Big(topic string, n int) [][]Piece {
	var pieces []Piece
	size := 0
	add := func(p Piece) {
		pieces = append(pieces, p)
		size += len(p.Text)
	}
	add(Piece{Text: "# " + topic + "\n\n"})
	for s := 1; size < n; s++ {
		add(Piece{Text: fmt.Sprintf("## Section %d: findings on %s\n\n", s, topic)})
		for p := 0; p < 3 && size < n; p++ {
			k := s % bigSources
			add(Piece{Text: fmt.Sprintf("Paragraph %d.%d on %s: the **field studies** and market data point to steady change, "+
				"with costs falling and adoption rising in most regions (see the [overview](https://example.org/overview/%d)). "+
				"Measurements vary by season and by site; the café owners of Zürich and the 研究 teams in Kyoto agree on the direction. ", s, p, topic, s)})
			cited := Piece{Text: fmt.Sprintf("Source %d reports a change of %d.%d%% over the period", k+1, s%97, p)}
			if p == 1 {
				cited.URL, cited.Title = fmt.Sprintf("https://source%d.example.com/report/%d", k+1, k+1), fmt.Sprintf("Source %d – annual report", k+1)
			}
			add(cited)
			add(Piece{Text: ". Other sources disagree on the size of the effect, but not on its sign; the next section looks at why.\n\n"})
		}
		add(Piece{Text: "- first point, with `code` in it\n- second point, *emphasised*\n- third point: 中文 and é\n\n" +
			"| Region | Change |\n|---|---:|\n| North | +3% |\n| South | -1% |\n\n"})
	}
	return [][]Piece{pieces}
}
