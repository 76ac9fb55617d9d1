package web

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"github.com/scopewise/scopewise/internal/grants"
)

// loadSession runs the Sessions middleware for a request with cookie and
// returns the session it loaded.
func loadSession(t *testing.T, store *CookieStore, cookie string) *Session {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	c := echo.New().NewContext(req, httptest.NewRecorder())
	var s *Session
	if err := Sessions(store)(func(c echo.Context) error { s = SessionOf(c); return nil })(c); err != nil {
		t.Fatal(err)
	}
	return s
}

// saveCookie saves s and returns the Set-Cookie value as a Cookie header.
func saveCookie(t *testing.T, s *Session) string {
	t.Helper()
	rec := httptest.NewRecorder()
	c := echo.New().NewContext(httptest.NewRequest(http.MethodGet, "/", nil), rec)
	c.Set(sessionKey, s)
	if err := saveSession(c); err != nil {
		t.Fatal(err)
	}
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 {
		t.Fatalf("saved %d cookies", len(cookies))
	}
	return cookies[0].Name + "=" + cookies[0].Value
}

func TestSessionCookieRoundTrip(t *testing.T) {
	keys := [][]byte{bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)}
	store := NewCookieStore(keys, false)
	s := loadSession(t, store, "")
	until := time.Date(2026, 11, 26, 13, 0, 0, 0, time.UTC)
	s.UpdateLedger(func(l grants.Ledger) { l.Grant("scope-a", until, until.Add(-time.Hour)) })
	s.AddRecentDoc("doc-1")
	cookie := saveCookie(t, s)

	again := loadSession(t, store, cookie)
	if again.CSRF() != s.CSRF() || again.dirty {
		t.Errorf("reloaded CSRF %q (dirty %v), want %q unchanged", again.CSRF(), again.dirty, s.CSRF())
	}
	if !again.Ledger().Equal(s.Ledger()) || len(again.RecentDocs()) != 1 || again.RecentDocs()[0] != "doc-1" {
		t.Errorf("reloaded ledger %v, docs %v", again.Ledger(), again.RecentDocs())
	}
}

// TestSessionLegacyGobCookie: a cookie from before the serializer changed
// (gob) is a fresh session, never an error.
func TestSessionLegacyGobCookie(t *testing.T) {
	keys := [][]byte{bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)}
	old := sessions.NewCookieStore(keys...) // gob, as gorilla's default
	raw := sessions.NewSession(old, sessionName)
	raw.Values[dataKey] = `{"c":"old-csrf"}`
	rec := httptest.NewRecorder()
	if err := old.Save(httptest.NewRequest(http.MethodGet, "/", nil), rec, raw); err != nil {
		t.Fatal(err)
	}
	c := rec.Result().Cookies()[0]
	s := loadSession(t, NewCookieStore(keys, false), c.Name+"="+c.Value)
	if s.CSRF() == "" || s.CSRF() == "old-csrf" || !s.dirty {
		t.Errorf("legacy cookie: CSRF %q, dirty %v; want a fresh session", s.CSRF(), s.dirty)
	}
}

func TestSessionSerializerRefusesOtherShapes(t *testing.T) {
	for name, v := range map[string]any{
		"not a map":    "x",
		"two values":   map[any]any{dataKey: "a", "other": "b"},
		"not a string": map[any]any{dataKey: 42},
		"another key":  map[any]any{"other": "b"},
	} {
		if _, err := (sessionSerializer{}).Serialize(v); err == nil {
			t.Errorf("%s: serialized", name)
		}
	}
}
