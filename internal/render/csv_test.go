package render

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
)

func TestCSVRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	rows := fixture()
	writeAll(t, NewCSV(&buf), rows)

	out := buf.String()
	if !strings.HasPrefix(out, "\uFEFF") {
		t.Fatalf("no byte order mark: %q", out[:min(len(out), 10)])
	}
	if !strings.HasSuffix(out, "\r\n") || strings.Count(out, "\n") != strings.Count(out, "\r\n") {
		t.Error("lines do not all end in CRLF")
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\uFEFF")))
	r.FieldsPerRecord = -1
	got, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := expected(rows, true)
	for i := range want { // CSV keeps trailing empty fields
		want[i] = append(want[i], make([]string, len(rows[i])-len(want[i]))...)
	}
	diffRows(t, got, want)
}

func TestCSVFormulaProtection(t *testing.T) {
	cases := []struct {
		cell Cell
		want string
	}{
		{Text("=1+1"), "'=1+1"},
		{Text("+33 6"), "'+33 6"},
		{Text("-5"), "'-5"},
		{Text("@cmd"), "'@cmd"},
		{Text("\tx"), "'\tx"},
		{Text("\rx"), "'\nx"},
		{Text("\x01=1+1"), "'=1+1"}, // a stripped control character cannot hide a formula
		{Text("a=1"), "a=1"},
		{Num("-5"), "-5"},
		{Num("+5"), "+5"},
		{Num("-1e3"), "-1e3"},
		{Num("=1+1"), "'=1+1"}, // not a number, so text
		{Num("-"), "'-"},
	}
	for _, c := range cases {
		if got := csvField(c.cell); got != c.want {
			t.Errorf("csvField(%+v) = %q, want %q", c.cell, got, c.want)
		}
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestCSVWriteError(t *testing.T) {
	sw := NewCSV(failingWriter{})
	var err error
	for i := 0; i < 10_000 && err == nil; i++ {
		err = sw.WriteRow(Texts("a", "b", "c")...)
	}
	if err == nil {
		err = sw.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("error = %v, want disk full", err)
	}
}
