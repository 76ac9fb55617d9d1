// Package page serves the emulator's own HTML pages (the consent popup, the
// photo picker, the control page): their security headers, a buffered
// render, the shared style, and the emulator's origin as browsers see it.
package page

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/a-h/templ"
)

// Serve sets the page headers with a fresh nonce and renders c.
func Serve(w http.ResponseWriter, r *http.Request, log *slog.Logger, status int, c templ.Component) {
	nonce := NewNonce()
	SetHeaders(w, nonce)
	Render(w, r, log, status, nonce, c)
}

// NewNonce is a fresh CSP nonce for one page.
func NewNonce() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// SetHeaders secures an emulator HTML page. No COOP same-origin: the
// popup's link to its opener carries the answer and the popup.closed check.
func SetHeaders(w http.ResponseWriter, nonce string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", CSP(nonce))
	h.Set("Cross-Origin-Opener-Policy", "unsafe-none")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
}

// CSP is the Content-Security-Policy of an emulator page: nothing but its
// own nonced script and style, its own images and forms.
func CSP(nonce string) string {
	return fmt.Sprintf("default-src 'none'; script-src 'nonce-%[1]s'; style-src 'nonce-%[1]s'; img-src 'self' data:; "+
		"form-action 'self'; base-uri 'none'; frame-ancestors 'none'", nonce)
}

// renderPage renders into a buffer first, so a failed render is still a
// clean 500 rather than half a page.
func Render(w http.ResponseWriter, r *http.Request, log *slog.Logger, status int, nonce string, c templ.Component) {
	var buf bytes.Buffer
	if err := c.Render(templ.WithNonce(r.Context(), nonce), &buf); err != nil {
		log.Error("emulator: render page", "path", r.URL.Path, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// PublicURL is the emulator's origin as the browser sees it: configured,
// else derived from the request.
func PublicURL(configured string, r *http.Request) string {
	if configured != "" {
		return configured
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// Origin is PublicURL as an origin (scheme://host[:port], lower case).
func Origin(configured string, r *http.Request) string {
	u, err := url.Parse(PublicURL(configured, r))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return strings.TrimSuffix(PublicURL(configured, r), "/")
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host)
}
