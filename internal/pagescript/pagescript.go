// Package pagescript is what the site's page scripts send and read, for the
// programs and tests that act as a browser on the site: the CSRF token a
// page carries and the postback request its scripts make.
package pagescript

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)"`)

// CSRFToken is the CSRF token a page carries ("" if none).
func CSRFToken(html string) string {
	if m := csrfMeta.FindStringSubmatch(html); m != nil {
		return m[1]
	}
	return ""
}

// NewPostback is a postback to site+path as the page scripts send it: same
// origin, the page's CSRF token in X-CSRF-Token, the token (when not "") in
// the Authorization header, and form (when not nil) as the body.
func NewPostback(ctx context.Context, site, path, csrf, token string, form url.Values) (*http.Request, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, site+path, body)
	if err != nil {
		return nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("X-CSRF-Token", csrf)
	req.Header.Set("Origin", site)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req, nil
}
