package export

import (
	"archive/zip"
	"fmt"
	"io"
	"strings"
	"time"
)

// writeDOCX writes the export document as Office Open XML (WordprocessingML),
// built directly with archive/zip: headings use Word's Heading styles,
// lists hanging indents, code a monospace shaded style, tables real Word
// tables, and links external hyperlink relationships. Word, LibreOffice and
// Pages pick fonts for every script themselves.
func writeDOCX(w io.Writer, r Report) error {
	d := &docx{}
	body := d.body(blocks(markdownDoc(r)))
	stamp := r.Job.CreatedAt.UTC()
	if stamp.Year() < 1980 {
		stamp = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	files := []struct{ name, data string }{
		{"[Content_Types].xml", contentTypes},
		{"_rels/.rels", rootRels},
		{"docProps/core.xml", coreXML(r.title(), r.Job.CreatedAt)},
		{"word/styles.xml", stylesXML()},
		{"word/_rels/document.xml.rels", d.rels()},
		{"word/document.xml", documentXML(body)},
	}
	z := zip.NewWriter(w)
	for _, f := range files {
		fw, err := z.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: stamp})
		if err != nil {
			return err
		}
		if _, err := io.WriteString(fw, f.data); err != nil {
			return err
		}
	}
	return z.Close()
}

// docx collects the document's hyperlinks while writing its body.
type docx struct {
	links []string // relationship rIdN+2 is links[N]
}

func (d *docx) linkID(u string) string {
	for i, l := range d.links {
		if l == u {
			return fmt.Sprintf("rId%d", i+2)
		}
	}
	d.links = append(d.links, u)
	return fmt.Sprintf("rId%d", len(d.links)+1)
}

func (d *docx) rels() string {
	var b strings.Builder
	b.WriteString(xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	b.WriteString(`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`)
	for i, l := range d.links {
		fmt.Fprintf(&b, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="%s" TargetMode="External"/>`, i+2, xmlEsc(l))
	}
	b.WriteString(`</Relationships>`)
	return b.String()
}

// body renders the blocks as WordprocessingML body content.
func (d *docx) body(bs []block) string {
	var b strings.Builder
	for _, bl := range bs {
		left := 0
		if bl.indent > 0 {
			left = 360 * bl.indent
		}
		switch bl.kind {
		case headingBlock:
			fmt.Fprintf(&b, `<w:p><w:pPr><w:pStyle w:val="Heading%d"/>%s</w:pPr>%s</w:p>`, bl.level, bidiPr(bl.runs), d.runs(bl.runs))
		case paraBlock:
			b.WriteString(`<w:p><w:pPr>`)
			if bl.quote {
				b.WriteString(`<w:pStyle w:val="Quote"/>`)
			}
			switch {
			case bl.marker != "":
				fmt.Fprintf(&b, `<w:tabs><w:tab w:val="left" w:pos="%d"/></w:tabs>%s<w:ind w:left="%d" w:hanging="360"/></w:pPr>`, left, bidiPr(bl.runs), left)
				fmt.Fprintf(&b, `<w:r><w:t xml:space="preserve">%s</w:t></w:r><w:r><w:tab/></w:r>`, xmlEsc(bl.marker))
			case left > 0:
				fmt.Fprintf(&b, `%s<w:ind w:left="%d"/></w:pPr>`, bidiPr(bl.runs), left)
			default:
				b.WriteString(bidiPr(bl.runs) + `</w:pPr>`)
			}
			b.WriteString(d.runs(bl.runs))
			b.WriteString(`</w:p>`)
		case codeBlock:
			for _, line := range strings.Split(bl.code, "\n") {
				fmt.Fprintf(&b, `<w:p><w:pPr><w:pStyle w:val="Code"/><w:ind w:left="%d"/></w:pPr><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>`,
					left, xmlEsc(strings.ReplaceAll(line, "\t", "    ")))
			}
		case ruleBlock:
			b.WriteString(`<w:p><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="BBBBBB"/></w:pBdr></w:pPr></w:p>`)
		case tableBlock:
			b.WriteString(d.table(bl))
		}
	}
	return b.String()
}

func (d *docx) table(bl block) string {
	cols := 0
	for _, row := range bl.rows {
		cols = max(cols, len(row))
	}
	if cols == 0 {
		return ""
	}
	const width = 9000 // twentieths of a point, about the text width of A4 or Letter
	var b strings.Builder
	b.WriteString(`<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/><w:tblLook w:val="04A0" w:firstRow="1"/></w:tblPr><w:tblGrid>`)
	for range cols {
		fmt.Fprintf(&b, `<w:gridCol w:w="%d"/>`, width/cols)
	}
	b.WriteString(`</w:tblGrid>`)
	for i, row := range bl.rows {
		b.WriteString(`<w:tr>`)
		if i == 0 {
			b.WriteString(`<w:trPr><w:tblHeader/></w:trPr>`)
		}
		for c := range cols {
			var runs []run
			if c < len(row) {
				runs = row[c]
			}
			jc := ""
			if c < len(bl.align) && bl.align[c] != "" {
				jc = map[string]string{"left": "left", "center": "center", "right": "right"}[bl.align[c]]
				jc = `<w:jc w:val="` + jc + `"/>`
			}
			fmt.Fprintf(&b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr><w:p><w:pPr>%s<w:spacing w:after="0"/>%s</w:pPr>%s</w:p></w:tc>`,
				width/cols, bidiPr(runs), jc, d.runs(runs))
		}
		b.WriteString(`</w:tr>`)
	}
	b.WriteString(`</w:tbl><w:p/>`)
	return b.String()
}

// runs renders styled text; links become hyperlinks.
func (d *docx) runs(rs []run) string {
	var b strings.Builder
	for _, r := range rs {
		var props strings.Builder
		if r.link != "" {
			props.WriteString(`<w:rStyle w:val="Hyperlink"/>`)
		} else if r.code {
			props.WriteString(`<w:rStyle w:val="CodeChar"/>`)
		}
		if r.bold {
			props.WriteString(`<w:b/>`)
		}
		if r.italic {
			props.WriteString(`<w:i/>`)
		}
		if r.strike {
			props.WriteString(`<w:strike/>`)
		}
		if hasRTL(r.text) {
			props.WriteString(`<w:rtl/>`)
		}
		var text strings.Builder
		for i, line := range strings.Split(r.text, "\n") {
			if i > 0 {
				text.WriteString(`<w:br/>`)
			}
			fmt.Fprintf(&text, `<w:t xml:space="preserve">%s</w:t>`, xmlEsc(line))
		}
		wr := `<w:r>`
		if props.Len() > 0 {
			wr += `<w:rPr>` + props.String() + `</w:rPr>`
		}
		wr += text.String() + `</w:r>`
		if r.link != "" {
			wr = `<w:hyperlink r:id="` + d.linkID(r.link) + `">` + wr + `</w:hyperlink>`
		}
		b.WriteString(wr)
	}
	return b.String()
}

// bidiPr marks a right-to-left paragraph (its first strong character is
// right to left) for Word and LibreOffice.
func bidiPr(runs []run) string {
	if paragraphRTL(runs) {
		return `<w:bidi/>`
	}
	return ""
}

// hasRTL reports whether s holds a right-to-left letter (a run to mark w:rtl).
func hasRTL(s string) bool {
	for _, r := range s {
		if r >= 0x590 && runeDir(r) == dirRTL {
			return true
		}
	}
	return false
}

// xmlEsc escapes text for XML and drops characters XML 1.0 cannot hold
// (control characters, lone surrogates, U+FFFE/U+FFFF).
func xmlEsc(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString("&quot;")
		case r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || r >= 0x10000:
			b.WriteRune(r)
		}
	}
	return b.String()
}

const xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

const contentTypes = xmlHeader + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
	`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
	`</Types>`

const rootRels = xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`</Relationships>`

func coreXML(title string, created time.Time) string {
	s := xmlHeader + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
		`xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ` +
		`xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>` + xmlEsc(title) + `</dc:title><dc:creator>Deepr</dc:creator>`
	if !created.IsZero() {
		s += `<dcterms:created xsi:type="dcterms:W3CDTF">` + created.UTC().Format(time.RFC3339) + `</dcterms:created>`
	}
	return s + `</cp:coreProperties>`
}

func documentXML(body string) string {
	return xmlHeader + `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ` +
		`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>` + body +
		`<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" w:header="708" w:footer="708" w:gutter="0"/></w:sectPr>` +
		`</w:body></w:document>`
}
