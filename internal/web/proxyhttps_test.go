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

func TestViaHTTPSProxy(t *testing.T) {
	for _, tt := range []struct {
		header http.Header
		want   bool
	}{
		{http.Header{}, false},
		{http.Header{"X-Forwarded-Proto": {"https"}}, true},
		{http.Header{"X-Forwarded-Proto": {"HTTPS"}}, true},
		{http.Header{"X-Forwarded-Proto": {"http, https"}}, true},
		{http.Header{"X-Forwarded-Proto": {"http"}}, false},
		{http.Header{"X-Forwarded-Proto": {"httpsx"}}, false},
		{http.Header{"Forwarded": {`for=192.0.2.60;proto=https;by=203.0.113.43`}}, true},
		{http.Header{"Forwarded": {`for="[2001:db8::1]";Proto="https"`}}, true},
		{http.Header{"Forwarded": {`for=192.0.2.43, for=198.51.100.17;proto=https`}}, true},
		{http.Header{"Forwarded": {`for=192.0.2.60;proto=http`}}, false},
		{http.Header{"Forwarded": {`host=https`}}, false},
	} {
		if got := viaHTTPSProxy(tt.header); got != tt.want {
			t.Errorf("%v: %v, want %v", tt.header, got, tt.want)
		}
	}
}

// TestWarnHTTPSWithoutSecureCookies: one warning, on the first request a
// proxy says came over HTTPS, none before it, and the answers unchanged.
func TestWarnHTTPSWithoutSecureCookies(t *testing.T) {
	var logs bytes.Buffer
	e := echo.New()
	h := WarnHTTPSWithoutSecureCookies(slog.New(slog.NewTextHandler(&logs, nil)))(func(c echo.Context) error {
		return c.String(http.StatusOK, "page")
	})
	get := func(proto string) {
		req := httptest.NewRequest(http.MethodGet, "/docs", nil)
		if proto != "" {
			req.Header.Set("X-Forwarded-Proto", proto)
		}
		rec := httptest.NewRecorder()
		if err := h(e.NewContext(req, rec)); err != nil || rec.Code != http.StatusOK || rec.Body.String() != "page" {
			t.Fatalf("answer changed: %v %d %q", err, rec.Code, rec.Body.String())
		}
	}
	get("")
	get("http")
	if logs.Len() != 0 {
		t.Fatalf("warned without HTTPS: %s", logs.String())
	}
	for range 3 {
		get("https")
	}
	if n := strings.Count(logs.String(), "SECURE_COOKIES is off"); n != 1 {
		t.Errorf("%d warnings, want 1: %s", n, logs.String())
	}
}
