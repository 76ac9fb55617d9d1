package emulator

import "net/http"

// routes is the emulator's whole URL surface. Paths are Google's, so only the
// base URL differs between the emulator and Google; /_emu/ is ours.
func (s *Server) routes() {
	// Browser side: the GIS library and the consent popup (gsi.go, popup.go).
	s.mux.HandleFunc("GET /gsi/client", s.handleGSIClient)
	s.mux.HandleFunc("GET /o/oauth2/v2/auth", s.handleAuth)
	s.mux.HandleFunc("POST /o/oauth2/v2/auth", s.handleAuthPost)

	// The API client library for JavaScript and its discovery documents
	// (package gapi).
	s.mux.HandleFunc("GET /js/api.js", s.gapi.APIJS)
	s.mux.HandleFunc("GET /discovery/v1/apis/{api}/{version}/rest", s.gapi.Directory)
	s.mux.HandleFunc("GET /$discovery/rest", s.gapi.DocsDiscovery)

	// Token endpoints a backend uses (tokeninfo.go).
	s.mux.HandleFunc("GET /tokeninfo", s.handleTokenInfo)
	s.mux.HandleFunc("POST /tokeninfo", s.handleTokenInfo)
	s.mux.HandleFunc("POST /revoke", s.handleRevoke)
	s.mux.HandleFunc("GET /oauth2/v2/tokeninfo", s.handleTokenInfoV2)
	s.mux.HandleFunc("POST /oauth2/v2/tokeninfo", s.handleTokenInfoV2)

	// Data APIs (packages calendar, docs, picker).
	s.mux.HandleFunc("GET /calendar/v3/calendars/{calendarId}/events", s.inWorld(func(wd *world) http.HandlerFunc { return wd.calendar.Events }))
	s.mux.HandleFunc("GET /v1/documents/{documentId}", s.docs.Get)
	s.mux.HandleFunc("POST /v1/sessions", s.inWorld(func(wd *world) http.HandlerFunc { return wd.picker.Create }))
	s.mux.HandleFunc("GET /v1/sessions/{sessionId}", s.inWorld(func(wd *world) http.HandlerFunc { return wd.picker.Get }))
	s.mux.HandleFunc("DELETE /v1/sessions/{sessionId}", s.inWorld(func(wd *world) http.HandlerFunc { return wd.picker.Delete }))
	// One path, two APIs: with sessionId it is the Picker's list, without it
	// the retired Library API, to show why its old scope no longer works.
	s.mux.HandleFunc("GET /v1/mediaItems", s.inWorld(func(wd *world) http.HandlerFunc { return wd.picker.MediaItems }))
	s.mux.HandleFunc("GET /picker/{sessionId}", s.inWorld(func(wd *world) http.HandlerFunc { return wd.picker.Page }))
	s.mux.HandleFunc("POST /picker/{sessionId}", s.inWorld(func(wd *world) http.HandlerFunc { return wd.picker.Done }))
	s.mux.HandleFunc("GET /picker/{sessionId}/autoclose", s.inWorld(func(wd *world) http.HandlerFunc { return wd.picker.Page }))
	s.mux.HandleFunc("POST /picker/{sessionId}/autoclose", s.inWorld(func(wd *world) http.HandlerFunc { return wd.picker.Done }))
	s.mux.HandleFunc("GET /picker/{sessionId}/thumb/{itemId}", s.inWorld(func(wd *world) http.HandlerFunc { return wd.picker.Thumb })) // the page's grid; no token
	s.mux.HandleFunc("GET /media/{mediaRef}", s.inWorld(func(wd *world) http.HandlerFunc { return wd.picker.Media }))

	// Test control, outside Google's paths (control_http.go).
	s.mux.HandleFunc("GET /_emu/{$}", s.handleControlPage)
	s.mux.HandleFunc("GET /_emu/state", s.handleState)
	s.mux.HandleFunc("GET /_emu/log", s.handleCallLog) // calllog.go
	s.mux.HandleFunc("GET /_emu/about", s.handleAbout) // popup.go: the popup footer's Help, Privacy, Terms
	s.mux.HandleFunc("GET /_emu/issued", s.handleIssued)
	s.mux.HandleFunc("POST /_emu/reset", s.handleReset)
	s.mux.HandleFunc("GET /_emu/clock", s.handleClockNow)
	s.mux.HandleFunc("POST /_emu/clock", s.handleClock)
	s.mux.HandleFunc("POST /_emu/faults", s.handleFaults)
	s.mux.HandleFunc("POST /_emu/tokens", s.handleMintToken)
	s.mux.HandleFunc("POST /_emu/options", s.handleOptions)
	s.mux.HandleFunc("POST /_emu/worlds", s.handleNewWorld) // world.go
	s.mux.HandleFunc("DELETE /_emu/worlds/{world}", s.handleDeleteWorld)
}

// inWorld serves a request with the handler of the request's world.
func (s *Server) inWorld(h func(*world) http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { h(s.worldOf(r.Context()))(w, r) }
}
