// Command deploydrive drives a deployment of the site (several instances
// behind a proxy, sharing an external emulator) the way scripts/deploy-test.sh
// runs it: every page's consent flow with tokens minted by the emulator,
// each flow's requests spread over the instances; a bounded load run; and a
// run during which one instance is stopped with SIGTERM. The proxy names the
// instance that answered in X-Upstream. It prints the figures and exits 1 on
// any failure.
package main

import (
	"context"
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
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/scopewise/scopewise/emulator"
	emuclient "github.com/scopewise/scopewise/emulator/client"
	"github.com/scopewise/scopewise/internal/config"
)

const (
	calendarScope = "https://www.googleapis.com/auth/calendar.readonly"
	docsScope     = "https://www.googleapis.com/auth/documents.readonly"
	photosScope   = "https://www.googleapis.com/auth/photospicker.mediaitems.readonly"
)

func main() {
	site := flag.String("site", "", "the site's origin through the proxy")
	emu := flag.String("emulator", "", "the emulator's origin through the proxy")
	load := flag.Duration("load", 8*time.Second, "length of the load run")
	conns := flag.Int("conns", 16, "concurrent clients in the load and SIGTERM runs")
	killPID := flag.Int("kill-pid", 0, "the instance to stop with SIGTERM in the middle of the last run")
	killRun := flag.Duration("kill-run", 4*time.Second, "length of the run during which -kill-pid is stopped")
	logs := flag.String("logs", "", "the instances' logs, comma-separated: every POST the driver sent must be logged once by one of them")
	flag.Parse()
	d := &driver{site: strings.TrimRight(*site, "/"), emu: strings.TrimRight(*emu, "/")}
	d.ctl = emuclient.New(d.emu, &http.Client{Timeout: 10 * time.Second})
	if err := d.run(*load, *conns, *killPID, *killRun, *logs); err != nil {
		fmt.Fprintln(os.Stderr, "deploydrive:", err)
		os.Exit(1)
	}
}

type driver struct {
	site, emu string
	ctl       *emuclient.Client
	posts     atomic.Int64 // POSTs sent to the site, answered or not
	mu        sync.Mutex
	perUp     map[string]int // answers per instance
}

func (d *driver) count(up string) {
	d.mu.Lock()
	if d.perUp == nil {
		d.perUp = map[string]int{}
	}
	d.perUp[up]++
	d.mu.Unlock()
}

func (d *driver) run(load time.Duration, conns, killPID int, killRun time.Duration, logs string) error {
	start := time.Now()
	flows := map[string]func(*browser) error{
		"calendar": d.calendarFlow, "docs": d.docsFlow, "photos": d.photosFlow, "ajax": d.ajaxFlow, "lab": d.labFlow,
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range flows {
			if !yield(k) {
				return
			}
		}
	})
	for _, name := range names {
		b := d.newBrowser()
		if err := flows[name](b); err != nil {
			return fmt.Errorf("%s flow: %w", name, err)
		}
		ups := b.instances()
		fmt.Printf("flow %-8s %2d requests over %d instances %v\n", name, len(b.seen), len(ups), ups)
		if len(ups) < 2 {
			return fmt.Errorf("%s flow: every request landed on %v: the proxy is not spreading one flow", name, ups)
		}
	}
	fmt.Printf("flows: %s\n", time.Since(start).Round(time.Millisecond))

	tok, err := d.mint(calendarScope)
	if err != nil {
		return err
	}
	d.perUp = nil
	n, errs, dur := d.hammer(load, conns, tok, 0)
	fmt.Printf("load: %d requests in %s over %d connections, %.0f req/s, %d errors, per instance %v\n", n, dur.Round(time.Millisecond), conns, float64(n)/dur.Seconds(), len(errs), d.perUp)
	if len(errs) > 0 {
		return fmt.Errorf("load run: %d errors, first: %v", len(errs), errs[0])
	}

	if killPID > 0 {
		d.perUp = nil
		n, errs, dur := d.hammer(killRun, conns, tok, killPID)
		fmt.Printf("SIGTERM run: %d requests in %s, pid %d stopped at %s, %d errors, per instance %v\n", n, dur.Round(time.Millisecond), killPID, killRun/3, len(errs), d.perUp)
		if len(errs) > 0 {
			return fmt.Errorf("SIGTERM run: %d requests lost, first: %v", len(errs), errs[0])
		}
	}
	if logs != "" {
		// Every POST the driver sent is logged exactly once over all the
		// instances: none was lost, and none answered twice (a proxy retry
		// of a postback one instance had already taken would show as two).
		time.Sleep(300 * time.Millisecond) // the stopped instance's last lines
		var logged int
		for _, f := range strings.Split(logs, ",") {
			b, err := os.ReadFile(f)
			if err != nil {
				return err
			}
			c := strings.Count(string(b), "method=POST")
			fmt.Printf("instance log %s: %d POSTs\n", f, c)
			logged += c
		}
		fmt.Printf("POSTs sent %d, logged by the instances %d\n", d.posts.Load(), logged)
		if int64(logged) != d.posts.Load() {
			return fmt.Errorf("the driver sent %d POSTs, the instances logged %d: a postback was lost or answered twice", d.posts.Load(), logged)
		}
	}
	return nil
}

// hammer runs conns clients for dur: each its own session, a page then
// postbacks of tok, in turn. With pid it sends SIGTERM to pid at dur/3.
func (d *driver) hammer(dur time.Duration, conns int, tok string, pid int) (int64, []error, time.Duration) {
	var n atomic.Int64
	var mu sync.Mutex
	var errs []error
	start := time.Now()
	deadline := start.Add(dur)
	if pid > 0 {
		time.AfterFunc(dur/3, func() {
			if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("SIGTERM %d: %w", pid, err))
				mu.Unlock()
			}
		})
	}
	var wg sync.WaitGroup
	for range conns {
		wg.Go(func() {
			b := d.newBrowser()
			for i := 0; time.Now().Before(deadline); i++ {
				var err error
				if i%4 == 0 {
					_, err = b.page("/calendar")
				} else {
					_, err = b.postback("/calendar", tok, nil)
				}
				n.Add(1)
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return n.Load(), errs, time.Since(start)
}

func (d *driver) mint(scopes ...string) (string, error) {
	t, err := d.ctl.MintToken(context.Background(), emulator.TokenRequest{ClientID: config.EmulatorClientID, Account: "alice@example.com", Scopes: scopes})
	if err != nil {
		return "", fmt.Errorf("mint a token: %w", err)
	}
	return t.AccessToken, nil
}

type browser struct {
	d    *driver
	c    *http.Client
	csrf string
	seen []string // X-Upstream of each answer
}

func (d *driver) newBrowser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{d: d, c: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

func (b *browser) instances() []string {
	var ups []string
	for _, u := range b.seen {
		if !slices.Contains(ups, u) {
			ups = append(ups, u)
		}
	}
	sort.Strings(ups)
	return ups
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)"`)

func (b *browser) do(req *http.Request) (string, error) {
	res, err := b.c.Do(req)
	if err != nil {
		return "", err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return "", err
	}
	up := res.Header.Get("X-Upstream")
	if up == "" {
		return "", fmt.Errorf("%s %s: no X-Upstream header: not through the proxy?", req.Method, req.URL.Path)
	}
	if strings.Contains(up, ",") {
		// The proxy passed this request to more than one instance.
		return "", fmt.Errorf("%s %s: the proxy tried %s", req.Method, req.URL.Path, up)
	}
	b.seen = append(b.seen, up)
	b.d.count(up)
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s %s: %d from %s: %.300s", req.Method, req.URL.Path, res.StatusCode, up, body)
	}
	return string(body), nil
}

// page loads a page and keeps its CSRF token, as a browser does.
func (b *browser) page(path string) (string, error) {
	req, _ := http.NewRequest(http.MethodGet, b.d.site+path, nil)
	body, err := b.do(req)
	if err != nil {
		return "", err
	}
	m := csrfMeta.FindStringSubmatch(body)
	if m == nil {
		return "", fmt.Errorf("GET %s: no CSRF token", path)
	}
	b.csrf = m[1]
	return body, nil
}

// postback posts as the page scripts do: same origin, CSRF header, the token.
func (b *browser) postback(path, token string, form url.Values) (string, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(http.MethodPost, b.d.site+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("X-CSRF-Token", b.csrf)
	req.Header.Set("Origin", b.d.site)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Authorization", "Bearer "+token)
	b.d.posts.Add(1)
	return b.do(req)
}

var stateOf = func(scope string) *regexp.Regexp {
	return regexp.MustCompile(`<tr data-scope="` + regexp.QuoteMeta(scope) + `" data-state="([a-z-]+)"`)
}

// granted checks the ledger of a page loaded afresh (most likely from
// another instance) says scope is granted: the session travels in the cookie.
func (b *browser) granted(path string, scopes ...string) error {
	body, err := b.page(path)
	if err != nil {
		return err
	}
	for _, s := range scopes {
		m := stateOf(s).FindStringSubmatch(body)
		if m == nil || m[1] != "granted" {
			return fmt.Errorf("GET %s after consent: the ledger's %s is %v, want granted", path, s, m)
		}
	}
	return nil
}

func (d *driver) calendarFlow(b *browser) error {
	tok, err := d.mint(calendarScope)
	if err != nil {
		return err
	}
	if _, err := b.page("/calendar"); err != nil {
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
	return b.granted("/calendar", calendarScope)
}

var docLink = regexp.MustCompile(`name="document" value="([^"]+)"`)

func (d *driver) docsFlow(b *browser) error {
	tok, err := d.mint(docsScope)
	if err != nil {
		return err
	}
	page, err := b.page("/docs")
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
	id := m[1]
	if _, err := b.postback("/docs/open", tok, url.Values{"document": {id}}); err != nil {
		return fmt.Errorf("open the seed document %q: %w", id, err)
	}
	if _, err := b.postback("/docs", tok, nil); err != nil { // the recent list, from another instance
		return err
	}
	return b.granted("/docs", docsScope)
}

var (
	sessionAttr   = regexp.MustCompile(`data-session-id="([^"]+)"`)
	pickerURIAttr = regexp.MustCompile(`data-picker-uri="([^"]+)"`)
	pickerItem    = regexp.MustCompile(`name="item" value="([^"]+)"`)
)

func (d *driver) photosFlow(b *browser) error {
	tok, err := d.mint(photosScope)
	if err != nil {
		return err
	}
	if _, err := b.page("/photos"); err != nil {
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
	if err := d.pick(html.UnescapeString(pm[1]), 2); err != nil {
		return err
	}
	form := url.Values{"session": {sm[1]}}
	if _, err := b.postback("/photos/session", tok, form); err != nil {
		return err
	}
	items, err := b.postback("/photos/items", tok, form)
	if err != nil {
		return err
	}
	if c := strings.Count(items, "data:image/"); c < 2 {
		return fmt.Errorf("POST /photos/items: %d inline images, want 2: %.300s", c, items)
	}
	return b.granted("/photos", photosScope)
}

// pick is the user in the emulator's picker window: the first n, Done.
func (d *driver) pick(pickerURI string, n int) error {
	hc := &http.Client{Timeout: 10 * time.Second}
	res, err := hc.Get(pickerURI + "/autoclose")
	if err != nil {
		return err
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	items := pickerItem.FindAllStringSubmatch(string(page), -1)
	if len(items) < n {
		return fmt.Errorf("picker page: %d items: %.300s", len(items), page)
	}
	form := url.Values{}
	for i := range n {
		form.Add("item", items[i][1])
	}
	res, err = hc.PostForm(pickerURI+"/autoclose", form)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("picker Done: %d", res.StatusCode)
	}
	return nil
}

// ajaxFlow: one token client whose token grows section by section.
func (d *driver) ajaxFlow(b *browser) error {
	if _, err := b.page("/ajax"); err != nil {
		return err
	}
	var scopes []string
	for _, s := range []struct{ path, scope string }{{"/calendar", calendarScope}, {"/docs", docsScope}, {"/photos", photosScope}} {
		scopes = append(scopes, s.scope)
		tok, err := d.mint(scopes...)
		if err != nil {
			return err
		}
		if _, err := b.postback(s.path, tok, nil); err != nil {
			return err
		}
	}
	return b.granted("/ajax", scopes...)
}

func (d *driver) labFlow(b *browser) error {
	tok, err := d.mint(calendarScope, docsScope)
	if err != nil {
		return err
	}
	if _, err := b.page("/lab"); err != nil {
		return err
	}
	body, err := b.postback("/lab/verify", tok, nil)
	if err != nil {
		return err
	}
	if !strings.Contains(body, "valid") {
		return errors.New("POST /lab/verify: no verdict")
	}
	return b.granted("/lab", calendarScope, docsScope)
}
