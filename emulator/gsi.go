package emulator

import (
	"crypto/sha512"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
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

// GSIScriptIntegrity is the Subresource Integrity value of the GIS script
// this emulator serves at /gsi/client when reached at its public URL
// (Options.PublicURL; "" without one): a site that loads the script with
// integrity="…" and crossorigin runs exactly these bytes or nothing.
func (s *Server) GSIScriptIntegrity() string {
	u, err := url.Parse(s.opts.PublicURL)
	if s.opts.PublicURL == "" || err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	sum := sha512.Sum384([]byte(gsiScript(strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host))))
	return "sha384-" + base64.StdEncoding.EncodeToString(sum[:])
}
