package render

// A document as one self-contained HTML page for Chromium to print: the
// language set, semantic elements (so that the tagged PDF has headings,
// lists and tables a screen reader can walk), the print styles embedded,
// and a Content-Security-Policy that forbids any request.

import (
	"html/template"
	"io"
	"strings"
)

// htmlBlock is a block as the template walks it.
type htmlBlock struct {
	Kind  string // h2, h3, h4, p, ul, dl, table, break
	Text  string
	Lines []string // a paragraph's lines
	Items []string
	Pairs []KeyValue
	Table *Table
	Rows  [][]string // the table's rows, each as wide as the header
	Keep  bool       // a short table, kept on one page
}

// pdfCSS is the print style sheet: A4 paper (the margins are PrintToPDF's,
// so that the footer has room), system fonts, tables whose header repeats
// on every page and whose rows do not split.
const pdfCSS = `@page { size: A4; }
html { font-family: "Liberation Sans", "DejaVu Sans", Arial, sans-serif; font-size: 10.5pt; line-height: 1.4; color: #000; }
body { margin: 0; }
h1 { font-size: 18pt; line-height: 1.2; margin: 0 0 10pt; }
h2 { font-size: 14pt; margin: 16pt 0 6pt; break-after: avoid; }
h3 { font-size: 12pt; margin: 12pt 0 4pt; break-after: avoid; }
h4 { font-size: 10.5pt; margin: 10pt 0 4pt; break-after: avoid; }
p { margin: 0 0 6pt; orphans: 3; widows: 3; }
ul { margin: 0 0 8pt; padding-left: 16pt; }
li { margin: 0 0 2pt; }
dl { display: grid; grid-template-columns: minmax(25%, max-content) 1fr; gap: 2pt 12pt; margin: 0 0 8pt; }
dt { font-weight: bold; }
dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 0 0 10pt; }
caption { caption-side: top; text-align: left; font-weight: bold; padding: 0 0 4pt; }
th, td { border: 0.5pt solid #555; padding: 3pt 5pt; text-align: left; vertical-align: top; overflow-wrap: break-word; }
thead th { background: #e6e6e6; }
thead { display: table-header-group; }
tr, table.keep { break-inside: avoid; }
.page-break { break-before: page; }
`

var pdfPage = template.Must(template.New("pdf").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{{.Title}}</title>
{{with .Author}}<meta name="author" content="{{.}}">
{{end}}{{with .Subject}}<meta name="description" content="{{.}}">
{{end}}<style>{{.CSS}}</style>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
{{range .Blocks}}{{if eq .Kind "h2"}}<h2>{{.Text}}</h2>
{{else if eq .Kind "h3"}}<h3>{{.Text}}</h3>
{{else if eq .Kind "h4"}}<h4>{{.Text}}</h4>
{{else if eq .Kind "p"}}<p>{{range $i, $l := .Lines}}{{if $i}}<br>{{end}}{{$l}}{{end}}</p>
{{else if eq .Kind "ul"}}<ul>
{{range .Items}}<li>{{.}}</li>
{{end}}</ul>
{{else if eq .Kind "dl"}}<dl>
{{range .Pairs}}<dt>{{.Key}}</dt><dd>{{.Value}}</dd>
{{end}}</dl>
{{else if eq .Kind "table"}}<table{{if .Keep}} class="keep"{{end}}>
{{with .Table.Caption}}<caption>{{.}}</caption>
{{end}}{{with .Table.Header}}<thead><tr>{{range .}}<th scope="col">{{.}}</th>{{end}}</tr></thead>
{{end}}
<tbody>
{{range .Rows}}<tr>{{range $i, $c := .}}{{if $i}}<td>{{$c}}</td>{{else}}<th scope="row">{{$c}}</th>{{end}}{{end}}</tr>
{{end}}</tbody>
</table>
{{else if eq .Kind "break"}}<div class="page-break"></div>
{{end}}{{end}}</main>
</body>
</html>
`))

// writeHTML writes d as the page Chromium prints.
func writeHTML(w io.Writer, d *Document) error {
	data := struct {
		*Document
		Lang   string
		CSS    template.CSS
		Blocks []htmlBlock
	}{Document: d, Lang: d.lang(), CSS: template.CSS(pdfCSS), Blocks: htmlBlocks(d.Blocks)}
	return pdfPage.Execute(w, data)
}

// htmlBlocks turns the blocks into what the template walks; headings
// level 1–3 become h2–h4 under the title's h1.
func htmlBlocks(blocks []Block) []htmlBlock {
	out := make([]htmlBlock, 0, len(blocks))
	for _, b := range blocks {
		switch b := b.(type) {
		case *Heading:
			out = append(out, htmlBlock{Kind: [...]string{"h2", "h3", "h4"}[headingLevel(b)-1], Text: b.Text})
		case *Paragraph:
			out = append(out, htmlBlock{Kind: "p", Lines: strings.Split(b.Text, "\n")})
		case *List:
			out = append(out, htmlBlock{Kind: "ul", Items: b.Items})
		case *KeyValues:
			out = append(out, htmlBlock{Kind: "dl", Pairs: b.Pairs})
		case *Table:
			out = append(out, htmlBlock{Kind: "table", Table: b, Rows: b.squareRows(), Keep: len(b.Rows) <= keepRows})
		case *PageBreak:
			out = append(out, htmlBlock{Kind: "break"})
		}
	}
	return out
}

// headingLevel is h.Level kept within 1–3.
func headingLevel(h *Heading) int {
	return min(max(h.Level, 1), 3)
}

// squareRows returns the rows, each as wide as the header (or as the
// widest row, for a table without a header).
func (t *Table) squareRows() [][]string {
	n := len(t.Header)
	if n == 0 {
		for _, r := range t.Rows {
			n = max(n, len(r))
		}
	}
	out := make([][]string, len(t.Rows))
	for i, r := range t.Rows {
		row := make([]string, n)
		copy(row, r)
		out[i] = row
	}
	return out
}
