package pages_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/scopewise/scopewise/internal/config"
	"github.com/scopewise/scopewise/internal/sitetest"
	"github.com/scopewise/scopewise/pages"
	"github.com/scopewise/scopewise/views"
)

// In emulator mode the ledger's times are the emulator's clock, which
// decides expiry there: a grant whose end the clock has passed reads as
// expired since that end (never since a time before it), and the ledger says
// the clock was moved, by how much.
func TestLedgerOnTheEmulatorsClock(t *testing.T) {
	s := sitetest.Start(t)
	s.Page("/calendar")
	tok := s.Mint(config.EmulatorClientID, sitetest.CalendarScope)
	res := s.Postback("/calendar", tok)
	if res.StatusCode != 200 {
		t.Fatalf("postback: %d", res.StatusCode)
	}
	row := sitetest.Parse(t, res.Body).Find(`#ledger tr[data-scope="` + sitetest.CalendarScope + `"]`)
	until := row.AttrOr("data-until", "")
	if _, err := time.Parse(views.TimeFormat, until); err != nil {
		t.Fatalf("data-until %q is not the site's time format: %v", until, err)
	}
	if got := row.Find("td").Eq(1).Text(); got != "until "+until+", verified by the server" {
		t.Errorf("granted detail = %q", got)
	}
	if note := sitetest.Parse(t, res.Body).Find("[data-clock-note]"); note.Length() != 0 {
		t.Errorf("a clock note before the clock moved: %q", note.Text())
	}

	// Moved from outside the site (the /_emu/ page, a test): the site reads it.
	s.Emu.Advance(t, time.Hour+time.Minute)
	doc := sitetest.Parse(t, s.Get("/").Body)
	row = doc.Find(`#ledger tr[data-scope="` + sitetest.CalendarScope + `"]`)
	if got := row.AttrOr("data-state", ""); got != "expired" {
		t.Fatalf("state after the clock passed the expiry = %q", got)
	}
	if got := row.Find("td").Eq(1).Text(); got != "since "+until+"; authorize again" {
		t.Errorf("expired detail = %q, want since the grant's end %s", got, until)
	}
	note := doc.Find("[data-clock-note]").Text()
	if !strings.Contains(note, "emulator's clock, moved 1 h 1 min ahead") {
		t.Errorf("clock note = %q", note)
	}
	if got := doc.Find("#ledger").AttrOr("data-clock-offset-ms", ""); got != "3660000" {
		t.Errorf("data-clock-offset-ms = %q", got)
	}

	// The token's refusal is recorded on the same clock: after the grant's end.
	res = s.Postback("/calendar", tok)
	if res.StatusCode != 401 {
		t.Fatalf("expired token: %d", res.StatusCode)
	}
	detail := sitetest.Parse(t, res.Body).Find(`#ledger tr[data-scope="` + sitetest.CalendarScope + `"] td`).Eq(1).Text()
	since, err := time.Parse("since "+views.TimeFormat+"; authorize again", detail)
	end, _ := time.Parse(views.TimeFormat, until)
	if err != nil {
		t.Fatalf("detail %q: %v", detail, err)
	}
	if after := (since.Sub(end) + 24*time.Hour) % (24 * time.Hour); after > time.Hour {
		t.Errorf("expired since %s, before the grant's end %s", since.Format(views.TimeFormat), until)
	}
}

// A scope left unticked is not granted; "partly" describes the request.
func TestLedgerUntickedScope(t *testing.T) {
	s := sitetest.Start(t)
	s.Page("/calendar")
	res := s.Postback("/grants/events", "", sitetest.Form("event=partial&scope="+sitetest.DocsScope))
	row := sitetest.Parse(t, res.Body).Find(`#ledger tr[data-scope="` + sitetest.DocsScope + `"]`)
	if got := row.AttrOr("data-state", ""); got != "not granted" {
		t.Errorf("state = %q, want not granted", got)
	}
	if got := row.Find("td").Eq(1).Text(); !strings.HasPrefix(got, "left unticked on the consent screen at ") {
		t.Errorf("detail = %q", got)
	}
}

// The lab's Expire now moves the emulator's clock: its answer's ledger says
// so, and a grant the jump passed reads as expired.
func TestLabExpireLabelsTheClock(t *testing.T) {
	s := sitetest.Start(t)
	s.Page("/lab")
	tok := s.Mint(config.EmulatorClientID, sitetest.CalendarScope)
	if res := s.Postback("/lab/verify", tok); res.StatusCode != 200 {
		t.Fatalf("verify: %d", res.StatusCode)
	}
	res := s.Postback("/lab/expire", "", sitetest.Form("seconds=3700"))
	if res.StatusCode != 200 {
		t.Fatalf("expire: %d\n%s", res.StatusCode, res.Body)
	}
	doc := sitetest.Parse(t, res.Body)
	if note := doc.Find("#ledger [data-clock-note]").Text(); !strings.Contains(note, "moved 1 h 1 min 40 s ahead") {
		t.Errorf("clock note = %q\n%s", note, res.Body)
	}
	if got := sitetest.LedgerState(t, res.Body, sitetest.CalendarScope); got != "expired" {
		t.Errorf("ledger = %q, want expired", got)
	}
	// A refusal's fragment is rendered after the handler returned (its
	// request context is done by then): its ledger is on the same clock.
	res = s.Postback("/lab/verify", tok)
	if res.StatusCode != 401 {
		t.Fatalf("verify after expire: %d", res.StatusCode)
	}
	if note := sitetest.Parse(t, res.Body).Find("#ledger [data-clock-note]").Text(); !strings.Contains(note, "moved 1 h 1 min 40 s ahead") {
		t.Errorf("the refusal's ledger has clock note %q", note)
	}
}

// The postback's verdict (What just happened) tells the token's expiry on
// the ledger's clock: once the emulator's clock was moved, the same time as
// the ledger's "granted until", not the wall clock's.
func TestVerdictOnTheEmulatorsClock(t *testing.T) {
	s := sitetest.Start(t)
	s.Page("/calendar")
	s.Emu.Advance(t, 30*time.Minute)
	tok := s.Mint(config.EmulatorClientID, sitetest.CalendarScope)
	res := s.Postback("/calendar", tok)
	if res.StatusCode != 200 {
		t.Fatalf("postback: %d", res.StatusCode)
	}
	var v pages.TokenVerdict
	if err := json.Unmarshal([]byte(res.Header.Get(pages.VerdictHeader)), &v); err != nil {
		t.Fatal(err)
	}
	until := sitetest.Parse(t, res.Body).Find(`#ledger tr[data-scope="`+sitetest.CalendarScope+`"]`).AttrOr("data-until", "")
	if got := v.ExpiresAt.Format(views.TimeFormat); got != until {
		t.Errorf("verdict expires at %s, the ledger says until %s", got, until)
	}
}

// A page whose ledger is empty shows no time, so it does not ask the
// emulator for its clock: a fresh session's pages cost no call to the
// emulator. Once the ledger holds a grant, a page reads the clock once.
func TestEmptyLedgerReadsNoClock(t *testing.T) {
	tap := &sitetest.Tap{}
	s := sitetest.Start(t, sitetest.WithWrap(tap.Wrap))
	for _, path := range []string{"/", "/docs", "/calendar", "/photos", "/ajax"} {
		s.Page(path)
	}
	if calls, _ := tap.Upstream(t, "/_emu/clock"); calls != 0 {
		t.Errorf("%d reads of the emulator's clock for pages with an empty ledger, want 0", calls)
	}
	tok := s.Mint(config.EmulatorClientID, sitetest.CalendarScope)
	if res := s.Postback("/calendar", tok); res.StatusCode != 200 {
		t.Fatalf("postback: %d", res.StatusCode)
	}
	tap.Upstream(t, "/_emu/clock") // reads and clears the postback's
	s.Page("/")
	if calls, _ := tap.Upstream(t, "/_emu/clock"); calls != 1 {
		t.Errorf("a page with a grant in its ledger read the clock %d times, want 1", calls)
	}
}
