package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	calendarScope = "https://www.googleapis.com/auth/calendar.readonly"
	docsScope     = "https://www.googleapis.com/auth/documents.readonly"
)

// syncBuffer collects what run writes (addresses, then logs).
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// scrub replaces every occurrence of secret (a test's planted token).
func (s *syncBuffer) scrub(secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cleaned := strings.ReplaceAll(s.b.String(), secret, "[scrubbed]")
	s.b.Reset()
	s.b.WriteString(cleaned)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// app is the whole binary, started through run on free ports.
type app struct {
	t        *testing.T
	site     string
	emulator string
	out      *syncBuffer
	client   *http.Client
	csrf     string
	// seen collects every token minted and every URL, header and body
	// answered, so the leak check can look for each token in each of them
	// and in the logs.
	mu     sync.Mutex
	tokens []string
	bodies []output
}

func startApp(t *testing.T, env map[string]string) *app {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	getenv := func(k string) string { return env[k] }
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-emulator-addr", "127.0.0.1:0"}, getenv, out)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})

	a := &app{t: t, out: out}
	deadline := time.Now().Add(5 * time.Second)
	for a.site == "" || a.emulator == "" {
		if time.Now().After(deadline) {
			t.Fatalf("addresses not printed; output:\n%s", out.String())
		}
		time.Sleep(10 * time.Millisecond)
		sc := bufio.NewScanner(strings.NewReader(out.String()))
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "site: "); ok {
				a.site = v
			}
			if v, ok := strings.CutPrefix(sc.Text(), "emulator: "); ok {
				a.emulator = v
			}
		}
	}
	jar, _ := cookiejar.New(nil)
	a.client = &http.Client{Jar: jar, Timeout: 15 * time.Second}
	if res := a.get("/healthz"); res.StatusCode != 200 {
		t.Fatalf("healthz: %d", res.StatusCode)
	}
	t.Cleanup(a.checkNoTokenLeaked)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("site output:\n%s", out.String())
		}
	})
	return a
}

type response struct {
	StatusCode int
	Header     http.Header
	Body       string
}

func (a *app) do(req *http.Request) response {
	a.t.Helper()
	res, err := a.client.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	a.mu.Lock()
	a.bodies = append(a.bodies, answerOutputs(req, res, b)...)
	a.mu.Unlock()
	return response{res.StatusCode, res.Header, string(b)}
}

func (a *app) get(path string) response {
	req, _ := http.NewRequest(http.MethodGet, a.site+path, nil)
	return a.do(req)
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)"`)

// page loads a page and keeps its CSRF token, as a browser would.
func (a *app) page(path string) response {
	a.t.Helper()
	res := a.get(path)
	m := csrfMeta.FindStringSubmatch(res.Body)
	if m == nil {
		a.t.Fatalf("GET %s: no csrf meta (status %d)", path, res.StatusCode)
	}
	a.csrf = m[1]
	return res
}

// postback posts like the page script: same origin, CSRF header, and an
// Authorization header when token is set.
func (a *app) postback(path, token string, mutate ...func(*http.Request)) response {
	a.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, a.site+path, nil)
	req.Header.Set("X-CSRF-Token", a.csrf)
	req.Header.Set("Origin", a.site)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for _, m := range mutate {
		m(req)
	}
	return a.do(req)
}

// emu calls the emulator's control API.
func (a *app) emu(path string, body any, out any) {
	a.t.Helper()
	emuControl(a.t, a.emulator, path, body, out)
}

// mint asks the emulator for a token without the popup, and remembers it for
// the leak check.
func (a *app) mint(client string, scopes ...string) string {
	a.t.Helper()
	tok := mintToken(a.t, a.emulator, client, scopes...)
	a.mu.Lock()
	a.tokens = append(a.tokens, tok)
	a.mu.Unlock()
	return tok
}

// checkNoTokenLeaked looks for every token the emulator issued (and every
// one the test minted) in every URL, header and body the site answered, and
// in everything it logged.
func (a *app) checkNoTokenLeaked() {
	tokens, outputs := a.canaryInput()
	checkCanary(a.t, tokens, outputs)
}

// leaks is what checkNoTokenLeaked would find now.
func (a *app) leaks() []string {
	return tokenLeaks(a.canaryInput())
}

func (a *app) canaryInput() ([]string, []output) {
	issued := issuedTokens(a.t, a.emulator)
	a.mu.Lock()
	defer a.mu.Unlock()
	outputs := append([]output{{"the site's log", a.out.String()}}, a.bodies...)
	return append(issued, a.tokens...), outputs
}
