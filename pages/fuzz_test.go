package pages

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"
	"golang.org/x/net/html"

	"github.com/scopewise/scopewise/internal/apis"
	"github.com/scopewise/scopewise/views"
)

// hostileFragments renders every answer that shows text from Google's side
// (document titles, headings and text, the recent list, event titles and
// places, ledger labels) with s in each of those places.
func hostileFragments(s string) []templ.Component {
	doc := apis.Document{ID: "id", Title: s, FirstParagraph: s, Outline: []apis.Heading{{Level: 1, Style: "HEADING_1", Text: s}, {Level: 2, Style: "HEADING_2", Text: s}}}
	recent := []RecentDoc{{ID: strings.Repeat("a", 44), Title: s}, {ID: strings.Repeat("b", 44), Unavailable: s}}
	ledger := views.LedgerView{Rows: []views.LedgerRow{{Label: s, Scope: s, Page: "/calendar", State: s, Detail: s, Until: s}}}
	when := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	return []templ.Component{
		DocsOpenAnswer(newDocView(doc), recent, ledger),
		DocsListAnswer(recent, ledger),
		CalendarResults([]apis.Event{{ID: "e", Summary: s, Location: s, Start: when, End: when.Add(time.Hour)}}),
		views.Fragment("calendar-results", ledger, views.Alert(views.Problem{Title: s, Detail: s, Retry: s})),
	}
}

var urlAttrs = map[string]bool{"href": true, "src": true, "action": true, "formaction": true, "poster": true, "cite": true, "data": true, "xlink:href": true}

// markup is the element structure of rendered HTML: every tag, with its
// attribute names and the values of those that can run or load something.
func markup(t *testing.T, c templ.Component) []string {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	var out []string
	z := html.NewTokenizer(&buf)
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return out
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken, html.CommentToken, html.DoctypeToken:
			tok := z.Token()
			var attrs []string
			for _, a := range tok.Attr {
				key := strings.ToLower(a.Key)
				if strings.HasPrefix(key, "on") || key == "style" || key == "srcdoc" {
					t.Fatalf("rendered a %s attribute on <%s>", a.Key, tok.Data)
				}
				val := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
				if urlAttrs[key] && (strings.HasPrefix(val, "javascript:") || strings.HasPrefix(val, "data:")) {
					t.Fatalf("rendered %s=%q on <%s>", a.Key, a.Val, tok.Data)
				}
				attrs = append(attrs, key)
			}
			slices.Sort(attrs)
			out = append(out, tt.String()+" "+tok.Data+" "+strings.Join(attrs, ","))
		}
	}
}

// FuzzFragmentTitles: whatever a title, heading or place says, the fragments
// have exactly the elements and attributes they have for a plain word: no
// element, attribute or comment comes from the input.
func FuzzFragmentTitles(f *testing.F) {
	for _, s := range []string{
		"Project plan", docsEvil, `"><svg onload=alert(1)>`, `</li></ul><script>x</script>`,
		`<!-- x -->`, "javascript:alert(1)", "\x00<b>", "&lt;script&gt;", `' autofocus onfocus='x`,
		"]]><![CDATA[", "<style>*{}</style>", "日本語の<題名>", strings.Repeat("<a>", 50),
	} {
		f.Add(s)
	}
	want := map[int][]string{}
	for i, c := range hostileFragments("word") {
		want[i] = markup(&testing.T{}, c)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.TrimSpace(s) == "" {
			return // an empty title renders a placeholder: another structure, no input in it
		}
		for i, c := range hostileFragments(s) {
			if got := markup(t, c); !slices.Equal(got, want[i]) {
				t.Fatalf("fragment %d: the input changed the markup:\ngot  %q\nwant %q", i, got, want[i])
			}
		}
	})
}
