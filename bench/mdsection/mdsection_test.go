package mdsection

import "testing"

func TestMerge(t *testing.T) {
	doc := Merge("", "load", "# Load\n")
	doc = Merge(doc, "autosave", "## Autosave\nv1\n")
	doc = Merge(doc, "load", "# Load again\n")
	want := "<!-- begin load: written by a program, do not edit by hand -->\n# Load again\n<!-- end load -->\n\n" +
		"<!-- begin autosave: written by a program, do not edit by hand -->\n## Autosave\nv1\n<!-- end autosave -->\n"
	if doc != want {
		t.Fatalf("got:\n%s\nwant:\n%s", doc, want)
	}
}
