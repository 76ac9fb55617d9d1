package pages_test

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/scopewise/scopewise/internal/sitetest"
)

// The lab's settings are a URL: its query fills the form in.
func TestLabPresetFillsTheForm(t *testing.T) {
	s := sitetest.Start(t)
	for _, tc := range []struct {
		name, query string
		scopes      []string
		prompt      string
		include     bool
		hint, path  string
		ignored     []string
	}{
		{name: "none: the defaults", query: "", include: true, path: "server"},
		{
			name:   "short and full scope names, every setting",
			query:  "?scope=calendar.readonly&scope=openid&scope=" + sitetest.DocsScope + "&prompt=consent&include_granted_scopes=false&login_hint=bob@example.com&path=browser",
			scopes: []string{sitetest.DocsScope, sitetest.CalendarScope, "openid"}, prompt: "consent", hint: "bob@example.com", path: "browser",
		},
		{
			name:   "values the form has no control for are said, not guessed at",
			query:  "?scope=drive&scope=calendar.readonly&prompt=login&include_granted_scopes=maybe&path=server-side&login_hint=" + strings.Repeat("a", 321),
			scopes: []string{sitetest.CalendarScope}, include: true, path: "server",
			ignored: []string{`scope "drive"`, `prompt "login"`, `include_granted_scopes "maybe"`, `path "server-side"`, "login_hint (longer than 320"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := s.Page("/lab" + tc.query)
			if res.StatusCode != 200 {
				t.Fatalf("status %d", res.StatusCode)
			}
			form := sitetest.Parse(t, res.Body).Find("form[data-lab-form]")
			var scopes []string
			form.Find(`input[name="scope"][checked]`).Each(func(_ int, s *goquery.Selection) { scopes = append(scopes, s.AttrOr("value", "")) })
			if strings.Join(scopes, " ") != strings.Join(tc.scopes, " ") {
				t.Errorf("ticked %q, want %q", scopes, tc.scopes)
			}
			if got := form.Find(`input[name="prompt"][checked]`); got.Length() != 1 || got.AttrOr("value", "?") != tc.prompt {
				t.Errorf("prompt: %d checked, value %q; want %q", got.Length(), got.AttrOr("value", "?"), tc.prompt)
			}
			if got := form.Find(`input[name="include_granted_scopes"]`).Is("[checked]"); got != tc.include {
				t.Errorf("include_granted_scopes checked = %v", got)
			}
			if got := form.Find(`input[name="login_hint"]`).AttrOr("value", ""); got != tc.hint {
				t.Errorf("login_hint = %q", got)
			}
			if got := form.Find(`input[name="path"][checked]`); got.Length() != 1 || got.AttrOr("value", "") != tc.path {
				t.Errorf("path: %d checked, %q", got.Length(), got.AttrOr("value", ""))
			}
			note := form.Find("p.note").Text()
			for _, want := range tc.ignored {
				if !strings.Contains(note, want) {
					t.Errorf("the note %q does not name %s", note, want)
				}
			}
			if len(tc.ignored) == 0 && note != "" {
				t.Errorf("unexpected note %q", note)
			}
		})
	}
}
