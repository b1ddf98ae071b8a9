package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFiles embed.FS

// assets serves the embedded static files under names that contain a hash
// of their content, so that browsers may cache them forever: a new version
// has a new name.
type assets struct {
	byName map[string]string // "app.css" → "/static/app.3f2a9c1b.css"
	byPath map[string][]byte // "app.3f2a9c1b.css" → content
}

func loadAssets() (*assets, error) {
	a := &assets{byName: map[string]string{}, byPath: map[string][]byte{}}
	err := fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFiles.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(b)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		a.byName[name] = "/static/" + hashed
		a.byPath[hashed] = b
		return nil
	})
	return a, err
}

// url returns the fingerprinted URL of a static file; templates call it.
func (a *assets) url(name string) string {
	if u, ok := a.byName[name]; ok {
		return u
	}
	panic("unknown static file " + name) // caught by the template tests
}

// write sends one asset with a far-future cache: its name changes with it.
func (a *assets) write(w http.ResponseWriter, name string, b []byte) {
	w.Header().Set("Content-Type", mime.TypeByExtension(path.Ext(name)))
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(b)
}
