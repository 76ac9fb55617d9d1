// Command deploydrive drives a deployment of the site (several instances
// behind a proxy, sharing one external emulator) as scripts/deploy-test.sh
// runs it:
//
//   - every page's consent flow, the consent itself done in the emulator's
//     popup through the proxy (chooser, consent screen, the token in the
//     result page's relay) as a browser's popup does it, the page's requests
//     spread over the instances; the lab's flow ends with a revocation that
//     every instance honours at once;
//   - a bounded load run (pages and postbacks from many sessions);
//   - a run during which one instance is stopped with SIGTERM.
//
// The proxy gives each request an ID (X-Request-Id, passed to the instance
// and echoed to the client); the instances log it. From the instances' logs
// the driver counts which instance answered each request, and checks that
// every request it sent was answered by exactly one instance: none lost,
// none answered twice. It prints the figures and exits 1 on any failure.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/scopewise/scopewise/internal/config"
	"github.com/scopewise/scopewise/internal/pagescript"
)

const (
	calendarScope = "https://www.googleapis.com/auth/calendar.readonly"
	docsScope     = "https://www.googleapis.com/auth/documents.readonly"
	photosScope   = "https://www.googleapis.com/auth/photospicker.mediaitems.readonly"
	account       = "alice@example.com"
)

func main() {
	site := flag.String("site", "", "the site's origin through the proxy")
	emu := flag.String("emulator", "", "the emulator's origin through the proxy")
	load := flag.Duration("load", 10*time.Second, "length of the load run")
	conns := flag.Int("conns", 16, "concurrent sessions in the load and SIGTERM runs")
	killPID := flag.Int("kill-pid", 0, "the instance to stop with SIGTERM in the middle of the last run")
	killLog := flag.String("kill-log", "", "that instance's log: its stop line ends the run")
	killRun := flag.Duration("kill-run", 4*time.Second, "length of the run during which -kill-pid is stopped")
	logs := flag.String("logs", "", "the instances' logs, comma-separated")
	flag.Parse()
	if *site == "" || *emu == "" || *logs == "" {
		fmt.Fprintln(os.Stderr, "deploydrive: -site, -emulator and -logs are required")
		os.Exit(2)
	}
	d := &driver{site: strings.TrimRight(*site, "/"), emu: strings.TrimRight(*emu, "/"), logs: strings.Split(*logs, ",")}
	if err := d.run(*load, *conns, *killPID, *killLog, *killRun); err != nil {
		fmt.Fprintln(os.Stderr, "deploydrive: FAIL:", err)
		os.Exit(1)
	}
}

type driver struct {
	site, emu string
	logs      []string

	mu   sync.Mutex
	sent []sent // every request sent to the site
}

// sent is one request the driver sent to the site, as the proxy answered it.
type sent struct {
	phase    string // the flow's name, "load" or "sigterm"
	method   string
	path     string
	id       string // the proxy's X-Request-Id; "" when no answer came
	upstream string // the proxy's X-Upstream: one address, or several when it moved on
	status   int
	err      error
}

func (d *driver) record(s sent) {
	d.mu.Lock()
	d.sent = append(d.sent, s)
	d.mu.Unlock()
}

func (d *driver) phase(name string) []sent {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []sent
	for _, s := range d.sent {
		if s.phase == name {
			out = append(out, s)
		}
	}
	return out
}

func (d *driver) run(load time.Duration, conns, killPID int, killLog string, killRun time.Duration) error {
	start := time.Now()
	flows := []struct {
		name string
		run  func(*browser) error
	}{
		{"calendar", d.calendarFlow}, {"docs", d.docsFlow}, {"photos", d.photosFlow}, {"ajax", d.ajaxFlow}, {"lab", d.labFlow},
	}
	for _, f := range flows {
		if err := f.run(d.newBrowser(f.name)); err != nil {
			return fmt.Errorf("%s flow: %w", f.name, err)
		}
	}
	fmt.Printf("flows: %d in %s\n", len(flows), time.Since(start).Round(time.Millisecond))

	b := d.newBrowser("load")
	tok, err := b.consent(calendarScope)
	if err != nil {
		return fmt.Errorf("consent for the load run: %w", err)
	}
	n, dur := d.hammer("load", load, conns, tok, 0)
	fmt.Printf("load: %d requests in %s from %d sessions, %.0f req/s\n", n, dur.Round(time.Millisecond), conns, float64(n)/dur.Seconds())

	if killPID > 0 {
		n, dur := d.hammer("sigterm", killRun, conns, tok, killPID)
		fmt.Printf("sigterm: %d requests in %s from %d sessions, pid %d sent SIGTERM at %s\n", n, dur.Round(time.Millisecond), conns, killPID, killRun/3)
		if killLog != "" {
			if err := waitFor(killLog, "msg=stopped", 30*time.Second); err != nil {
				return err
			}
		}
	}
	return d.check()
}

// check matches every request sent with the instances' logs.
func (d *driver) check() error {
	answered, err := readLogs(d.logs)
	if err != nil {
		return err
	}
	var failures []string
	fail := func(format string, a ...any) { failures = append(failures, fmt.Sprintf(format, a...)) }
	var phases []string
	d.mu.Lock()
	for _, s := range d.sent {
		if !slices.Contains(phases, s.phase) {
			phases = append(phases, s.phase)
		}
	}
	d.mu.Unlock()
	for _, phase := range phases {
		reqs := d.phase(phase)
		if len(reqs) == 0 {
			continue
		}
		perInstance := make([]int, len(d.logs))
		var posts, errs, moved int
		for _, r := range reqs {
			if r.method == http.MethodPost {
				posts++
			}
			if strings.Contains(r.upstream, ",") {
				moved++
			}
			if r.err != nil || r.status != r.want() {
				errs++
				if errs <= 3 {
					fail("%s: %s %s: status %d, err %v (upstream %q)", phase, r.method, r.path, r.status, r.err, r.upstream)
				}
			}
			if r.id == "" {
				continue
			}
			by := answered[r.id]
			switch {
			case len(by) == 0:
				fail("%s: %s %s (request %s) is in no instance's log: lost", phase, r.method, r.path, r.id)
			case len(by) > 1:
				fail("%s: %s %s (request %s) was answered by instances %v: twice", phase, r.method, r.path, r.id, by)
			case by[0].method != r.method || by[0].path != r.path:
				fail("%s: request %s was %s %s, the log says %s %s", phase, r.id, r.method, r.path, by[0].method, by[0].path)
			default:
				perInstance[by[0].instance]++
			}
		}
		used := 0
		for _, c := range perInstance {
			if c > 0 {
				used++
			}
		}
		fmt.Printf("%-9s %5d requests (%4d POSTs), %d errors, answered once each per the instances' logs: %v; moved on by the proxy before any instance read them: %d\n",
			phase, len(reqs), posts, errs, perInstance, moved)
		if used < 2 && len(reqs) > 1 {
			fail("%s: every request landed on one instance %v: the proxy does not spread one session", phase, perInstance)
		}
	}
	if len(failures) > 0 {
		return errors.New(strings.Join(failures, "\n  "))
	}
	return nil
}

// want is the status a request is meant to get: the revoked token's
// postbacks are refused.
func (s sent) want() int {
	if strings.HasSuffix(s.phase, "/revoked") {
		return http.StatusUnauthorized
	}
	return http.StatusOK
}

// logged is one request line of an instance's log.
type logged struct {
	instance     int
	method, path string
}

var (
	logID     = regexp.MustCompile(` request_id=([A-Za-z0-9._-]+)`)
	logMethod = regexp.MustCompile(` method=([A-Z]+)`)
	logPath   = regexp.MustCompile(` path=(\S+)`)
)

// readLogs maps each request ID to the instances that logged it.
func readLogs(files []string) (map[string][]logged, error) {
	out := map[string][]logged{}
	for i, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if !strings.Contains(line, "msg=request ") {
				continue
			}
			id, m, p := logID.FindStringSubmatch(line), logMethod.FindStringSubmatch(line), logPath.FindStringSubmatch(line)
			if id == nil || m == nil || p == nil {
				continue
			}
			out[id[1]] = append(out[id[1]], logged{instance: i, method: m[1], path: p[1]})
		}
		fh.Close()
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
	}
	return out, nil
}

// waitFor waits for a line containing s in file.
func waitFor(file, s string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		b, err := os.ReadFile(file)
		if err == nil && strings.Contains(string(b), s) {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("%s: no %q line after %s", file, s, limit)
}

// hammer runs conns sessions for dur: each loads a page, then posts tok
// back, three postbacks to a page. With pid, SIGTERM goes to pid at dur/3.
func (d *driver) hammer(phase string, dur time.Duration, conns int, tok string, pid int) (int64, time.Duration) {
	var n atomic.Int64
	start := time.Now()
	deadline := start.Add(dur)
	if pid > 0 {
		t := time.AfterFunc(dur/3, func() {
			if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
				d.record(sent{phase: phase, method: "SIGTERM", path: fmt.Sprint(pid), err: err})
			}
		})
		defer t.Stop()
	}
	var wg sync.WaitGroup
	for range conns {
		wg.Go(func() {
			b := d.newBrowser(phase)
			for i := 0; time.Now().Before(deadline); i++ {
				if i%4 == 0 {
					b.page("/calendar")
				} else {
					b.postback("/calendar", tok, nil)
				}
				n.Add(1)
			}
		})
	}
	wg.Wait()
	return n.Load(), time.Since(start)
}

// browser is one browser session: the site's cookies and CSRF token, and
// the emulator's cookies (its popup's sign-in).
type browser struct {
	d     *driver
	phase string
	c     *http.Client
	csrf  string

	lastHeader http.Header // the last answer's headers
	lastCSP    string
}

// checkCSP: behind the HTTPS proxy, the page's CSP names the emulator's
// public https origin and no http:// origin at all (an http:// origin in
// script-src costs the page its Observatory grade).
func (b *browser) checkCSP(path string) error {
	csp := b.lastCSP
	switch {
	case csp == "":
		return fmt.Errorf("GET %s: no Content-Security-Policy", path)
	case strings.Contains(csp, "http://"):
		return fmt.Errorf("GET %s: the CSP names an http:// origin: %s", path, csp)
	case strings.HasPrefix(b.d.emu, "https://") && !strings.Contains(csp, b.d.emu):
		return fmt.Errorf("GET %s: the CSP does not name the emulator's public origin %s: %s", path, b.d.emu, csp)
	}
	return nil
}

func (d *driver) newBrowser(phase string) *browser {
	jar, _ := cookiejar.New(nil)
	// No redirects followed: the site and the emulator answer these
	// requests directly.
	return &browser{d: d, phase: phase, c: &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends a request to the site and records how the proxy answered it.
func (b *browser) do(req *http.Request, label string) (string, int, error) {
	s := sent{phase: b.phase, method: req.Method, path: req.URL.Path}
	if label != "" {
		s.phase = b.phase + label
	}
	res, err := b.c.Do(req)
	if err != nil {
		s.err = err
		b.d.record(s)
		return "", 0, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	b.lastHeader = res.Header
	s.id, s.upstream, s.status, s.err = res.Header.Get("X-Request-Id"), res.Header.Get("X-Upstream"), res.StatusCode, err
	if s.err == nil && s.id == "" {
		s.err = errors.New("no X-Request-Id: not through the proxy?")
	}
	b.d.record(s)
	if s.err != nil {
		return "", res.StatusCode, s.err
	}
	return string(body), res.StatusCode, nil
}

func (b *browser) ok(req *http.Request) (string, error) {
	body, status, err := b.do(req, "")
	if err == nil && req.Method == http.MethodGet {
		b.lastCSP = b.lastHeader.Get("Content-Security-Policy")
	}
	if err != nil {
		return "", fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)
	}
	if status != http.StatusOK {
		return "", fmt.Errorf("%s %s: %d: %.300s", req.Method, req.URL.Path, status, body)
	}
	return body, nil
}

// page loads a page and keeps its CSRF token, as a browser does.
func (b *browser) page(path string) (string, error) {
	req, _ := http.NewRequest(http.MethodGet, b.d.site+path, nil)
	req.Header.Set("Sec-Fetch-Site", "none")
	body, err := b.ok(req)
	if err != nil {
		return "", err
	}
	csrf := pagescript.CSRFToken(body)
	if csrf == "" {
		return "", fmt.Errorf("GET %s: no CSRF token", path)
	}
	if b.phase != "load" && b.phase != "sigterm" {
		if err := b.checkCSP(path); err != nil {
			return "", err
		}
	}
	b.csrf = csrf
	return body, nil
}

// post sends a form as the page scripts do: same origin, the CSRF header,
// and the token when there is one.
func (b *browser) post(path, token string, form url.Values) *http.Request {
	req, _ := pagescript.NewPostback(context.Background(), b.d.site, path, b.csrf, token, form)
	return req
}

func (b *browser) postback(path, token string, form url.Values) (string, error) {
	return b.ok(b.post(path, token, form))
}

var stateOf = func(scope string) *regexp.Regexp {
	return regexp.MustCompile(`<tr data-scope="` + regexp.QuoteMeta(scope) + `" data-state="([a-z-]+)"`)
}

// ledger checks the ledger of a page loaded afresh (from another instance,
// most likely) says each scope is in state: the session is in the cookie.
func (b *browser) ledger(path, state string, scopes ...string) error {
	body, err := b.page(path)
	if err != nil {
		return err
	}
	for _, s := range scopes {
		m := stateOf(s).FindStringSubmatch(body)
		if m == nil || m[1] != state {
			return fmt.Errorf("GET %s: the ledger's %s is %v, want %s", path, s, m, state)
		}
	}
	return nil
}

// consent is the user in the emulator's popup, opened by the page's token
// client for scopes (with the grants made before): the account chooser the
// first time, then the consent screen, every scope ticked, Continue. It
// returns the access token the result page relays to the page.
func (b *browser) consent(scopes ...string) (string, error) {
	site, _ := url.Parse(b.d.site)
	q := url.Values{
		"gsiwebsdk":               {"3"},
		"client_id":               {config.EmulatorClientID},
		"scope":                   {strings.Join(scopes, " ")},
		"redirect_uri":            {"storagerelay://" + site.Scheme + "/" + site.Host + "?id=auth" + fmt.Sprint(time.Now().UnixNano()%1e6)},
		"response_type":           {"token"},
		"include_granted_scopes":  {"true"},
		"enable_granular_consent": {"true"},
	}
	req, _ := http.NewRequest(http.MethodGet, b.d.emu+"/o/oauth2/v2/auth?"+q.Encode(), nil)
	for range 4 {
		res, err := b.c.Do(req)
		if err != nil {
			return "", fmt.Errorf("popup: %w", err)
		}
		doc, err := goquery.NewDocumentFromReader(res.Body)
		res.Body.Close()
		if err != nil {
			return "", fmt.Errorf("popup: %w", err)
		}
		if relay := doc.Find("script#relay"); relay.Length() > 0 {
			var env struct {
				TargetOrigin string `json:"targetOrigin"`
				Message      struct {
					Response struct {
						AccessToken string `json:"access_token"`
						Scope       string `json:"scope"`
						Error       string `json:"error"`
					} `json:"response"`
				} `json:"message"`
			}
			if err := json.Unmarshal([]byte(relay.Text()), &env); err != nil {
				return "", fmt.Errorf("popup relay: %w", err)
			}
			r := env.Message.Response
			if env.TargetOrigin != b.d.site || r.AccessToken == "" {
				return "", fmt.Errorf("popup answered %q to %q, want a token for %s", r.Error, env.TargetOrigin, b.d.site)
			}
			for _, s := range scopes {
				if !slices.Contains(strings.Fields(r.Scope), s) {
					return "", fmt.Errorf("popup granted %q, want %s among them", r.Scope, s)
				}
			}
			return r.AccessToken, nil
		}
		form := doc.Find("form[action='/o/oauth2/v2/auth']").First()
		if form.Length() == 0 || res.StatusCode != http.StatusOK {
			return "", fmt.Errorf("popup: %d %q", res.StatusCode, strings.Join(strings.Fields(doc.Find("body").Text()), " "))
		}
		values := url.Values{}
		form.Find(`input[type="hidden"]`).Each(func(_ int, in *goquery.Selection) {
			values.Add(in.AttrOr("name", ""), in.AttrOr("value", ""))
		})
		switch {
		case doc.Find(`button[name="account"][value="`+account+`"]`).Length() > 0:
			values.Set("account", account)
		case doc.Find(`button[value="continue"]`).Length() > 0:
			doc.Find(`input[type="checkbox"][name="grant"]`).Each(func(_ int, in *goquery.Selection) {
				values.Add("grant", in.AttrOr("value", ""))
			})
			values.Set("action", "continue")
		default:
			return "", fmt.Errorf("popup: a page with neither %s nor Continue: %q", account, strings.Join(strings.Fields(doc.Find("body").Text()), " "))
		}
		req, _ = http.NewRequest(http.MethodPost, b.d.emu+"/o/oauth2/v2/auth", strings.NewReader(values.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", b.d.emu)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	return "", errors.New("popup: no token after four pages")
}

func (d *driver) calendarFlow(b *browser) error {
	if _, err := b.page("/calendar"); err != nil {
		return err
	}
	tok, err := b.consent(calendarScope)
	if err != nil {
		return err
	}
	for range 2 { // the button, then Refresh
		body, err := b.postback("/calendar", tok, nil)
		if err != nil {
			return err
		}
		if !strings.Contains(body, "<li") {
			return fmt.Errorf("POST /calendar: no events: %.300s", body)
		}
	}
	return b.ledger("/calendar", "granted", calendarScope)
}

var docLink = regexp.MustCompile(`name="document" value="([^"]+)"`)

func (d *driver) docsFlow(b *browser) error {
	page, err := b.page("/docs")
	if err != nil {
		return err
	}
	tok, err := b.consent(docsScope)
	if err != nil {
		return err
	}
	if _, err := b.postback("/docs", tok, nil); err != nil {
		return err
	}
	m := docLink.FindStringSubmatch(page)
	if m == nil {
		return errors.New("GET /docs: no sample document to open")
	}
	if _, err := b.postback("/docs/open", tok, url.Values{"document": {m[1]}}); err != nil {
		return fmt.Errorf("open the seed document %q: %w", m[1], err)
	}
	if _, err := b.postback("/docs", tok, nil); err != nil { // the recent list
		return err
	}
	return b.ledger("/docs", "granted", docsScope)
}

var (
	sessionAttr   = regexp.MustCompile(`data-session-id="([^"]+)"`)
	pickerURIAttr = regexp.MustCompile(`data-picker-uri="([^"]+)"`)
	pickerItem    = regexp.MustCompile(`name="item" value="([^"]+)"`)
)

func (d *driver) photosFlow(b *browser) error {
	if _, err := b.page("/photos"); err != nil {
		return err
	}
	tok, err := b.consent(photosScope)
	if err != nil {
		return err
	}
	body, err := b.postback("/photos", tok, nil)
	if err != nil {
		return err
	}
	sm, pm := sessionAttr.FindStringSubmatch(body), pickerURIAttr.FindStringSubmatch(body)
	if sm == nil || pm == nil {
		return fmt.Errorf("POST /photos: no picker session: %.300s", body)
	}
	if err := b.pick(html.UnescapeString(pm[1]), 2); err != nil {
		return err
	}
	// The page's poll: the user is done, so the answer is the photos (and
	// the session is deleted).
	items, err := b.postback("/photos/session", tok, url.Values{"session": {sm[1]}})
	if err != nil {
		return err
	}
	if c := strings.Count(items, "data:image/"); c < 2 {
		return fmt.Errorf("POST /photos/session: %d inline images, want 2: %.300s", c, items)
	}
	return b.ledger("/photos", "granted", photosScope)
}

// pick is the user in the emulator's picker window: the first n, Done.
func (b *browser) pick(pickerURI string, n int) error {
	u, err := url.Parse(pickerURI + "/autoclose")
	if err != nil {
		return err
	}
	res, err := b.c.Get(u.String())
	if err != nil {
		return err
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	items := pickerItem.FindAllStringSubmatch(string(page), -1)
	if len(items) < n {
		return fmt.Errorf("picker page (%d): %d items: %.300s", res.StatusCode, len(items), page)
	}
	form := url.Values{}
	for i := range n {
		form.Add("item", items[i][1])
	}
	req, _ := http.NewRequest(http.MethodPost, u.String(), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", u.Scheme+"://"+u.Host)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err = b.c.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("picker Done: %d", res.StatusCode)
	}
	return nil
}

// ajaxFlow: one token client whose grant grows section by section, each
// consent adding a scope to those granted before.
func (d *driver) ajaxFlow(b *browser) error {
	if _, err := b.page("/ajax"); err != nil {
		return err
	}
	var scopes []string
	for _, s := range []struct{ path, scope string }{{"/calendar", calendarScope}, {"/docs", docsScope}, {"/photos", photosScope}} {
		tok, err := b.consent(s.scope)
		if err != nil {
			return err
		}
		scopes = append(scopes, s.scope)
		if _, err := b.postback(s.path, tok, nil); err != nil {
			return err
		}
	}
	return b.ledger("/ajax", "granted", scopes...)
}

// labFlow: two scopes in one consent (the granular checkboxes), the
// verdict, then a revocation as the lab's Revoke button makes it (GIS's
// revoke call to the emulator, then the ledger event to the site): the
// revoked token's next postbacks, on every instance, are refused at once,
// though each instance may still hold tokeninfo's earlier answer: the
// revocation time travels in the session cookie.
func (d *driver) labFlow(b *browser) error {
	if _, err := b.page("/lab"); err != nil {
		return err
	}
	tok, err := b.consent(calendarScope, docsScope)
	if err != nil {
		return err
	}
	body, err := b.postback("/lab/verify", tok, nil)
	if err != nil {
		return err
	}
	if !strings.Contains(body, "valid") {
		return errors.New("POST /lab/verify: no verdict")
	}
	for range 3 { // every instance verifies and caches the token
		if _, err := b.postback("/calendar", tok, nil); err != nil {
			return err
		}
	}
	res, err := b.c.PostForm(d.emu+"/revoke", url.Values{"token": {tok}})
	if err != nil {
		return fmt.Errorf("revoke: %w", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("revoke: %d", res.StatusCode)
	}
	// The ledger's revocation time is kept to the second: a check made in
	// the same second as the revocation is not trusted after it.
	if _, err := b.postback("/grants/events", "", url.Values{"event": {"revoked"}}); err != nil {
		return err
	}
	for range 3 {
		body, status, err := b.do(b.post("/calendar", tok, nil), "/revoked")
		if err != nil {
			return err
		}
		if status != http.StatusUnauthorized {
			return fmt.Errorf("POST /calendar with the revoked token: %d, want 401: %.300s", status, body)
		}
	}
	return b.ledger("/lab", "revoked", calendarScope, docsScope)
}
