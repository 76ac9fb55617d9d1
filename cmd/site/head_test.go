package main

import (
	"net/http"
	"regexp"
	"testing"
)

var stylesheetHref = regexp.MustCompile(`<link rel="stylesheet" href="([^"]+)"`)

// HEAD answers as GET does, without the body, on every page, /healthz and
// the assets.
func TestHeadAnswersLikeGet(t *testing.T) {
	a := startApp(t, nil)
	home := a.get("/")
	css := stylesheetHref.FindStringSubmatch(home.Body)
	if css == nil {
		t.Fatal("no stylesheet link on the home page")
	}
	for _, path := range []string{"/", "/docs", "/calendar", "/photos", "/ajax", "/lab", "/healthz", css[1]} {
		get := a.get(path)
		req, _ := http.NewRequest(http.MethodHead, a.site+path, nil)
		head := a.do(req)
		if head.StatusCode != get.StatusCode || head.StatusCode != 200 {
			t.Errorf("HEAD %s: %d, GET %d", path, head.StatusCode, get.StatusCode)
		}
		if head.Body != "" {
			t.Errorf("HEAD %s sent a body of %d bytes", path, len(head.Body))
		}
		for _, h := range []string{"Content-Type", "Content-Security-Policy", "X-Content-Type-Options", "Cache-Control"} {
			if (head.Header.Get(h) == "") != (get.Header.Get(h) == "") {
				t.Errorf("HEAD %s: %s %q, GET's %q", path, h, head.Header.Get(h), get.Header.Get(h))
			}
		}
	}
}
