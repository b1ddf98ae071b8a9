package render

// Chromium takes a PDF's title from the page's <title> and nothing else:
// the author and subject of the document, and an honest creator, are
// added to its information dictionary by an incremental update — a new
// dictionary, a one-entry cross-reference section and a trailer appended
// after the file, which every reader applies over the original.

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"time"
	"unicode/utf16"
)

var (
	trailerRE   = regexp.MustCompile(`trailer\s*<<((?s:.*?))>>\s*startxref\s+(\d+)\s+%%EOF\s*$`)
	trailerSize = regexp.MustCompile(`/Size\s+(\d+)`)
	trailerRoot = regexp.MustCompile(`/Root\s+\d+\s+\d+\s+R`)
	trailerID   = regexp.MustCompile(`/ID\s*\[[^\]]*\]`)
)

// withInfo returns pdf with d's metadata. A file whose trailer it cannot
// read (a cross-reference stream, say) is returned as it is: metadata are
// worth less than the document.
func withInfo(pdf []byte, d *Document, now time.Time) []byte {
	m := trailerRE.FindSubmatch(pdf)
	if m == nil {
		return pdf
	}
	trailer, prev := m[1], string(m[2])
	sm, root := trailerSize.FindSubmatch(trailer), trailerRoot.Find(trailer)
	if sm == nil || root == nil {
		return pdf
	}
	obj, err := strconv.Atoi(string(sm[1]))
	if err != nil {
		return pdf
	}
	var b bytes.Buffer
	b.Write(pdf)
	if pdf[len(pdf)-1] != '\n' {
		b.WriteByte('\n')
	}
	at := b.Len()
	fmt.Fprintf(&b, "%d 0 obj\n<</Title %s /Author %s /Subject %s /Creator %s /Producer %s /CreationDate %s>>\nendobj\n",
		obj, pdfHexString(d.Title), pdfHexString(d.Author), pdfHexString(d.Subject),
		pdfHexString("tnl (Chromium)"), pdfHexString("Skia/PDF"), pdfHexString(now.UTC().Format("D:20060102150405Z")))
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n%d 1\n%010d 00000 n \ntrailer\n<</Size %d %s /Info %d 0 R /Prev %s",
		obj, at, obj+1, root, obj, prev)
	if id := trailerID.Find(trailer); id != nil {
		b.WriteString(" ")
		b.Write(id)
	}
	fmt.Fprintf(&b, ">>\nstartxref\n%d\n%%%%EOF\n", xref)
	return b.Bytes()
}

// pdfHexString is s as a PDF text string: UTF-16 with its byte order
// mark, in hexadecimal, which needs no escaping.
func pdfHexString(s string) string {
	var b bytes.Buffer
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}
