package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/scopewise/scopewise/views"
)

// SameOriginPostback guards every state-changing request: the browser must
// say it comes from our own origin (Sec-Fetch-Site, Origin), and the request
// must carry the page's CSRF token in X-CSRF-Token. Failures are a bare 403.
func SameOriginPostback() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions {
				return next(c)
			}
			if _, known := c.Get(echo.ContextKeyHeaderAllow).(string); known {
				// The path is routed, but not for this method (TRACE, PUT,
				// DELETE …): the router's 405 with Allow says so, and no
				// handler runs.
				return next(c)
			}
			if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
				return forbidden(errors.New("cross-site request: Sec-Fetch-Site " + site))
			}
			// A browser's Origin is exactly scheme://host[:port]; "null" (a
			// sandboxed frame, a data: URL, a redirect) is never ours.
			if origins := r.Header.Values("Origin"); len(origins) > 0 {
				if len(origins) > 1 || !sameOrigin(origins[0], r.Host) {
					return forbidden(errors.New("cross-origin request"))
				}
			}
			if !SessionOf(c).ValidCSRF(r.Header.Get("X-CSRF-Token")) {
				return forbidden(errors.New("missing or wrong CSRF token"))
			}
			return next(c)
		}
	}
}

// sameOrigin reports whether origin names this host, over HTTP or HTTPS (a
// proxy in front may terminate TLS).
func sameOrigin(origin, host string) bool {
	return host != "" && (strings.EqualFold(origin, "http://"+host) || strings.EqualFold(origin, "https://"+host))
}

func forbidden(err error) error {
	return &Problem{
		Status: http.StatusForbidden,
		Alert:  views.AlertCrossSite.Problem(""),
		Err:    err,
	}
}

// maxTokenLen bounds a bearer token; Google's are a few hundred characters.
const maxTokenLen = 2048

// ErrNoBearer means the request carried no usable bearer token.
var ErrNoBearer = errors.New("no bearer token")

// BearerToken reads "Authorization: Bearer <token>" (RFC 6750 §2.1), the only
// place a token is accepted. A token in the query string or the body (form,
// multipart or JSON, whatever the Content-Type's letter case) is refused
// (§2.2 and §2.3 are not offered), and so is a malformed one, and a body
// that cannot be read.
func BearerToken(r *http.Request) (string, error) {
	if r.URL.Query().Has("access_token") {
		return "", errors.New("token in the query string")
	}
	if err := tokenInBody(r); err != nil {
		return "", err
	}
	values := r.Header.Values("Authorization")
	if len(values) > 1 {
		// A singleton field sent twice is ambiguous: which token was meant?
		return "", errors.New("more than one Authorization header")
	}
	if len(values) == 0 || values[0] == "" {
		return "", ErrNoBearer
	}
	h := values[0]
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", errors.New("authorization scheme is not Bearer")
	}
	if token == "" || len(token) > maxTokenLen || !isB64Token(token) {
		return "", errors.New("malformed bearer token")
	}
	return token, nil
}

// isB64Token checks RFC 6750's b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
func isB64Token(s string) bool {
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~+/", c) >= 0) {
			break
		}
	}
	if i == 0 {
		return false
	}
	for ; i < len(s); i++ {
		if s[i] != '=' {
			return false
		}
	}
	return true
}
