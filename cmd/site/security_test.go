package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/scopewise/scopewise/emulator"
	"github.com/scopewise/scopewise/internal/config"
	"github.com/scopewise/scopewise/pages"
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
func securityApp(t *testing.T) (a *app, tokeninfo *atomic.Int64) {
	t.Helper()
	clients := []emulator.Client{
		{ID: config.EmulatorClientID, Name: "Scopewise", Origins: []string{"http://127.0.0.1"}},
		{ID: config.OtherClientID, Name: "Another App"},
	}
	for _, id := range nearMissClients {
		clients = append(clients, emulator.Client{ID: id, Name: "Near miss"})
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
	out := &syncBuffer{}
	site, emu := emulatedSite(t, emulator.Options{Clients: clients}, count, out)
	jar, _ := cookiejar.New(nil)
	a = &app{t: t, site: site, emulator: emu, out: out, client: &http.Client{Jar: jar, Timeout: 15 * time.Second}}
	t.Cleanup(a.checkNoTokenLeaked)
	return a, tokeninfo
}

// otherSessionCSRF is the CSRF token of another browser's session.
func (a *app) otherSessionCSRF() string {
	a.t.Helper()
	res, err := http.Get(a.site + "/calendar")
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	m := csrfMeta.FindStringSubmatch(string(b))
	if m == nil || m[1] == a.csrf {
		a.t.Fatalf("no distinct CSRF token in another session")
	}
	return m[1]
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
	a, tokeninfo := securityApp(t)
	a.page("/calendar")
	const (
		invalidRequest = `Bearer error="invalid_request"`
		invalidToken   = `Bearer error="invalid_token"`
	)
	insufficient := `Bearer error="insufficient_scope", scope="` + calendarScope + `"`
	alice := func(client string, scopes ...string) func(a *app) string {
		return func(a *app) string { return a.mintFor("alice@example.com", client, scopes...) }
	}
	good := alice(config.EmulatorClientID, calendarScope)
	setHeader := func(k, v string) func(*app, *http.Request) {
		return func(_ *app, r *http.Request) { r.Header.Set(k, v) }
	}

	type tcase struct {
		name      string
		token     func(a *app) string // the bearer token, nil for none
		mutate    func(a *app, r *http.Request)
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
		{name: "malformed: space inside", token: func(*app) string { return "ya29.bad token" }, status: 400, challenge: invalidRequest},
		{name: "malformed: quote", token: func(*app) string { return `ya29."x"` }, status: 400, challenge: invalidRequest},
		{name: "malformed: non-ASCII", token: func(*app) string { return "ya29.tökén" }, status: 400, challenge: invalidRequest},
		{name: "oversized token (5,000 characters)", token: func(*app) string { return strings.Repeat("a", 5000) }, status: 400, challenge: invalidRequest},
		{name: "oversized header (past the server's 64 KB header limit), new connection", token: func(*app) string { return strings.Repeat("a", 70<<10) }, freshConn: true, status: 431},
		// net/http applies MaxHeaderBytes to a connection's first request
		// only; on a kept-alive one the header reaches BearerToken's bound.
		{name: "oversized header, kept-alive connection", token: func(*app) string { return strings.Repeat("a", 70<<10) }, status: 400, challenge: invalidRequest},
		{name: "two Authorization headers", token: good, mutate: func(a *app, r *http.Request) {
			r.Header.Add("Authorization", "Bearer "+a.mintFor("bob@example.com", config.EmulatorClientID, calendarScope))
		}, status: 400, challenge: invalidRequest},
		{name: "two tokens in one header", token: good, mutate: func(_ *app, r *http.Request) {
			r.Header.Set("Authorization", r.Header.Get("Authorization")+", Bearer abc")
		}, status: 400, challenge: invalidRequest},
		{name: "token in the query string only", mutate: func(a *app, r *http.Request) {
			r.URL.RawQuery = "access_token=" + good(a)
		}, status: 400, challenge: invalidRequest},
		{name: "token in the query string and the header", token: good, mutate: func(a *app, r *http.Request) {
			r.URL.RawQuery = "access_token=" + strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		}, status: 400, challenge: invalidRequest},
		{name: "token in a form body", mutate: func(a *app, r *http.Request) {
			setBody(r, "application/x-www-form-urlencoded", url.Values{"access_token": {good(a)}}.Encode())
		}, status: 400, challenge: invalidRequest},
		{name: "token in a JSON body", mutate: func(a *app, r *http.Request) {
			setBody(r, "application/json", `{"access_token":"`+good(a)+`"}`)
		}, status: 400, challenge: invalidRequest},
		{name: "unknown token", token: func(*app) string { return "ya29.garbage" }, status: 401, challenge: invalidToken, says: "Access expired", verified: true},

		// Lifetime (RFC 9700 §4.10: the resource server checks the token now).
		{name: "expired", token: func(a *app) string {
			tok := good(a)
			a.emu("/_emu/clock", map[string]string{"advance": "3700s"}, nil)
			return tok
		}, status: 401, challenge: invalidToken, says: "Access expired", verified: true},
		{name: "revoked", token: func(a *app) string {
			tok := good(a)
			res, err := http.PostForm(a.emulator+"/revoke", url.Values{"token": {tok}})
			if err != nil || res.StatusCode != 200 {
				a.t.Fatalf("revoke: %v %v", res, err)
			}
			res.Body.Close()
			return tok
		}, status: 401, challenge: invalidToken, says: "Access expired", verified: true},

		// Audience (RFC 9700 §2.3, Google: aud must equal our client ID exactly).
		{name: "another app's token", token: alice(config.OtherClientID, calendarScope), status: 401, challenge: invalidToken, says: "another app", verified: true},
	}
	for _, id := range nearMissClients {
		cases = append(cases, tcase{name: "audience near miss " + id, token: alice(id, calendarScope), status: 401, challenge: invalidToken, says: "another app", verified: true})
	}
	cases = append(cases, []tcase{
		// Scope: the page's scope as a whole word, exactly.
		{name: "another page's scope only", token: alice(config.EmulatorClientID, docsScope), status: 403, challenge: insufficient, says: "Permission missing", verified: true},
		{name: "scope with a suffix", token: alice(config.EmulatorClientID, calendarScope+"x"), status: 403, challenge: insufficient, verified: true},
		{name: "scope with a prefix", token: alice(config.EmulatorClientID, "x"+calendarScope), status: 403, challenge: insufficient, verified: true},
		{name: "scope in upper case", token: alice(config.EmulatorClientID, strings.ToUpper(calendarScope)), status: 403, challenge: insufficient, verified: true},
		{name: "scope cut short (calendar, not calendar.readonly)", token: alice(config.EmulatorClientID, strings.TrimSuffix(calendarScope, ".readonly")), status: 403, challenge: insufficient, verified: true},
		{name: "scopes joined by a comma", token: alice(config.EmulatorClientID, docsScope+","+calendarScope), status: 403, challenge: insufficient, verified: true},

		// CSRF and cross-site requests: refused before the token is read.
		{name: "cross-site (Sec-Fetch-Site)", token: good, mutate: setHeader("Sec-Fetch-Site", "cross-site"), status: 403},
		{name: "same-site, other origin (Sec-Fetch-Site)", token: good, mutate: setHeader("Sec-Fetch-Site", "same-site"), status: 403},
		{name: "no initiator (Sec-Fetch-Site: none)", token: good, mutate: setHeader("Sec-Fetch-Site", "none"), status: 403},
		{name: "foreign Origin", token: good, mutate: setHeader("Origin", "http://evil.example"), status: 403},
		{name: "Origin: null", token: good, mutate: setHeader("Origin", "null"), status: 403},
		{name: "Origin with our host as a prefix", token: good, mutate: func(a *app, r *http.Request) { r.Header.Set("Origin", a.site+".evil.example") }, status: 403},
		{name: "Origin with a path", token: good, mutate: func(a *app, r *http.Request) { r.Header.Set("Origin", a.site+"/calendar") }, status: 403},
		{name: "Origin with user info", token: good, mutate: func(a *app, r *http.Request) {
			r.Header.Set("Origin", strings.Replace(a.site, "://", "://evil@", 1))
		}, status: 403},
		{name: "two Origin headers", token: good, mutate: func(a *app, r *http.Request) { r.Header.Add("Origin", "http://evil.example") }, status: 403},
		{name: "no CSRF token", token: good, mutate: func(_ *app, r *http.Request) { r.Header.Del("X-CSRF-Token") }, status: 403},
		{name: "CSRF token of another session", token: good, mutate: func(a *app, r *http.Request) { r.Header.Set("X-CSRF-Token", a.otherSessionCSRF()) }, status: 403},
		{name: "CSRF token changed by one character", token: good, mutate: func(a *app, r *http.Request) { r.Header.Set("X-CSRF-Token", "x"+a.csrf[1:]) }, status: 403},
		{name: "CSRF token in a form field, not the header", token: good, mutate: func(a *app, r *http.Request) {
			r.Header.Del("X-CSRF-Token")
			setBody(r, "application/x-www-form-urlencoded", "csrf="+a.csrf)
		}, status: 403},
		{name: "attacker's valid token planted by a cross-site form", mutate: func(a *app, r *http.Request) {
			crossSite(r)
			setBody(r, "application/x-www-form-urlencoded", url.Values{"access_token": {a.mintFor("bob@example.com", config.EmulatorClientID, calendarScope)}}.Encode())
		}, status: 403},
		{name: "attacker's token planted by a form, old browser (no Origin, no Sec-Fetch-Site)", mutate: func(a *app, r *http.Request) {
			crossSite(r)
			r.Header.Del("Origin")
			r.Header.Del("Sec-Fetch-Site")
			setBody(r, "application/x-www-form-urlencoded", url.Values{"access_token": {a.mintFor("bob@example.com", config.EmulatorClientID, calendarScope)}}.Encode())
		}, status: 403},

		// And the request the page script sends.
		{name: "valid", token: good, status: 200, says: `aria-labelledby="calendar-results-title"`, verified: true},
	}...)

	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			a.t = t
			before := ledgerState(t, a.get("/calendar").Body, calendarScope)
			token := ""
			if tt.token != nil {
				token = tt.token(a)
			}
			calls := tokeninfo.Load()
			if tt.freshConn {
				a.client.Transport = &http.Transport{}
				defer func() { a.client.Transport = nil }()
			}
			res := a.postback("/calendar", token, func(r *http.Request) {
				if tt.mutate != nil {
					tt.mutate(a, r)
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
			after := ledgerState(t, a.get("/calendar").Body, calendarScope)
			switch {
			case tt.status == 200 && after != "granted":
				t.Errorf("ledger after success = %q, want granted", after)
			case (tt.status == 400 || tt.status == 403 && tt.challenge == "" || tt.status == 431) && after != before:
				t.Errorf("a refused request changed the ledger: %q → %q", before, after)
			}
		})
	}
	a.t = t
}

func setBody(r *http.Request, contentType, body string) {
	r.Header.Set("Content-Type", contentType)
	r.Body = io.NopCloser(strings.NewReader(body))
	r.ContentLength = int64(len(body))
}

// TestEveryPostRefusesCrossSite walks the route table: every POST route
// refuses a cross-site request and one without the CSRF token, whatever it
// carries, before it reads anything.
func TestEveryPostRefusesCrossSite(t *testing.T) {
	a, tokeninfo := securityApp(t)
	a.page("/")
	h, err := newSite(emulatorConfig(t), slog.New(slog.NewTextHandler(io.Discard, nil)), pages.DocSamples{})
	if err != nil {
		t.Fatal(err)
	}
	var posts []string
	for _, r := range h.(*echo.Echo).Routes() {
		if r.Method == http.MethodPost {
			posts = append(posts, r.Path)
		}
	}
	if len(posts) < 10 {
		t.Fatalf("only %d POST routes found: %v", len(posts), posts)
	}
	tok := a.mintFor("bob@example.com", config.EmulatorClientID, calendarScope, docsScope, photosScope)
	for _, path := range posts {
		for name, mutate := range map[string]func(*http.Request){
			"cross-site form": func(r *http.Request) {
				crossSite(r)
				setBody(r, "application/x-www-form-urlencoded", "event=revoked&document=x&access_token="+tok)
			},
			"no CSRF token": func(r *http.Request) { r.Header.Del("X-CSRF-Token") },
			"Origin: null":  func(r *http.Request) { r.Header.Set("Origin", "null") },
		} {
			if res := a.postback(path, tok, mutate); res.StatusCode != 403 {
				t.Errorf("POST %s, %s: %d, want 403", path, name, res.StatusCode)
			}
		}
	}
	if n := tokeninfo.Load(); n != 0 {
		t.Errorf("refused requests reached tokeninfo %d times", n)
	}
	// A cross-site fetch with an Authorization header needs a CORS preflight:
	// the site grants none, so the browser never sends it.
	req, _ := http.NewRequest(http.MethodOptions, a.site+"/calendar", nil)
	req.Header.Set("Origin", "http://evil.example")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "authorization,x-csrf-token")
	res := a.do(req)
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
	a, _ := securityApp(t)
	a.page("/docs")
	aliceTok := a.mintFor("alice@example.com", config.EmulatorClientID, "openid", docsScope, calendarScope)
	docID := seedDoc(t, "alice@example.com", "Project plan")
	if res := a.openDoc(aliceTok, docID); res.StatusCode != 200 {
		t.Fatalf("alice opens a document: %d\n%.500s", res.StatusCode, res.Body)
	}
	list := a.postback("/docs", aliceTok).Body
	if ledgerState(t, list, docsScope) != "granted" || ledgerState(t, list, calendarScope) != "granted" || !strings.Contains(list, "Project plan") {
		t.Fatalf("alice's grants and document are not in the session:\n%.800s", list)
	}

	// Alice again: nothing starts over.
	if res := a.postback("/calendar", aliceTok); res.StatusCode != 200 || ledgerState(t, res.Body, docsScope) != "granted" {
		t.Fatalf("alice's second postback: %d, docs %q", res.StatusCode, ledgerState(t, res.Body, docsScope))
	}

	bobTok := a.mintFor("bob@example.com", config.EmulatorClientID, "openid", calendarScope)
	res := a.postback("/calendar", bobTok)
	if res.StatusCode != 200 {
		t.Fatalf("bob's postback: %d", res.StatusCode)
	}
	if got := ledgerState(t, res.Body, calendarScope); got != "granted" {
		t.Errorf("bob's calendar = %q, want granted", got)
	}
	if got := ledgerState(t, res.Body, docsScope); got != "never asked" {
		t.Errorf("after bob's token, docs = %q, want never asked (alice's grant must not carry over)", got)
	}
	bobDocs := a.mintFor("bob@example.com", config.EmulatorClientID, "openid", docsScope)
	if list := a.postback("/docs", bobDocs).Body; strings.Contains(list, "Project plan") || strings.Contains(list, docID) {
		t.Errorf("bob's recent documents list alice's document:\n%.800s", list)
	}

	// A token that does not say whose it is cannot switch the ledger.
	anon := a.mintFor("alice@example.com", config.EmulatorClientID, docsScope)
	if res := a.postback("/docs", anon); res.StatusCode != 200 || ledgerState(t, res.Body, calendarScope) != "granted" {
		t.Errorf("a token without openid reset the ledger: %d, calendar %q", res.StatusCode, ledgerState(t, res.Body, calendarScope))
	}
}
