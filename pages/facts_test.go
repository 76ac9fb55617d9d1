package pages_test

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/scopewise/scopewise/internal/sitetest"
)

// The home page states the six facts of granular consent, each linking to a
// lab preset the lab understands in full.
func TestHomeStatesTheSixFactsEachWithALabPreset(t *testing.T) {
	s, doc := openPage(t, "/", "Incremental authorization, page by page")
	facts := doc.Find(`section[aria-labelledby="facts-title"] ol.facts > li`)
	if facts.Length() != 6 {
		t.Fatalf("%d facts, want 6", facts.Length())
	}
	text := facts.Text()
	for _, want := range []string{"access_denied", "popup_closed", "popup_failed_to_open", "confused deputy", "include_granted_scopes", "Revoke ends the whole grant", "hasGrantedAllScopes"} {
		if !strings.Contains(text, want) {
			t.Errorf("the facts do not mention %q", want)
		}
	}
	facts.Each(func(i int, li *goquery.Selection) {
		href := li.Find(`a[href^="/lab?"]`).AttrOr("href", "")
		if href == "" {
			t.Errorf("fact %d links to no lab preset", i+1)
			return
		}
		lab := sitetest.Parse(t, s.Page(href).Body)
		if note := lab.Find("form[data-lab-form] p.note").Text(); note != "" {
			t.Errorf("fact %d: the lab does not understand %s: %s", i+1, href, note)
		}
		if lab.Find(`input[name="scope"][checked]`).Length() == 0 {
			t.Errorf("fact %d: %s ticks no scope", i+1, href)
		}
	})
}
