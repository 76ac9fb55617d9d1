package emulator

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/scopewise/scopewise/emulator/internal/page"
)

// gsiJS is the emulator's google.accounts.oauth2. Its last line calls it
// with a placeholder that handleGSIClient replaces by the emulator's origin,
// the only origin whose popup messages it accepts.
//
//go:embed gsi.js
var gsiJS string

const gsiOriginPlaceholder = `"__EMULATOR_ORIGIN__"`

func (s *Server) handleGSIClient(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("X-Content-Type-Options", "nosniff")
	// A public script: let pages load it with crossorigin or under COEP.
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	w.Write([]byte(gsiScript(page.Origin(s.opts.PublicURL, r))))
}

// gsiScript is the script as served to pages of an emulator at origin.
func gsiScript(origin string) string {
	lit, _ := json.Marshal(origin) // a JSON string is a JS string literal
	return strings.Replace(gsiJS, gsiOriginPlaceholder, string(lit), 1)
}
