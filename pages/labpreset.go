package pages

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// A lab preset is the lab's form as a URL: /lab?scope=calendar.readonly&
// prompt=consent&include_granted_scopes=false&login_hint=…&path=browser
// fills the form in, and lab.js writes the form back into the URL as it
// changes (history.replaceState), so a setting can be shared, bookmarked
// and linked to (the home page's six facts link to theirs).
//
//	scope                   repeatable; a scope as written, or without
//	                        Google's prefix ("calendar.readonly", "openid")
//	prompt                  '' (absent), none, consent, select_account
//	include_granted_scopes  on unless false (or off, 0)
//	login_hint              up to maxLoginHint characters
//	path                    server (absent), browser, gapi, all
//
// A value the form has no control for is not guessed at: the page lists it
// as ignored.

// scopePrefix is what Google's API scopes start with; presets may leave it out.
const scopePrefix = "https://www.googleapis.com/auth/"

// maxLoginHint bounds login_hint: an email address is at most 320 characters.
const maxLoginHint = 320

// labPaths are the values of the "after the grant" switch; the first is the default.
var labPaths = []string{"server", "browser", "gapi", "all"}

// LabPreset is the form's state.
type LabPreset struct {
	Scopes         []string // full scope strings, in the form's order
	Prompt         string
	IncludeGranted bool
	LoginHint      string
	Path           string
	// Ignored says which parameters were not understood, for the page to say so.
	Ignored []string
}

// HasScope reports whether the preset ticks scope.
func (p LabPreset) HasScope(scope string) bool { return slices.Contains(p.Scopes, scope) }

// parseLabPreset reads a preset from the lab's query; an empty query is the
// form's defaults.
func parseLabPreset(q url.Values, scopes []LabScope) LabPreset {
	p := LabPreset{IncludeGranted: true, Path: labPaths[0]}
	for _, s := range q["scope"] {
		full := s
		if !strings.Contains(s, "/") && !slices.Contains([]string{"openid", "email", "profile"}, s) {
			full = scopePrefix + s
		}
		if !slices.ContainsFunc(scopes, func(ls LabScope) bool { return ls.ID == full }) {
			p.Ignored = append(p.Ignored, fmt.Sprintf("scope %q (not one the lab offers)", s))
			continue
		}
		if !p.HasScope(full) {
			p.Scopes = append(p.Scopes, full)
		}
	}
	if q.Has("prompt") {
		v := q.Get("prompt")
		if slices.ContainsFunc(labPrompts, func(lp LabPrompt) bool { return lp.Value == v }) {
			p.Prompt = v
		} else {
			p.Ignored = append(p.Ignored, fmt.Sprintf("prompt %q (none, consent, select_account or empty)", v))
		}
	}
	if q.Has("include_granted_scopes") {
		switch v := q.Get("include_granted_scopes"); v {
		case "false", "off", "0":
			p.IncludeGranted = false
		case "true", "on", "1", "":
		default:
			p.Ignored = append(p.Ignored, fmt.Sprintf("include_granted_scopes %q (true or false)", v))
		}
	}
	if hint := strings.TrimSpace(q.Get("login_hint")); hint != "" {
		if utf8.RuneCountInString(hint) > maxLoginHint || !utf8.ValidString(hint) {
			p.Ignored = append(p.Ignored, fmt.Sprintf("login_hint (longer than %d characters)", maxLoginHint))
		} else {
			p.LoginHint = hint
		}
	}
	if q.Has("path") {
		if v := q.Get("path"); slices.Contains(labPaths, v) {
			p.Path = v
		} else {
			p.Ignored = append(p.Ignored, fmt.Sprintf("path %q (server, browser, gapi or all)", v))
		}
	}
	// The form lists scopes in its own order, whatever the URL's.
	slices.SortFunc(p.Scopes, func(a, b string) int {
		return slices.IndexFunc(scopes, func(s LabScope) bool { return s.ID == a }) - slices.IndexFunc(scopes, func(s LabScope) bool { return s.ID == b })
	})
	return p
}
