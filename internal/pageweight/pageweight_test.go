package pageweight_test

import (
	"net/http"
	"testing"

	"github.com/scopewise/scopewise/internal/pageweight"
	"github.com/scopewise/scopewise/internal/sitetest"
)

func TestMain(m *testing.M) { sitetest.Main(m) }

// TestPageWeight holds every page to its budget (pageweight.Budgets; why
// each is what it is: docs/performance.md), weighed as the bench weighs it:
// a returning browser's first load of the page.
func TestPageWeight(t *testing.T) {
	s := sitetest.Start(t)
	hc := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	ws, err := pageweight.Weigh(pageweight.Client(hc, ""), s.URL, pageweight.Paths)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range ws {
		b := pageweight.For(w.Path)
		t.Logf("%-9s %6d B raw (budget %d), %5d B sent (budget %d): %v", w.Path, w.TotalRaw, b.Raw, w.TotalSent, b.Sent, w.Assets)
		if !w.Met() {
			t.Errorf("%s weighs %d bytes raw and %d sent, over its budget of %d and %d", w.Path, w.TotalRaw, w.TotalSent, b.Raw, b.Sent)
		}
		if len(w.Assets) == 0 {
			t.Errorf("%s: no CSS or JS found: the weighing is broken", w.Path)
		}
	}
	if len(pageweight.Budgets) > 0 {
		for path, b := range pageweight.Budgets {
			if b.Why == "" {
				t.Errorf("%s has its own budget and no reason", path)
			}
		}
	}
}
