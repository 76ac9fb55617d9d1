package pages_test

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/scopewise/scopewise/internal/config"
	"github.com/scopewise/scopewise/internal/sitetest"
)

// TestAjaxPage checks what page tests rely on: three collapsed sections, each
// with its heading and the page button's name (DESIGN §7) as a disclosure,
// and the elements the pages' postback fragments replace.
func TestAjaxPage(t *testing.T) {
	_, doc := openPage(t, "/ajax", "All three on one page")
	want := []struct{ title, button, scope, postback, results string }{
		{"Docs to read", "Show recent documents", sitetest.DocsScope, "/docs", "docs-results"},
		{"Upcoming events", "Show calendar info", sitetest.CalendarScope, "/calendar", "calendar-results"},
		{"Display photos", "Display photos", sitetest.PhotosScope, "/photos", "photos-results"},
	}
	sections := doc.Find("section[data-ajax-section]")
	if sections.Length() != len(want) {
		t.Fatalf("%d sections, want %d", sections.Length(), len(want))
	}
	sections.Each(func(i int, s *goquery.Selection) {
		w := want[i]
		t.Run(w.title, func(t *testing.T) {
			if title := s.Find("h2").First(); title.Text() != w.title {
				t.Errorf("section heading %q, want %q", title.Text(), w.title)
			}
			// Unnamed, so not a region: the results regions keep their names to themselves.
			if _, named := s.Attr("aria-labelledby"); named {
				t.Errorf("the section is a named region")
			}
			if s.AttrOr("data-scope", "") != w.scope || s.AttrOr("data-postback", "") != w.postback {
				t.Errorf("scope %q postback %q", s.AttrOr("data-scope", ""), s.AttrOr("data-postback", ""))
			}
			// Its token comes from the page's one client, not a client of its own.
			if got := s.AttrOr("data-token-client", ""); got != "external" {
				t.Errorf(`data-token-client = %q, want "external"`, got)
			}
			toggle := s.Find(`button[data-action="toggle"]`)
			if toggle.Length() != 1 || strings.TrimSpace(toggle.Text()) != w.button {
				t.Fatalf("disclosure button = %q", toggle.Text())
			}
			if sitetest.ButtonsNamed(doc, w.button) != 1 {
				t.Errorf("%d buttons named %q on the page, want 1", sitetest.ButtonsNamed(doc, w.button), w.button)
			}
			if toggle.AttrOr("aria-expanded", "") != "false" || toggle.AttrOr("type", "") != "button" {
				t.Errorf("disclosure is not a collapsed button: %v", toggle.Nodes[0].Attr)
			}
			panel := doc.Find("#" + toggle.AttrOr("aria-controls", "none"))
			if panel.Length() != 1 || !panel.Is("[hidden]") {
				t.Errorf("the disclosure controls no hidden panel")
			}
			if panel.Find("#"+w.results).Length() != 1 || doc.Find("#"+w.results).Length() != 1 {
				t.Errorf("panel lacks the one #%s the postback replaces", w.results)
			}
			if panel.Find("[data-alerts]").Length() != 1 || panel.Find(`[role="status"]`).Length() != 1 {
				t.Errorf("panel lacks its alerts or status")
			}
		})
	})
	if doc.Find("#docs-document").Length() != 1 {
		t.Errorf("no #docs-document for POST /docs/open's answer")
	}
	if n := doc.Find(`form[data-token-form][action="/docs/open"] input[name="document"]`).Length(); n < 1 {
		t.Errorf("no form to open a document")
	}
	if n := doc.Find(`[data-token-client]:not([data-token-client="external"])`).Length(); n != 0 {
		t.Errorf("%d sections would get token clients of their own", n)
	}
	if doc.Find("[data-ajax][data-client-id]").AttrOr("data-client-id", "") != config.EmulatorClientID {
		t.Errorf("the page's one client has no client ID")
	}
	if !strings.Contains(doc.Find(`script[type="importmap"]`).Text(), `"scopewise/photos"`) {
		t.Errorf("import map lacks the Photos module")
	}
	if doc.Find(`#ledger`).Length() != 1 {
		t.Errorf("no grant ledger")
	}
}
