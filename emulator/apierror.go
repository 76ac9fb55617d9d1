package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// apiError is the error envelope every Google API answers a failure with.
type apiError struct {
	Code    int              `json:"code"`
	Message string           `json:"message"`
	Status  string           `json:"status"`
	Errors  []apiErrorItem   `json:"errors,omitempty"`  // Calendar only
	Details []map[string]any `json:"details,omitempty"` // Docs, Picker
}

type apiErrorItem struct {
	Message      string `json:"message"`
	Domain       string `json:"domain"`
	Reason       string `json:"reason"`
	Location     string `json:"location,omitempty"`     // e.g. "orderBy"
	LocationType string `json:"locationType,omitempty"` // e.g. "parameter"
}

// api names the Google API a request belongs to; the envelopes differ a little.
type api struct {
	Name      string // "calendar", "docs", "photospicker", "photoslibrary"
	Service   string // e.g. "calendar-json.googleapis.com", used in details metadata
	LegacyErr bool   // fill errors[] as Calendar does
}

var (
	apiCalendar = api{Name: "calendar", Service: "calendar-json.googleapis.com", LegacyErr: true}
	apiDocs     = api{Name: "docs", Service: "docs.googleapis.com"}
	apiPicker   = api{Name: "photospicker", Service: "photospicker.googleapis.com"}
	apiLibrary  = api{Name: "photoslibrary", Service: "photoslibrary.googleapis.com"}
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// writeAPIError writes Google's envelope. reason, when set, goes into
// details (ErrorInfo) and, for Calendar, errors[].
func writeAPIError(w http.ResponseWriter, a api, code int, status, message, reason string) {
	writeJSON(w, code, map[string]apiError{"error": newAPIError(a, code, status, message, reason)})
}

// writeAPIErrorItem is writeAPIError with Calendar's errors[] entry spelled
// out, for errors whose entry names a reason or a parameter of its own
// (Calendar's 400s: reason "invalid", location "orderBy"). Empty fields of
// item take the defaults writeAPIError would use.
func writeAPIErrorItem(w http.ResponseWriter, a api, code int, status, message, reason string, item apiErrorItem) {
	e := newAPIError(a, code, status, message, reason)
	if item.Message == "" {
		item.Message = message
	}
	if item.Domain == "" {
		item.Domain = "global"
	}
	if item.Reason == "" && len(e.Errors) > 0 {
		item.Reason = e.Errors[0].Reason
	}
	e.Errors = []apiErrorItem{item}
	writeJSON(w, code, map[string]apiError{"error": e})
}

func newAPIError(a api, code int, status, message, reason string) apiError {
	e := apiError{Code: code, Message: message, Status: status}
	if reason != "" {
		e.Details = []map[string]any{{
			"@type":    "type.googleapis.com/google.rpc.ErrorInfo",
			"reason":   reason,
			"domain":   "googleapis.com",
			"metadata": map[string]string{"service": a.Service},
		}}
	}
	if a.LegacyErr {
		legacy := map[string]string{
			"UNAUTHENTICATED":    "authError",
			"PERMISSION_DENIED":  "insufficientPermissions",
			"NOT_FOUND":          "notFound",
			"INVALID_ARGUMENT":   "invalid",
			"RESOURCE_EXHAUSTED": "rateLimitExceeded",
		}[status]
		switch {
		case reason == "SERVICE_DISABLED":
			legacy = "accessNotConfigured"
		case legacy == "":
			legacy = "backendError"
		}
		e.Errors = []apiErrorItem{{Message: message, Domain: "global", Reason: legacy}}
	}
	return e
}

const (
	msgUnauthenticated = "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."
	msgInvalidToken    = "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."
	msgInsufficient    = "Request had insufficient authentication scopes."
	realm              = `Bearer realm="https://accounts.google.com/"`
)

// bearerToken extracts the token from "Authorization: Bearer …".
func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, value, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(value) == "" {
		return "", false
	}
	return strings.TrimSpace(value), true
}

// authorize checks the bearer token of an API call and that it carries one
// of the accepted scopes (the first is the one named in the 403 header).
// On failure it has written Google's 401 or 403 and returns false.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, a api, accepted ...string) (token, bool) {
	value, ok := bearerToken(r)
	if !ok {
		w.Header().Set("WWW-Authenticate", realm)
		writeAPIError(w, a, http.StatusUnauthorized, "UNAUTHENTICATED", msgUnauthenticated, "CREDENTIALS_MISSING")
		return token{}, false
	}
	t, st := s.lookupToken(value)
	if st != tokenValid {
		w.Header().Set("WWW-Authenticate", realm+`, error="invalid_token"`)
		writeAPIError(w, a, http.StatusUnauthorized, "UNAUTHENTICATED", msgInvalidToken, "ACCESS_TOKEN_EXPIRED")
		return token{}, false
	}
	if !hasScope(t.Scopes, accepted...) {
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="%s"`, strings.Join(accepted, " ")))
		writeAPIError(w, a, http.StatusForbidden, "PERMISSION_DENIED", msgInsufficient, "ACCESS_TOKEN_SCOPE_INSUFFICIENT")
		return token{}, false
	}
	return t, true
}
