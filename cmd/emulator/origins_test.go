package main

import (
	"strings"
	"testing"
)

func TestBrowserOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"http://localhost:5173":   "http://localhost:5173",
		"http://Localhost:5173":   "http://localhost:5173",
		"HTTP://LOCALHOST:5173":   "http://localhost:5173",
		"http://localhost:80":     "http://localhost",
		"https://App.Example:443": "https://app.example",
		"https://app.example:80":  "https://app.example:80",
		"http://localhost:5173/":  "http://localhost:5173",
		"http://[::1]:80":         "http://[::1]",
		"http://[::1]:8080":       "http://[::1]:8080",
	} {
		if got, err := browserOrigin(in); err != nil || got != want {
			t.Errorf("browserOrigin(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, reason := range map[string]string{
		"localhost:5173":             "scheme",
		"ftp://localhost":            "scheme",
		"http://user@localhost":      "user name",
		"http://":                    "no host",
		"http://localhost:5173/app":  "no path",
		"http://localhost:5173?x=1":  "no path, query",
		"http://localhost:5173#top":  "fragment",
		"http://localhost:5173:5174": "origin",
		"http://local host":          "origin",
	} {
		if _, err := browserOrigin(in); err == nil || !strings.Contains(err.Error(), reason) {
			t.Errorf("browserOrigin(%q): %v, want a refusal saying %q", in, err, reason)
		}
	}
}

// Origins given in another letter case or with the default port match the
// page's Origin as the browser sends it.
func TestOriginsAreNormalisedAtStart(t *testing.T) {
	origin, hint, _ := start(t, []string{"-client", testClient + "=http://Localhost:80,HTTP://127.0.0.1:5173"}, nil)
	if !strings.Contains(hint, "http://localhost, http://127.0.0.1:5173") {
		t.Errorf("hint %q does not list the origins as browsers write them", hint)
	}
	for _, o := range []string{"http://localhost", "http://127.0.0.1:5173"} {
		checkPreflight(t, origin, o)
	}
}
