package main

import (
	"context"
	"crypto/sha512"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/scopewise/scopewise/emulator"
	"github.com/scopewise/scopewise/emulator/client"
	"github.com/scopewise/scopewise/emulator/emulatortest"
	"github.com/scopewise/scopewise/internal/config"
	"github.com/scopewise/scopewise/internal/sitetest"
)

// startRun runs the program on free ports until the test ends, and returns
// the addresses it printed and its output.
func startRun(t *testing.T, args []string, env map[string]string, names ...string) (map[string]string, *sitetest.Buffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &sitetest.Buffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, args, func(k string) string { return env[k] }, out)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	addrs := map[string]string{}
	for deadline := time.Now().Add(5 * time.Second); len(addrs) < len(names); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("addresses not printed; output:\n%s", out.String())
		}
		for line := range strings.Lines(out.String()) {
			for _, name := range names {
				if v, ok := strings.CutPrefix(strings.TrimSpace(line), name+": "); ok {
					addrs[name] = v
				}
			}
		}
	}
	return addrs, out
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(body)
}

// TestRunEmulatorMode: with no configuration run serves the site and the
// emulator on their own listeners, prints both addresses, registers the
// site's origins with the emulator and gives the Docs page the seed's
// documents; a token the emulator mints for our client verifies on a
// calendarSession is a fresh browser session (its own cookie jar) that has
// loaded the site's /calendar, with a calendar.readonly token minted for
// alice.
type calendarSession struct {
	t       *testing.T
	site    string
	browser *http.Client
	token   string
	status  int    // of GET /calendar
	csrf    string // the page's CSRF token ("" if none)
}

func openCalendar(t *testing.T, ctl emulator.Control, site string) *calendarSession {
	t.Helper()
	tok, err := ctl.MintToken(context.Background(), emulator.TokenRequest{ClientID: config.EmulatorClientID, Account: "alice@example.com", Scopes: []string{"https://www.googleapis.com/auth/calendar.readonly"}})
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 15 * time.Second}
	res, err := browser.Get(site + "/calendar")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return &calendarSession{t: t, site: site, browser: browser, token: tok.AccessToken, status: res.StatusCode, csrf: sitetest.CSRFToken(string(page))}
}

// postback posts to /calendar with the token and the page's CSRF token, from
// the site's origin, and returns the status.
func (c *calendarSession) postback() int {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.site+"/calendar", nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("X-CSRF-Token", c.csrf)
	req.Header.Set("Origin", c.site)
	res, err := c.browser.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// postback until the emulator's clock passes its expiry.
func TestRunEmulatorMode(t *testing.T) {
	addrs, _ := startRun(t, []string{"-addr", "127.0.0.1:0", "-emulator-addr", "127.0.0.1:0"}, nil, "site", "emulator")
	site, emu := addrs["site"], addrs["emulator"]
	if site == emu || !strings.HasPrefix(site, "http://127.0.0.1:") || !strings.HasPrefix(emu, "http://127.0.0.1:") {
		t.Fatalf("site %q, emulator %q", site, emu)
	}
	if res, _ := get(t, site+"/healthz"); res.StatusCode != 200 {
		t.Fatalf("healthz: %d", res.StatusCode)
	}
	if res, body := get(t, site+"/docs"); res.StatusCode != 200 || !strings.Contains(body, "Sample documents") || !strings.Contains(body, emu+"/gsi/client") {
		t.Errorf("GET /docs: %d, want the samples hint and the emulator's GIS script", res.StatusCode)
	}
	// The site's loopback origins are registered: the popup accepts each,
	// and refuses another.
	port := site[strings.LastIndex(site, ":")+1:]
	for origin, ok := range map[string]bool{"http/127.0.0.1:" + port: true, "http/localhost:" + port: true, "http/localhost:1": false} {
		q := url.Values{"client_id": {config.EmulatorClientID}, "response_type": {"token"}, "scope": {"openid"}, "redirect_uri": {"storagerelay://" + origin + "?id=auth1"}}
		res, body := get(t, emu+"/o/oauth2/v2/auth?"+q.Encode())
		if accepted := res.StatusCode == 200 && !strings.Contains(body, "origin_mismatch"); accepted != ok {
			t.Errorf("the popup for origin %s: %d, accepted %v, want %v", origin, res.StatusCode, accepted, ok)
		}
	}

	ctl := client.New(emu, &http.Client{Timeout: 15 * time.Second})
	cal := openCalendar(t, ctl, site)
	if cal.csrf == "" {
		t.Fatalf("GET /calendar: %d, no CSRF token", cal.status)
	}
	if status := cal.postback(); status != 200 {
		t.Errorf("postback with a minted token: %d, want 200", status)
	}
	// Past the token's expiry on the emulator's clock, the site's Calendar
	// call is refused: the site talks to the emulator run started.
	if _, err := ctl.AdvanceClock(context.Background(), 3700*time.Second); err != nil {
		t.Fatal(err)
	}
	if status := cal.postback(); status != 401 {
		t.Errorf("postback after expiry: %d, want 401", status)
	}
}

// TestGoogleMode: with GOOGLE_CLIENT_ID the emulator is not started, the pages
// load Google's script with our client ID, and the CSP allows GIS's paths.
func TestGoogleMode(t *testing.T) {
	const clientID = "123456789012-abc.apps.googleusercontent.com"
	key := strings.Repeat("0f", 32)
	env := map[string]string{"GOOGLE_CLIENT_ID": clientID, "SESSION_KEYS": key + "," + key}
	addrs, out := startRun(t, []string{"-addr", "127.0.0.1:0"}, env, "site")
	site := addrs["site"]
	time.Sleep(50 * time.Millisecond)
	if strings.Contains(out.String(), "emulator: ") {
		t.Errorf("the emulator started in Google mode:\n%s", out.String())
	}

	for _, path := range []string{"/calendar", "/docs", "/photos", "/ajax", "/lab"} {
		res, html := get(t, site+path)
		csp := res.Header.Get("Content-Security-Policy")
		if res.StatusCode != 200 {
			t.Errorf("GET %s: %d", path, res.StatusCode)
			continue
		}
		if !strings.Contains(html, `src="https://accounts.google.com/gsi/client"`) {
			t.Errorf("%s does not load Google's GIS script", path)
		}
		if !strings.Contains(html, clientID) {
			t.Errorf("%s does not carry our client ID", path)
		}
		if strings.Contains(html, "Emulator mode") || strings.Contains(html, "/_emu/") {
			t.Errorf("%s mentions the emulator in Google mode", path)
		}
		for _, directive := range []string{"script-src", "style-src", "frame-src", "connect-src"} {
			if !strings.Contains(csp, directive) || !strings.Contains(cspDirective(csp, directive), "https://accounts.google.com/gsi/") {
				t.Errorf("%s: CSP %s does not allow GIS: %q", path, directive, csp)
			}
		}
		// connect-src: GIS, revoke, the APIs the lab calls from the browser
		// (REST + CORS, and their discovery documents for gapi.client), and
		// the host gapi.client's calls go through; nothing more. script-src
		// and frame-src: GIS, and Google's api.js and its request proxy.
		for _, want := range []string{
			"connect-src 'self' https://accounts.google.com/gsi/ https://oauth2.googleapis.com https://www.googleapis.com https://docs.googleapis.com https://photospicker.googleapis.com https://content.googleapis.com",
			"script-src 'self' 'nonce-",
			"frame-src https://accounts.google.com/gsi/ https://content.googleapis.com",
		} {
			name, _, _ := strings.Cut(want, " ")
			got := cspDirective(csp, name)
			if name == "script-src" {
				_, rest, _ := strings.Cut(got, "' ")
				_, rest, _ = strings.Cut(rest, "' ")
				got, want = rest, "https://accounts.google.com/gsi/ https://apis.google.com"
			}
			if got != want {
				t.Errorf("%s: %q, want %q", path, got, want)
			}
		}
		if path == "/lab" {
			for _, attr := range []string{
				`data-calendar-api="https://www.googleapis.com/calendar/v3"`, `data-docs-api="https://docs.googleapis.com/v1"`, `data-picker-api="https://photospicker.googleapis.com/v1"`,
				`data-gapi-script="https://apis.google.com/js/api.js"`,
				`data-calendar-discovery="https://www.googleapis.com/discovery/v1/apis/calendar/v3/rest"`,
				`data-docs-discovery="https://docs.googleapis.com/$discovery/rest?version=v1"`,
			} {
				if !strings.Contains(html, attr) {
					t.Errorf("/lab lacks %s", attr)
				}
			}
		}
	}
}

func cspDirective(csp, name string) string {
	for d := range strings.SplitSeq(csp, ";") {
		if d = strings.TrimSpace(d); strings.HasPrefix(d, name+" ") {
			return d
		}
	}
	return ""
}

// TestRunExternalEmulator: with EMULATOR_URL run starts no emulator of its
// own; the pages load GIS from the external one, and a token it mints for
// our client verifies on a postback (the site's tokeninfo calls go there).
// PUBLIC_URL is registered nowhere by the site then: the external emulator
// has it.
func TestRunExternalEmulator(t *testing.T) {
	ext := emulatortest.Start(t, emulator.Options{Clients: []emulator.Client{{ID: config.EmulatorClientID, Name: "Scopewise", Origins: []string{"http://127.0.0.1"}}}})
	addrs, out := startRun(t, []string{"-addr", "127.0.0.1:0", "-emulator-addr", "127.0.0.1:1"}, map[string]string{"EMULATOR_URL": ext.URL}, "site", "emulator (external)")
	site := addrs["site"]
	if got := addrs["emulator (external)"]; got != ext.URL {
		t.Errorf("printed external emulator %q, want %q", got, ext.URL)
	}
	if strings.Contains(out.String(), "\nemulator: ") {
		t.Errorf("an embedded emulator started:\n%s", out.String())
	}
	if res, body := get(t, site+"/calendar"); res.StatusCode != 200 || !strings.Contains(body, ext.URL+"/gsi/client") || !strings.Contains(res.Header.Get("Content-Security-Policy"), ext.URL) {
		t.Fatalf("GET /calendar: %d, want the external emulator's GIS script and CSP", res.StatusCode)
	}
	if status := openCalendar(t, ext.Control(), site).postback(); status != 200 {
		t.Errorf("postback with the external emulator's token: %d, want 200", status)
	}
}

// TestRunBehindHTTPSProxy: with PUBLIC_URL and EMULATOR_PUBLIC_URL naming a
// TLS proxy's https origins, run's pages name only https origins in their
// CSP and load GIS from the public origin with the integrity of the bytes
// the embedded emulator serves there; the emulator answers for its public
// name (what the proxy forwards as Host), refuses other names with 421,
// and its popup accepts the site's public origin as the client's.
func TestRunBehindHTTPSProxy(t *testing.T) {
	const site, emu = "https://scopewise.example", "https://accounts.scopewise.example"
	addrs, _ := startRun(t, []string{"-addr", "127.0.0.1:0", "-emulator-addr", "127.0.0.1:0"},
		map[string]string{"PUBLIC_URL": site, "EMULATOR_PUBLIC_URL": emu, "SECURE_COOKIES": "true"},
		"site", "emulator", "site public URL", "emulator public URL")
	if addrs["site public URL"] != site || addrs["emulator public URL"] != emu {
		t.Errorf("printed public URLs %q and %q, want %s and %s", addrs["site public URL"], addrs["emulator public URL"], site, emu)
	}
	// As the proxy forwards it: the public Host.
	through := func(base, host, path string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		req.Host = host
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res, string(body)
	}
	res, script := through(addrs["emulator"], "accounts.scopewise.example", "/gsi/client")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /gsi/client as accounts.scopewise.example: %d", res.StatusCode)
	}
	sum := sha512.Sum384([]byte(script))
	integrity := "sha384-" + base64.StdEncoding.EncodeToString(sum[:])
	for _, path := range []string{"/", "/calendar", "/docs", "/photos", "/ajax", "/lab"} {
		res, body := through(addrs["site"], "scopewise.example", path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, res.StatusCode)
		}
		csp := res.Header.Get("Content-Security-Policy")
		if strings.Contains(csp, "http://") || !strings.Contains(cspDirective(csp, "script-src"), emu) || !strings.Contains(cspDirective(csp, "frame-src"), emu) {
			t.Errorf("GET %s: want https origins only, the public emulator origin in script-src and frame-src: %s", path, csp)
		}
		if path != "/" && !strings.Contains(body, `src="`+emu+`/gsi/client" integrity="`+integrity+`"`) {
			t.Errorf("GET %s: no GIS script from %s with integrity %s", path, emu, integrity)
		}
		if strings.Contains(body, addrs["emulator"]) {
			t.Errorf("GET %s names the emulator's listening address %s", path, addrs["emulator"])
		}
	}
	if res, _ := through(addrs["emulator"], "rebound.example", "/gsi/client"); res.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("GET /gsi/client as rebound.example: %d, want 421", res.StatusCode)
	}
	q := url.Values{
		"client_id":     {config.EmulatorClientID},
		"scope":         {"https://www.googleapis.com/auth/calendar.readonly"},
		"redirect_uri":  {"storagerelay://https/scopewise.example?id=auth1"},
		"response_type": {"token"},
	}
	res, body := through(addrs["emulator"], "accounts.scopewise.example", "/o/oauth2/v2/auth?"+q.Encode())
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "<h1>Choose an account</h1>") {
		t.Errorf("the popup for %s: %d, want the account chooser:\n%.600s", site, res.StatusCode, body)
	}
}
