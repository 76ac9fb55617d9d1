package pages

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"

	"github.com/scopewise/scopewise/internal/apis"
	"github.com/scopewise/scopewise/views"
)

// outlineString shows a tree as "Title(Sub,H1(H2))".
func outlineString(nodes []OutlineNode) string {
	var parts []string
	for _, n := range nodes {
		s := n.Heading.Text
		if len(n.Children) > 0 {
			s += "(" + outlineString(n.Children) + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ",")
}

func TestOutlineTree(t *testing.T) {
	h := func(style, text string) apis.Heading {
		levels := map[string]int{"TITLE": 0, "SUBTITLE": 1, "HEADING_1": 1, "HEADING_2": 2, "HEADING_3": 3, "HEADING_6": 6}
		return apis.Heading{Level: levels[style], Style: style, Text: text}
	}
	tests := []struct {
		name string
		in   []apis.Heading
		want string
	}{
		{name: "no headings", want: ""},
		{name: "title, subtitle, chapters and sections", in: []apis.Heading{h("TITLE", "T"), h("SUBTITLE", "S"), h("HEADING_1", "A"), h("HEADING_2", "A1"), h("HEADING_2", "A2"), h("HEADING_1", "B")}, want: "T(S,A(A1,A2),B)"},
		{name: "a subtitle holds no headings", in: []apis.Heading{h("TITLE", "T"), h("SUBTITLE", "S"), h("HEADING_2", "x")}, want: "T(S,x)"},
		{name: "no title: headings at the top", in: []apis.Heading{h("HEADING_1", "A"), h("HEADING_3", "deep"), h("HEADING_2", "A1"), h("HEADING_1", "B")}, want: "A(deep,A1),B"},
		{name: "starting deep, then shallower", in: []apis.Heading{h("HEADING_6", "six"), h("HEADING_2", "two"), h("HEADING_1", "one")}, want: "six,two,one"},
		{name: "a second title starts over", in: []apis.Heading{h("TITLE", "T1"), h("HEADING_1", "A"), h("TITLE", "T2"), h("HEADING_1", "B")}, want: "T1(A),T2(B)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := outlineString(outlineTree(tt.in)); got != tt.want {
				t.Errorf("outline = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestShortenAndCounts(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{name: "short text stays", got: shorten("short", 10), want: "short"},
		{name: "cut at a space near the end", got: shorten("one two three four", 14), want: "one two three…"},
		{name: "cut inside a long word", got: shorten("abcdefghij", 4), want: "abcd…"},
		{name: "cut by runes, not bytes", got: shorten("日本語のテキストです", 4), want: "日本語の…"},
		{name: "one word", got: count(1, "word", "words"), want: "1 word"},
		{name: "thousands", got: count(2121, "paragraph", "paragraphs"), want: "2,121 paragraphs"},
		{name: "zero", got: count(0, "table", "tables"), want: "0 tables"},
		{name: "millions", got: thousands(1234567), want: "1,234,567"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func renderDocs(t *testing.T, c templ.Component) *goquery.Document {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

const docsEvil = `<script>alert(1)</script><img src=x onerror=alert(2)>"'`

// TestDocsNoHTMLInjection: a document's title, headings and text come from
// whoever wrote it; they must stay text.
func TestDocsNoHTMLInjection(t *testing.T) {
	doc := apis.Document{ID: "id", Title: docsEvil, FirstParagraph: docsEvil, Outline: []apis.Heading{{Level: 1, Style: "HEADING_1", Text: docsEvil}}}
	recent := []RecentDoc{{ID: strings.Repeat("a", 44), Title: docsEvil}, {ID: strings.Repeat("b", 44), Unavailable: "it no longer exists"}}
	page := renderDocs(t, DocsOpenAnswer(newDocView(doc), recent, views.LedgerView{}))
	if n := page.Find("script, img").Length(); n != 0 {
		t.Fatalf("%d injected elements rendered", n)
	}
	if got := page.Find("#docs-document-title").Text(); got != docsEvil {
		t.Errorf("title = %q, want the text verbatim", got)
	}
	if got := page.Find(".recent-docs button").AttrOr("aria-label", ""); got != "Open "+docsEvil {
		t.Errorf("recent button name = %q", got)
	}
	if got := page.Find(".recent-docs li").Length(); got != 2 {
		t.Errorf("recent items = %d, want 2", got)
	}
	if !strings.Contains(page.Find(".doc-unavailable").Text(), "no longer exists") {
		t.Errorf("the unavailable item does not say why")
	}
}

func TestDocsRecentEmpty(t *testing.T) {
	page := renderDocs(t, DocsListAnswer(nil, views.LedgerView{}))
	if got := page.Find("#docs-results h2").Text(); got != "Recent documents" {
		t.Errorf("region heading = %q", got)
	}
	if !strings.Contains(page.Find("#docs-results").Text(), "No documents yet") {
		t.Errorf("empty list does not say so")
	}
	if page.Find("#docs-document").Length() != 1 || strings.TrimSpace(page.Find("#docs-document").Text()) != "" {
		t.Errorf("the list answer must clear the document view: %q", page.Find("#docs-document").Text())
	}
}

// TestDocsTabs: a document with tabs shows every tab, named by its title,
// with its own outline, child tabs inside their parent.
func TestDocsTabs(t *testing.T) {
	h := func(level int, text string) apis.Heading {
		return apis.Heading{Level: level, Style: "HEADING_" + strconv.Itoa(level), Text: text}
	}
	doc := apis.Document{ID: "id", Title: "Wiki", Tabs: []apis.Tab{
		{ID: "t.0", Title: "Overview", Outline: []apis.Heading{h(1, "Who we are")}},
		{ID: "t.p", Title: "Projects", Outline: []apis.Heading{h(1, "Current")}, Children: []apis.Tab{
			{ID: "t.s", Title: "Scopewise", Level: 1, Outline: []apis.Heading{h(1, "Goals"), h(2, "Non-goals")}, Children: []apis.Tab{
				{ID: "t.r", Title: "Roadmap", Level: 2},
			}},
		}},
	}}
	page := renderDocs(t, DocsOpenAnswer(newDocView(doc), nil, views.LedgerView{}))
	var got []string
	page.Find("section.doc-tab").Each(func(_ int, s *goquery.Selection) {
		depth := s.ParentsFiltered("section.doc-tab").Length()
		got = append(got, fmt.Sprintf("%d %s [%s]", depth, s.AttrOr("aria-label", ""), strings.Join(strings.Fields(s.ChildrenFiltered("ol.outline").Text()), " ")))
	})
	want := []string{
		"0 Tab: Overview [Who we are]",
		"0 Tab: Projects [Current]",
		"1 Tab: Scopewise [Goals Non-goals]",
		"2 Tab: Roadmap []",
	}
	if !slices.Equal(got, want) {
		t.Errorf("tabs:\n got  %q\n want %q", got, want)
	}
	if !strings.Contains(page.Text(), "4 tabs") || !strings.Contains(page.Text(), "No headings in this tab.") {
		t.Errorf("tab count or empty-tab note missing: %s", page.Text())
	}
	// One tab without children: the plain outline, no tab list.
	single := renderDocs(t, DocsOpenAnswer(newDocView(apis.Document{ID: "id", Title: "One", Outline: []apis.Heading{h(1, "A")},
		Tabs: []apis.Tab{{ID: "t.0", Title: "Tab 1", Outline: []apis.Heading{h(1, "A")}}}}), nil, views.LedgerView{}))
	if single.Find("section.doc-tab").Length() != 0 || single.Find("ol.outline").Length() != 1 {
		t.Error("a one-tab document shows a tab list")
	}
}
