package site_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/scopewise/scopewise/emulator"
	"github.com/scopewise/scopewise/internal/config"
	"github.com/scopewise/scopewise/internal/sitetest"
)

// Near misses of our client ID, registered in the emulator so that it issues
// real tokens to them: the audience check must be exact (Google's guidance),
// not a prefix, suffix or case-insensitive match.
var nearMissClients = []string{
	strings.ToUpper(config.EmulatorClientID),
	config.EmulatorClientID + ".evil.example",
	config.EmulatorClientID + ".",
	"evil-" + config.EmulatorClientID,
	strings.TrimSuffix(config.EmulatorClientID, ".apps.googleusercontent.com"),
}

// securityApp is the site and an emulator that also knows the near-miss
// clients; tokeninfo counts the emulator's tokeninfo calls, so a test can
// tell a request refused before verification from one refused after.
func securityApp(t *testing.T) (s *sitetest.Site, tokeninfo *atomic.Int64) {
	t.Helper()
	clients := []emulator.Client{
		{ID: config.EmulatorClientID, Name: "Scopewise", Origins: []string{"http://127.0.0.1"}},
		{ID: config.OtherClientID, Name: "Another App", Origins: []string{"http://other-app.localhost"}},
	}
	for _, id := range nearMissClients {
		clients = append(clients, emulator.Client{ID: id, Name: "Near miss", Origins: []string{"http://near-miss.localhost"}})
	}
	tokeninfo = &atomic.Int64{}
	count := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/tokeninfo" {
				tokeninfo.Add(1)
			}
			h.ServeHTTP(w, r)
		})
	}
	return sitetest.Start(t, sitetest.WithEmulator(emulator.Options{Clients: clients}), sitetest.WithWrap(count)), tokeninfo
}

// otherSessionCSRF is the CSRF token of another browser's session.
func otherSessionCSRF(t *testing.T, s *sitetest.Site) string {
	t.Helper()
	other := s.NewBrowser()
	other.Page("/calendar")
	if other.CSRF == s.CSRF {
		t.Fatalf("no distinct CSRF token in another session")
	}
	return other.CSRF
}

func crossSite(r *http.Request) {
	r.Header.Set("Origin", "http://evil.example")
	r.Header.Set("Sec-Fetch-Site", "cross-site")
	r.Header.Del("X-CSRF-Token")
}

// TestTokenAndCSRFCases is the one table of bearer-token (RFC 6750), audience,
// scope and CSRF cases, posted to the Calendar page's postback the way the
// page script posts, with one thing changed per case.
//
// Every refusal before verification (400, 403 for CSRF) must not reach
// tokeninfo; every refusal leaves the ledger as it was; no case answers 500.
func TestTokenAndCSRFCases(t *testing.T) {
	s, tokeninfo := securityApp(t)
	s.Page("/calendar")
	const (
		invalidRequest = `Bearer error="invalid_request"`
		invalidToken   = `Bearer error="invalid_token"`
	)
	insufficient := `Bearer error="insufficient_scope", scope="` + sitetest.CalendarScope + `"`
	alice := func(client string, scopes ...string) func(s *sitetest.Site) string {
		return func(s *sitetest.Site) string { return s.MintFor("alice@example.com", client, scopes...) }
	}
	good := alice(config.EmulatorClientID, sitetest.CalendarScope)
	setHeader := func(k, v string) func(*sitetest.Site, *http.Request) {
		return func(_ *sitetest.Site, r *http.Request) { r.Header.Set(k, v) }
	}

	type tcase struct {
		name      string
		token     func(s *sitetest.Site) string // the bearer token, nil for none
		mutate    func(s *sitetest.Site, r *http.Request)
		status    int
		challenge string // WWW-Authenticate, "" for none
		says      string // text the fragment shows
		verified  bool   // whether tokeninfo is asked
		freshConn bool   // send on a new connection
	}
	cases := []tcase{
		// The bearer token itself (RFC 6750 §2.1, §3.1).
		{name: "no Authorization header", status: 400, challenge: invalidRequest, says: "No usable access token"},
		{name: "empty Authorization header", mutate: setHeader("Authorization", ""), status: 400, challenge: invalidRequest},
		{name: "empty bearer", mutate: setHeader("Authorization", "Bearer "), status: 400, challenge: invalidRequest},
		{name: "scheme only", mutate: setHeader("Authorization", "Bearer"), status: 400, challenge: invalidRequest},
		{name: "not Bearer (Basic)", mutate: setHeader("Authorization", "Basic dXNlcjpwYXNz"), status: 400, challenge: invalidRequest},
		{name: "malformed: space inside", token: func(*sitetest.Site) string { return "ya29.bad token" }, status: 400, challenge: invalidRequest},
		{name: "malformed: quote", token: func(*sitetest.Site) string { return `ya29."x"` }, status: 400, challenge: invalidRequest},
		{name: "malformed: non-ASCII", token: func(*sitetest.Site) string { return "ya29.tökén" }, status: 400, challenge: invalidRequest},
		{name: "oversized token (5,000 characters)", token: func(*sitetest.Site) string { return strings.Repeat("a", 5000) }, status: 400, challenge: invalidRequest},
		{name: "oversized header (past the server's 64 KB header limit), new connection", token: func(*sitetest.Site) string { return strings.Repeat("a", 70<<10) }, freshConn: true, status: 431},
		// net/http applies MaxHeaderBytes to a connection's first request
		// only; on a kept-alive one the header reaches BearerToken's bound.
		{name: "oversized header, kept-alive connection", token: func(*sitetest.Site) string { return strings.Repeat("a", 70<<10) }, status: 400, challenge: invalidRequest},
		{name: "two Authorization headers", token: good, mutate: func(s *sitetest.Site, r *http.Request) {
			r.Header.Add("Authorization", "Bearer "+s.MintFor("bob@example.com", config.EmulatorClientID, sitetest.CalendarScope))
		}, status: 400, challenge: invalidRequest},
		{name: "two tokens in one header", token: good, mutate: func(_ *sitetest.Site, r *http.Request) {
			r.Header.Set("Authorization", r.Header.Get("Authorization")+", Bearer abc")
		}, status: 400, challenge: invalidRequest},
		{name: "token in the query string only", mutate: func(s *sitetest.Site, r *http.Request) {
			r.URL.RawQuery = "access_token=" + good(s)
		}, status: 400, challenge: invalidRequest},
		{name: "token in the query string and the header", token: good, mutate: func(s *sitetest.Site, r *http.Request) {
			r.URL.RawQuery = "access_token=" + strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		}, status: 400, challenge: invalidRequest},
		{name: "token in a form body", mutate: func(s *sitetest.Site, r *http.Request) {
			sitetest.SetBody(r, "application/x-www-form-urlencoded", url.Values{"access_token": {good(s)}}.Encode())
		}, status: 400, challenge: invalidRequest},
		{name: "token in a JSON body", mutate: func(s *sitetest.Site, r *http.Request) {
			sitetest.SetBody(r, "application/json", `{"access_token":"`+good(s)+`"}`)
		}, status: 400, challenge: invalidRequest},
		{name: "unknown token", token: func(*sitetest.Site) string { return "ya29.garbage" }, status: 401, challenge: invalidToken, says: "Access expired", verified: true},

		// Lifetime (RFC 9700 §4.10: the resource server checks the token now).
		{name: "expired", token: func(s *sitetest.Site) string {
			tok := good(s)
			s.Emu.Advance(t, 3700*time.Second)
			return tok
		}, status: 401, challenge: invalidToken, says: "Access expired", verified: true},
		{name: "revoked", token: func(s *sitetest.Site) string {
			tok := good(s)
			s.Revoke(tok)
			return tok
		}, status: 401, challenge: invalidToken, says: "Access expired", verified: true},

		// Audience (RFC 9700 §2.3, Google: aud must equal our client ID exactly).
		{name: "another app's token", token: alice(config.OtherClientID, sitetest.CalendarScope), status: 401, challenge: invalidToken, says: "another app", verified: true},
	}
	for _, id := range nearMissClients {
		cases = append(cases, tcase{name: "audience near miss " + id, token: alice(id, sitetest.CalendarScope), status: 401, challenge: invalidToken, says: "another app", verified: true})
	}
	cases = append(cases, []tcase{
		// Scope: the page's scope as a whole word, exactly.
		{name: "another page's scope only", token: alice(config.EmulatorClientID, sitetest.DocsScope), status: 403, challenge: insufficient, says: "Permission missing", verified: true},
		{name: "scope with a suffix", token: alice(config.EmulatorClientID, sitetest.CalendarScope+"x"), status: 403, challenge: insufficient, verified: true},
		{name: "scope with a prefix", token: alice(config.EmulatorClientID, "x"+sitetest.CalendarScope), status: 403, challenge: insufficient, verified: true},
		{name: "scope in upper case", token: alice(config.EmulatorClientID, strings.ToUpper(sitetest.CalendarScope)), status: 403, challenge: insufficient, verified: true},
		{name: "scope cut short (calendar, not calendar.readonly)", token: alice(config.EmulatorClientID, strings.TrimSuffix(sitetest.CalendarScope, ".readonly")), status: 403, challenge: insufficient, verified: true},
		{name: "scopes joined by a comma", token: alice(config.EmulatorClientID, sitetest.DocsScope+","+sitetest.CalendarScope), status: 403, challenge: insufficient, verified: true},

		// CSRF and cross-site requests: refused before the token is read.
		{name: "cross-site (Sec-Fetch-Site)", token: good, mutate: setHeader("Sec-Fetch-Site", "cross-site"), status: 403},
		{name: "same-site, other origin (Sec-Fetch-Site)", token: good, mutate: setHeader("Sec-Fetch-Site", "same-site"), status: 403},
		{name: "no initiator (Sec-Fetch-Site: none)", token: good, mutate: setHeader("Sec-Fetch-Site", "none"), status: 403},
		{name: "foreign Origin", token: good, mutate: setHeader("Origin", "http://evil.example"), status: 403},
		{name: "Origin: null", token: good, mutate: setHeader("Origin", "null"), status: 403},
		{name: "Origin with our host as a prefix", token: good, mutate: func(s *sitetest.Site, r *http.Request) { r.Header.Set("Origin", s.URL+".evil.example") }, status: 403},
		{name: "Origin with a path", token: good, mutate: func(s *sitetest.Site, r *http.Request) { r.Header.Set("Origin", s.URL+"/calendar") }, status: 403},
		{name: "Origin with user info", token: good, mutate: func(s *sitetest.Site, r *http.Request) {
			r.Header.Set("Origin", strings.Replace(s.URL, "://", "://evil@", 1))
		}, status: 403},
		{name: "two Origin headers", token: good, mutate: func(s *sitetest.Site, r *http.Request) { r.Header.Add("Origin", "http://evil.example") }, status: 403},
		{name: "no CSRF token", token: good, mutate: func(_ *sitetest.Site, r *http.Request) { r.Header.Del("X-CSRF-Token") }, status: 403},
		{name: "CSRF token of another session", token: good, mutate: func(s *sitetest.Site, r *http.Request) { r.Header.Set("X-CSRF-Token", otherSessionCSRF(t, s)) }, status: 403},
		{name: "CSRF token changed by one character", token: good, mutate: func(s *sitetest.Site, r *http.Request) { r.Header.Set("X-CSRF-Token", "x"+s.CSRF[1:]) }, status: 403},
		{name: "CSRF token in a form field, not the header", token: good, mutate: func(s *sitetest.Site, r *http.Request) {
			r.Header.Del("X-CSRF-Token")
			sitetest.SetBody(r, "application/x-www-form-urlencoded", "csrf="+s.CSRF)
		}, status: 403},
		{name: "attacker's valid token planted by a cross-site form", mutate: func(s *sitetest.Site, r *http.Request) {
			crossSite(r)
			sitetest.SetBody(r, "application/x-www-form-urlencoded", url.Values{"access_token": {s.MintFor("bob@example.com", config.EmulatorClientID, sitetest.CalendarScope)}}.Encode())
		}, status: 403},
		{name: "attacker's token planted by a form, old browser (no Origin, no Sec-Fetch-Site)", mutate: func(s *sitetest.Site, r *http.Request) {
			crossSite(r)
			r.Header.Del("Origin")
			r.Header.Del("Sec-Fetch-Site")
			sitetest.SetBody(r, "application/x-www-form-urlencoded", url.Values{"access_token": {s.MintFor("bob@example.com", config.EmulatorClientID, sitetest.CalendarScope)}}.Encode())
		}, status: 403},

		// And the request the page script sends.
		{name: "valid", token: good, status: 200, says: `aria-labelledby="calendar-results-title"`, verified: true},
	}...)

	parent := s
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			s := parent.For(t)
			before := sitetest.LedgerState(t, s.Get("/calendar").Body, sitetest.CalendarScope)
			token := ""
			if tt.token != nil {
				token = tt.token(s)
			}
			calls := tokeninfo.Load()
			if tt.freshConn {
				s.Client.Transport = &http.Transport{}
				defer func() { s.Client.Transport = nil }()
			}
			res := s.Postback("/calendar", token, func(r *http.Request) {
				if tt.mutate != nil {
					tt.mutate(s, r)
				}
			})
			if res.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d; body:\n%.600s", res.StatusCode, tt.status, res.Body)
			}
			if got := res.Header.Get("WWW-Authenticate"); got != tt.challenge {
				t.Errorf("WWW-Authenticate = %q, want %q", got, tt.challenge)
			}
			if tt.says != "" && !strings.Contains(res.Body, tt.says) {
				t.Errorf("answer lacks %q:\n%.800s", tt.says, res.Body)
			}
			if tt.status != 200 && tt.status != 431 && !strings.Contains(res.Body, `role="alert"`) {
				t.Errorf("no alert in the fragment:\n%.500s", res.Body)
			}
			if asked := tokeninfo.Load() > calls; asked != tt.verified {
				t.Errorf("tokeninfo asked = %v, want %v", asked, tt.verified)
			}
			after := sitetest.LedgerState(t, s.Get("/calendar").Body, sitetest.CalendarScope)
			switch {
			case tt.status == 200 && after != "granted":
				t.Errorf("ledger after success = %q, want granted", after)
			case (tt.status == 400 || tt.status == 403 && tt.challenge == "" || tt.status == 431) && after != before:
				t.Errorf("a refused request changed the ledger: %q → %q", before, after)
			}
		})
	}
}

// TestEveryPostRefusesCrossSite walks the route table: every POST route
// refuses a cross-site request and one without the CSRF token, whatever it
// carries, before it reads anything.
func TestEveryPostRefusesCrossSite(t *testing.T) {
	s, tokeninfo := securityApp(t)
	s.Page("/")
	var posts []string
	for _, r := range s.Handler.(*echo.Echo).Routes() {
		if r.Method == http.MethodPost {
			posts = append(posts, r.Path)
		}
	}
	if len(posts) < 10 {
		t.Fatalf("only %d POST routes found: %v", len(posts), posts)
	}
	tok := s.MintFor("bob@example.com", config.EmulatorClientID, sitetest.CalendarScope, sitetest.DocsScope, sitetest.PhotosScope)
	for _, path := range posts {
		for name, mutate := range map[string]func(*http.Request){
			"cross-site form": func(r *http.Request) {
				crossSite(r)
				sitetest.SetBody(r, "application/x-www-form-urlencoded", "event=revoked&document=x&access_token="+tok)
			},
			"no CSRF token": func(r *http.Request) { r.Header.Del("X-CSRF-Token") },
			"Origin: null":  func(r *http.Request) { r.Header.Set("Origin", "null") },
		} {
			if res := s.Postback(path, tok, mutate); res.StatusCode != 403 {
				t.Errorf("POST %s, %s: %d, want 403", path, name, res.StatusCode)
			}
		}
	}
	if n := tokeninfo.Load(); n != 0 {
		t.Errorf("refused requests reached tokeninfo %d times", n)
	}
	// A cross-site fetch with an Authorization header needs a CORS preflight:
	// the site grants none, so the browser never sends it.
	req, _ := http.NewRequest(http.MethodOptions, s.URL+"/calendar", nil)
	req.Header.Set("Origin", "http://evil.example")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "authorization,x-csrf-token")
	res := s.Do(req)
	if v := res.Header.Get("Access-Control-Allow-Origin"); v != "" {
		t.Errorf("preflight answered Access-Control-Allow-Origin: %q", v)
	}
	if res.StatusCode >= 500 {
		t.Errorf("preflight: %d", res.StatusCode)
	}
}

// TestAnotherAccountsTokenReplacesTheLedger: the ledger is one account's.
// When a token says whose it is (openid or email) and it is another
// account's, the session's ledger and recent documents start over: Bob is
// never shown Alice's grants or documents.
func TestAnotherAccountsTokenReplacesTheLedger(t *testing.T) {
	s, _ := securityApp(t)
	s.Page("/docs")
	aliceTok := s.MintFor("alice@example.com", config.EmulatorClientID, "openid", sitetest.DocsScope, sitetest.CalendarScope)
	docID := sitetest.SeedDoc(t, "alice@example.com", "Project plan")
	if res := s.PostForm("/docs/open", aliceTok, url.Values{"document": {docID}}); res.StatusCode != 200 {
		t.Fatalf("alice opens a document: %d\n%.500s", res.StatusCode, res.Body)
	}
	list := s.Postback("/docs", aliceTok).Body
	if sitetest.LedgerState(t, list, sitetest.DocsScope) != "granted" || sitetest.LedgerState(t, list, sitetest.CalendarScope) != "granted" || !strings.Contains(list, "Project plan") {
		t.Fatalf("alice's grants and document are not in the session:\n%.800s", list)
	}

	// Alice again: nothing starts over.
	if res := s.Postback("/calendar", aliceTok); res.StatusCode != 200 || sitetest.LedgerState(t, res.Body, sitetest.DocsScope) != "granted" {
		t.Fatalf("alice's second postback: %d, docs %q", res.StatusCode, sitetest.LedgerState(t, res.Body, sitetest.DocsScope))
	}

	bobTok := s.MintFor("bob@example.com", config.EmulatorClientID, "openid", sitetest.CalendarScope)
	res := s.Postback("/calendar", bobTok)
	if res.StatusCode != 200 {
		t.Fatalf("bob's postback: %d", res.StatusCode)
	}
	if got := sitetest.LedgerState(t, res.Body, sitetest.CalendarScope); got != "granted" {
		t.Errorf("bob's calendar = %q, want granted", got)
	}
	if got := sitetest.LedgerState(t, res.Body, sitetest.DocsScope); got != "never asked" {
		t.Errorf("after bob's token, docs = %q, want never asked (alice's grant must not carry over)", got)
	}
	bobDocs := s.MintFor("bob@example.com", config.EmulatorClientID, "openid", sitetest.DocsScope)
	if list := s.Postback("/docs", bobDocs).Body; strings.Contains(list, "Project plan") || strings.Contains(list, docID) {
		t.Errorf("bob's recent documents list alice's document:\n%.800s", list)
	}

	// A token that does not say whose it is cannot switch the ledger.
	anon := s.MintFor("alice@example.com", config.EmulatorClientID, sitetest.DocsScope)
	if res := s.Postback("/docs", anon); res.StatusCode != 200 || sitetest.LedgerState(t, res.Body, sitetest.CalendarScope) != "granted" {
		t.Errorf("a token without openid reset the ledger: %d, calendar %q", res.StatusCode, sitetest.LedgerState(t, res.Body, sitetest.CalendarScope))
	}
}
