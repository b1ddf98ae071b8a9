package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"tnl/bench/harness"
)

// result is one export measured.
type result struct {
	engine, format string
	elapsed        time.Duration // from the request to the last byte
	firstByte      time.Duration
	wire, size     int64         // bytes received, and of the file once decompressed
	rows           int           // data rows found in the file
	peakKB         int           // the server's VmHWM after the export
	cpu            time.Duration // processor time the server used for the export
	startKB        int           // its VmRSS before the export
}

// measureExport starts a fresh tnl serve, signs in, downloads one export
// into dir as a browser would (gzip accepted) and reads the server's peak
// resident size. A fresh server per format makes each peak its own.
func measureExport(ctx context.Context, cfg harness.ServerConfig, engine, format, dir string) (*result, error) {
	srv, err := harness.Start(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	transport := &http.Transport{DisableCompression: true} // we decompress, to count the bytes on the wire
	client, err := harness.SignIn(ctx, srv.URL(""), adminEmail, adminPassword, transport)
	if err != nil {
		return nil, err
	}
	res := &result{engine: engine, format: format}
	if res.startKB, err = srv.MemoryKB("VmRSS"); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, fmt.Sprintf("export-%s.%s", engine, format))
	cpu0, err := srv.CPUTime()
	if err != nil {
		return nil, err
	}
	if err := download(ctx, client, srv.URL("/admin/candidatures/export."+format), path, res); err != nil {
		return nil, err
	}
	cpu1, err := srv.CPUTime()
	if err != nil {
		return nil, err
	}
	res.cpu = cpu1 - cpu0
	if res.peakKB, err = srv.MemoryKB("VmHWM"); err != nil {
		return nil, err
	}
	res.rows, err = countRows(path, format)
	return res, err
}

func download(ctx context.Context, client *http.Client, url, path string, res *result) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept-Encoding", "gzip")
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	res.firstByte = time.Since(start)
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 2000))
		return fmt.Errorf("GET %s: %d\n%s", url, resp.StatusCode, b)
	}
	raw, err := os.Create(path + ".wire")
	if err != nil {
		return err
	}
	defer os.Remove(raw.Name())
	defer raw.Close()
	if res.wire, err = io.Copy(raw, resp.Body); err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	res.elapsed = time.Since(start)
	return decompress(raw, resp.Header.Get("Content-Encoding") == "gzip", path, res)
}

// decompress turns what was received into the file a person gets.
func decompress(raw *os.File, gzipped bool, path string, res *result) error {
	if _, err := raw.Seek(0, io.SeekStart); err != nil {
		return err
	}
	var in io.Reader = raw
	if gzipped {
		zr, err := gzip.NewReader(raw)
		if err != nil {
			return err
		}
		in = zr
	}
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	defer out.Close()
	res.size, err = io.Copy(out, in)
	return err
}

// countRows counts the data rows of a downloaded file, header excluded:
// CSV records, or the rows of the ZIP's sheet XML.
func countRows(path, format string) (int, error) {
	if format == "csv" {
		f, err := os.Open(path)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		r := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
		r.ReuseRecord = true
		n := 0
		for {
			if _, err := r.Read(); err == io.EOF {
				return n - 1, nil
			} else if err != nil {
				return 0, err
			}
			n++
		}
	}
	entry, tag := "content.xml", []byte("<table:table-row")
	if format == "xlsx" {
		entry, tag = "xl/worksheets/sheet1.xml", []byte("<row ")
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		return 0, err
	}
	defer zr.Close()
	f, err := zr.Open(entry)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n, err := countTag(f, tag)
	return n - 1, err
}

// countTag counts occurrences of tag in a stream, across buffer
// boundaries.
func countTag(r io.Reader, tag []byte) (int, error) {
	buf := make([]byte, 1<<20)
	carry := 0
	n := 0
	for {
		k, err := r.Read(buf[carry:])
		data := buf[:carry+k]
		n += bytes.Count(data, tag)
		keep := min(len(tag)-1, len(data))
		copy(buf, data[len(data)-keep:])
		carry = keep
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}
