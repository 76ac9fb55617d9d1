package site_test

// The token-leak canary of the Go tests: every token the emulator issued
// during a test is searched for in everything the site logged and answered
// (URLs, headers and cookies, bodies). TestMain prints the totals; a test
// plants a token to prove the canary finds one.

import (
	"fmt"
	"strings"
	"testing"

	"github.com/scopewise/scopewise/emulator"
	"github.com/scopewise/scopewise/internal/config"
	"github.com/scopewise/scopewise/internal/sitetest"
)

func TestMain(m *testing.M) { sitetest.Main(m) }

// The canary can fail: a token the emulator issued, planted in the site's
// log or in an answer, is found (by the issued list alone: the test never
// remembered it), and found only where it was planted.
func TestLogCanaryFindsAPlantedToken(t *testing.T) {
	s := sitetest.Start(t)
	s.Page("/calendar")
	tok := s.Emu.Mint(t, emulator.TokenRequest{ClientID: config.EmulatorClientID, Scopes: []string{sitetest.CalendarScope}}) // not given to the canary
	if res := s.Postback("/calendar", tok); res.StatusCode != 200 {
		t.Fatalf("postback: %d", res.StatusCode)
	}
	if leaks := s.Leaks(); len(leaks) != 0 {
		t.Fatalf("leaks before planting: %v", leaks)
	}

	fmt.Fprintf(s.Logs, "time=now level=INFO msg=\"a careless log line\" authorization=\"Bearer %s\"\n", tok)
	leaks := s.Leaks()
	if len(leaks) != 1 || !strings.Contains(leaks[0], "the site's log") || strings.Contains(leaks[0], tok[:20]) {
		t.Errorf("a token planted in the log: found %q", leaks)
	}
	s.Logs.Scrub(tok)

	remove := s.Plant("a planted answer", "<p>"+tok[:40]+"</p>")
	if leaks := s.Leaks(); len(leaks) != 1 || !strings.Contains(leaks[0], "a planted answer") {
		t.Errorf("40 characters of a token planted in an answer: found %q", leaks)
	}
	remove()
	// The cleanup's check runs on what is left: nothing planted.
}
