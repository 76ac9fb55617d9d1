package pages_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/scopewise/scopewise/emulator"
	"github.com/scopewise/scopewise/internal/apis"
	"github.com/scopewise/scopewise/internal/config"
	"github.com/scopewise/scopewise/internal/site"
	"github.com/scopewise/scopewise/internal/sitetest"
	"github.com/scopewise/scopewise/internal/web"
	"github.com/scopewise/scopewise/pages"
)

// openDoc posts the Docs page's form as the page script does.
func openDoc(b *sitetest.Browser, token, ref string) sitetest.Response {
	return b.PostForm("/docs/open", token, url.Values{"document": {ref}})
}

// recentTitles lists the Recent documents region's items as the user reads them.
func recentTitles(t *testing.T, html string) []string {
	t.Helper()
	doc := sitetest.Parse(t, html)
	region := doc.Find(`#docs-results section[aria-labelledby="docs-recent-title"]`)
	if region.Length() != 1 || strings.TrimSpace(doc.Find("#docs-recent-title").Text()) != "Recent documents" {
		t.Fatalf("no Recent documents region in:\n%.800s", html)
	}
	var titles []string
	region.Find("li").Each(func(_ int, li *goquery.Selection) {
		if s := li.Find(".doc-title"); s.Length() > 0 {
			titles = append(titles, s.Text())
		} else {
			titles = append(titles, "unavailable")
		}
	})
	return titles
}

func TestDocsPage(t *testing.T) {
	samples := pages.DocSamples{Account: "alice@example.com", Docs: []pages.SampleDoc{{ID: strings.Repeat("a", 44), Title: "A sample"}}}
	google := sitetest.GoogleConfig(t)
	emulated := sitetest.EmulatorConfig(t)
	emulated.Endpoints = config.EmulatorEndpoints("http://127.0.0.1:1")

	tests := []struct {
		name    string
		cfg     config.Config
		samples int // sample buttons shown
	}{
		{name: "emulator mode offers the samples", cfg: emulated, samples: 1},
		{name: "Google mode has no samples hint", cfg: google, samples: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := site.New(tt.cfg, slog.New(slog.DiscardHandler), samples)
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/docs", nil))
			if rec.Code != 200 {
				t.Fatalf("GET /docs: %d", rec.Code)
			}
			doc := sitetest.Parse(t, rec.Body.String())
			if got := doc.Find("h1").Text(); got != "Docs to read" {
				t.Errorf("h1 = %q", got)
			}
			section := doc.Find("section[data-token-client]")
			if got := section.AttrOr("data-scope", ""); got != sitetest.DocsScope {
				t.Errorf("token client scope = %q", got)
			}
			if got := section.Find(`button[data-action="authorize"]`).Text(); got != "Show recent documents" {
				t.Errorf("page button = %q", got)
			}
			form := section.Find(`form[data-token-form][action="/docs/open"]:has(input#docs-ref)`)
			if form.Length() != 1 || strings.TrimSpace(doc.Find(`label[for="docs-ref"]`).Text()) != "Document URL or ID" {
				t.Fatalf("no labelled document form inside the token client section")
			}
			if got := form.Find(`button[type="submit"]`).Text(); got != "Open document" {
				t.Errorf("form button = %q", got)
			}
			if n := doc.Find(`button`).FilterFunction(func(_ int, s *goquery.Selection) bool { return s.Text() == "Open document" }).Length(); n != 1 {
				t.Errorf("%d buttons named Open document, want 1", n)
			}
			hint := section.Find(`section[aria-labelledby="docs-samples-title"]`)
			if got := hint.Find(`button[name="document"]:contains("Open A sample")`).Length(); got != tt.samples {
				t.Errorf("sample buttons = %d, want %d", got, tt.samples)
			}
			if tt.samples == 0 && hint.Length() != 0 {
				t.Errorf("the samples hint is shown in Google mode")
			}
			if tt.samples > 0 && hint.Find(`form[data-token-form] button[name="document"]`).AttrOr("value", "") != samples.Docs[0].ID {
				t.Errorf("sample form does not carry the sample's ID")
			}
		})
	}
}

// TestDocsFlow walks the page's steps against the real binary and emulator:
// an empty list, opening by URL and by ID, newest first, and every failure.
func TestDocsFlow(t *testing.T) {
	s := sitetest.Start(t)
	page := s.Page("/docs")
	if !strings.Contains(page.Body, "Sample documents") {
		t.Fatalf("emulator mode page lacks the samples hint")
	}
	welcome := sitetest.SeedDoc(t, "alice@example.com", "Getting started with Scopewise")
	plan := sitetest.SeedDoc(t, "alice@example.com", "Project plan")
	multilingual := sitetest.SeedDoc(t, "alice@example.com", "多言語メモ — Notes in many scripts 👩‍💻")
	long := sitetest.SeedDoc(t, "alice@example.com", "Field guide (long document)")
	empty := sitetest.SeedDoc(t, "alice@example.com", "Untitled document")
	private := sitetest.SeedDoc(t, "bob@example.com", "Bob's private journal")
	if !strings.Contains(page.Body, welcome) {
		t.Errorf("the samples hint does not offer alice's welcome document")
	}

	good := s.Mint(config.EmulatorClientID, sitetest.DocsScope)
	calendarOnly := s.Mint(config.EmulatorClientID, sitetest.CalendarScope)
	other := s.Mint(config.OtherClientID, sitetest.DocsScope)

	// Step 1: nothing read yet.
	res := s.Postback("/docs", good)
	if res.StatusCode != 200 || !strings.Contains(res.Body, "No documents yet") || len(recentTitles(t, res.Body)) != 0 {
		t.Fatalf("empty list: %d\n%.800s", res.StatusCode, res.Body)
	}

	// Step 2: open documents by URL and by ID; each shows its summary and
	// joins the list, newest first.
	opens := []struct {
		name    string
		ref     string
		title   string
		words   string
		first   string
		outline []string // the first headings, in order
		recent  []string
	}{
		{
			name: "full URL", ref: "https://docs.google.com/document/d/" + welcome + "/edit?usp=sharing#heading=h.x",
			title: "Getting started with Scopewise", first: "Hello Alice. This document lives in the emulator's seed data: it never leaves your machine.",
			outline: []string{"Getting started with Scopewise", "Incremental authorization, one scope at a time", "Why incremental authorization"},
			recent:  []string{"Getting started with Scopewise"},
		},
		{
			name: "bare ID, a document with tables", ref: plan,
			title: "Project plan", first: "Owner: the platform team. Status: on track.",
			outline: []string{"Project plan", "Milestones", "Risks", "Open questions"},
			recent:  []string{"Project plan", "Getting started with Scopewise"},
		},
		{
			name: "non-Latin text and emoji", ref: "docs.google.com/document/u/0/d/" + multilingual,
			title: "多言語メモ — Notes in many scripts 👩‍💻", first: "こんにちは、世界。今日は良い天気ですね。",
			outline: []string{"多言語メモ — Notes in many scripts 👩‍💻", "日本語", "العربية"},
			recent:  []string{"多言語メモ — Notes in many scripts 👩‍💻", "Project plan", "Getting started with Scopewise"},
		},
		{
			name: "the empty document", ref: empty, title: "Untitled document", words: "0 words",
			recent: []string{"Untitled document", "多言語メモ — Notes in many scripts 👩‍💻", "Project plan", "Getting started with Scopewise"},
		},
		{
			name: "the long document", ref: long, title: "Field guide (long document)",
			outline: []string{"Field guide (long document)", "Chapter 1: Scope", "Section 1.1"},
			recent:  []string{"Field guide (long document)", "Untitled document", "多言語メモ — Notes in many scripts 👩‍💻", "Project plan", "Getting started with Scopewise"},
		},
		{
			name: "opening again moves it first", ref: plan, title: "Project plan",
			recent: []string{"Project plan", "Field guide (long document)", "Untitled document", "多言語メモ — Notes in many scripts 👩‍💻", "Getting started with Scopewise"},
		},
	}
	for _, tt := range opens {
		t.Run("open "+tt.name, func(t *testing.T) {
			res := openDoc(s.Browser, good, tt.ref)
			if res.StatusCode != 200 {
				t.Fatalf("status %d\n%.800s", res.StatusCode, res.Body)
			}
			doc := sitetest.Parse(t, res.Body)
			view := doc.Find(`#docs-document article[aria-labelledby="docs-document-title"]`)
			if got := view.Find("#docs-document-title").Text(); got != tt.title {
				t.Errorf("title = %q, want %q", got, tt.title)
			}
			if tt.words != "" && !strings.Contains(view.Find(".hint").Text(), tt.words) {
				t.Errorf("counts = %q, want %q", view.Find(".hint").Text(), tt.words)
			}
			if got := strings.TrimSpace(view.Find(".first-paragraph").Text()); tt.first != "" && got != tt.first {
				t.Errorf("first paragraph = %q, want %q", got, tt.first)
			}
			var outline []string
			view.Find("ol.outline li").Each(func(_ int, li *goquery.Selection) {
				outline = append(outline, strings.TrimSpace(li.Contents().First().Text()))
			})
			for i, h := range tt.outline {
				if i >= len(outline) || outline[i] != h {
					t.Errorf("outline = %q…, want it to start %q", outline[:min(len(outline), 5)], tt.outline)
					break
				}
			}
			if got := recentTitles(t, res.Body); strings.Join(got, "|") != strings.Join(tt.recent, "|") {
				t.Errorf("recent = %q, want %q", got, tt.recent)
			}
			if got := sitetest.LedgerState(t, res.Body, sitetest.DocsScope); got != "granted" {
				t.Errorf("ledger = %q, want granted", got)
			}
		})
	}

	t.Run("the long document's outline nests chapters and sections", func(t *testing.T) {
		doc := sitetest.Parse(t, openDoc(s.Browser, good, long).Body)
		title := doc.Find("#docs-document ol.outline").First().Children()
		if title.Length() != 1 {
			t.Fatalf("top level = %d items, want the title alone", title.Length())
		}
		items := func(li *goquery.Selection) *goquery.Selection {
			return li.ChildrenFiltered("ol").ChildrenFiltered("li")
		}
		chapters := items(title)
		if chapters.Length() != 20 || items(chapters.First()).Length() != 5 {
			t.Errorf("chapters = %d, sections in the first = %d; want 20 and 5", chapters.Length(), items(chapters.First()).Length())
		}
		if counts := doc.Find("#docs-document .hint").Text(); !strings.Contains(counts, "2,121 paragraphs") {
			t.Errorf("counts = %q, want 2,121 paragraphs", counts)
		}
	})

	// Step 4: what goes wrong, and what the user sees.
	failures := []struct {
		name      string
		token     string
		ref       string
		status    int
		challenge string
		alert     string
	}{
		{name: "empty input", token: good, ref: "  ", status: 400, alert: "Enter a Google Docs link"},
		{name: "neither URL nor ID", token: good, ref: "my meeting notes", status: 400, alert: "Not a Google Docs link or ID"},
		{name: "a spreadsheet link", token: good, ref: "https://docs.google.com/spreadsheets/d/" + welcome + "/edit", status: 400, alert: "Google Sheets"},
		{name: "bad input is refused before the token is looked at", token: "", ref: "nope", status: 400, alert: "Not a Google Docs link or ID"},
		{name: "unknown ID", token: good, ref: strings.Repeat("x", 44), status: 404, alert: "Document not found"},
		{name: "a document alice cannot read", token: good, ref: private, status: 403, alert: "No access to this document"},
		{name: "token without the Docs scope", token: calendarOnly, ref: welcome, status: 403, challenge: `Bearer error="insufficient_scope", scope="` + sitetest.DocsScope + `"`, alert: "Permission missing"},
		{name: "another app's token", token: other, ref: welcome, status: 401, challenge: `Bearer error="invalid_token"`, alert: "another app"},
		{name: "no token", token: "", ref: welcome, status: 400, challenge: `Bearer error="invalid_request"`, alert: "No usable access token"},
	}
	for _, tt := range failures {
		t.Run("fails: "+tt.name, func(t *testing.T) {
			res := openDoc(s.Browser, tt.token, tt.ref)
			if res.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d\n%.800s", res.StatusCode, tt.status, res.Body)
			}
			if got := res.Header.Get("WWW-Authenticate"); got != tt.challenge {
				t.Errorf("WWW-Authenticate = %q, want %q", got, tt.challenge)
			}
			alert := sitetest.Parse(t, res.Body).Find(`#docs-document [role="alert"]`)
			if alert.Length() != 1 || !strings.Contains(alert.Text(), tt.alert) {
				t.Errorf("alert in #docs-document = %q, want it to say %q", alert.Text(), tt.alert)
			}
		})
	}
	// The failures left the list as it was.
	if got := recentTitles(t, s.Postback("/docs", good).Body); len(got) != 5 || got[0] != "Field guide (long document)" {
		t.Errorf("after the failures recent = %q", got)
	}

	t.Run("a listed document that now fails shows as unavailable", func(t *testing.T) {
		s.Emu.Fault(t, emulator.Fault{Path: "/v1/documents/" + plan, Status: 404, Count: 1})
		s.Emu.Fault(t, emulator.Fault{Path: "/v1/documents/" + empty, Status: 503, Count: 2}) // the retry fails too
		res := s.Postback("/docs", good)
		if res.StatusCode != 200 {
			t.Fatalf("status %d\n%.600s", res.StatusCode, res.Body)
		}
		got := recentTitles(t, res.Body)
		want := []string{"Field guide (long document)", "unavailable", "unavailable", "多言語メモ — Notes in many scripts 👩‍💻", "Getting started with Scopewise"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("recent = %q, want %q", got, want)
		}
		for _, say := range []string{"no longer exists", "did not answer"} {
			if !strings.Contains(res.Body, say) {
				t.Errorf("the list does not say %q", say)
			}
		}
	})

	t.Run("expired token: 401, authorize again works", func(t *testing.T) {
		s.Emu.Advance(t, 3700*time.Second)
		res := openDoc(s.Browser, good, welcome)
		if res.StatusCode != 401 || res.Header.Get("WWW-Authenticate") != `Bearer error="invalid_token"` || !strings.Contains(res.Body, "Access expired") {
			t.Fatalf("expired: %d %q\n%.600s", res.StatusCode, res.Header.Get("WWW-Authenticate"), res.Body)
		}
		if got := sitetest.LedgerState(t, res.Body, sitetest.DocsScope); got != "expired" {
			t.Errorf("ledger = %q, want expired", got)
		}
		fresh := s.Mint(config.EmulatorClientID, sitetest.DocsScope)
		if res := s.Postback("/docs", fresh); res.StatusCode != 200 || len(recentTitles(t, res.Body)) != 5 {
			t.Errorf("after authorizing again: %d\n%.600s", res.StatusCode, res.Body)
		}
	})
}

// docsRig is the real site in front of the real emulator, except that the
// Docs API answers any well-formed ID: enough documents to fill the recent
// list. It counts the calls that reach Google's side.
type docsRig struct {
	*sitetest.Site
	calls atomic.Int32
}

func newDocsRig(t *testing.T) *docsRig {
	t.Helper()
	r := &docsRig{}
	// The Docs endpoint answers a tiny document for any ID, so the recent
	// list can be filled; calls counts every call that reaches Google's side of
	// the emulator (the test controls it through Go, not HTTP). Its control
	// endpoints (/_emu/: the site reads the emulator's clock for the ledger)
	// have no counterpart at Google and are not counted.
	r.Site = sitetest.Start(t, sitetest.WithWrap(func(emu http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if !strings.HasPrefix(req.URL.Path, "/_emu/") {
				r.calls.Add(1)
			}
			if id, ok := strings.CutPrefix(req.URL.Path, "/v1/documents/"); ok && req.Header.Get("Authorization") != "" {
				w.Header().Set("Content-Type", "application/json")
				json.NewEncoder(w).Encode(map[string]any{"documentId": id, "title": "Document " + id[:8], "body": map[string]any{"content": []any{}}})
				return
			}
			emu.ServeHTTP(w, req)
		})
	}))
	r.Page("/docs")
	return r
}

// open opens a document; it returns the status and the session cookie set.
func (r *docsRig) open(token, ref string) (int, string) {
	res := openDoc(r.Browser, token, ref)
	for _, c := range res.Header.Values("Set-Cookie") {
		if strings.HasPrefix(c, "scopewise=") {
			return res.StatusCode, c
		}
	}
	return res.StatusCode, ""
}

// TestDocsSessionCookieBound fills the recent list through the real router,
// with every scope in the ledger, and checks the session cookie stays under
// the 4 KB browsers keep.
func TestDocsSessionCookieBound(t *testing.T) {
	tests := []struct {
		name  string
		idLen int
	}{
		{name: "Google-shaped IDs (44 characters)", idLen: 44},
		{name: "the longest IDs accepted", idLen: apis.MaxDocumentIDLen},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newDocsRig(t)
			token := r.Mint(config.EmulatorClientID, sitetest.DocsScope, sitetest.CalendarScope, "https://www.googleapis.com/auth/photospicker.mediaitems.readonly")
			largest := 0
			for i := range web.MaxRecentDocs + 5 {
				id := fmt.Sprintf("%03d", i) + strings.Repeat("x", tt.idLen-3)
				status, cookie := r.open(token, id)
				if status != 200 {
					t.Fatalf("open %d: status %d", i, status)
				}
				largest = max(largest, len(cookie))
			}
			t.Logf("largest Set-Cookie: %d bytes", largest)
			if largest == 0 || largest >= 4096 {
				t.Errorf("largest Set-Cookie = %d bytes, want under 4096", largest)
			}
		})
	}
}

// TestDocsBadInputCallsNothing: input that is neither a URL nor an ID is
// refused before the token is verified or the Docs API is called.
func TestDocsBadInputCallsNothing(t *testing.T) {
	r := newDocsRig(t)
	token := r.Mint(config.EmulatorClientID, sitetest.DocsScope)
	before := r.calls.Load()
	for _, ref := range []string{"", "hello", "https://evil.example/document/d/" + strings.Repeat("a", 44), strings.Repeat("a", 3000)} {
		if status, _ := r.open(token, ref); status != 400 {
			t.Errorf("open %.40q: status %d, want 400", ref, status)
		}
	}
	if n := r.calls.Load() - before; n != 0 {
		t.Errorf("%d calls reached Google's side, want none", n)
	}
}
