package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/scopewise/scopewise/internal/cli"
)

// TRACE, PUT and DELETE on a routed path are 405 with Allow, not 403.
func TestUnservedMethodsAre405(t *testing.T) {
	a := startApp(t, nil)
	a.page("/docs")
	for _, m := range []string{http.MethodTrace, http.MethodPut, http.MethodDelete} {
		for _, path := range []string{"/docs", "/"} {
			req, _ := http.NewRequest(m, a.site+path, nil)
			res := a.do(req)
			if res.StatusCode != 405 || res.Header.Get("Allow") == "" {
				t.Errorf("%s %s: %d, Allow %q; want 405 with Allow", m, path, res.StatusCode, res.Header.Get("Allow"))
			}
		}
	}
}

// A body over the limit is 413 when sent in chunks too, not a 400 for a
// form that was cut short.
func TestChunkedBodyOverTheLimitIs413(t *testing.T) {
	a := startApp(t, nil)
	a.page("/docs")
	big := "event=denied&scope=" + strings.Repeat("x", 70<<10)
	for _, path := range []string{"/grants/events", "/docs/open"} {
		res := a.postback(path, "", func(r *http.Request) {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Body = io.NopCloser(strings.NewReader(big)) // no length: chunked
			r.ContentLength = -1
		})
		if res.StatusCode != 413 {
			t.Errorf("POST %s, %d KiB chunked: %d, want 413", path, len(big)>>10, res.StatusCode)
		}
	}
}

// A port already taken is one line, "site: " once, then why.
func TestTakenPortSaysSiteOnce(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var out, stderr bytes.Buffer
	err = run(context.Background(), []string{"-addr", ln.Addr().String(), "-emulator-addr", "127.0.0.1:0"}, func(string) string { return "" }, &out)
	if code := cli.ExitCode("site", err, &stderr); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if msg := stderr.String(); strings.Count(msg, "site:") != 1 || !strings.Contains(msg, ln.Addr().String()) {
		t.Errorf("message %q: want \"site: \" once and the address", msg)
	}
}
