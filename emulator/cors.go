package emulator

import (
	"net/http"
	"slices"

	"github.com/scopewise/scopewise/emulator/internal/cors"
)

// cors adds the CORS answer for a browser-callable path (package cors) and
// answers its preflight itself. It reports whether the request is fully
// answered.
//
// Only a registered client's JavaScript origin is granted (the emulator's
// choice: real Google APIs answer any origin, since the token is the
// credential).
func (s *Server) cors(w http.ResponseWriter, r *http.Request) bool {
	return cors.Answer(w, r, s.registeredOrigin)
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
