package emulator

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

// A client may list several JavaScript origins; the popup accepts each and
// refuses any other with Google's error page.
func TestSeveralOriginsPerClient(t *testing.T) {
	s := New(Options{
		Clients:   []Client{{ID: siteClientID, Name: "App", Origins: []string{"http://localhost:5173", "https://app.example.test"}}},
		PublicURL: emuOrigin,
		Now:       func() time.Time { return browserTestNow },
	})
	for _, relay := range []string{"storagerelay://http/localhost:5173?id=auth1", "storagerelay://https/app.example.test?id=auth2"} {
		p := newPopupBrowser(t, s).open(authQuery(tscope.Cal, "redirect_uri", relay))
		if p.rec.Code != http.StatusOK || p.heading() != "Choose an account" {
			t.Errorf("%s: status %d, heading %q; want the chooser", relay, p.rec.Code, p.heading())
		}
	}
	for _, tt := range []struct{ relay, want string }{
		{"storagerelay://http/localhost:8080?id=auth3", "Error 400: origin_mismatch"},
		{"storagerelay://http/app.example.test?id=auth4", "Error 400: origin_mismatch"}, // http, not https
	} {
		p := newPopupBrowser(t, s).open(authQuery(tscope.Cal, "redirect_uri", tt.relay))
		p.mustBe("error")
		if !strings.Contains(p.text(), tt.want) || !strings.Contains(p.text(), "Access blocked") {
			t.Errorf("%s: page lacks %q:\n%s", tt.relay, tt.want, p.text())
		}
	}
	p := newPopupBrowser(t, s).open(authQuery(tscope.Cal, "client_id", "unknown.apps.googleusercontent.com", "redirect_uri", "storagerelay://http/localhost:5173?id=auth5"))
	p.mustBe("error")
	for _, want := range []string{"Error 401: invalid_client", "The OAuth client was not found."} {
		if !strings.Contains(p.text(), want) {
			t.Errorf("unknown client: page lacks %q", want)
		}
	}
}

// corsRequest is a browser's request from origin ("" sends none).
func corsRequest(method, target, origin string) *http.Request {
	req := httptest.NewRequest(method, target, nil)
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	if method == http.MethodOptions {
		req.Header.Set("Access-Control-Request-Method", "GET")
		req.Header.Set("Access-Control-Request-Headers", "authorization")
	}
	return req
}

// The endpoints a page calls with fetch answer CORS for registered origins:
// a preflight is granted with Google's methods and headers, answers expose
// WWW-Authenticate; an unregistered origin gets no grant at all.
func TestCORSOnBrowserCallableEndpoints(t *testing.T) {
	paths := []string{
		"/tokeninfo",
		"/oauth2/v2/tokeninfo",
		"/revoke",
		"/calendar/v3/calendars/primary/events",
		"/v1/documents/1abc",
		"/v1/sessions",
		"/v1/sessions/0a1b2c",
		"/v1/mediaItems",
	}
	s := newBrowserEmu(t)
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			// Preflight from the site's registered origin, and from the other client's.
			for _, origin := range []string{siteOrigin, "http://localhost:9090"} {
				rec := serveEmu(s, corsRequest(http.MethodOptions, path, origin))
				h := rec.Header()
				if rec.Code != http.StatusNoContent {
					t.Errorf("preflight from %s: status %d, want 204", origin, rec.Code)
				}
				if got := h.Get("Access-Control-Allow-Origin"); got != origin {
					t.Errorf("preflight from %s: Allow-Origin %q", origin, got)
				}
				for _, want := range []string{"GET", "POST", "DELETE"} {
					if !strings.Contains(h.Get("Access-Control-Allow-Methods"), want) {
						t.Errorf("preflight: methods %q lack %s", h.Get("Access-Control-Allow-Methods"), want)
					}
				}
				for _, want := range []string{"Authorization", "Content-Type"} {
					if !strings.Contains(h.Get("Access-Control-Allow-Headers"), want) {
						t.Errorf("preflight: headers %q lack %s", h.Get("Access-Control-Allow-Headers"), want)
					}
				}
				if h.Get("Access-Control-Max-Age") == "" {
					t.Error("preflight: no Max-Age")
				}
				if !slices.Contains(h.Values("Vary"), "Origin") {
					t.Errorf("preflight: Vary %q lacks Origin", h.Values("Vary"))
				}
				if h.Get("Access-Control-Allow-Credentials") != "" {
					t.Error("preflight allows credentials: tokens travel in headers, never cookies")
				}
			}
			// Preflight from an unregistered origin: no grant, so the browser refuses.
			rec := serveEmu(s, corsRequest(http.MethodOptions, path, "http://evil.test"))
			for name := range rec.Header() {
				if strings.HasPrefix(name, "Access-Control-") {
					t.Errorf("unregistered origin got %s: %q", name, rec.Header().Get(name))
				}
			}
			// The actual request (here without a token: an error answer) carries the grant.
			method := http.MethodGet
			if path == "/revoke" || path == "/v1/sessions" {
				method = http.MethodPost
			}
			rec = serveEmu(s, corsRequest(method, path, siteOrigin))
			if got := rec.Header().Get("Access-Control-Allow-Origin"); got != siteOrigin {
				t.Errorf("%s: Allow-Origin %q (status %d)", method, got, rec.Code)
			}
			if !strings.Contains(rec.Header().Get("Access-Control-Expose-Headers"), "WWW-Authenticate") {
				t.Errorf("%s: WWW-Authenticate not exposed", method)
			}
			rec = serveEmu(s, corsRequest(method, path, "http://evil.test"))
			if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "" {
				t.Errorf("%s from an unregistered origin: Allow-Origin %q", method, got)
			}
		})
	}
}

// What a browser's page does not call keeps no CORS: the popup, media
// bytes, the picking page, the control API.
func TestNoCORSElsewhere(t *testing.T) {
	s := newBrowserEmu(t)
	for _, path := range []string{"/o/oauth2/v2/auth", "/media/x", "/picker/x", "/_emu/state", "/v1/documents"} {
		rec := serveEmu(s, corsRequest(http.MethodGet, path, siteOrigin))
		if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("%s: Allow-Origin %q", path, got)
		}
		rec = serveEmu(s, corsRequest(http.MethodOptions, path, siteOrigin))
		if rec.Code == http.StatusNoContent || rec.Header().Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("OPTIONS %s answered as a preflight (%d)", path, rec.Code)
		}
	}
}

// A preflight never uses up an injected fault, and the faulted answer still
// carries the grant so the page can read Google's error envelope.
func TestCORSWithFaults(t *testing.T) {
	s := newBrowserEmu(t)
	const path = "/calendar/v3/calendars/primary/events"
	rec := serveEmu(s, controlRequest(http.MethodPost, "/_emu/faults", `{"path":"`+path+`","status":503}`))
	if rec.Code != http.StatusOK {
		t.Fatalf("fault: %d %s", rec.Code, rec.Body)
	}
	if rec := serveEmu(s, corsRequest(http.MethodOptions, path, siteOrigin)); rec.Code != http.StatusNoContent {
		t.Fatalf("preflight: %d", rec.Code)
	}
	rec = serveEmu(s, corsRequest(http.MethodGet, path, siteOrigin))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("the fault was used up by the preflight: status %d", rec.Code)
	}
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != siteOrigin {
		t.Errorf("faulted answer: Allow-Origin %q", got)
	}
}

// A call with the token from the page reads data cross-origin, as
// "Using REST and CORS" does.
func TestCORSCallWithToken(t *testing.T) {
	s := newBrowserEmu(t)
	value, _ := s.mintToken(s.def, siteClientID, "alice@example.com", []string{tscope.Cal}, tokenTTL)
	req := corsRequest(http.MethodGet, "/calendar/v3/calendars/primary/events?maxResults=1", siteOrigin)
	req.Header.Set("Authorization", "Bearer "+value)
	rec := serveEmu(s, req)
	if rec.Code != http.StatusOK || rec.Header().Get("Access-Control-Allow-Origin") != siteOrigin {
		t.Fatalf("status %d, Allow-Origin %q", rec.Code, rec.Header().Get("Access-Control-Allow-Origin"))
	}
	if !strings.Contains(rec.Body.String(), `calendar#events`) {
		t.Errorf("body %s", rec.Body)
	}
}
