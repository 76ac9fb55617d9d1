package views

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"
)

func render(t *testing.T, c templ.Component) *goquery.Document {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(templ.WithNonce(context.Background(), "n0nce"), &buf); err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

const evil = `<script>alert(1)</script><img src=x onerror=alert(2)>"'`

// TestNoHTMLInjection puts markup into every text a view shows and checks it
// stays text.
func TestNoHTMLInjection(t *testing.T) {
	page := Page{
		Title:  evil,
		CSRF:   evil,
		Ledger: LedgerView{Rows: []LedgerRow{{Label: evil, Scope: evil, Page: "/calendar", State: evil, Detail: evil, Until: evil}}},
		Assets: Assets{CSS: "/assets/css/site.css", Script: "/assets/js/token-client.js"},
		GIS:    &GIS{ScriptURL: "http://localhost:8081/gsi/client", ClientID: evil},
	}
	doc := render(t, ErrorPage(page, Problem{Title: evil, Detail: evil, Retry: evil}))
	if n := doc.Find("script").Length(); n != 2 {
		t.Errorf("scripts = %d, want the GIS and page scripts only", n)
	}
	if doc.Find("img").Length() != 0 {
		t.Error("an injected img element was rendered")
	}
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		if nonce, _ := s.Attr("nonce"); nonce != "n0nce" {
			t.Errorf("script %v without the request's nonce", s.AttrOr("src", "?"))
		}
	})
	if got := doc.Find("[role=alert] strong").Text(); got != evil {
		t.Errorf("alert title = %q, want the text verbatim", got)
	}
}

func TestLedgerRegion(t *testing.T) {
	rows := []LedgerRow{
		{Label: "Docs", Scope: "s1", Page: "/docs", State: "never asked", Detail: "—"},
		{Label: "Calendar", Scope: "s2", Page: "/calendar", State: "granted", Detail: "until 12:00:00 UTC"},
	}
	doc := render(t, Ledger(LedgerView{Rows: rows}))
	region := doc.Find("section#ledger")
	label, _ := region.Attr("aria-labelledby")
	if doc.Find("#"+label).Text() != "Your grants" {
		t.Fatalf("ledger region is not named Your grants")
	}
	if got := region.Find("tbody tr").Length(); got != 2 {
		t.Fatalf("rows = %d, want 2", got)
	}
	row := region.Find(`tbody tr[data-state="granted"]`)
	if !strings.Contains(row.Text(), "Calendar") || !strings.Contains(row.Text(), "until 12:00:00 UTC") {
		t.Errorf("granted row = %q", row.Text())
	}
}

// The ledger names the clock its times are on only when that clock is not
// the wall clock's: an emulator clock that was moved.
func TestLedgerClockNote(t *testing.T) {
	now := time.Date(2026, 5, 1, 21, 5, 3, 0, time.UTC)
	for _, tt := range []struct {
		name   string
		clock  Clock
		note   string
		offset string
	}{
		{"Google", Clock{Now: now}, "", "0"},
		{"emulator, not moved", Clock{Emulator: true, Now: now}, "", "0"},
		{"emulator, moved", Clock{Emulator: true, Moved: time.Hour + 2*time.Second, Now: now}, "Times are on the emulator's clock, moved 1 h 2 s ahead of real time: it now reads 21:05:03 UTC.", "3602000"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			region := render(t, Ledger(LedgerView{Clock: tt.clock})).Find("section#ledger")
			if got := strings.TrimSpace(region.Find("[data-clock-note]").Text()); got != tt.note {
				t.Errorf("note = %q, want %q", got, tt.note)
			}
			if got, _ := region.Attr("data-clock-offset-ms"); got != tt.offset {
				t.Errorf("data-clock-offset-ms = %q, want %q", got, tt.offset)
			}
		})
	}
	for d, want := range map[time.Duration]string{0: "0 s", time.Second: "1 s", time.Hour: "1 h", 25*time.Hour + 30*time.Minute: "1 day 1 h 30 min", 72 * time.Hour: "3 days"} {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestTokenClientControls(t *testing.T) {
	tc := TokenClient{ID: "calendar", Scope: "https://www.googleapis.com/auth/calendar.readonly", Postback: "/calendar", Button: "Show calendar info", ClientID: "cid", Permission: "see your calendar events"}
	doc := render(t, TokenClientControls(tc))
	sec := doc.Find("[data-token-client]")
	for attr, want := range map[string]string{"data-scope": tc.Scope, "data-postback": "/calendar", "data-client-id": "cid", "data-results": "calendar-results"} {
		if got, _ := sec.Attr(attr); got != want {
			t.Errorf("%s = %q, want %q", attr, got, want)
		}
	}
	if sec.Find(`button[data-action="authorize"]`).Text() != "Show calendar info" {
		t.Error("the page button is not named Show calendar info")
	}
	if doc.Find("#calendar-results").Length() != 1 {
		t.Error("no results element for the fragment to replace")
	}
}
