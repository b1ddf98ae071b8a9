package render

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"
	"testing"
)

// makeODS builds a package around a content.xml body (the inside of
// office:spreadsheet), as LibreOffice lays it out unless told otherwise.
func makeODS(t *testing.T, body string, mimeMethod uint16, mime string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: mimeMethod})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(mime))
	w, _ = zw.Create("content.xml")
	w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<office:body><office:spreadsheet>` + body + `</office:spreadsheet></office:body></office:document-content>`))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readODSBody(t *testing.T, body string) (map[string][][]string, error) {
	t.Helper()
	b := makeODS(t, body, zip.Store, odsMimetype)
	return ReadODS(bytes.NewReader(b), int64(len(b)))
}

// TestReadODSLibreOfficeMarkup reads markup as LibreOffice saves it.
func TestReadODSLibreOfficeMarkup(t *testing.T) {
	body := `<table:table table:name="Feuille1">
<table:table-column table:number-columns-repeated="1024"/>
<table:table-header-rows><table:table-row>
 <table:table-cell office:value-type="string"><text:p>Nom</text:p></table:table-cell>
 <table:table-cell table:number-columns-repeated="2"/>
 <table:table-cell office:value-type="float" office:value="3"><text:p>3,00 €</text:p></table:table-cell>
 <table:table-cell table:number-columns-repeated="1020"/>
</table:table-row></table:table-header-rows>
<table:table-row table:number-rows-repeated="2">
 <table:table-cell table:number-columns-repeated="3"><text:p>x</text:p></table:table-cell>
</table:table-row>
<table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>
<table:table-row>
 <table:table-cell><text:p> lead  <text:s/>two<text:s text:c="3"/>x<text:tab/>y<text:line-break/>z</text:p><text:p/><text:p><text:span>sp</text:span>an
   wrapped</text:p>
 <office:annotation><dc:creator>Anne</dc:creator><text:p>a comment</text:p></office:annotation></table:table-cell>
 <table:covered-table-cell/>
 <table:table-cell office:value-type="float" office:value="42"/>
 <table:table-cell office:value-type="string" office:string-value="attr only"/>
</table:table-row>
<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>
</table:table>
<table:table table:name="Empty"><table:table-column/><table:table-row><table:table-cell/></table:table-row></table:table>`
	got, err := readODSBody(t, body)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["Empty"] != nil {
		t.Errorf("sheets: %q", got)
	}
	want := [][]string{
		{"Nom", "", "", "3,00 €"},
		{"x", "x", "x"},
		{"x", "x", "x"},
		nil, nil, nil,
		{"lead  two   x\ty\nz\n\nspan wrapped", "", "42", "attr only"},
	}
	diffRows(t, got["Feuille1"], want)
}

func TestReadODSRepeatedRowsAreCopies(t *testing.T) {
	got, err := readODSBody(t, `<table:table table:name="S"><table:table-row table:number-rows-repeated="2"><table:table-cell><text:p>a</text:p></table:table-cell></table:table-row></table:table>`)
	if err != nil {
		t.Fatal(err)
	}
	got["S"][0][0] = "changed"
	if got["S"][1][0] != "a" {
		t.Error("repeated rows share their cells")
	}
}

func TestReadODSLimits(t *testing.T) {
	cell := `<table:table-cell><text:p>x</text:p></table:table-cell>`
	for name, body := range map[string]string{
		"columns": `<table:table table:name="S"><table:table-row><table:table-cell table:number-columns-repeated="99999999999999999999">` +
			`<text:p>x</text:p></table:table-cell></table:table-row></table:table>`,
		"rows": `<table:table table:name="S"><table:table-row table:number-rows-repeated="9223372036854775807">` +
			cell + `</table:table-row></table:table>`,
		"cells": `<table:table table:name="S"><table:table-row table:number-rows-repeated="1000000">` +
			`<table:table-cell table:number-columns-repeated="1000"><text:p>x</text:p></table:table-cell></table:table-row></table:table>`,
		"spaces": `<table:table table:name="S"><table:table-row><table:table-cell><text:p><text:s text:c="2000000000"/></text:p>` +
			`</table:table-cell></table:table-row></table:table>`,
		"empty then full": `<table:table table:name="S"><table:table-row table:number-rows-repeated="1048576"><table:table-cell/></table:table-row>` +
			`<table:table-row>` + cell + `</table:table-row></table:table>`,
		"truncated": `<table:table table:name="S"><table:table-row>`,
	} {
		if _, err := readODSBody(t, body); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestReadODSMimetype(t *testing.T) {
	body := `<table:table table:name="S"/>`
	for name, b := range map[string][]byte{
		"compressed": makeODS(t, body, zip.Deflate, odsMimetype),
		"wrong type": makeODS(t, body, zip.Store, "application/vnd.oasis.opendocument.text"),
	} {
		if _, err := ReadODS(bytes.NewReader(b), int64(len(b))); !errors.Is(err, ErrNotODS) {
			t.Errorf("%s: error %v, want ErrNotODS", name, err)
		}
	}

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("content.xml")
	w.Write([]byte("<x/>"))
	w, _ = zw.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
	w.Write([]byte(odsMimetype))
	zw.Close()
	if _, err := ReadODS(bytes.NewReader(buf.Bytes()), int64(buf.Len())); !errors.Is(err, ErrNotODS) {
		t.Errorf("mimetype second: error %v, want ErrNotODS", err)
	}

	buf.Reset()
	zw = zip.NewWriter(&buf)
	w, _ = zw.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
	w.Write([]byte(odsMimetype))
	zw.Create("content.xml")
	zw.Close()
	if _, err := ReadODS(bytes.NewReader(buf.Bytes()), int64(buf.Len())); !errors.Is(err, ErrNotODS) {
		t.Errorf("empty content.xml: error %v, want ErrNotODS", err)
	}

	if _, err := ReadODS(strings.NewReader("not a zip"), 9); err == nil {
		t.Error("not a zip: no error")
	}
}
