// Package assets embeds the site's static files and serves them under
// content-hashed names, so they can be cached for a year and still change.
package assets

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

//go:embed js/*.js css/*.css
var files embed.FS

// Assets maps logical names ("js/token-client.js") to hashed URLs and back.
type Assets struct {
	urls  map[string]string // logical name → /assets/js/token-client.1a2b3c4d.js
	files map[string][]byte // hashed URL → content
}

// Prefix is where the assets are served.
const Prefix = "/assets/"

// Load hashes every embedded file once, at start-up.
func Load() (*Assets, error) {
	a := &Assets{urls: map[string]string{}, files: map[string][]byte{}}
	err := fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ext := path.Ext(name)
		hashed := Prefix + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		a.urls[name] = hashed
		a.files[hashed] = b
		return nil
	})
	return a, err
}

// URL is the hashed URL of a logical name; it panics on a name that is not
// embedded, which is a programming error caught by any test that renders.
func (a *Assets) URL(name string) string {
	u, ok := a.urls[name]
	if !ok {
		panic("assets: no file " + name)
	}
	return u
}

// ServeHTTP serves a hashed file with a long cache lifetime.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, ok := a.files[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", mime.TypeByExtension(path.Ext(r.URL.Path)))
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(b)
}
