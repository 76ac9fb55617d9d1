// Package googleapi is what every emulated Google API shares: the error
// envelope, the bearer-token check, and Google's JSON spellings of times and
// durations.
package googleapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Error is the error envelope every Google API answers a failure with.
type Error struct {
	Code    int              `json:"code"`
	Message string           `json:"message"`
	Status  string           `json:"status"`
	Errors  []ErrorItem      `json:"errors,omitempty"`  // Calendar only
	Details []map[string]any `json:"details,omitempty"` // Docs, Picker
}

type ErrorItem struct {
	Message      string `json:"message"`
	Domain       string `json:"domain"`
	Reason       string `json:"reason"`
	Location     string `json:"location,omitempty"`     // e.g. "orderBy"
	LocationType string `json:"locationType,omitempty"` // e.g. "parameter"
}

// API names the Google API a request belongs to; the envelopes differ a little.
type API struct {
	Name      string // "calendar", "docs", "photospicker", "photoslibrary"
	Service   string // e.g. "calendar-json.googleapis.com", used in details metadata
	LegacyErr bool   // fill errors[] as Calendar does
	// Method is ErrorInfo's metadata.method, when known: Calendar's one
	// emulated method is calendar.v3.Events.List (GeneralTask/task-manager#2160).
	// Docs' method name in real payloads is not established, so it is left out.
	Method string
}

var (
	Calendar = API{Name: "calendar", Service: "calendar-json.googleapis.com", LegacyErr: true, Method: "calendar.v3.Events.List"}
	Docs     = API{Name: "docs", Service: "docs.googleapis.com"}
	Picker   = API{Name: "photospicker", Service: "photospicker.googleapis.com"}
	Library  = API{Name: "photoslibrary", Service: "photoslibrary.googleapis.com"}
)

func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// WriteError writes Google's envelope. reason, when set, goes into
// details (ErrorInfo) and, for Calendar, errors[].
func WriteError(w http.ResponseWriter, a API, code int, status, message, reason string) {
	WriteJSON(w, code, map[string]Error{"error": NewError(a, code, status, message, reason)})
}

// WriteErrorItem is WriteError with Calendar's errors[] entry spelled
// out, for errors whose entry names a reason or a parameter of its own
// (Calendar's 400s: reason "invalid", location "orderBy"). Empty fields of
// item take the defaults WriteError would use.
func WriteErrorItem(w http.ResponseWriter, a API, code int, status, message, reason string, item ErrorItem) {
	e := NewError(a, code, status, message, reason)
	if item.Message == "" {
		item.Message = message
	}
	if item.Domain == "" {
		item.Domain = "global"
	}
	if item.Reason == "" && len(e.Errors) > 0 {
		item.Reason = e.Errors[0].Reason
	}
	e.Errors = []ErrorItem{item}
	WriteJSON(w, code, map[string]Error{"error": e})
}

func NewError(a API, code int, status, message, reason string) Error {
	e := Error{Code: code, Message: message, Status: status}
	if reason != "" {
		e.Details = []map[string]any{{
			"@type":    "type.googleapis.com/google.rpc.ErrorInfo",
			"reason":   reason,
			"domain":   "googleapis.com",
			"metadata": map[string]string{"service": a.Service},
		}}
		if a.Method != "" {
			e.Details[0]["metadata"].(map[string]string)["method"] = a.Method
		}
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
		e.Errors = []ErrorItem{{Message: message, Domain: "global", Reason: legacy}}
		if item, ok := legacyAuthItems[reason]; ok {
			e.Errors = []ErrorItem{item}
		}
	}
	return e
}

// legacyAuthItems are Calendar's errors[] entries for the bearer check's
// failures, keyed by the ErrorInfo reason Authorize gives. Real payloads:
// spatie/laravel-google-calendar#184 (no credentials), rubenCodeforges/ng-gapi#79
// (bad token), GeneralTask/task-manager#2160 (scope).
var legacyAuthItems = map[string]ErrorItem{
	"CREDENTIALS_MISSING": {Message: "Login Required.", Domain: "global", Reason: "required",
		Location: "Authorization", LocationType: "header"},
	"ACCESS_TOKEN_EXPIRED": {Message: "Invalid Credentials", Domain: "global", Reason: "authError",
		Location: "Authorization", LocationType: "header"},
	"ACCESS_TOKEN_SCOPE_INSUFFICIENT": {Message: "Insufficient Permission", Domain: "global", Reason: "insufficientPermissions"},
}

const (
	MsgUnauthenticated = "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."
	MsgInvalidToken    = "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."
	MsgInsufficient    = "Request had insufficient authentication scopes."
	Realm              = `Bearer realm="https://accounts.google.com/"`
)

// BearerToken extracts the token from "Authorization: Bearer …".
func BearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, value, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(value) == "" {
		return "", false
	}
	return strings.TrimSpace(value), true
}

// Bearer is what an access token stands for.
type Bearer struct {
	Account  string // email
	ClientID string
	Scopes   []string
}

// Tokens finds the grant behind a token value: ok only while it is usable
// (known, neither expired nor revoked).
type Tokens interface {
	Bearer(value string) (Bearer, bool)
}

// Authorize checks the bearer token of an API call and that it carries one
// of the accepted scopes (the first is the one named in the 403 header).
// On failure it has written Google's 401 or 403 and returns false.
func Authorize(w http.ResponseWriter, r *http.Request, tokens Tokens, a API, accepted ...string) (Bearer, bool) {
	if !CheckKey(w, r, a) {
		return Bearer{}, false
	}
	value, ok := BearerToken(r)
	if !ok {
		w.Header().Set("WWW-Authenticate", Realm)
		WriteError(w, a, http.StatusUnauthorized, "UNAUTHENTICATED", MsgUnauthenticated, "CREDENTIALS_MISSING")
		return Bearer{}, false
	}
	t, ok := tokens.Bearer(value)
	if !ok {
		w.Header().Set("WWW-Authenticate", Realm+`, error="invalid_token"`)
		WriteError(w, a, http.StatusUnauthorized, "UNAUTHENTICATED", MsgInvalidToken, "ACCESS_TOKEN_EXPIRED")
		return Bearer{}, false
	}
	if !HasScope(t.Scopes, accepted...) {
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="%s"`, strings.Join(accepted, " ")))
		WriteError(w, a, http.StatusForbidden, "PERMISSION_DENIED", MsgInsufficient, "ACCESS_TOKEN_SCOPE_INSUFFICIENT")
		return Bearer{}, false
	}
	return t, true
}

// MsgKeyInvalid is Google's message for an API key it does not know.
const MsgKeyInvalid = "API key not valid. Please pass a valid API key."

// APIKey is the API key a call carries, as Google reads it: the key query
// parameter, else the X-Goog-Api-Key header. ok is false when there is none.
func APIKey(r *http.Request) (key string, ok bool) {
	if q := r.URL.Query(); q.Has("key") {
		return q.Get("key"), true
	}
	if h := r.Header.Get("X-Goog-Api-Key"); h != "" {
		return h, true
	}
	return "", false
}

// ValidKeyShape reports whether key looks like a Google API key: "AIza"
// and 35 more characters of the URL-safe base64 alphabet (39 in all). The
// emulator registers no keys, so every key of that shape is one it knows.
func ValidKeyShape(key string) bool {
	if len(key) != 39 || !strings.HasPrefix(key, "AIza") {
		return false
	}
	for _, c := range key[4:] {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
		default:
			return false
		}
	}
	return true
}

// CheckKey accepts a call without an API key, or with one of a key's shape;
// any other key gets Google's 400 API_KEY_INVALID, before the token is
// looked at (a key and a token may travel together, as gapi.client sends
// them). It reports whether the call may go on.
func CheckKey(w http.ResponseWriter, r *http.Request, a API) bool {
	key, ok := APIKey(r)
	if !ok || ValidKeyShape(key) {
		return true
	}
	e := NewError(a, http.StatusBadRequest, "INVALID_ARGUMENT", MsgKeyInvalid, "API_KEY_INVALID")
	e.Details = append(e.Details, map[string]any{
		"@type":  "type.googleapis.com/google.rpc.LocalizedMessage",
		"locale": "en-US", "message": MsgKeyInvalid,
	})
	if a.LegacyErr {
		e.Errors = []ErrorItem{{Message: MsgKeyInvalid, Domain: "global", Reason: "badRequest"}}
	}
	WriteJSON(w, http.StatusBadRequest, map[string]Error{"error": e})
	return false
}

// HasScope reports whether any of accepted is among scopes.
func HasScope(scopes []string, accepted ...string) bool {
	for _, a := range accepted {
		if slices.Contains(scopes, a) {
			return true
		}
	}
	return false
}

// ProtoTime is a google.protobuf.Timestamp in JSON: UTC, "Z", and 0,
// 3, 6 or 9 fractional digits (the Picker API's createTime, expireTime).
func ProtoTime(t time.Time) string {
	t = t.UTC()
	ns := t.Nanosecond()
	switch {
	case ns == 0:
		return t.Format("2006-01-02T15:04:05Z")
	case ns%1_000_000 == 0:
		return t.Format("2006-01-02T15:04:05.000Z")
	case ns%1_000 == 0:
		return t.Format("2006-01-02T15:04:05.000000Z")
	}
	return t.Format("2006-01-02T15:04:05.000000000Z")
}

// ProtoDuration is a google.protobuf.Duration in JSON: seconds with 0,
// 3, 6 or 9 fractional digits and an "s" ("5s", "0.500s", "1799s").
func ProtoDuration(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	secs := int64(d / time.Second)
	ns := int64(d % time.Second)
	var frac string
	switch {
	case ns == 0:
	case ns%1_000_000 == 0:
		frac = "." + leftPad(ns/1_000_000, 3)
	case ns%1_000 == 0:
		frac = "." + leftPad(ns/1_000, 6)
	default:
		frac = "." + leftPad(ns, 9)
	}
	return sign + strconv.FormatInt(secs, 10) + frac + "s"
}

func leftPad(v int64, width int) string {
	s := strconv.FormatInt(v, 10)
	return strings.Repeat("0", width-len(s)) + s
}
