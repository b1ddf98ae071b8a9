package main

import (
	"strings"
	"testing"
	"testing/iotest"
)

// TestCountTag counts tags split across reads, as a large ZIP entry's are.
func TestCountTag(t *testing.T) {
	doc := strings.Repeat(`<row r="1"><c/></row>`, 1000)
	if n, err := countTag(iotest.OneByteReader(strings.NewReader(doc)), []byte("<row ")); err != nil || n != 1000 {
		t.Fatalf("one byte at a time: %d %v", n, err)
	}
	if n, err := countTag(strings.NewReader(doc), []byte("<row ")); err != nil || n != 1000 {
		t.Fatalf("in one read: %d %v", n, err)
	}
}
