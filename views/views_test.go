package views

import (
	"bytes"
	"context"
	"strings"
	"testing"

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
		Ledger: []LedgerRow{{Label: evil, Scope: evil, Page: "/calendar", State: evil, Detail: evil}},
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
	doc := render(t, Ledger(rows))
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
