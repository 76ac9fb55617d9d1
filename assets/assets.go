// Package assets embeds the site's static files and serves them minified,
// under content-hashed names, so they can be cached for a year and still
// change. The files in js/ and css/ stay readable as written; each one's
// source map (named by the SourceMap header) gives them back to devtools.
package assets

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/scopewise/scopewise/internal/compress"
)

//go:embed js/*.js css/*.css
var files embed.FS

// Assets maps logical names ("js/token-client.js") to hashed URLs and back.
type Assets struct {
	urls  map[string]string // logical name → /assets/js/token-client.1a2b3c4d.js
	files map[string]*file  // hashed URL → content
}

// file is one asset with its compressed forms, made once, in the background
// from start-up or on first demand, whichever comes first.
type file struct {
	raw         []byte
	contentType string
	sourceMap   string // the URL of its source map; empty for a map

	once     sync.Once
	gzip, br []byte
}

func (f *file) compressed() (gz, br []byte) {
	f.once.Do(func() {
		f.gzip = compress.GzipBest(f.raw)
		f.br = compress.BrotliBest(f.raw)
	})
	return f.gzip, f.br
}

// Prefix is where the assets are served.
const Prefix = "/assets/"

// Load hashes every embedded file once, at start-up.
func Load() (*Assets, error) {
	loaded, err := load()
	if err != nil {
		return nil, err
	}
	a := &Assets{urls: map[string]string{}, files: map[string]*file{}}
	for _, l := range loaded {
		a.urls[l.name] = l.hashed
		a.files[l.hashed] = l.file
		a.files[l.file.sourceMap] = l.sourceMap
	}
	return a, nil
}

type loadedFile struct {
	name, hashed    string
	file, sourceMap *file
}

// load minifies and hashes the embedded files once per process (every site
// a test builds shares them), and starts compressing them in the background:
// brotli at its best takes tens of milliseconds a file, so start-up does not
// wait for it and the first visitor rarely does. Minifying all of them takes
// a few milliseconds, one file per goroutine. Source maps are compressed on
// first demand only: just devtools ask for them.
var load = sync.OnceValues(func() ([]loadedFile, error) {
	names, err := fs.Glob(files, "*/*")
	if err != nil {
		return nil, err
	}
	out := make([]loadedFile, len(names))
	var g errgroup.Group
	for i, name := range names {
		g.Go(func() error {
			src, err := files.ReadFile(name)
			if err != nil {
				return err
			}
			code, sourceMap, err := minify(name, src)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(code)
			ext := path.Ext(name)
			hashed := Prefix + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
			out[i] = loadedFile{name: name, hashed: hashed,
				file:      &file{raw: code, contentType: mime.TypeByExtension(ext), sourceMap: hashed + ".map"},
				sourceMap: &file{raw: sourceMap, contentType: "application/json"}}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	go func() {
		for _, l := range out {
			l.file.compressed()
		}
		// Brotli's scratch memory (megabytes a file) is garbage now: give
		// it back, or it stays in the process's resident set for minutes.
		debug.FreeOSMemory()
		close(compressedAll)
	}()
	return out, nil
})

// compressedAll is closed once load's background compression has ended.
var compressedAll = make(chan struct{})

// WaitCompressed blocks until the background compression that the first
// site started has ended, so that a measurement of the process's memory or
// allocations (a benchmark, a test of one request's cost) does not count it.
// Called before any site, it loads the files first.
func WaitCompressed() {
	if _, err := load(); err != nil {
		return
	}
	<-compressedAll
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

// ServeHTTP serves a hashed file as immutable for a year, brotli- or
// gzip-compressed when the browser takes it. Static files hold no secret, so
// compressing them is safe.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := a.files[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Vary", "Accept-Encoding")
	if f.sourceMap != "" {
		h.Set("SourceMap", f.sourceMap)
	}
	body := f.raw
	if len(body) >= compress.MinSize {
		gz, br := f.compressed()
		switch {
		case compress.Accepts(r, "br"):
			body = br
			h.Set("Content-Encoding", "br")
		case compress.Accepts(r, "gzip"):
			body = gz
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}
