package pages_test

import (
	"strings"
	"testing"
	"time"

	"github.com/scopewise/scopewise/internal/config"
	"github.com/scopewise/scopewise/internal/sitetest"
)

// TestCalendarLifecycle walks one grant through the states the ledger shows:
// granted, expired after the emulator's clock moves, revoked after revoke.
func TestCalendarLifecycle(t *testing.T) {
	s := sitetest.Start(t)
	s.Page("/calendar")
	if got := sitetest.LedgerState(t, s.Get("/calendar").Body, sitetest.CalendarScope); got != "never asked" {
		t.Fatalf("fresh ledger state = %q", got)
	}

	tok := s.Mint(config.EmulatorClientID, sitetest.CalendarScope)
	res := s.Postback("/calendar", tok)
	if res.StatusCode != 200 {
		t.Fatalf("valid token: %d\n%s", res.StatusCode, res.Body)
	}
	doc := sitetest.Parse(t, res.Body)
	items := doc.Find(`section[aria-labelledby="calendar-results-title"] li`)
	if items.Length() == 0 || items.Length() > 25 {
		t.Fatalf("events listed = %d, want 1..25", items.Length())
	}
	if strings.TrimSpace(items.First().Find(".event-title").Text()) == "" || items.First().Find("time").Length() != 1 {
		t.Errorf("first event lacks a title or a time: %q", items.First().Text())
	}
	if got := sitetest.LedgerState(t, res.Body, sitetest.CalendarScope); got != "granted" {
		t.Errorf("after success ledger = %q, want granted", got)
	}
	if got := sitetest.LedgerState(t, s.Get("/").Body, sitetest.CalendarScope); got != "granted" {
		t.Errorf("home page ledger = %q, want granted (read from the session)", got)
	}

	// Past expiry on the emulator's clock: the cached verification is not
	// enough, the API refuses the token and the page is told to authorize again.
	s.Emu.Advance(t, 3700*time.Second)
	res = s.Postback("/calendar", tok)
	if res.StatusCode != 401 || !strings.Contains(res.Body, "Access expired") {
		t.Fatalf("expired token: %d\n%.500s", res.StatusCode, res.Body)
	}
	if got := sitetest.LedgerState(t, res.Body, sitetest.CalendarScope); got != "expired" {
		t.Errorf("after expiry ledger = %q, want expired", got)
	}

	// Revoke: the page script calls GIS revoke, then tells the server.
	tok = s.Mint(config.EmulatorClientID, sitetest.CalendarScope)
	if res = s.Postback("/calendar", tok); res.StatusCode != 200 {
		t.Fatalf("fresh token: %d", res.StatusCode)
	}
	s.Revoke(tok)
	res = s.Postback("/grants/events", "", sitetest.Form("event=revoked&scope="+sitetest.CalendarScope))
	if res.StatusCode != 200 || sitetest.LedgerState(t, res.Body, sitetest.CalendarScope) != "revoked" {
		t.Fatalf("revoke event: %d, ledger %q", res.StatusCode, sitetest.LedgerState(t, res.Body, sitetest.CalendarScope))
	}
	res = s.Postback("/calendar", tok)
	if res.StatusCode != 401 {
		t.Fatalf("revoked token: %d, want 401", res.StatusCode)
	}
	if got := sitetest.LedgerState(t, res.Body, sitetest.CalendarScope); got != "revoked" {
		t.Errorf("a 401 after revoke keeps the ledger at revoked, got %q", got)
	}
}
