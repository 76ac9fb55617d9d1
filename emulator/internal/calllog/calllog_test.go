package calllog

import (
	"strings"
	"testing"
)

// Redaction holds for a body cut at the excerpt's end, and for tokens
// shaped like Google's wherever they are.
func TestRedactBody(t *testing.T) {
	long := "ya29.a0" + strings.Repeat("x", 2*MaxExcerpt)
	tests := []struct{ ctype, body, want string }{
		{"application/json", `{"access_token": "abc", "scope": "s"}`, `{"access_token": "(redacted)", "scope": "s"}`},
		{"application/json; charset=utf-8", `{"note": "` + long[:MaxExcerpt-10], `{"note": "ya29.(redacted) …`},
		{"application/json", `{"x":1,"code":"4/0Aabc\"def"}`, `{"x":1,"code":"(redacted)"}`},
		{"application/json", `{"scope":"s","access_token":"secret-cut-sho`, `{"scope":"s","access_token":"(redacted)"`},
		{"application/x-www-form-urlencoded", "token=secret&x=1", "token=(redacted)&x=1"},
		{"application/x-www-form-urlencoded", "x=" + long, "x=ya29.(redacted)"},
		{"text/html", "<p>ya29.a0secret</p>", ""},
	}
	for _, tt := range tests {
		b := []byte(tt.body)
		if len(b) > MaxExcerpt {
			b = b[:MaxExcerpt]
		}
		got := RedactBody(tt.ctype, b)
		if !strings.HasPrefix(got, tt.want) || strings.Contains(got, "secret") || strings.Contains(got, "xxxx") {
			t.Errorf("RedactBody(%q, %.40q…) = %q, want %q", tt.ctype, tt.body, got, tt.want)
		}
	}
}

// The log keeps the newest MaxEntries entries, and within MaxBytes drops
// the oldest but never the newest.
func TestLogBounds(t *testing.T) {
	var l Log[int]
	for i := range MaxEntries + 50 {
		l.Add(i, 1)
	}
	if got := l.Entries(); len(got) != MaxEntries || got[0] != 50 || got[len(got)-1] != MaxEntries+49 {
		t.Fatalf("%d entries from %d to %d, want %d from 50", len(got), got[0], got[len(got)-1], MaxEntries)
	}
	l.Add(-1, MaxBytes+1)
	if got := l.Entries(); len(got) != 1 || got[0] != -1 {
		t.Errorf("after an entry larger than MaxBytes: %v, want only it", got)
	}
}
