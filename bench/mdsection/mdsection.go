// Package mdsection rewrites one named section of BENCHMARKS.md and keeps
// the others, so that each benchmark program owns its part of the file.
package mdsection

import (
	"fmt"
	"os"
	"strings"
)

func markers(name string) (begin, end string) {
	return fmt.Sprintf("<!-- begin %s: written by a program, do not edit by hand -->\n", name),
		fmt.Sprintf("<!-- end %s -->\n", name)
}

// Replace puts content between the markers of section name in the file at
// path, appending the section when the file does not have it yet.
func Replace(path, name, content string) error {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	return os.WriteFile(path, []byte(Merge(string(old), name, content)), 0o644)
}

// Merge returns doc with section name's content replaced.
func Merge(doc, name, content string) string {
	begin, end := markers(name)
	if !strings.HasSuffix(content, "\n") {
		content += "\n"
	}
	section := begin + content + end
	i := strings.Index(doc, begin)
	j := strings.Index(doc, end)
	if i < 0 || j < i {
		if doc != "" && !strings.HasSuffix(doc, "\n\n") {
			doc = strings.TrimRight(doc, "\n") + "\n\n"
		}
		return doc + section
	}
	return doc[:i] + section + doc[j+len(end):]
}
