// Package gapi is the emulator's Google API client library for JavaScript:
// a stand-in for https://apis.google.com/js/api.js (gapi.load and
// gapi.client) at /js/api.js, and the discovery documents gapi.client
// generates its methods from, at Google's paths:
// /discovery/v1/apis/{api}/{version}/rest (Calendar v3, Docs v1) and Docs'
// own /$discovery/rest?version=v1. The Photos Picker has no discovery
// document; pages call it with gapi.client.request.
package gapi

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/scopewise/scopewise/emulator/internal/googleapi"
	"github.com/scopewise/scopewise/emulator/internal/page"
)

// apiJS is the library. Its last line calls it with a placeholder that
// APIJS replaces by the emulator's origin, where its calls go.
//
//go:embed api.js
var apiJS string

const originPlaceholder = `"__EMULATOR_ORIGIN__"`

// Service serves the library and the discovery documents.
type Service struct {
	publicURL string // the emulator's configured public URL ("" : from the request)
}

// New serves at publicURL (empty: each request's Host).
func New(publicURL string) *Service { return &Service{publicURL: publicURL} }

// discovery is Google's Discovery Service, as the emulator answers for it.
var discovery = googleapi.API{Name: "discovery", Service: "discovery.googleapis.com", LegacyErr: true}

// publicHeaders mark a public, credential-free answer any page may read or
// load (Google answers its script and discovery documents so).
func publicHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
}

// APIJS is GET /js/api.js.
func (s *Service) APIJS(w http.ResponseWriter, r *http.Request) {
	origin, _ := json.Marshal(page.Origin(s.publicURL, r)) // a JSON string is a JS string literal
	publicHeaders(w)
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Write([]byte(strings.Replace(apiJS, originPlaceholder, string(origin), 1)))
}

// Directory is GET /discovery/v1/apis/{api}/{version}/rest: the APIs'
// documents at the Discovery Service's path.
func (s *Service) Directory(w http.ResponseWriter, r *http.Request) {
	root := page.Origin(s.publicURL, r)
	switch r.PathValue("api") + "/" + r.PathValue("version") {
	case "calendar/v3":
		s.write(w, Calendar(root))
	case "docs/v1":
		s.write(w, Docs(root))
	default:
		notFound(w)
	}
}

// DocsDiscovery is GET /$discovery/rest?version=v1: Docs' own discovery
// URL (https://docs.googleapis.com/$discovery/rest?version=v1), which its
// reference names. On the emulator's origin Docs and the Picker share the
// host; the Picker has no document, so this path is Docs'.
func (s *Service) DocsDiscovery(w http.ResponseWriter, r *http.Request) {
	if v := r.URL.Query().Get("version"); v != "v1" {
		notFound(w)
		return
	}
	s.write(w, Docs(page.Origin(s.publicURL, r)))
}

func (s *Service) write(w http.ResponseWriter, d RestDescription) {
	publicHeaders(w)
	googleapi.WriteJSON(w, http.StatusOK, d)
}

func notFound(w http.ResponseWriter) {
	publicHeaders(w)
	googleapi.WriteError(w, discovery, http.StatusNotFound, "NOT_FOUND", "Requested entity was not found.", "")
}
