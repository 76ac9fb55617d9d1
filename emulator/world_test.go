package emulator

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// newWorldHTTP creates a world through POST /_emu/worlds.
func newWorldHTTP(t *testing.T, s *Server) string {
	t.Helper()
	rec := serveEmu(s, controlRequest(http.MethodPost, "/_emu/worlds", ""))
	if rec.Code != http.StatusCreated {
		t.Fatalf("POST /_emu/worlds: %d %s", rec.Code, rec.Body)
	}
	id := decodeJSONBody[struct {
		ID string `json:"id"`
	}](t, rec).ID
	if id == "" || id == DefaultWorld {
		t.Fatalf("POST /_emu/worlds answered id %q", id)
	}
	return id
}

// inWorld is a control request carrying the world header.
func inWorld(id, method, target, body string) *http.Request {
	req := controlRequest(method, target, body)
	req.Header.Set(WorldHeader, id)
	return req
}

func worldState(t *testing.T, s *Server, id string) State {
	t.Helper()
	rec := serveEmu(s, inWorld(id, http.MethodGet, "/_emu/state", ""))
	if rec.Code != http.StatusOK {
		t.Fatalf("state of %s: %d %s", id, rec.Code, rec.Body)
	}
	return decodeJSONBody[State](t, rec)
}

func mintIn(t *testing.T, s *Server, id, account string) string {
	t.Helper()
	rec := serveEmu(s, inWorld(id, http.MethodPost, "/_emu/tokens",
		`{"client_id":"`+siteClientID+`","account":"`+account+`","scopes":["`+tscope.Cal+`"]}`))
	if rec.Code != http.StatusOK {
		t.Fatalf("mint in %s: %d %s", id, rec.Code, rec.Body)
	}
	return decodeJSONBody[mintResponse](t, rec).AccessToken
}

func tokenInfoCode(s *Server, value string) (int, string) {
	rec := serveEmu(s, httptest.NewRequest(http.MethodGet, "/tokeninfo?access_token="+url.QueryEscape(value), nil))
	return rec.Code, rec.Body.String()
}

// Each /_emu/ call acts on its header's world alone: the clock, faults,
// tokens and the state of one world never show in another.
func TestWorldsIsolateControl(t *testing.T) {
	s := newBrowserEmu(t)
	a, b := newWorldHTTP(t, s), newWorldHTTP(t, s)

	if rec := serveEmu(s, inWorld(a, http.MethodPost, "/_emu/clock", `{"advance":"2h"}`)); rec.Code != http.StatusOK {
		t.Fatalf("clock: %d %s", rec.Code, rec.Body)
	}
	addFault := serveEmu(s, inWorld(a, http.MethodPost, "/_emu/faults", `{"path":"/tokeninfo","status":503}`))
	if addFault.Code != http.StatusOK {
		t.Fatalf("fault: %d %s", addFault.Code, addFault.Body)
	}
	tokA := mintIn(t, s, a, "alice@example.com")

	stA, stB, stDef := worldState(t, s, a), worldState(t, s, b), worldState(t, s, DefaultWorld)
	if stA.World != a || stB.World != b || stDef.World != DefaultWorld {
		t.Errorf("state worlds %q %q %q", stA.World, stB.World, stDef.World)
	}
	if stA.ClockOffset != 2*time.Hour || stB.ClockOffset != 0 || stDef.ClockOffset != 0 {
		t.Errorf("clock offsets a=%s b=%s default=%s, want 2h 0 0", stA.ClockOffset, stB.ClockOffset, stDef.ClockOffset)
	}
	if len(stA.Faults) != 1 || len(stB.Faults)+len(stDef.Faults) != 0 {
		t.Errorf("faults a=%d b=%d default=%d, want 1 0 0", len(stA.Faults), len(stB.Faults), len(stDef.Faults))
	}
	if len(stA.Tokens) != 1 || len(stB.Tokens)+len(stDef.Tokens) != 0 {
		t.Errorf("tokens a=%d b=%d default=%d, want 1 0 0", len(stA.Tokens), len(stB.Tokens), len(stDef.Tokens))
	}
	// Without a header, the default world.
	rec := serveEmu(s, controlRequest(http.MethodGet, "/_emu/state", ""))
	if st := decodeJSONBody[State](t, rec); st.World != DefaultWorld || len(st.Tokens) != 0 {
		t.Errorf("header-less state is of %q with %d tokens", st.World, len(st.Tokens))
	}

	// Issued: per world, and every world's with all=true.
	tokDef := mintIn(t, s, DefaultWorld, "bob@example.com")
	issuedA := decodeJSONBody[Issued](t, serveEmu(s, inWorld(a, http.MethodGet, "/_emu/issued", "")))
	if issuedA.Total != 1 || issuedA.Tokens[0] != tokA {
		t.Errorf("issued in a: %+v", issuedA)
	}
	all := decodeJSONBody[Issued](t, serveEmu(s, inWorld(b, http.MethodGet, "/_emu/issued?all=true", "")))
	if all.Total != 2 || !strings.Contains(strings.Join(all.Tokens, " "), tokA) || !strings.Contains(strings.Join(all.Tokens, " "), tokDef) {
		t.Errorf("issued all: %+v", all)
	}
	if rec := serveEmu(s, controlRequest(http.MethodGet, "/_emu/issued?all=yes", "")); rec.Code != http.StatusBadRequest {
		t.Errorf("issued?all=yes: %d", rec.Code)
	}

	// Resetting a forgets its token and puts its clock back, and nothing else.
	serveEmu(s, inWorld(a, http.MethodPost, "/_emu/reset", ""))
	if code, _ := tokenInfoCode(s, tokA); code != http.StatusBadRequest {
		t.Errorf("a's token after a's reset: tokeninfo %d", code)
	}
	if code, body := tokenInfoCode(s, tokDef); code != http.StatusOK {
		t.Errorf("default's token after a's reset: tokeninfo %d %s", code, body)
	}
	if st := worldState(t, s, a); st.ClockOffset != 0 || len(st.Faults) != 0 {
		t.Errorf("a after reset: offset %s, %d faults", st.ClockOffset, len(st.Faults))
	}
	// The issued lists keep reset worlds' tokens (the canary needs them).
	if v := decodeJSONBody[Issued](t, serveEmu(s, inWorld(a, http.MethodGet, "/_emu/issued", ""))); v.Total != 1 {
		t.Errorf("a's issued after reset: %+v", v)
	}
}

// Unknown worlds are a clear 404, in the header or in the cookie; the
// default world is never deleted; a deleted world's tokens stop working.
func TestWorldLifecycle(t *testing.T) {
	s := newBrowserEmu(t)
	id := newWorldHTTP(t, s)
	tok := mintIn(t, s, id, "alice@example.com")

	rec := serveEmu(s, inWorld("wnope", http.MethodPost, "/_emu/reset", ""))
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), `unknown world \"wnope\"`) {
		t.Errorf("reset of an unknown world: %d %s", rec.Code, rec.Body)
	}
	req := httptest.NewRequest(http.MethodGet, "/o/oauth2/v2/auth?"+authQuery(tscope.Cal).Encode(), nil)
	req.AddCookie(&http.Cookie{Name: WorldCookie, Value: "wnope"})
	if rec := serveEmu(s, req); rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "unknown world") {
		t.Errorf("popup with an unknown world's cookie: %d %s", rec.Code, rec.Body)
	}

	if rec := serveEmu(s, controlRequest(http.MethodDelete, "/_emu/worlds/"+DefaultWorld, "")); rec.Code != http.StatusBadRequest {
		t.Errorf("delete the default world: %d %s", rec.Code, rec.Body)
	}
	if rec := serveEmu(s, controlRequest(http.MethodDelete, "/_emu/worlds/"+id, "")); rec.Code != http.StatusOK {
		t.Fatalf("delete: %d %s", rec.Code, rec.Body)
	}
	if rec := serveEmu(s, controlRequest(http.MethodDelete, "/_emu/worlds/"+id, "")); rec.Code != http.StatusNotFound {
		t.Errorf("delete twice: %d %s", rec.Code, rec.Body)
	}
	if rec := serveEmu(s, inWorld(id, http.MethodGet, "/_emu/state", "")); rec.Code != http.StatusNotFound {
		t.Errorf("state of a deleted world: %d", rec.Code)
	}
	if code, _ := tokenInfoCode(s, tok); code != http.StatusBadRequest {
		t.Errorf("a deleted world's token: tokeninfo %d", code)
	}
	if v, _ := s.IssuedAll(context.Background()); v.Total != 1 || v.Tokens[0] != tok {
		t.Errorf("IssuedAll after delete: %+v", v)
	}
}

// A world idle longer than WorldIdleTimeout is forgotten; one in use is not.
func TestWorldsExpireWhenIdle(t *testing.T) {
	var mu sync.Mutex
	wall := browserTestNow
	s := New(Options{
		Clients: []Client{{ID: siteClientID, Name: "Scopewise", Origins: []string{siteOrigin}}},
		Now: func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			return wall
		},
	})
	pass := func(d time.Duration) { mu.Lock(); wall = wall.Add(d); mu.Unlock() }
	ctx := context.Background()
	idle, _ := s.NewWorld(ctx)
	busy, _ := s.NewWorld(ctx)
	for range 3 {
		pass(WorldIdleTimeout / 2)
		if _, err := s.World(busy).State(ctx); err != nil {
			t.Fatalf("busy world: %v", err)
		}
	}
	if _, err := s.World(idle).State(ctx); !errors.Is(err, ErrUnknownWorld) {
		t.Errorf("idle world after %s: err %v, want ErrUnknownWorld", 3*WorldIdleTimeout/2, err)
	}
	if _, err := s.World(DefaultWorld).State(ctx); err != nil {
		t.Errorf("the default world expired: %v", err)
	}
}

// A token belongs to the world that issued it: tokeninfo and the APIs read
// that world's clock, revoke ends that world's grant, and a fault injected
// in that world answers calls made with its tokens, with no header at all.
func TestTokensCarryTheirWorld(t *testing.T) {
	s := newBrowserEmu(t)
	a := newWorldHTTP(t, s)
	tokA := mintIn(t, s, a, "alice@example.com")
	tokDef := mintIn(t, s, DefaultWorld, "alice@example.com")

	serveEmu(s, inWorld(a, http.MethodPost, "/_emu/clock", `{"advance":"2h"}`))
	if code, _ := tokenInfoCode(s, tokA); code != http.StatusBadRequest {
		t.Errorf("a's token after a's clock moved 2h: tokeninfo %d, want expired", code)
	}
	if code, _ := tokenInfoCode(s, tokDef); code != http.StatusOK {
		t.Errorf("default's token after a's clock moved: tokeninfo %d", code)
	}
	serveEmu(s, inWorld(a, http.MethodPost, "/_emu/reset", ""))
	tokA = mintIn(t, s, a, "alice@example.com")

	serveEmu(s, inWorld(a, http.MethodPost, "/_emu/faults", `{"path":"/calendar/v3/calendars/primary/events","status":503,"count":2}`))
	events := func(tok string) int {
		req := httptest.NewRequest(http.MethodGet, "/calendar/v3/calendars/primary/events", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		return serveEmu(s, req).Code
	}
	if code := events(tokDef); code != http.StatusOK {
		t.Errorf("default's token while a has a fault: %d", code)
	}
	if code := events(tokA); code != http.StatusServiceUnavailable {
		t.Errorf("a's token with a's fault: %d, want 503", code)
	}
	if st := worldState(t, s, a); st.Calls["GET /calendar/v3/calendars/{calendarId}/events"] != 1 {
		t.Errorf("a's calls: %v", st.Calls)
	}
	if st := worldState(t, s, DefaultWorld); st.Calls["GET /calendar/v3/calendars/{calendarId}/events"] != 1 {
		t.Errorf("default's calls: %v", st.Calls)
	}

	// Revoke by form body, as GIS sends it: a's grant ends, default's stays.
	s.addGrant(s.worlds[a], "alice@example.com", siteClientID, []string{tscope.Cal})
	s.addGrant(s.def, "alice@example.com", siteClientID, []string{tscope.Cal})
	req := httptest.NewRequest(http.MethodPost, "/revoke", strings.NewReader("token="+url.QueryEscape(tokA)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if rec := serveEmu(s, req); rec.Code != http.StatusOK {
		t.Fatalf("revoke: %d %s", rec.Code, rec.Body)
	}
	if st := worldState(t, s, a); len(st.Grants) != 0 || !st.Tokens[0].Revoked {
		t.Errorf("a after revoke: %+v", st.Grants)
	}
	if st := worldState(t, s, DefaultWorld); len(st.Grants) != 1 || st.Tokens[0].Revoked {
		t.Errorf("default after a's revoke: %+v", st)
	}
}

// The popup acts in the world of the EMU_WORLD cookie: its sign-ins and
// faults are that world's.
func TestPopupActsInCookieWorld(t *testing.T) {
	s := newBrowserEmu(t)
	a := newWorldHTTP(t, s)
	b := newPopupBrowser(t, s)
	b.cookies[WorldCookie] = &http.Cookie{Name: WorldCookie, Value: a}
	b.signIn("bob@example.com")
	if st := worldState(t, s, a); len(st.SignedIn) != 1 || st.SignedIn[0].Account != "bob@example.com" {
		t.Errorf("a's sign-ins: %+v", st.SignedIn)
	}
	if st := worldState(t, s, DefaultWorld); len(st.SignedIn) != 0 {
		t.Errorf("default's sign-ins: %+v", st.SignedIn)
	}

	// Faults never apply to the popup (package guard); a world's faults reach
	// calls made with its tokens, tested in TestTokensCarryTheirWorld.
}

// Many goroutines, each in its own world, never see each other (run with
// -race).
func TestWorldsInParallel(t *testing.T) {
	s := newBrowserEmu(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id, err := s.NewWorld(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			w := s.World(id)
			for range 5 {
				if _, err := w.MintToken(ctx, TokenRequest{ClientID: siteClientID, Account: "alice@example.com", Scopes: []string{tscope.Cal}}); err != nil {
					t.Error(err)
				}
			}
			if _, err := w.AdvanceClock(ctx, time.Duration(i)*time.Minute); err != nil {
				t.Error(err)
			}
			st, _ := w.State(ctx)
			if len(st.Tokens) != 5 || st.ClockOffset != time.Duration(i)*time.Minute {
				t.Errorf("world %d: %d tokens, offset %s", i, len(st.Tokens), st.ClockOffset)
			}
			if err := s.DeleteWorld(ctx, id); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if v, _ := s.IssuedAll(ctx); v.Total != 40 {
		t.Errorf("issued in all: %d, want 40", v.Total)
	}
}
