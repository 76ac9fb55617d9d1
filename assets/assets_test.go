package assets

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
)

// TestServe checks what a browser gets for a hashed file: the same bytes in
// every encoding it accepts, immutable caching, and Vary for caches between.
func TestServe(t *testing.T) {
	a, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	url := a.URL("js/token-client.js")
	raw, _ := files.ReadFile("js/token-client.js")
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
			if tc.encoding != "" && rec.Body.Len() >= len(raw)/2 {
				t.Errorf("%s body is %d bytes of %d raw: not compressed", tc.encoding, rec.Body.Len(), len(raw))
			}
			got, err := io.ReadAll(tc.decode(rec.Body))
			if err != nil || !bytes.Equal(got, raw) {
				t.Errorf("decoded body differs from the file (err %v)", err)
			}
		})
	}
	rec := httptest.NewRecorder()
	a.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/assets/js/token-client.js", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("unhashed name: %d, want 404", rec.Code)
	}
}
