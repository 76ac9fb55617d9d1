package compress

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
)

func TestAccepts(t *testing.T) {
	for _, tc := range []struct {
		header, enc string
		want        bool
	}{
		{"", "gzip", false},
		{"gzip", "gzip", true},
		{"gzip, deflate, br, zstd", "br", true},
		{"deflate, br", "gzip", false},
		{"GZIP", "gzip", true},
		{"gzip;q=0", "gzip", false},
		{"gzip; q=0.0, br", "gzip", false},
		{"gzip;q=0.5", "gzip", true},
		{"*", "br", true},
		{"*;q=0", "gzip", false},
		{"gzipper", "gzip", false},
		{"gzip;q=garbage", "gzip", true},
	} {
		r, _ := http.NewRequest(http.MethodGet, "/", nil)
		if tc.header != "" {
			r.Header.Set("Accept-Encoding", tc.header)
		}
		if got := Accepts(r, tc.enc); got != tc.want {
			t.Errorf("Accepts(%q, %q) = %v, want %v", tc.header, tc.enc, got, tc.want)
		}
	}
}

func TestRoundTrips(t *testing.T) {
	src := []byte(strings.Repeat("<p>Scopewise shows Google's token model.</p>\n", 100))
	var fast bytes.Buffer
	for range 3 { // pooled writers are reset between uses
		fast.Reset()
		if err := GzipFast(&fast, src); err != nil {
			t.Fatal(err)
		}
	}
	gz := func(b []byte) []byte {
		r, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		out, _ := io.ReadAll(r)
		return out
	}
	br := func(b []byte) []byte {
		out, _ := io.ReadAll(brotli.NewReader(bytes.NewReader(b)))
		return out
	}
	for name, got := range map[string][]byte{
		"gzip fast": gz(fast.Bytes()),
		"gzip best": gz(GzipBest(src)),
		"brotli":    br(BrotliBest(src)),
	} {
		if !bytes.Equal(got, src) {
			t.Errorf("%s: round trip differs", name)
		}
	}
	if fast.Len() >= len(src)/4 {
		t.Errorf("gzip fast: %d of %d bytes, want much smaller", fast.Len(), len(src))
	}
}
