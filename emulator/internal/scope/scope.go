// Package scope is what the emulator knows of OAuth scopes: how a scope
// list is normalized, which strings are scopes at all, which scopes are the
// sign-in bundle, and the consent screen's words for each.
package scope

import (
	"slices"
	"strings"
)

// Normalize sorts and de-duplicates a scope list.
func Normalize(scopes []string) []string {
	out := make([]string, 0, len(scopes))
	for _, sc := range scopes {
		if sc = strings.TrimSpace(sc); sc != "" {
			out = append(out, sc)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Valid reports whether sc is RFC 6749's scope-token: printable ASCII but "
// and \.
func Valid(sc string) bool {
	if sc == "" {
		return false
	}
	for i := 0; i < len(sc); i++ {
		if c := sc[i]; c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// signInScopes are consented as one bundle, never one checkbox each.
var signInScopes = []string{
	"openid", "email", "profile",
	"https://www.googleapis.com/auth/userinfo.email",
	"https://www.googleapis.com/auth/userinfo.profile",
}

// IsSignIn reports whether sc is one of the sign-in scopes, which the
// consent screen asks for as one bundle.
func IsSignIn(sc string) bool { return slices.Contains(signInScopes, sc) }

// descriptions are the consent screen's words for the scopes Scopewise and
// its neighbours ask for; other scopes show as their own string.
var descriptions = map[string]string{
	"openid":  "Associate you with your personal info on Google",
	"email":   "See your primary Google Account email address",
	"profile": "See your personal info, including any personal info you've made publicly available",
	"https://www.googleapis.com/auth/userinfo.email":                   "See your primary Google Account email address",
	"https://www.googleapis.com/auth/userinfo.profile":                 "See your personal info, including any personal info you've made publicly available",
	"https://www.googleapis.com/auth/calendar.readonly":                "See and download any calendar you can access using your Google Calendar",
	"https://www.googleapis.com/auth/calendar":                         "See, edit, share, and permanently delete all the calendars you can access using Google Calendar",
	"https://www.googleapis.com/auth/calendar.events.readonly":         "View events on all your calendars",
	"https://www.googleapis.com/auth/documents.readonly":               "See all your Google Docs documents",
	"https://www.googleapis.com/auth/documents":                        "See, edit, create, and delete all your Google Docs documents",
	"https://www.googleapis.com/auth/drive.readonly":                   "See and download all your Google Drive files",
	"https://www.googleapis.com/auth/drive.file":                       "See, edit, create, and delete only the specific Google Drive files you use with this app",
	"https://www.googleapis.com/auth/photospicker.mediaitems.readonly": "View the photos and videos you select in Google Photos",
	"https://www.googleapis.com/auth/photoslibrary.readonly":           "View your Google Photos library",
}

// Explain is a scope's icon and its "Learn more" text: what the app can do
// with it, in the emulator's words.
func Explain(sc string) (icon, more string) {
	switch {
	case strings.Contains(sc, "/auth/calendar"):
		more = "The app can see the events of every calendar you can open: titles, times, places and guests."
		if !strings.HasSuffix(sc, ".readonly") {
			more = "The app can see, change and delete events on the calendars you can open."
		}
		return "calendar", more
	case strings.Contains(sc, "/auth/documents"):
		more = "The app can open and read any Google Docs document you can open, not only ones you pick."
		if !strings.HasSuffix(sc, ".readonly") {
			more = "The app can read, change, create and delete any Google Docs document you can open."
		}
		return "document", more
	case strings.Contains(sc, "/auth/photospicker"):
		return "photo", "The app sees only the photos and videos you pick in the Photos Picker, each time you pick them."
	case strings.Contains(sc, "/auth/photoslibrary"):
		return "photo", "The app could read your whole Photos library; Google retired this scope for new apps in 2025."
	case strings.Contains(sc, "/auth/drive"):
		return "drive", "The app can reach files in your Google Drive, as the scope's description says."
	}
	return "key", "The emulator has no more to say about this scope than its name."
}

// Describe is the consent screen's words for a scope: its description, or
// the scope itself.
func Describe(sc string) string {
	if d, ok := descriptions[sc]; ok {
		return d
	}
	return sc
}

// DescribeAll describes scopes once each (email and userinfo.email read the
// same).
func DescribeAll(scopes []string) []string {
	var out []string
	for _, sc := range scopes {
		if d := Describe(sc); !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}
