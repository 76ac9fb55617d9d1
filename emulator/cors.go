package emulator

// CORS on the endpoints a page may call straight from the browser with its
// token ("Using REST and CORS" in Google's token-model guide): tokeninfo,
// revoke, and the Calendar, Docs and Picker APIs. The popup, the picking
// page, media bytes and /_emu/ are not among them.

import (
	"net/http"
	"slices"
	"strings"
)

// corsPrefixes are the paths that answer CORS. An entry ending in "/" is a
// prefix; any other is matched exactly.
var corsPrefixes = []string{
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
	corsAllowMethods = "DELETE, GET, HEAD, PATCH, POST, PUT"
	corsAllowHeaders = "Authorization, Content-Type, X-Goog-Api-Client, X-Goog-Api-Key, X-Goog-AuthUser, " +
		"X-Goog-Encode-Response-If-Executable, X-Goog-Request-Params, X-Goog-User-Project, " +
		"X-JavaScript-User-Agent, X-Origin, X-Referer, X-Requested-With, X-ClientDetails"
	// corsExposeHeaders lets a page read why a call failed (scope missing,
	// token expired: WWW-Authenticate) and when to retry.
	corsExposeHeaders = "WWW-Authenticate, Retry-After, Date, Content-Length"
	corsMaxAge        = "3600"
)

func isCORSPath(path string) bool {
	for _, p := range corsPrefixes {
		if path == p || (strings.HasSuffix(p, "/") && strings.HasPrefix(path, p)) {
			return true
		}
	}
	return false
}

// cors adds the CORS answer for a browser-callable path and answers its
// preflight itself. It reports whether the request is fully answered.
//
// Only a registered client's JavaScript origin is granted (the emulator's
// choice: real Google APIs answer any origin, since the token is the
// credential). Others get no Access-Control-Allow-* header, so the browser
// refuses them; same-origin or server calls (no Origin header) are untouched.
func (s *Server) cors(w http.ResponseWriter, r *http.Request) bool {
	if !isCORSPath(r.URL.Path) {
		return false
	}
	h := w.Header()
	h.Add("Vary", "Origin")
	origin := r.Header.Get("Origin")
	granted := origin != "" && s.registeredOrigin(origin)
	if r.Method == http.MethodOptions {
		h.Add("Vary", "Access-Control-Request-Method")
		h.Add("Vary", "Access-Control-Request-Headers")
		if granted {
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Methods", corsAllowMethods)
			h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
			h.Set("Access-Control-Max-Age", corsMaxAge)
		}
		w.WriteHeader(http.StatusNoContent)
		return true
	}
	if granted {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
	}
	return false
}

// registeredOrigin reports whether any client lists origin as one of its
// Authorized JavaScript origins.
func (s *Server) registeredOrigin(origin string) bool {
	for _, c := range s.opts.Clients {
		if slices.Contains(c.Origins, origin) {
			return true
		}
	}
	return false
}
