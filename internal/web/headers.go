package web

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
)

const nonceKey = "csp-nonce"

// Nonce is this request's CSP nonce ("" outside SecureHeaders).
func Nonce(c echo.Context) string {
	n, _ := c.Get(nonceKey).(string)
	return n
}

// CSP lists the outside origins a page may use: Google's (or the emulator's)
// accounts origin for the GIS script, its popup and styles, and the origins
// the library calls (revoke).
type CSP struct {
	AccountsOrigin string   // e.g. https://accounts.google.com or the emulator
	GISPath        string   // "/gsi/" on Google: narrows script/frame/style/connect to GIS
	Connect        []string // further connect-src origins (revoke, the APIs the lab calls from the browser)
	Script         []string // further script-src origins (the API client library for JavaScript, gapi)
	Frame          []string // further frame-src origins (gapi.client's request proxy on Google)
}

// withExtra is list plus the extra origins it lacks, in order.
func withExtra(list []string, extra []string) []string {
	for _, c := range extra {
		if c != "" && !slices.Contains(list, c) {
			list = append(list, c)
		}
	}
	return list
}

// nonceMark stands for the nonce while the policy is built once.
const nonceMark = "\x00nonce\x00"

// split builds the Content-Security-Policy once, as the text before and
// after the request's nonce. No unsafe-inline, and nothing is allowed that is
// not listed: default-src 'none'.
func (p CSP) split() (before, after string) {
	gis := strings.TrimRight(p.AccountsOrigin, "/") + p.GISPath
	connect := withExtra([]string{"'self'", gis}, p.Connect) // the emulator's revoke is its GIS origin
	script := withExtra([]string{"'self'", "'nonce-" + nonceMark + "'", gis}, p.Script)
	frame := withExtra([]string{gis}, p.Frame)
	whole := strings.Join([]string{
		"default-src 'none'",
		"script-src " + strings.Join(script, " "),
		"style-src 'self' " + gis,
		"connect-src " + strings.Join(connect, " "),
		"frame-src " + strings.Join(frame, " "),
		"img-src 'self' data: blob:",
		"object-src 'none'",
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	}, "; ")
	before, after, _ = strings.Cut(whole, nonceMark)
	return before, after
}

// hsts is two years (the preload list's minimum is one). No
// includeSubDomains: the site does not know what else its domain serves.
const hsts = "max-age=63072000"

// SecureHeaders makes a fresh nonce per request, sets the CSP with it and the
// other security headers. COOP is same-origin-allow-popups: GIS polls
// popup.closed and receives the answer through the opener link, which
// same-origin would cut.
//
// https says the site is served over HTTPS (SECURE_COOKIES): only then is
// Strict-Transport-Security sent. Over plain HTTP browsers ignore it, and on
// localhost it would pin every local port to HTTPS.
func SecureHeaders(csp CSP, https bool) echo.MiddlewareFunc {
	before, after := csp.split()
	// The headers that never change, in canonical form, each value slice
	// made once and shared by every answer: net/http only reads them, and
	// Header.Set and Add replace or grow a slice, never write into it.
	static := http.Header{
		"Cross-Origin-Opener-Policy": {"same-origin-allow-popups"},
		// Nothing here is meant to be loaded by another site's page.
		"Cross-Origin-Resource-Policy": {"same-origin"},
		"X-Content-Type-Options":       {"nosniff"},
		"X-Frame-Options":              {"DENY"},
		"Referrer-Policy":              {"strict-origin-when-cross-origin"},
		"Permissions-Policy":           {"camera=(), microphone=(), geolocation=()"},
	}
	if https {
		static["Strict-Transport-Security"] = []string{hsts}
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			var b [18]byte
			rand.Read(b[:])
			nonce := base64.RawStdEncoding.EncodeToString(b[:])
			c.Set(nonceKey, nonce)
			h := c.Response().Header()
			h["Content-Security-Policy"] = []string{before + nonce + after}
			for k, v := range static {
				h[k] = v
			}
			return next(c)
		}
	}
}

// OriginOf returns scheme://host[:port] of a URL, or "" when it has none.
func OriginOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
