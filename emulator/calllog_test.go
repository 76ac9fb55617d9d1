package emulator

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/scopewise/scopewise/emulator/internal/calllog"
)

func callLogOf(t *testing.T, s *Server, world string) callLogJSON {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/_emu/log", nil)
	if world != "" {
		req.Header.Set(WorldHeader, world)
	}
	rec := serveEmu(s, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /_emu/log: %d %s", rec.Code, rec.Body)
	}
	return decodeJSONBody[callLogJSON](t, rec)
}

// The log shows every way a token reaches the emulator, and never the
// token: the popup's answer, tokeninfo by query and by form, revoke, a
// Bearer header, a minted token's JSON answer, an authorization code.
func TestCallLogRedactsTokens(t *testing.T) {
	s := newBrowserEmu(t)
	b := newPopupBrowser(t, s)
	b.open(authQuery(tscope.Cal, "login_hint", "alice@example.com")).mustBe("consent").press("Continue").mustBe("result")
	b.open(authQuery(tscope.Docs, "login_hint", "alice@example.com", "response_type", "code")).mustBe("consent").press("Continue").mustBe("result")
	mint := serveEmu(s, controlRequest(http.MethodPost, "/_emu/tokens", `{"client_id":"`+siteClientID+`","account":"bob@example.com","scopes":["`+tscope.Cal+`"]}`))
	minted := decodeJSONBody[mintResponse](t, mint).AccessToken
	serveEmu(s, tokenInfoRequest(http.MethodGet, minted))
	serveEmu(s, tokenInfoRequest(http.MethodPost, minted))
	serveEmu(s, tokenInfoRequest(http.MethodGet, "ya29.not-one-of-ours"))
	api := httptest.NewRequest(http.MethodGet, "/calendar/v3/calendars/primary/events", nil)
	api.Header.Set("Authorization", "Bearer "+minted)
	serveEmu(s, api)
	jsonTok := httptest.NewRequest(http.MethodPost, "/v1/sessions?access_token="+url.QueryEscape(minted), strings.NewReader(`{"token":"`+minted+`"}`))
	jsonTok.Header.Set("Content-Type", "application/json")
	serveEmu(s, jsonTok)
	serveEmu(s, revokeRequest(minted, ""))

	issued, _ := s.IssuedAll(t.Context())
	if issued.Total < 2 {
		t.Fatalf("issued %d tokens, want the popup's and the minted one", issued.Total)
	}
	logRec := serveEmu(s, httptest.NewRequest(http.MethodGet, "/_emu/log", nil))
	pageRec := serveEmu(s, httptest.NewRequest(http.MethodGet, "/_emu/", nil))
	for _, out := range []string{logRec.Body.String(), pageRec.Body.String()} {
		for _, tok := range append(issued.Tokens, "ya29.not-one-of-ours") {
			if strings.Contains(out, tok) || strings.Contains(out, url.QueryEscape(tok)) {
				t.Fatalf("the log shows the token %s…", tok[:10])
			}
		}
		if strings.Contains(out, "4/0A") && !strings.Contains(out, "4/0A(redacted)") {
			t.Error("the log shows an authorization code")
		}
	}

	log := decodeJSONBody[callLogJSON](t, logRec)
	find := func(method, prefix string) LoggedCall {
		t.Helper()
		for _, c := range log.Calls {
			if c.Method == method && strings.HasPrefix(c.Path, prefix) {
				return c
			}
		}
		t.Fatalf("no %s %s in the log: %+v", method, prefix, log.Calls)
		return LoggedCall{}
	}
	if c := find(http.MethodGet, "/tokeninfo?access_token=(redacted)"); c.Status != http.StatusOK || !strings.Contains(c.Answer, `"aud"`) {
		t.Errorf("tokeninfo by query: %+v", c)
	}
	if c := find(http.MethodPost, "/tokeninfo"); c.Request != "access_token=(redacted)" {
		t.Errorf("tokeninfo by form: request %q", c.Request)
	}
	if c := find(http.MethodPost, "/revoke"); c.Request != "token=(redacted)" || c.Status != http.StatusOK {
		t.Errorf("revoke: %+v", c)
	}
	if c := find(http.MethodGet, "/calendar/v3/"); c.Auth != "Bearer (redacted)" || c.Status != http.StatusOK {
		t.Errorf("calendar: %+v", c)
	}
	if c := find(http.MethodPost, "/v1/sessions"); c.Request != `{"token":"(redacted)"}` || !strings.Contains(c.Path, "access_token=(redacted)") {
		t.Errorf("a JSON body's token: %+v", c)
	}
	if c := find(http.MethodPost, "/_emu/tokens"); c.Answer != "" || c.Status != http.StatusOK {
		t.Errorf("a minted token's answer is kept: %+v", c)
	}
	var answered int
	for _, c := range log.Calls {
		if strings.HasPrefix(c.Note, "answered "+siteOrigin+": a ") {
			answered++
		}
	}
	if answered != 2 {
		t.Errorf("%d popup answers noted, want 2 (token, code): %+v", answered, log.Calls)
	}
}

// The log is per world, bounded in entries and bytes, cleared by a reset
// (which it then shows), and leaves out the control API's reads.
func TestCallLogBoundsWorldsAndReset(t *testing.T) {
	s := newBrowserEmu(t)
	a := newWorldHTTP(t, s)
	for i := range calllog.MaxEntries + 50 {
		serveEmu(s, inWorld(a, http.MethodPost, "/_emu/clock", `{"advance":"1s"}`))
		if i%50 == 0 {
			serveEmu(s, inWorld(a, http.MethodGet, "/_emu/state", ""))
		}
	}
	got := callLogOf(t, s, a)
	if len(got.Calls) != calllog.MaxEntries || got.World != a {
		t.Fatalf("%d entries in world %s, want %d in %s", len(got.Calls), got.World, calllog.MaxEntries, a)
	}
	for _, c := range got.Calls {
		if c.Path != "/_emu/clock" || c.Request != `{"advance":"1s"}` || c.World != a {
			t.Fatalf("unexpected entry %+v", c)
		}
	}
	for _, c := range callLogOf(t, s, "").Calls {
		if c.Path != "/_emu/worlds" {
			t.Errorf("the default world logged another world's call: %+v", c)
		}
	}

	// Long paths: the bytes bound holds.
	long := "/calendar/v3/calendars/" + strings.Repeat("c", 3000) + "/events"
	for range 200 {
		req := httptest.NewRequest(http.MethodGet, long, nil)
		req.AddCookie(&http.Cookie{Name: WorldCookie, Value: a}) // a browser in world a
		serveEmu(s, req)
	}
	s.mu.Lock()
	kept := s.worlds[a].state.log.Entries()
	s.mu.Unlock()
	size, n := 0, len(kept)
	for _, c := range kept {
		size += c.size()
	}
	if size > calllog.MaxBytes || n == 0 {
		t.Errorf("%d bytes in %d entries, want at most %d", size, n, calllog.MaxBytes)
	}
	if c := callLogOf(t, s, a).Calls[n-1]; len(c.Path) > calllog.MaxPath+len("…") || c.Status != http.StatusUnauthorized {
		t.Errorf("long path entry: %d bytes, status %d", len(c.Path), c.Status)
	}

	serveEmu(s, inWorld(a, http.MethodPost, "/_emu/reset", "{}"))
	got = callLogOf(t, s, a)
	if len(got.Calls) != 1 || got.Calls[0].Path != "/_emu/reset" {
		t.Errorf("after reset: %+v", got.Calls)
	}
}

// A dripping fault still flushes byte by byte through the log's writer.
func TestCallLogKeepsFlushing(t *testing.T) {
	s := newBrowserEmu(t)
	addTestFault(t, s, `{"path":"/tokeninfo","status":503,"drip":"1ms"}`)
	rec := serveEmu(s, tokenInfoRequest(http.MethodGet, "x"))
	if rec.Code != http.StatusServiceUnavailable || !rec.Flushed {
		t.Fatalf("drip through the log: %d, flushed %v", rec.Code, rec.Flushed)
	}
	c := callLogOf(t, s, "").Calls
	if len(c) != 2 || c[1].Status != http.StatusServiceUnavailable || !strings.Contains(c[1].Answer, "UNAVAILABLE") {
		t.Errorf("logged %+v", c)
	}
}
