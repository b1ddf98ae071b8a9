// Command gen turns the npm package @etalab/decoupage-administratif into the
// compact directory file that package directory embeds.
//
//	go run ./internal/directory/gen -src /tmp/package -out internal/directory/directory.tsv.gz
//
// The package is published as several large JSON files (12 MB); the binary
// only needs a few fields of each body, so the generator keeps those, in one
// gzip'd TSV file of about half a megabyte. See ../README.md for the source,
// its licence and the refresh procedure.
package main

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// run parses the flags, reads the source, and writes the file atomically, so
// that a failed run never leaves a truncated file to be embedded.
func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	src := fs.String("src", "", "unpacked npm package @etalab/decoupage-administratif (the folder holding data/)")
	out := fs.String("out", "internal/directory/directory.tsv.gz", "file to write")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *src == "" {
		return errors.New("-src is required")
	}
	in, err := readSource(filepath.Join(*src, "data"))
	if err != nil {
		return err
	}
	rows, err := build(in)
	if err != nil {
		return err
	}
	if err := writeFile(*out, rows); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "gen: wrote %d bodies to %s: %s\n", len(rows), *out, countKinds(rows))
	return nil
}

// writeFile writes rows as gzip'd TSV to a temporary file beside path, then
// renames it into place.
func writeFile(path string, rows []row) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".directory-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil {
		return err
	}
	zw, err := gzip.NewWriterLevel(tmp, gzip.BestCompression)
	if err != nil {
		return err
	}
	if err := writeTSV(zw, rows); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// readJSON decodes one data file of the package.
func readJSON(dir, name string, v any) error {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}
