package sitetest

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/scopewise/scopewise/emulator"
)

// The pages' scopes, spelled out as the pages' users spell them.
const (
	CalendarScope = "https://www.googleapis.com/auth/calendar.readonly"
	DocsScope     = "https://www.googleapis.com/auth/documents.readonly"
	PhotosScope   = "https://www.googleapis.com/auth/photospicker.mediaitems.readonly"
)

// Parse parses a page or fragment.
func Parse(tb testing.TB, html string) *goquery.Document {
	tb.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		tb.Fatal(err)
	}
	return doc
}

// LedgerState reads the state of one scope's row from a page or fragment.
func LedgerState(tb testing.TB, html, scope string) string {
	tb.Helper()
	return Parse(tb, html).Find(`#ledger tr[data-scope="`+scope+`"]`).AttrOr("data-state", "")
}

// ButtonsNamed counts the buttons whose text is name, as getByRole would.
func ButtonsNamed(doc *goquery.Document, name string) int {
	return doc.Find("button").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.TrimSpace(s.Text()) == name || s.AttrOr("aria-label", "") == name
	}).Length()
}

// CSPDirective is one directive of a Content-Security-Policy, as sent.
func CSPDirective(csp, name string) string {
	for d := range strings.SplitSeq(csp, ";") {
		if d = strings.TrimSpace(d); strings.HasPrefix(d, name+" ") {
			return d
		}
	}
	return ""
}

// SeedDoc finds a seed document by its title among those the account can
// read. The seed is deterministic: every emulator has the same IDs.
func SeedDoc(tb testing.TB, account, title string) string {
	tb.Helper()
	for _, d := range emulator.New(emulator.Options{}).SampleDocuments(account) {
		if d.Title == title {
			return d.ID
		}
	}
	tb.Fatalf("no seed document %q for %s", title, account)
	return ""
}

var (
	sessionAttr   = regexp.MustCompile(`data-session-id="([^"]+)"`)
	pickerURIAttr = regexp.MustCompile(`data-picker-uri="([^"]+)"`)
	pickerItem    = regexp.MustCompile(`name="item" value="([^"]+)"`)
	pickerName    = regexp.MustCompile(`<span class="name">([^<]+)</span>`)
)

// StartPicking posts the token to /photos and reads the panel's Picker
// session and its picker URI.
func (b *Browser) StartPicking(token string) (session, pickerURI string) {
	b.site.tb.Helper()
	res := b.Postback("/photos", token)
	sm, pm := sessionAttr.FindStringSubmatch(res.Body), pickerURIAttr.FindStringSubmatch(res.Body)
	if res.StatusCode != 200 || sm == nil || pm == nil {
		b.site.tb.Fatalf("POST /photos: %d\n%.600s", res.StatusCode, res.Body)
	}
	return sm[1], html.UnescapeString(pm[1])
}

// Pick is the user in the emulator's picker window: select the first n
// photos, Done. It returns their filenames.
func (s *Site) Pick(pickerURI string, n int) []string {
	tb := s.tb
	tb.Helper()
	res, err := s.Emu.Client.Get(pickerURI + "/autoclose")
	if err != nil {
		tb.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	items, names := pickerItem.FindAllStringSubmatch(string(page), -1), pickerName.FindAllStringSubmatch(string(page), -1)
	if len(items) < n || len(names) < n {
		tb.Fatalf("picker page: %d items, %d names; want %d\n%.500s", len(items), len(names), n, page)
	}
	form := url.Values{}
	var picked []string
	for i := range n {
		form.Add("item", items[i][1])
		picked = append(picked, html.UnescapeString(names[i][1]))
	}
	res, err = s.Emu.Client.PostForm(pickerURI+"/autoclose", form)
	if err != nil {
		tb.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		tb.Fatalf("Done: %d", res.StatusCode)
	}
	return picked
}

// ourFrames are functions of the site that must not run once every request
// has ended: a poll, a wait or an image fetch left behind.
var ourFrames = []string{"github.com/scopewise/scopewise/pages.", "github.com/scopewise/scopewise/internal/apis.", "github.com/scopewise/scopewise/internal/web."}

// Lingering lists the goroutines that run the site's code.
func Lingering() []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		for _, f := range ourFrames {
			if strings.Contains(g, f) {
				out = append(out, g)
				break
			}
		}
	}
	return out
}
