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
	"github.com/scopewise/scopewise/internal/observatory"
	"github.com/scopewise/scopewise/internal/sitetest"
)

// scanned is one answer, as fetched for the Observatory rules.
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
	req.Header.Set("Origin", observatory.Origin)
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
		for _, tag := range append(observatory.StartTags(page.body, "link"), observatory.StartTags(page.body, "script")...) {
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

// TestObservatory applies the MDN HTTP Observatory's rules and score table
// (internal/observatory) to every page, the error page, the assets and every
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
			t.Logf("== %s", m.mode)
			s := newScanner(t, m.site)
			u, _ := url.Parse(m.site.URL)
			for _, a := range s.everything() {
				if a.status >= 500 {
					t.Errorf("%s: %d", a.name, a.status)
				}
				scan := observatory.Scan{URL: u, Verified: m.deployed, Header: a.header, Body: a.body, CORSHeader: a.cors, CORSOrigin: observatory.Origin}
				if !m.deployed {
					scan.HTTPRoute = []*url.URL{u} // plain HTTP answers, and does not redirect
				}
				score, grade, results := observatory.Score(scan)
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
			if round == 0 && strings.HasPrefix(a.name, "GET /calendar") && len(observatory.StartTags(a.body, "script")) < 2 {
				t.Errorf("%s has %d scripts: this check proves little", a.name, len(observatory.StartTags(a.body, "script")))
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
