package emulator

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestGSIClientScript(t *testing.T) {
	tests := []struct {
		name       string
		publicURL  string
		host       string
		wantOrigin string
	}{
		{"configured public URL", "http://localhost:8081/", "127.0.0.1:9999", `"http://localhost:8081"`},
		{"derived from Host", "", "localhost:43210", `"http://localhost:43210"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(Options{PublicURL: tt.publicURL})
			req := httptest.NewRequest(http.MethodGet, "/gsi/client", nil)
			req.Host = tt.host
			rec := serveEmu(s, req)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d", rec.Code)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "text/javascript; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if cc := rec.Header().Get("Cache-Control"); !strings.Contains(cc, "max-age=") {
				t.Errorf("Cache-Control %q: want a short max-age", cc)
			}
			body := rec.Body.String()
			if !strings.HasSuffix(strings.TrimSpace(body), "})("+tt.wantOrigin+");") {
				t.Errorf("script is not called with origin %s; ends %q", tt.wantOrigin, body[max(0, len(body)-80):])
			}
			if strings.Contains(body, gsiOriginPlaceholder) {
				t.Error("placeholder left in the script")
			}
		})
	}
}

// The shim's behaviour, run in Node against a fake window when Node is
// installed (the Playwright suite drives it in a real browser).
func TestGSIShimInNode(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed")
	}
	rec := serveEmu(newBrowserEmu(t), httptest.NewRequest(http.MethodGet, "/gsi/client", nil))
	script := filepath.Join(t.TempDir(), "gsi.js")
	if err := os.WriteFile(script, rec.Body.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(t.Context(), node, "testdata/gsi_harness.js", script).CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatal(err)
	}
}
