package pages_test

import (
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/scopewise/scopewise/internal/sitetest"
)

// The pages' behaviour tests (package pages_test) run the whole site
// through sitetest; at the end they print the token-leak canary's totals.
func TestMain(m *testing.M) { sitetest.Main(m) }

// openPage starts the site, loads path and checks it answers 200 with the
// page's heading h1.
func openPage(t *testing.T, path, h1 string) (*sitetest.Site, *goquery.Document) {
	t.Helper()
	s := sitetest.Start(t)
	res := s.Page(path)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	doc := sitetest.Parse(t, res.Body)
	if got := doc.Find("h1").Text(); got != h1 {
		t.Errorf("h1 = %q", got)
	}
	return s, doc
}
