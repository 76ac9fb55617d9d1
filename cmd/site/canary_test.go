package main

// The log canary of the Go tests: every token the emulators issued
// during a test is searched for in everything the site logged and answered
// (URLs, headers and cookies, bodies). TestMain prints the totals; a test
// plants a token to prove the canary finds one.

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scopewise/scopewise/internal/config"
)

// canary sums what this package's leak checks searched.
var canary struct {
	mu      sync.Mutex
	checks  int
	tokens  int
	outputs int
	bytes   int
	found   int
}

func TestMain(m *testing.M) {
	code := m.Run()
	canary.mu.Lock()
	fmt.Printf("log canary (go test ./cmd/site): %d checks, %d issued tokens looked for in %d outputs (%.1f MiB of logs, answer headers and cookies, bodies, redirect URLs): %d occurrences\n",
		canary.checks, canary.tokens, canary.outputs, float64(canary.bytes)/(1<<20), canary.found)
	canary.mu.Unlock()
	os.Exit(code)
}

// issuedTokens is every token value the emulator has issued since it
// started (GET /_emu/issued).
func issuedTokens(tb testing.TB, emulatorURL string) []string {
	tb.Helper()
	client := &http.Client{Timeout: 15 * time.Second}
	res, err := client.Get(emulatorURL + "/_emu/issued")
	if err != nil {
		tb.Fatalf("GET /_emu/issued: %v", err)
	}
	defer res.Body.Close()
	var issued struct {
		Total  int      `json:"total"`
		Tokens []string `json:"tokens"`
	}
	if err := json.NewDecoder(res.Body).Decode(&issued); err != nil || res.StatusCode != 200 {
		tb.Fatalf("GET /_emu/issued: %d %v", res.StatusCode, err)
	}
	if issued.Total != len(issued.Tokens) {
		tb.Fatalf("the emulator issued %d tokens but lists %d", issued.Total, len(issued.Tokens))
	}
	return issued.Tokens
}

// output is one thing the site sent or wrote: where, and its text.
type output struct{ where, text string }

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

// tokenLeaks names each place one of tokens (or its first 40 characters)
// appears in outputs. Tokens are named by a hash prefix, never shown.
func tokenLeaks(tokens []string, outputs []output) []string {
	var found []string
	for _, tok := range slices.Compact(slices.Sorted(slices.Values(tokens))) {
		for _, o := range outputs {
			if strings.Contains(o.text, tok) || (len(tok) > 40 && strings.Contains(o.text, tok[:40])) {
				found = append(found, fmt.Sprintf("token sha256:%s in %s", tokenHash(tok), o.where))
			}
		}
	}
	return found
}

func tokenHash(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])[:12]
}

// checkCanary fails tb for every leak of tokens in outputs and adds the
// search to the totals TestMain prints.
func checkCanary(tb testing.TB, tokens []string, outputs []output) {
	tb.Helper()
	leaks := tokenLeaks(tokens, outputs)
	for _, l := range leaks {
		tb.Errorf("leak: %s", l)
	}
	canary.mu.Lock()
	defer canary.mu.Unlock()
	canary.checks++
	canary.tokens += len(slices.Compact(slices.Sorted(slices.Values(tokens))))
	canary.outputs += len(outputs)
	for _, o := range outputs {
		canary.bytes += len(o.text)
	}
	canary.found += len(leaks)
}

// The canary can fail: a token the emulator issued, planted in the site's
// log or in an answer, is found (by the issued list alone: the test never
// remembered it), and found only where it was planted.
func TestLogCanaryFindsAPlantedToken(t *testing.T) {
	a := startApp(t, nil)
	a.page("/calendar")
	tok := mintToken(t, a.emulator, config.EmulatorClientID, calendarScope) // not in a.tokens
	if res := a.postback("/calendar", tok); res.StatusCode != 200 {
		t.Fatalf("postback: %d", res.StatusCode)
	}
	if leaks := a.leaks(); len(leaks) != 0 {
		t.Fatalf("leaks before planting: %v", leaks)
	}

	fmt.Fprintf(a.out, "time=now level=INFO msg=\"a careless log line\" authorization=\"Bearer %s\"\n", tok)
	leaks := a.leaks()
	if len(leaks) != 1 || !strings.Contains(leaks[0], "the site's log") || strings.Contains(leaks[0], tok[:20]) {
		t.Errorf("a token planted in the log: found %q", leaks)
	}
	a.out.scrub(tok)

	a.mu.Lock()
	a.bodies = append(a.bodies, output{"a planted answer", "<p>" + tok[:40] + "</p>"})
	a.mu.Unlock()
	if leaks := a.leaks(); len(leaks) != 1 || !strings.Contains(leaks[0], "a planted answer") {
		t.Errorf("40 characters of a token planted in an answer: found %q", leaks)
	}
	a.mu.Lock()
	a.bodies = a.bodies[:len(a.bodies)-1]
	a.mu.Unlock()
	// The cleanup's check runs on what is left: nothing planted.
}
