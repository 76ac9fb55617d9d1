package emulator

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
	s.mux.HandleFunc("GET /oauth2/v2/tokeninfo", s.handleTokenInfoV2) // tokeninfo_v2.go
	s.mux.HandleFunc("POST /oauth2/v2/tokeninfo", s.handleTokenInfoV2)

	// Data APIs (packages calendar, docs, picker).
	s.mux.HandleFunc("GET /calendar/v3/calendars/{calendarId}/events", s.calendar.Events)
	s.mux.HandleFunc("GET /v1/documents/{documentId}", s.docs.Get)
	s.mux.HandleFunc("POST /v1/sessions", s.picker.Create)
	s.mux.HandleFunc("GET /v1/sessions/{sessionId}", s.picker.Get)
	s.mux.HandleFunc("DELETE /v1/sessions/{sessionId}", s.picker.Delete)
	// One path, two APIs: with sessionId it is the Picker's list, without it
	// the retired Library API, to show why its old scope no longer works.
	s.mux.HandleFunc("GET /v1/mediaItems", s.picker.MediaItems)
	s.mux.HandleFunc("GET /picker/{sessionId}", s.picker.Page)
	s.mux.HandleFunc("POST /picker/{sessionId}", s.picker.Done)
	s.mux.HandleFunc("GET /picker/{sessionId}/autoclose", s.picker.Page)
	s.mux.HandleFunc("POST /picker/{sessionId}/autoclose", s.picker.Done)
	s.mux.HandleFunc("GET /picker/{sessionId}/thumb/{itemId}", s.picker.Thumb) // the page's grid; no token
	s.mux.HandleFunc("GET /media/{mediaRef}", s.picker.Media)

	// Test control, outside Google's paths (control_http.go).
	s.mux.HandleFunc("GET /_emu/{$}", s.handleControlPage)
	s.mux.HandleFunc("GET /_emu/state", s.handleState)
	s.mux.HandleFunc("GET /_emu/issued", s.handleIssued)
	s.mux.HandleFunc("POST /_emu/reset", s.handleReset)
	s.mux.HandleFunc("POST /_emu/clock", s.handleClock)
	s.mux.HandleFunc("POST /_emu/faults", s.handleFaults)
	s.mux.HandleFunc("POST /_emu/tokens", s.handleMintToken)
}
