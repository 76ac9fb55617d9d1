package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// check fails a request no instance logged (lost), one two instances
// logged (answered twice), a wrong status, and a phase that stayed on one
// instance; it passes when each request is logged once and spread.
func TestCheck(t *testing.T) {
	line := func(method, path, id string) string {
		return "time=2026-12-05T16:31:22.715Z level=INFO msg=request method=" + method + " path=" + path + " status=200 dur=1ms client=127.0.0.1 request_id=" + id + "\n"
	}
	tests := []struct {
		name  string
		logs  [2]string
		sent  []sent
		wants []string // substrings of the error; none: no error
	}{
		{"each once, spread", [2]string{line("GET", "/calendar", "a"), line("POST", "/calendar", "b")},
			[]sent{{phase: "calendar", method: "GET", path: "/calendar", id: "a", status: 200}, {phase: "calendar", method: "POST", path: "/calendar", id: "b", status: 200}}, nil},
		{"lost", [2]string{line("GET", "/calendar", "a"), ""},
			[]sent{{phase: "load", method: "GET", path: "/calendar", id: "a", status: 200}, {phase: "load", method: "POST", path: "/calendar", id: "b", status: 200}}, []string{"request b) is in no instance's log: lost"}},
		{"twice", [2]string{line("POST", "/calendar", "b"), line("POST", "/calendar", "b") + line("GET", "/calendar", "a")},
			[]sent{{phase: "sigterm", method: "POST", path: "/calendar", id: "b", status: 200}, {phase: "sigterm", method: "GET", path: "/calendar", id: "a", status: 200}}, []string{"answered by instances", "twice"}},
		{"a 502", [2]string{line("GET", "/calendar", "a"), line("POST", "/calendar", "c")},
			[]sent{{phase: "load", method: "GET", path: "/calendar", id: "a", status: 200}, {phase: "load", method: "POST", path: "/calendar", id: "b", status: 502}, {phase: "load", method: "POST", path: "/calendar", id: "c", status: 200}}, []string{"status 502", "request b) is in no instance's log"}},
		{"one instance only", [2]string{line("GET", "/docs", "a") + line("POST", "/docs", "b"), ""},
			[]sent{{phase: "docs", method: "GET", path: "/docs", id: "a", status: 200}, {phase: "docs", method: "POST", path: "/docs", id: "b", status: 200}}, []string{"landed on one instance"}},
		{"revoked wants 401", [2]string{line("POST", "/calendar", "a"), line("POST", "/calendar", "b")},
			[]sent{{phase: "lab/revoked", method: "POST", path: "/calendar", id: "a", status: 401}, {phase: "lab/revoked", method: "POST", path: "/calendar", id: "b", status: 200}}, []string{"status 200"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			d := &driver{sent: tt.sent}
			for i, l := range tt.logs {
				f := filepath.Join(dir, "site"+string(rune('0'+i))+".log")
				if err := os.WriteFile(f, []byte("site: http://127.0.0.1:1\n"+l), 0o644); err != nil {
					t.Fatal(err)
				}
				d.logs = append(d.logs, f)
			}
			err := d.check()
			if len(tt.wants) == 0 {
				if err != nil {
					t.Fatalf("check: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("check passed")
			}
			for _, w := range tt.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}
