package sitetest

// The token-leak canary: every token the emulator issued during a test is
// looked for in everything the site logged and answered (headers and
// cookies, bodies, redirect URLs). Main prints the totals of a test binary.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// totals sums what this test binary's leak checks searched.
var totals struct {
	mu                                    sync.Mutex
	checks, tokens, outputs, bytes, found int
}

// Main runs a package's tests and prints the canary's totals: use it as
// the package's TestMain.
func Main(m *testing.M) {
	code := m.Run()
	totals.mu.Lock()
	fmt.Printf("log canary (%s): %d checks, %d issued tokens looked for in %d outputs (%.1f MiB of logs, answer headers and cookies, bodies, redirect URLs): %d occurrences\n",
		strings.TrimSuffix(filepath.Base(os.Args[0]), ".test"), totals.checks, totals.tokens, totals.outputs, float64(totals.bytes)/(1<<20), totals.found)
	totals.mu.Unlock()
	os.Exit(code)
}

// output is one thing the site sent or wrote: where, and its text.
type output struct{ where, text string }

// canary is what one site answered, and the tokens its test minted.
type canary struct {
	mu      sync.Mutex
	answers []output
	tokens  []string
}

func (s *Site) recordAnswer(req *http.Request, res *http.Response, body []byte) {
	if s.canary == nil {
		return
	}
	outs := answerOutputs(req, res, body)
	s.canary.mu.Lock()
	s.canary.answers = append(s.canary.answers, outs...)
	s.canary.mu.Unlock()
}

func (s *Site) rememberToken(tok string) {
	if s.canary == nil {
		return
	}
	s.canary.mu.Lock()
	s.canary.tokens = append(s.canary.tokens, tok)
	s.canary.mu.Unlock()
}

// answerOutputs is what the site sent in answer to req: headers (cookies
// included), body, and the URL of any redirect it made the client follow.
// The request's own URL is the test's, not the site's: a test may put a
// token there on purpose.
func answerOutputs(req *http.Request, res *http.Response, body []byte) []output {
	what := req.Method + " " + req.URL.Path
	outs := []output{
		{"the answer headers of " + what, fmt.Sprint(res.Header)},
		{"the answer to " + what, string(body)},
	}
	if res.Request != nil && res.Request.URL.String() != req.URL.String() {
		outs = append(outs, output{"the URL " + what + " redirected to", res.Request.URL.String()})
	}
	return outs
}

// Plant adds an answer the site did not send, to prove the canary finds a
// token in it; remove takes it out again.
func (s *Site) Plant(where, text string) (remove func()) {
	s.canary.mu.Lock()
	defer s.canary.mu.Unlock()
	s.canary.answers = append(s.canary.answers, output{where, text})
	n := len(s.canary.answers)
	return func() {
		s.canary.mu.Lock()
		defer s.canary.mu.Unlock()
		s.canary.answers = slices.Delete(s.canary.answers, n-1, n)
	}
}

// Leaks names each place an issued token appears now in what the site
// logged and answered.
func (s *Site) Leaks() []string { return tokenLeaks(s.canaryInput()) }

func (s *Site) canaryInput() ([]string, []output) {
	issued := s.Emu.Issued(s.tb)
	if issued.Total != len(issued.Tokens) {
		s.tb.Fatalf("the emulator issued %d tokens but lists %d: the canary would miss some", issued.Total, len(issued.Tokens))
	}
	s.canary.mu.Lock()
	defer s.canary.mu.Unlock()
	outputs := append([]output{{"the site's log", s.Logs.String()}}, s.canary.answers...)
	return append(issued.Tokens, s.canary.tokens...), outputs
}

// checkCanary fails the test for every leak and adds the search to the totals.
func (s *Site) checkCanary() {
	tokens, outputs := s.canaryInput()
	leaks := tokenLeaks(tokens, outputs)
	for _, l := range leaks {
		s.tb.Errorf("leak: %s", l)
	}
	totals.mu.Lock()
	defer totals.mu.Unlock()
	totals.checks++
	totals.tokens += len(slices.Compact(slices.Sorted(slices.Values(tokens))))
	totals.outputs += len(outputs)
	for _, o := range outputs {
		totals.bytes += len(o.text)
	}
	totals.found += len(leaks)
}

// tokenLeaks names each place one of tokens (or its first 40 characters)
// appears in outputs. Tokens are named by a hash prefix, never shown.
func tokenLeaks(tokens []string, outputs []output) []string {
	var found []string
	for _, tok := range slices.Compact(slices.Sorted(slices.Values(tokens))) {
		for _, o := range outputs {
			if strings.Contains(o.text, tok) || (len(tok) > 40 && strings.Contains(o.text, tok[:40])) {
				sum := sha256.Sum256([]byte(tok))
				found = append(found, fmt.Sprintf("token sha256:%s in %s", hex.EncodeToString(sum[:])[:12], o.where))
			}
		}
	}
	return found
}

// Buffer collects what the site logs; safe for concurrent use.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// Scrub replaces every occurrence of secret (a test's planted token).
func (s *Buffer) Scrub(secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cleaned := strings.ReplaceAll(s.b.String(), secret, "[scrubbed]")
	s.b.Reset()
	s.b.WriteString(cleaned)
}

func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
