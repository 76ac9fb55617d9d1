// Package guard is what keeps another page on the same machine from taking
// the emulator over.
//
// The emulator is test infrastructure on loopback with no authentication:
// any process that can reach it may drive it. A web page can reach it too,
// through the user's browser; these checks stop that.
//
//   - Every path checks Host against the names the emulator serves: the
//     loopback names (localhost, *.localhost, 127.0.0.0/8, ::1) and the host
//     of its public URL. A DNS-rebinding page (its own name, resolved to
//     127.0.0.1) is refused with 421 before anything is read or changed.
//     Both commands always give the emulator its public URL; a Server built
//     without one (a handler called in-process, as Go tests do with
//     httptest.NewRequest's example.com) takes its URL from each request's
//     Host and checks none: give Options.PublicURL to a listening one.
//   - The control API (/_emu/) answers only callers that are not another
//     origin's page: a browser request must be same-origin (Sec-Fetch-Site
//     same-origin or none, an Origin that is the emulator's own), and a POST
//     must carry application/json, which a cross-site page cannot send
//     without a CORS preflight the emulator never grants. Test code (curl,
//     Go, Playwright's request fixture) sends no Origin and passes.
//   - Faults apply to Google's API and token paths only, never to the GIS
//     script, the popup or the picker pages a site runs or frames, and they
//     never set cookie or cache headers: a fault cannot plant a script in a
//     browser cache or a cookie on the emulator's origin.
package guard

import (
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/scopewise/scopewise/emulator/internal/cors"
	"github.com/scopewise/scopewise/emulator/internal/googleapi"
	"github.com/scopewise/scopewise/emulator/internal/page"
)

// Check refuses a request a page on another origin could have made: a
// foreign Host anywhere, a cross-origin or non-JSON call of the control
// API. It reports whether it answered the request.
func Check(w http.ResponseWriter, r *http.Request, publicURL string) bool {
	if !ServesHost(publicURL, r.Host) {
		http.Error(w, "421 misdirected request: this emulator serves its loopback names and its public URL only, not "+fmt.Sprintf("%q", r.Host)+" (set its public URL when it is reached by another name)", http.StatusMisdirectedRequest)
		return true
	}
	if r.URL.Path != "/_emu" && !strings.HasPrefix(r.URL.Path, "/_emu/") {
		return false
	}
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		writeControlStatus(w, http.StatusForbidden, "the control API answers test code and the emulator's own pages, not a request from another site (Sec-Fetch-Site "+site+")")
		return true
	}
	if origins := r.Header.Values("Origin"); len(origins) > 0 && (len(origins) > 1 || !ownOrigin(publicURL, origins[0], r)) {
		writeControlStatus(w, http.StatusForbidden, "the control API answers test code and the emulator's own pages, not a request from another origin")
		return true
	}
	// A DELETE is never a simple request, so a browser preflights it anyway;
	// it carries no body to type.
	if r.Method != http.MethodGet && r.Method != http.MethodHead && !(r.Method == http.MethodDelete && r.ContentLength == 0) {
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "application/json" {
			writeControlStatus(w, http.StatusUnsupportedMediaType, "the control API takes a JSON body with Content-Type: application/json")
			return true
		}
	}
	return false
}

func writeControlStatus(w http.ResponseWriter, status int, msg string) {
	googleapi.WriteJSON(w, status, map[string]string{"error": msg})
}

// ServesHost reports whether host (a Host header) names the emulator at
// publicURL.
func ServesHost(publicURL, host string) bool {
	if publicURL == "" {
		return true // no names known: see the note at the top
	}
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	}
	name = strings.ToLower(strings.TrimSuffix(strings.Trim(name, "[]"), "."))
	if name == "" {
		return false
	}
	if name == "localhost" || strings.HasSuffix(name, ".localhost") {
		return true
	}
	if ip := net.ParseIP(name); ip != nil && ip.IsLoopback() {
		return true
	}
	u, err := url.Parse(publicURL)
	return err == nil && strings.EqualFold(strings.TrimSuffix(u.Hostname(), "."), name)
}

// ownOrigin reports whether a request's Origin is the emulator's own: its
// public URL, or the host the request was sent to.
func ownOrigin(publicURL, origin string, r *http.Request) bool {
	if strings.EqualFold(origin, page.Origin(publicURL, r)) {
		return true
	}
	return strings.EqualFold(origin, "http://"+r.Host) || strings.EqualFold(origin, "https://"+r.Host)
}

// SameOriginPost refuses the popup's forms posted from other sites (the
// emulator's grants are state a test relies on).
func SameOriginPost(r *http.Request, publicURL string) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return origin == page.Origin(publicURL, r) || strings.EqualFold(origin, scheme+"://"+r.Host)
}

// Faultable reports whether faults may apply to path: the token
// endpoints and Google's data APIs (and the media bytes they point to), never
// the GIS script, the popup, the picker pages or the control API.
func Faultable(path string) bool {
	if cors.Path(path) || strings.HasPrefix(path, "/media/") {
		return true
	}
	return false
}

// faultHeadersRefused are headers a fault may not set: they would outlive
// the fault (a cached answer, a cookie on the emulator's origin).
var faultHeadersRefused = []string{
	"Set-Cookie", "Set-Cookie2", "Cache-Control", "Expires", "Pragma", "Age",
	"Etag", "Last-Modified", "Vary", "Clear-Site-Data", "Surrogate-Control", "Cdn-Cache-Control",
}

// CheckFaultTarget refuses a fault on a path faults do not apply to, or one
// that sets a cookie or cache header. The error text is shown to the caller.
func CheckFaultTarget(path string, headers map[string]string) error {
	if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, "?#") {
		return nil // not a path at all: package fault says why
	}
	if !Faultable(path) {
		return fmt.Errorf("%q: faults apply to Google's token and API paths (/tokeninfo, /revoke, /calendar/v3/…, /v1/…, /media/…), never to the GIS script, the popup or the picker pages", path)
	}
	for name := range headers {
		for _, refused := range faultHeadersRefused {
			if strings.EqualFold(name, refused) {
				return errors.New(`"headers": a fault may not set ` + refused + ": a fault ends, a cookie or a cached answer would not")
			}
		}
	}
	return nil
}
