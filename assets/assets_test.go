package assets

import (
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/evanw/esbuild/pkg/api"
	"github.com/klauspost/compress/gzip"

	"github.com/scopewise/scopewise/views"
)

// TestServe checks what a browser gets for a hashed file: the same bytes in
// every encoding it accepts, immutable caching, and Vary for caches between.
func TestServe(t *testing.T) {
	a, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	url := a.URL("js/token-client.js")
	src, _ := files.ReadFile("js/token-client.js")
	raw, _, err := minify("js/token-client.js", src)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, accept, encoding string
		decode                 func(io.Reader) io.Reader
	}{
		{"identity", "", "", func(r io.Reader) io.Reader { return r }},
		{"gzip", "gzip, deflate", "gzip", func(r io.Reader) io.Reader { z, _ := gzip.NewReader(r); return z }},
		{"brotli first", "gzip, deflate, br, zstd", "br", func(r io.Reader) io.Reader { return brotli.NewReader(r) }},
		{"brotli refused", "br;q=0, gzip", "gzip", func(r io.Reader) io.Reader { z, _ := gzip.NewReader(r); return z }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, url, nil)
			if tc.accept != "" {
				req.Header.Set("Accept-Encoding", tc.accept)
			}
			rec := httptest.NewRecorder()
			a.ServeHTTP(rec, req)
			res := rec.Result()
			if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != tc.encoding {
				t.Fatalf("status %d, Content-Encoding %q, want 200 %q", res.StatusCode, res.Header.Get("Content-Encoding"), tc.encoding)
			}
			if got := res.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
				t.Errorf("Cache-Control %q", got)
			}
			if res.Header.Get("Vary") != "Accept-Encoding" || res.Header.Get("Content-Type") != "text/javascript; charset=utf-8" {
				t.Errorf("Vary %q, Content-Type %q", res.Header.Get("Vary"), res.Header.Get("Content-Type"))
			}
			if got := res.Header.Get("SourceMap"); got != url+".map" {
				t.Errorf("SourceMap %q, want %q", got, url+".map")
			}
			if tc.encoding != "" && rec.Body.Len() >= len(raw)/2 {
				t.Errorf("%s body is %d bytes of %d raw: not compressed", tc.encoding, rec.Body.Len(), len(raw))
			}
			got, err := io.ReadAll(tc.decode(rec.Body))
			if err != nil || !bytes.Equal(got, raw) {
				t.Errorf("decoded body differs from the minified file (err %v)", err)
			}
		})
	}
	rec := httptest.NewRecorder()
	a.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/assets/js/token-client.js", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("unhashed name: %d, want 404", rec.Code)
	}
}

// TestSourceMap checks that devtools get each file back as written: its
// source map is served under the name the SourceMap header gives, and holds
// the file's source.
func TestSourceMap(t *testing.T) {
	a, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range embedded(t) {
		t.Run(name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			a.ServeHTTP(rec, httptest.NewRequest(http.MethodHead, a.URL(name), nil))
			mapURL := rec.Header().Get("SourceMap")
			rec = httptest.NewRecorder()
			a.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, mapURL, nil))
			if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" || rec.Header().Get("SourceMap") != "" {
				t.Fatalf("GET %q: %d, Content-Type %q, SourceMap %q", mapURL, rec.Code, rec.Header().Get("Content-Type"), rec.Header().Get("SourceMap"))
			}
			var m struct {
				Sources        []string `json:"sources"`
				SourcesContent []string `json:"sourcesContent"`
				Mappings       string   `json:"mappings"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
				t.Fatal(err)
			}
			src, _ := files.ReadFile(name)
			// A module with alert texts has them as a source of their own.
			if len(m.Sources) == 2 && m.Sources[0] == "<define:ALERT_TEXTS>" {
				m.Sources, m.SourcesContent = m.Sources[1:], m.SourcesContent[1:]
			}
			if !slices.Equal(m.Sources, []string{Prefix + name}) || len(m.SourcesContent) != 1 || m.SourcesContent[0] != string(src) || m.Mappings == "" {
				t.Errorf("map has sources %q, %d sources' contents, %d bytes of mappings; want %q with the file as written", m.Sources, len(m.SourcesContent), len(m.Mappings), Prefix+name)
			}
		})
	}
}

// TestMinified checks every embedded file as served: esbuild minifies it
// with no error or warning, it is markedly smaller, and it is still valid —
// it parses again without a complaint, and a script is still the same ES
// module: the same exports, the same imports in the same order (the page's
// import map resolves them). The e2e specs run every page's script.
func TestMinified(t *testing.T) {
	for _, name := range embedded(t) {
		t.Run(name, func(t *testing.T) {
			src, _ := files.ReadFile(name)
			code, _, err := minify(name, src)
			if err != nil {
				t.Fatal(err)
			}
			texts, _ := views.ScriptAlerts(path.Base(name)) // replaces ALERT_TEXTS
			if len(code) > (len(src)+len(texts))*9/10 {
				t.Errorf("%d bytes minified of %d: not minified", len(code), len(src))
			}
			before, after := module(t, name, src), module(t, name, code)
			if !slices.Equal(before.Exports, after.Exports) || !slices.Equal(before.Imports, after.Imports) {
				t.Errorf("module changed:\nwritten  exports %q imports %q\nminified exports %q imports %q", before.Exports, before.Imports, after.Exports, after.Imports)
			}
			if strings.HasSuffix(name, ".js") && before.Exports == nil && before.Imports == nil {
				t.Errorf("%s neither imports nor exports: is it still read as a module?", name)
			}
		})
	}
}

// Each module's ALERT_TEXTS becomes its texts from views/alerts.go: one left
// as it is would be an undefined name when the page runs.
func TestAlertTextsAreBuiltIn(t *testing.T) {
	for _, name := range embedded(t) {
		if path.Ext(name) != ".js" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			src, _ := files.ReadFile(name)
			code, _, err := minify(name, src)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(code), "ALERT_TEXTS") {
				t.Errorf("ALERT_TEXTS is left in the minified module: views/alerts.go has no texts for %s", path.Base(name))
			}
			own, ok := views.ScriptAlerts(path.Base(name))
			if !ok {
				return
			}
			var texts map[string][2]string
			if err := json.Unmarshal([]byte(own), &texts); err != nil {
				t.Fatal(err)
			}
			for key, text := range texts {
				if !strings.Contains(string(code), text[1]) {
					t.Errorf("text %q (%q) is not in the minified module", key, text[1])
				}
			}
		})
	}
}

func TestMinifyRejectsBadInput(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"js/broken.js", "export function f( {", "js/broken.js:1:"},
		{"js/warns.js", "if (x == -0) {}", "js/warns.js:1:"},
		{"css/broken.css", "a { color: red", "css/broken.css:1:"},
		{"img/logo.svg", "<svg/>", "no minifier"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, err := minify(tc.name, []byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) || code != nil {
				t.Errorf("minify = %q, %v; want an error with %q", code, err, tc.want)
			}
		})
	}
}

// embedded is every file the site serves, by logical name.
func embedded(t *testing.T) []string {
	t.Helper()
	names, err := fs.Glob(files, "*/*")
	if err != nil || len(names) < 2 {
		t.Fatalf("embedded files %q, %v", names, err)
	}
	return names
}

// moduleShape is what other modules and the import map see of a file.
type moduleShape struct {
	Exports []string
	Imports []string // the specifiers, in order
}

// module parses a file with esbuild again, failing on any error or warning,
// and reads its exports and imports from esbuild's metafile.
func module(t *testing.T, name string, code []byte) moduleShape {
	t.Helper()
	loader := api.LoaderJS
	if strings.HasSuffix(name, ".css") {
		loader = api.LoaderCSS
	}
	res := api.Build(api.BuildOptions{
		Stdin:    &api.StdinOptions{Contents: string(code), Loader: loader, Sourcefile: name},
		Format:   api.FormatESModule,
		Metafile: true,
		Outdir:   "out",
		LogLevel: api.LogLevelSilent,
	})
	for _, m := range append(res.Errors, res.Warnings...) {
		t.Errorf("%s", describe(name, m))
	}
	var meta struct {
		Outputs map[string]struct {
			Exports []string
			Imports []struct{ Path string }
		}
	}
	if err := json.Unmarshal([]byte(res.Metafile), &meta); err != nil {
		t.Fatal(err)
	}
	var shape moduleShape
	for _, o := range meta.Outputs {
		shape.Exports = append(shape.Exports, o.Exports...)
		for _, i := range o.Imports {
			shape.Imports = append(shape.Imports, i.Path)
		}
	}
	slices.Sort(shape.Exports)
	return shape
}
