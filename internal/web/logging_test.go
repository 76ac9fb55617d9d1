package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// The request log names the proxy's request ID when it looks like one, so
// the proxy's line and the instance's can be matched; anything else a
// client sends in the header stays out of the log.
func TestRequestLogRequestID(t *testing.T) {
	tests := []struct {
		header string
		want   string // "" : no request_id attribute
	}{
		{"", ""},
		{"8f14e45fceea167a5a36dedd4bea2543", "request_id=8f14e45fceea167a5a36dedd4bea2543"},
		{"0b9c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3", "request_id=0b9c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3"},
		{"a b", ""},
		{"x\nlevel=ERROR", ""},
		{strings.Repeat("a", 65), ""},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		e := echo.New()
		e.Use(RequestLog(slog.New(slog.NewTextHandler(&buf, nil))))
		e.GET("/", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		if tt.header != "" {
			req.Header["X-Request-Id"] = []string{tt.header}
		}
		e.ServeHTTP(httptest.NewRecorder(), req)
		line := buf.String()
		if !strings.Contains(line, "path=/ status=200") {
			t.Fatalf("no request line: %q", line)
		}
		if tt.want == "" && strings.Contains(line, "request_id") || tt.want != "" && !strings.Contains(line, " "+tt.want+"\n") {
			t.Errorf("X-Request-Id %q: log line %q, want %q", tt.header, line, tt.want)
		}
	}
}
