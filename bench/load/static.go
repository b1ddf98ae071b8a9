package main

import (
	"bufio"
	"bytes"
	"flag"
	"net/http"
	"net/textproto"
	"os"
	"strconv"
)

// serveStatic is the baseline: the least work a Go server can do to answer
// a page — the same bytes and headers as tnl's home page, from memory, for
// every path. tnl's requests/s are reported as a fraction of its own.
func serveStatic(args []string) error {
	fs := flag.NewFlagSet("static", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8081", "address to listen on")
	bodyFile := fs.String("body", "", "file holding the page to serve")
	headerFile := fs.String("headers", "", `file of "Name: value" lines sent with the page`)
	if err := fs.Parse(args); err != nil {
		return err
	}
	body, err := os.ReadFile(*bodyFile)
	if err != nil {
		return err
	}
	header, err := readHeader(*headerFile)
	if err != nil {
		return err
	}
	header.Set("Content-Length", strconv.Itoa(len(body)))
	return http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for name, values := range header {
			h[name] = values
		}
		w.Write(body)
	}))
}

// readHeader parses the lines written by headerLines.
func readHeader(path string) (http.Header, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	// A blank line ends a MIME header block.
	r := textproto.NewReader(bufio.NewReader(bytes.NewReader(append(b, '\n'))))
	h, err := r.ReadMIMEHeader()
	return http.Header(h), err
}
