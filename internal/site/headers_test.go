package site_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/scopewise/scopewise/internal/config"
	"github.com/scopewise/scopewise/internal/sitetest"
)

// foreignOrigin is the Origin the Observatory's retriever sends in its CORS
// request.
const foreignOrigin = "https://http-observatory.security.mozilla.org"

// scanned is one answer, as fetched for the header checks.
type scanned struct {
	name   string // "GET /calendar", "POST /calendar (400 no token)"
	status int
	header http.Header
	body   string
	cors   http.Header
}

// scanner fetches a site's pages and fragments like a browser session that
// follows no redirect.
type scanner struct {
	t    *testing.T
	site *sitetest.Site
	b    *sitetest.Browser
}

func newScanner(t *testing.T, site *sitetest.Site) *scanner {
	b := site.NewBrowser()
	b.Client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &scanner{t: t, site: site, b: b}
}

func (s *scanner) fetch(req *http.Request) (int, http.Header, string) {
	s.t.Helper()
	res := s.b.Do(req)
	if req.URL.Scheme == "https" && (res.TLS == nil || len(res.TLS.VerifiedChains) == 0) {
		s.t.Fatalf("%s: certificate not verified", req.URL)
	}
	return res.StatusCode, res.Header, res.Body
}

func (s *scanner) get(path string) scanned {
	s.t.Helper()
	status, h, body := s.fetch(s.b.NewRequest(context.Background(), http.MethodGet, path, nil))
	if csrf := sitetest.CSRFToken(body); csrf != "" {
		s.b.CSRF = csrf
	}
	req := s.b.NewRequest(context.Background(), http.MethodGet, path, nil)
	req.Header.Set("Origin", foreignOrigin)
	_, cors, _ := s.fetch(req)
	return scanned{name: "GET " + path, status: status, header: h, body: body, cors: cors}
}

// post posts as the page script does; token "" sends none, form may be "".
func (s *scanner) post(name, path, token, form string, csrf bool) scanned {
	s.t.Helper()
	req := s.b.NewPostback(context.Background(), path, token, nil)
	if !csrf {
		req.Header.Del("X-CSRF-Token")
	}
	if form != "" {
		sitetest.SetBody(req, "application/x-www-form-urlencoded", form)
	}
	status, h, body := s.fetch(req)
	return scanned{name: "POST " + path + " (" + name + ")", status: status, header: h, body: body, cors: http.Header{}}
}

// everything fetches every page (and the error page, the health check and
// the assets they link) and, with an emulator, every kind of fragment.
func (s *scanner) everything() []scanned {
	s.t.Helper()
	var out []scanned
	for _, p := range []string{"/", "/docs", "/calendar", "/photos", "/ajax", "/lab", "/no-such-page", "/healthz"} {
		out = append(out, s.get(p))
	}
	var assetPaths []string
	for _, page := range out {
		for _, tag := range append(startTags(page.body, "link"), startTags(page.body, "script")...) {
			if p := tag["href"] + tag["src"]; strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") && !slices.Contains(assetPaths, p) {
				assetPaths = append(assetPaths, p)
			}
		}
	}
	if len(assetPaths) < 3 {
		s.t.Fatalf("the pages link %d assets: %v", len(assetPaths), assetPaths)
	}
	for _, p := range assetPaths {
		out = append(out, s.get(p))
	}
	s.get("/calendar") // the CSRF token for the postbacks
	out = append(out,
		s.post("400 no token", "/calendar", "", "", true),
		s.post("403 no CSRF token", "/calendar", "", "", false),
		s.post("200 consent event", "/grants/events", "", "event=denied&scope="+url.QueryEscape(sitetest.CalendarScope), true),
	)
	if s.site.Emu == nil {
		return out
	}
	all := []string{"openid", "email", sitetest.CalendarScope, sitetest.DocsScope, sitetest.PhotosScope}
	docID := sitetest.SeedDoc(s.t, "alice@example.com", "Project plan")
	out = append(out,
		s.post("200", "/calendar", s.site.Mint(config.EmulatorClientID, all...), "", true),
		s.post("200", "/docs", s.site.Mint(config.EmulatorClientID, all...), "", true),
		s.post("200", "/docs/open", s.site.Mint(config.EmulatorClientID, all...), "document="+docID, true),
		s.post("200", "/photos", s.site.Mint(config.EmulatorClientID, all...), "", true),
		s.post("200", "/lab/verify", s.site.Mint(config.EmulatorClientID, all...), "", true),
		s.post("401 another app's token", "/calendar", s.site.Mint(config.OtherClientID, sitetest.CalendarScope), "", true),
		s.post("403 scope missing", "/calendar", s.site.Mint(config.EmulatorClientID, sitetest.DocsScope), "", true),
	)
	return out
}

// The headers the Observatory's tests read (and COOP and Permissions-Policy,
// which it does not score), each the same on every answer.
var sameOnEveryAnswer = []string{
	"X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy",
	"Cross-Origin-Resource-Policy", "Cross-Origin-Opener-Policy", "Permissions-Policy",
	"Strict-Transport-Security",
}

// TestSecurityHeadersOnEveryAnswer: every answer — every page, the error
// page, the health check, the assets and every kind of postback fragment —
// carries the security headers the home page carries (the CSP the same but
// for its nonce), in emulator mode and in Google mode, served as deployed
// (HTTPS, SECURE_COOKIES=true) and as the local default (plain HTTP). The
// MDN HTTP Observatory's own scanner scores the pages behind TLS
// (scripts/observatory-test.sh, `task observatory`); it cannot reach the
// fragments (POSTs) or score the error page (404), and this test carries its
// page scores over to them. It also checks what the scanner scores on a
// first visit only: every cookie set is HttpOnly and SameSite=Lax, and as
// deployed __Host- and Secure; HSTS is sent exactly when deployed; a foreign
// Origin gets no Access-Control-Allow-Origin.
func TestSecurityHeadersOnEveryAnswer(t *testing.T) {
	secure := func(c *config.Config) { c.SecureCookies = true }
	modes := []struct {
		mode     string
		site     *sitetest.Site
		deployed bool
	}{
		{"emulator mode, HTTPS", sitetest.Start(t, sitetest.WithEnv(map[string]string{"SECURE_COOKIES": "true"}), sitetest.WithTLS()), true},
		{"Google mode, HTTPS", sitetest.Start(t, sitetest.GoogleMode(), sitetest.WithConfig(secure), sitetest.WithTLS()), true},
		{"emulator mode, http://127.0.0.1 (local default)", sitetest.Start(t), false},
	}
	for _, m := range modes {
		t.Run(m.mode, func(t *testing.T) {
			all := newScanner(t, m.site).everything()
			checkSameSecurityHeaders(t, all, m.deployed)
		})
	}
}

// checkSameSecurityHeaders checks answers against the first (the home
// page), as TestSecurityHeadersOnEveryAnswer says.
func checkSameSecurityHeaders(t *testing.T, all []scanned, deployed bool) {
	t.Helper()
	home := all[0]
	if home.name != "GET /" || home.status != http.StatusOK {
		t.Fatalf("the first answer is %s %d, want GET / 200", home.name, home.status)
	}
	policy := func(a scanned) string {
		return nonceAttr.ReplaceAllString(a.header.Get("Content-Security-Policy"), "'nonce-…'")
	}
	if !strings.Contains(policy(home), "default-src 'none'") {
		t.Fatalf("GET / has no CSP with default-src 'none': %q", policy(home))
	}
	if got := home.header.Get("Strict-Transport-Security") != ""; got != deployed {
		t.Errorf("GET / sends HSTS: %v, want %v", got, deployed)
	}
	cookies := 0
	for _, a := range all {
		if a.status >= 500 {
			t.Errorf("%s: %d", a.name, a.status)
		}
		if got, want := policy(a), policy(home); got != want || len(a.header.Values("Content-Security-Policy")) != 1 {
			t.Errorf("%s: CSP %q, want the home page's %q once", a.name, a.header.Values("Content-Security-Policy"), want)
		}
		for _, h := range sameOnEveryAnswer {
			if got, want := a.header.Values(h), home.header.Values(h); !slices.Equal(got, want) {
				t.Errorf("%s: %s %q, want the home page's %q", a.name, h, got, want)
			}
		}
		for _, line := range a.header.Values("Set-Cookie") {
			cookies++
			c, err := http.ParseSetCookie(line)
			if err != nil {
				t.Errorf("%s: Set-Cookie %q: %v", a.name, line, err)
				continue
			}
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != deployed || strings.HasPrefix(c.Name, "__Host-") != deployed {
				t.Errorf("%s: cookie %s: HttpOnly %v, SameSite %v, Secure %v; want HttpOnly, Lax, and Secure with __Host- exactly when deployed (%v)", a.name, c.Name, c.HttpOnly, c.SameSite, c.Secure, deployed)
			}
		}
		if v := a.cors.Get("Access-Control-Allow-Origin"); v != "" {
			t.Errorf("%s: a foreign Origin gets Access-Control-Allow-Origin %q", a.name, v)
		}
	}
	if cookies == 0 {
		t.Error("no answer set a cookie: the cookie checks prove nothing")
	}
}

// TestSecurityHeadersCheckFails: the check above fails on an answer that
// lacks a header, carries another policy, a weaker cookie or CORS for a
// foreign origin.
func TestSecurityHeadersCheckFails(t *testing.T) {
	good := func() scanned {
		return scanned{name: "GET /", status: 200, cors: http.Header{}, header: http.Header{
			"Content-Security-Policy":      {"default-src 'none'; script-src 'self' 'nonce-abc'"},
			"X-Content-Type-Options":       {"nosniff"},
			"X-Frame-Options":              {"DENY"},
			"Referrer-Policy":              {"strict-origin-when-cross-origin"},
			"Cross-Origin-Resource-Policy": {"same-origin"},
			"Strict-Transport-Security":    {"max-age=63072000"},
			"Set-Cookie":                   {"__Host-s=1; Path=/; HttpOnly; Secure; SameSite=Lax"},
		}}
	}
	other := func(change func(*scanned)) []scanned {
		a := good()
		a.name = "POST /calendar (probe)"
		a.header = a.header.Clone()
		change(&a)
		return []scanned{good(), a}
	}
	pass := &testing.T{}
	checkSameSecurityHeaders(pass, []scanned{good(), other(func(a *scanned) {
		a.header.Set("Content-Security-Policy", "default-src 'none'; script-src 'self' 'nonce-xyz'")
	})[1]}, true)
	if pass.Failed() {
		t.Fatal("the check fails answers that differ only in their nonce")
	}
	for name, change := range map[string]func(*scanned){
		"no X-Frame-Options": func(a *scanned) { a.header.Del("X-Frame-Options") },
		"another CSP":        func(a *scanned) { a.header.Set("Content-Security-Policy", "default-src 'self'") },
		"a second CSP": func(a *scanned) {
			a.header.Add("Content-Security-Policy", "default-src 'none'; script-src 'self' 'nonce-abc'")
		},
		"no HSTS":                 func(a *scanned) { a.header.Del("Strict-Transport-Security") },
		"a cookie without Secure": func(a *scanned) { a.header.Set("Set-Cookie", "__Host-s=1; Path=/; HttpOnly; SameSite=Lax") },
		"a cookie without HttpOnly": func(a *scanned) {
			a.header.Set("Set-Cookie", "__Host-s=1; Path=/; Secure; SameSite=Lax")
		},
		"CORS for a foreign origin": func(a *scanned) { a.cors.Set("Access-Control-Allow-Origin", foreignOrigin) },
		"a 500":                     func(a *scanned) { a.status = 500 },
	} {
		ft := &testing.T{}
		checkSameSecurityHeaders(ft, other(change), true)
		if !ft.Failed() {
			t.Errorf("the check passes an answer with %s", name)
		}
	}
}

var nonceAttr = regexp.MustCompile(`'nonce-([^']+)'`)

// TestScriptsAndInlineCode: on every page and fragment, every <script> carries
// this answer's CSP nonce, the nonce is fresh per answer, and nothing runs
// outside a script element: no on* attribute, no javascript: URL, no style
// attribute (style-src has no 'unsafe-inline').
func TestScriptsAndInlineCode(t *testing.T) {
	s := newScanner(t, sitetest.Start(t))
	seen := map[string]string{}
	for round := range 2 {
		for _, a := range s.everything() {
			if !strings.HasPrefix(a.header.Get("Content-Type"), "text/html") {
				continue
			}
			m := nonceAttr.FindStringSubmatch(a.header.Get("Content-Security-Policy"))
			if m == nil {
				t.Errorf("%s: CSP without a nonce: %q", a.name, a.header.Get("Content-Security-Policy"))
				continue
			}
			if prev, ok := seen[m[1]]; ok {
				t.Errorf("%s reuses the nonce of %s", a.name, prev)
			}
			seen[m[1]] = a.name
			checkInlineCode(t, a.name, a.body, m[1])
			if round == 0 && strings.HasPrefix(a.name, "GET /calendar") && len(startTags(a.body, "script")) < 2 {
				t.Errorf("%s has %d scripts: this check proves little", a.name, len(startTags(a.body, "script")))
			}
		}
	}
	// The check itself fails where it should.
	for _, bad := range []string{
		`<script>alert(1)</script>`,
		`<script nonce="other">x</script>`,
		`<img src=x onerror="alert(1)">`,
		`<a href=" JavaScript:alert(1)">x</a>`,
		`<form action="javascript:x"></form>`,
		`<p style="color:red">x</p>`,
	} {
		ft := &testing.T{}
		checkInlineCode(ft, "probe", bad, "n0nce")
		if !ft.Failed() {
			t.Errorf("the inline-code check passes %s", bad)
		}
	}
}

func checkInlineCode(t *testing.T, name, body, nonce string) {
	z := html.NewTokenizer(strings.NewReader(body))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		if tok.Data == "script" && !hasAttr(tok, "nonce", nonce) {
			t.Errorf("%s: <script> without this answer's nonce: %s", name, tok.String())
		}
		for _, a := range tok.Attr {
			key := strings.ToLower(a.Key)
			val := strings.ToLower(strings.Map(func(r rune) rune {
				if r <= ' ' {
					return -1
				}
				return r
			}, a.Val))
			switch {
			case strings.HasPrefix(key, "on"):
				t.Errorf("%s: inline event handler %s on <%s>", name, a.Key, tok.Data)
			case key == "style":
				t.Errorf("%s: style attribute on <%s>", name, tok.Data)
			case strings.HasPrefix(val, "javascript:"):
				t.Errorf("%s: javascript: URL in %s of <%s>", name, a.Key, tok.Data)
			}
		}
	}
}

// startTags lists the attributes of every start tag named name.
func startTags(body, name string) []map[string]string {
	var tags []map[string]string
	z := html.NewTokenizer(strings.NewReader(body))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return tags
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		if tok.Data != name {
			continue
		}
		attrs := map[string]string{}
		for _, a := range tok.Attr {
			attrs[a.Key] = a.Val
		}
		tags = append(tags, attrs)
	}
}

func hasAttr(tok html.Token, key, val string) bool {
	for _, a := range tok.Attr {
		if a.Key == key && a.Val == val {
			return true
		}
	}
	return false
}

// TestWarnsWhenAProxyServesHTTPSWithoutSecureCookies: behind a TLS proxy
// without SECURE_COOKIES (how emulator mode scored 40 with the Observatory:
// a cookie without Secure, no HSTS) the site says so in its log, once; with
// SECURE_COOKIES it does not, and plain HTTP requests never make it warn.
func TestWarnsWhenAProxyServesHTTPSWithoutSecureCookies(t *testing.T) {
	const warning = "SECURE_COOKIES is off"
	get := func(s *sitetest.Site, header, value string) {
		b := s.NewBrowser()
		req := b.NewRequest(context.Background(), http.MethodGet, "/docs", nil)
		if header != "" {
			req.Header.Set(header, value)
		}
		if res := b.Do(req); res.StatusCode != http.StatusOK {
			t.Fatalf("GET /docs with %s %q: %d", header, value, res.StatusCode)
		}
	}
	plain := sitetest.Start(t)
	get(plain, "", "")
	get(plain, "X-Forwarded-Proto", "http")
	if strings.Contains(plain.Logs.String(), warning) {
		t.Fatalf("warned for plain HTTP:\n%s", plain.Logs.String())
	}
	get(plain, "X-Forwarded-Proto", "https")
	get(plain, "Forwarded", "for=192.0.2.1;proto=https")
	if n := strings.Count(plain.Logs.String(), warning); n != 1 {
		t.Errorf("%d warnings behind an HTTPS proxy without SECURE_COOKIES, want 1:\n%s", n, plain.Logs.String())
	}

	secure := sitetest.Start(t, sitetest.WithEnv(map[string]string{"SECURE_COOKIES": "true"}), sitetest.WithTLS())
	get(secure, "X-Forwarded-Proto", "https")
	if strings.Contains(secure.Logs.String(), warning) {
		t.Errorf("warned with SECURE_COOKIES:\n%s", secure.Logs.String())
	}
}
