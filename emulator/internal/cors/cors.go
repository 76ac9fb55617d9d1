// Package cors is the emulator's CORS rules for the endpoints a page may
// call straight from the browser with its token ("Using REST and CORS" in
// Google's token-model guide): tokeninfo, revoke, and the Calendar, Docs
// and Picker APIs. The popup, the picking page, media bytes and /_emu/ are
// not among them. Which origins are granted is the caller's to say.
package cors

import (
	"net/http"
	"strings"
)

// paths are the paths that answer CORS. An entry ending in "/" is a prefix;
// any other is matched exactly.
var paths = []string{
	"/tokeninfo",
	"/oauth2/v2/tokeninfo",
	"/revoke",
	"/calendar/v3/",
	"/v1/documents/",
	"/v1/sessions",
	"/v1/sessions/",
	"/v1/mediaItems",
}

// The grant a preflight answers with. Google's API front end allows every
// REST verb and the headers its client libraries send [inf]: the generated
// clients' X-Goog-* headers, and those gapi.client (api.js) adds to a call
// (X-Goog-AuthUser, X-Goog-Encode-Response-If-Executable,
// X-JavaScript-User-Agent, X-Origin, X-Referer, X-Requested-With,
// X-ClientDetails).
const (
	allowMethods = "DELETE, GET, HEAD, PATCH, POST, PUT"
	allowHeaders = "Authorization, Content-Type, X-Goog-Api-Client, X-Goog-Api-Key, X-Goog-AuthUser, " +
		"X-Goog-Encode-Response-If-Executable, X-Goog-Request-Params, X-Goog-User-Project, " +
		"X-JavaScript-User-Agent, X-Origin, X-Referer, X-Requested-With, X-ClientDetails"
	// exposeHeaders lets a page read why a call failed (scope missing,
	// token expired: WWW-Authenticate) and when to retry.
	exposeHeaders = "WWW-Authenticate, Retry-After, Date, Content-Length"
	maxAge        = "3600"
)

// Path reports whether path answers CORS.
func Path(path string) bool {
	for _, p := range paths {
		if path == p || (strings.HasSuffix(p, "/") && strings.HasPrefix(path, p)) {
			return true
		}
	}
	return false
}

// Answer adds the CORS answer for a browser-callable path and answers its
// preflight itself. It reports whether the request is fully answered.
// Only an origin granted says yes to gets Access-Control-Allow-* headers;
// others get none, so the browser refuses them; same-origin or server calls
// (no Origin header) are untouched.
func Answer(w http.ResponseWriter, r *http.Request, granted func(origin string) bool) bool {
	if !Path(r.URL.Path) {
		return false
	}
	h := w.Header()
	h.Add("Vary", "Origin")
	origin := r.Header.Get("Origin")
	ok := origin != "" && granted(origin)
	if r.Method == http.MethodOptions {
		h.Add("Vary", "Access-Control-Request-Method")
		h.Add("Vary", "Access-Control-Request-Headers")
		if ok {
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Methods", allowMethods)
			h.Set("Access-Control-Allow-Headers", allowHeaders)
			h.Set("Access-Control-Max-Age", maxAge)
		}
		w.WriteHeader(http.StatusNoContent)
		return true
	}
	if ok {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Expose-Headers", exposeHeaders)
	}
	return false
}
