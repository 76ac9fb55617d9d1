package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/scopewise/scopewise/emulator"
	"github.com/scopewise/scopewise/internal/config"
	"github.com/scopewise/scopewise/internal/httpserve"
	"github.com/scopewise/scopewise/pages"
)

// observatoryOrigin is the Origin the Observatory sends to test CORS.
const observatoryOrigin = "https://http-observatory.security.mozilla.org"

// scanned is one answer, as fetched for the Observatory rules.
type scanned struct {
	name   string // "GET /calendar", "POST /calendar (400 no token)"
	status int
	header http.Header
	body   string
	cors   http.Header
}

// scanner fetches a site's pages and fragments like a browser session.
type scanner struct {
	t      *testing.T
	site   string
	emu    string
	client *http.Client
	csrf   string
}

func newScanner(t *testing.T, site, emu string, transport http.RoundTripper) *scanner {
	jar, _ := cookiejar.New(nil)
	return &scanner{t: t, site: site, emu: emu, client: &http.Client{
		Jar: jar, Transport: transport, Timeout: 15 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

func (s *scanner) fetch(req *http.Request) (int, http.Header, string) {
	s.t.Helper()
	res, err := s.client.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	if req.URL.Scheme == "https" && (res.TLS == nil || len(res.TLS.VerifiedChains) == 0) {
		s.t.Fatalf("%s: certificate not verified", req.URL)
	}
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

func (s *scanner) get(path string) scanned {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.site+path, nil)
	status, h, body := s.fetch(req)
	if m := csrfMeta.FindStringSubmatch(body); m != nil {
		s.csrf = m[1]
	}
	req, _ = http.NewRequest(http.MethodGet, s.site+path, nil)
	req.Header.Set("Origin", observatoryOrigin)
	_, cors, _ := s.fetch(req)
	return scanned{name: "GET " + path, status: status, header: h, body: body, cors: cors}
}

// post posts as the page script does; token "" sends none, form may be "".
func (s *scanner) post(name, path, token, form string, csrf bool) scanned {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.site+path, strings.NewReader(form))
	req.Header.Set("Origin", s.site)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if csrf {
		req.Header.Set("X-CSRF-Token", s.csrf)
	}
	if form != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	status, h, body := s.fetch(req)
	return scanned{name: "POST " + path + " (" + name + ")", status: status, header: h, body: body, cors: http.Header{}}
}

func (s *scanner) mint(client string, scopes ...string) string {
	return mintToken(s.t, s.emu, client, scopes...)
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
		s.post("200 consent event", "/grants/events", "", "event=denied&scope="+url.QueryEscape(calendarScope), true),
	)
	if s.emu == "" {
		return out
	}
	all := []string{"openid", "email", calendarScope, docsScope, photosScope}
	docID := seedDoc(s.t, "alice@example.com", "Project plan")
	out = append(out,
		s.post("200", "/calendar", s.mint(config.EmulatorClientID, all...), "", true),
		s.post("200", "/docs", s.mint(config.EmulatorClientID, all...), "", true),
		s.post("200", "/docs/open", s.mint(config.EmulatorClientID, all...), "document="+docID, true),
		s.post("200", "/photos", s.mint(config.EmulatorClientID, all...), "", true),
		s.post("200", "/lab/verify", s.mint(config.EmulatorClientID, all...), "", true),
		s.post("401 another app's token", "/calendar", s.mint(config.OtherClientID, calendarScope), "", true),
		s.post("403 scope missing", "/calendar", s.mint(config.EmulatorClientID, docsScope), "", true),
	)
	return out
}

// httpsSite serves cfg's site over HTTPS (no emulator: Google mode).
func httpsSite(t *testing.T, cfg config.Config) (string, http.RoundTripper) {
	handler, err := newSite(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), pages.DocSamples{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(handler)
	srv.Config = httpserve.New(handler)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.URL, srv.Client().Transport
}

// TestObservatory applies the MDN HTTP Observatory's rules and score table
// (observatory_test.go) to every page, the error page, the assets and every
// kind of postback fragment, in emulator mode and in Google mode, served as
// deployed: over HTTPS with SECURE_COOKIES=true and nothing on plain HTTP.
// Each must score 100 or more (A+). It prints every score; run it with
// `task observatory`.
//
// It also prints the local default (emulator mode over http://127.0.0.1),
// which the Observatory never sees (it scans public HTTPS hosts), and checks
// that what costs points there is the transport only: no HTTPS, so no HSTS,
// no Secure cookie, no redirect to HTTPS.
func TestObservatory(t *testing.T) {
	secure := map[string]string{"SECURE_COOKIES": "true"}
	emuSite, emu := siteRig{Config: emulatorConfig(t, secure), TLS: true}.start(t)
	googleCfg := googleConfig(t)
	googleCfg.SecureCookies = true
	googleSite, googleTransport := httpsSite(t, googleCfg)
	plainSite, plainEmu := emulatedSite(t, emulator.Options{}, nil, io.Discard)

	modes := []struct {
		mode      string
		site, emu string
		transport http.RoundTripper
		deployed  bool
	}{
		{"emulator mode, HTTPS", emuSite, emu, http.DefaultTransport, true},
		{"Google mode, HTTPS", googleSite, "", googleTransport, true},
		{"emulator mode, http://127.0.0.1 (local default)", plainSite, plainEmu, nil, false},
	}
	for _, m := range modes {
		t.Run(m.mode, func(t *testing.T) {
			t.Logf("== %s", m.mode)
			s := newScanner(t, m.site, m.emu, m.transport)
			u, _ := url.Parse(m.site)
			for _, a := range s.everything() {
				if a.status >= 500 {
					t.Errorf("%s: %d", a.name, a.status)
				}
				scan := obsScan{URL: u, Verified: m.deployed, Header: a.header, Body: a.body, CORSHeader: a.cors, CORSOrigin: observatoryOrigin}
				if !m.deployed {
					scan.HTTPRoute = []*url.URL{u} // plain HTTP answers, and does not redirect
				}
				score, grade, results := observatoryScore(scan)
				var mods []string
				for _, r := range results {
					if r.Modifier != 0 {
						mods = append(mods, r.String())
					}
				}
				t.Logf("score %3d %-2s  %-44s %d  %s", score, grade, a.name, a.status, strings.Join(mods, ", "))
				if m.deployed && score < 100 {
					t.Errorf("%s scores %d (%s), want ≥ 100 (A+): %v", a.name, score, grade, results)
				}
				if !m.deployed {
					for _, r := range results {
						transport := r.Test == "strict-transport-security" || r.Test == "redirection" || r.Test == "cookies"
						if r.Modifier < 0 && !transport {
							t.Errorf("%s over plain HTTP loses points for more than the transport: %v", a.name, r)
						}
					}
				}
			}
		})
	}
}

var nonceAttr = regexp.MustCompile(`'nonce-([^']+)'`)

// TestScriptsAndInlineCode: on every page and fragment, every <script> carries
// this answer's CSP nonce, the nonce is fresh per answer, and nothing runs
// outside a script element: no on* attribute, no javascript: URL, no style
// attribute (style-src has no 'unsafe-inline').
func TestScriptsAndInlineCode(t *testing.T) {
	site, emu := emulatedSite(t, emulator.Options{}, nil, io.Discard)
	s := newScanner(t, site, emu, nil)
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

func hasAttr(tok html.Token, key, val string) bool {
	for _, a := range tok.Attr {
		if a.Key == key && a.Val == val {
			return true
		}
	}
	return false
}
