// Package authrequest is the consent popup's protocol without its pages:
// the authorization request GIS opens /o/oauth2/v2/auth with, validated in
// the order Google reports problems; the error page a bad one gets; what the
// consent screen asks for (the consent plan); the hidden fields the popup's
// forms carry the request back in; and the answer the popup posts to the
// page. The emulator's popup handlers (package emulator, popup.go) use it.
package authrequest

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/scopewise/scopewise/emulator/internal/scope"
)

// ParamNames are the query parameters GIS sends. The popup's forms carry
// them back unchanged.
var ParamNames = []string{
	"gsiwebsdk", "client_id", "scope", "redirect_uri", "prompt", "login_hint", "state", "hd",
	"response_type", "include_granted_scopes", "enable_granular_consent", "enable_serial_consent",
}

// Limits of a request: a parameter's length, and the scopes it may ask for.
const (
	MaxParamLen = 4096
	maxScopes   = 50
)

// Request is a validated popup request.
type Request struct {
	Params         url.Values // the known parameters as sent, for the forms' hidden fields
	ClientID       string     // a registered client's
	Scopes         []string   // requested, sorted, de-duplicated
	OpenerOrigin   string     // from redirect_uri: the only origin the answer is posted to
	RelayID        string     // from redirect_uri: GIS matches the answer by it
	ResponseType   string     // "token", or "code" for the code client
	Prompt         Prompt
	LoginHint      string
	State          string
	HD             string
	IncludeGranted bool
}

// Prompt is the prompt parameter's values.
type Prompt struct{ None, Consent, SelectAccount bool }

// Error is an error page like Google's. It stays in the popup: with a bad
// client or origin there is nobody safe to send an answer to.
type Error struct {
	Status  int
	Title   string // e.g. "Access blocked: Authorization Error"
	Code    string // e.g. "Error 401: invalid_client"
	Message string
	Details []string // "Request details" lines
}

// InvalidRequest is Google's "Error 400: invalid_request" page.
func InvalidRequest(message string) *Error {
	return authError(http.StatusBadRequest, "invalid_request", message)
}

// authError is Google's "Access blocked: Authorization Error" page for an
// error code; details are its "Request details" lines.
func authError(status int, code, message string, details ...string) *Error {
	return &Error{
		Status:  status,
		Title:   "Access blocked: Authorization Error",
		Code:    fmt.Sprintf("Error %d: %s", status, code),
		Message: message,
		Details: details,
	}
}

// ClientLookup finds a registered client by ID: its Authorized JavaScript
// origins and whether Google deleted it.
type ClientLookup func(id string) (origins []string, deleted, found bool)

var relayIDPattern = regexp.MustCompile(`^auth[0-9]{1,20}$`)

// Parse validates the popup's parameters in the order Google reports
// problems: client, then redirect, then the rest.
func Parse(v url.Values, client ClientLookup) (Request, *Error) {
	req := Request{Params: url.Values{}}
	for _, name := range ParamNames {
		values := v[name]
		switch {
		case len(values) == 0:
			continue
		case len(values) > 1:
			return req, InvalidRequest("Duplicate parameter: " + name)
		case len(values[0]) > MaxParamLen:
			return req, InvalidRequest("Parameter too long: " + name)
		case !utf8.ValidString(values[0]):
			return req, InvalidRequest("Parameter is not valid UTF-8: " + name)
		}
		req.Params.Set(name, values[0])
	}
	get := req.Params.Get

	clientID := get("client_id")
	if clientID == "" {
		return req, InvalidRequest("Missing required parameter: client_id")
	}
	origins, deleted, ok := client(clientID)
	if !ok {
		e := authError(http.StatusBadRequest, "invalid_client", "The OAuth client was not found.", "client_id: "+clientID)
		e.Code = "Error 401: invalid_client" // Google's page says 401 on a 400 answer
		return req, e
	}
	if deleted {
		return req, authError(http.StatusUnauthorized, "deleted_client", "The OAuth client was deleted.", "client_id: "+clientID)
	}
	req.ClientID = clientID

	redirect := get("redirect_uri")
	if redirect == "" {
		return req, InvalidRequest("Missing required parameter: redirect_uri")
	}
	origin, relayID, ok := ParseStorageRelay(redirect)
	if !ok {
		return req, &Error{
			Status: http.StatusBadRequest,
			Title:  "Access blocked: This app's request is invalid",
			Code:   "Error 400: redirect_uri_mismatch",
			Message: "You can't sign in because this app sent an invalid request. " +
				"The token client's redirect_uri must be storagerelay://<scheme>/<host[:port]>?id=auth<digits>.",
			Details: []string{"redirect_uri: " + redirect},
		}
	}
	if !slices.Contains(origins, origin) {
		return req, authError(http.StatusBadRequest, "origin_mismatch",
			"You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. "+
				"If you're the app developer, register the JavaScript origin in the Google Cloud Console.",
			"origin: "+origin, "client_id: "+clientID)
	}
	req.OpenerOrigin, req.RelayID = origin, relayID

	switch rt := get("response_type"); rt {
	case "token", "code":
		req.ResponseType = rt
	case "":
		return req, InvalidRequest("Missing required parameter: response_type")
	default:
		e := InvalidRequest("Invalid response_type: " + rt + ". The token client sends token; the code client sends code.")
		e.Code = "Error 400: unsupported_response_type"
		return req, e
	}

	scopes := get("scope")
	if strings.TrimSpace(scopes) == "" {
		return req, InvalidRequest("Missing required parameter: scope")
	}
	req.Scopes = scope.Normalize(strings.Fields(scopes))
	var invalid []string
	for _, sc := range req.Scopes {
		if !scope.Valid(sc) {
			invalid = append(invalid, sc)
		}
	}
	if len(invalid) > 0 || len(req.Scopes) > maxScopes {
		return req, authError(http.StatusBadRequest, "invalid_scope",
			fmt.Sprintf("Some requested scopes were invalid (at most %d scopes of printable ASCII).", maxScopes),
			"invalid: "+strings.Join(invalid, " "))
	}

	prompt, err := parsePrompt(get("prompt"))
	if err != nil {
		return req, InvalidRequest(err.Error())
	}
	req.Prompt = prompt

	switch get("include_granted_scopes") {
	case "", "true":
		req.IncludeGranted = true // GIS's default
	case "false":
	default:
		return req, InvalidRequest("Invalid parameter value for include_granted_scopes: " + get("include_granted_scopes"))
	}
	req.LoginHint, req.State, req.HD = get("login_hint"), get("state"), get("hd")
	return req, nil
}

// ParseStorageRelay reads storagerelay://<scheme>/<host[:port]>?id=auth<digits>,
// the redirect_uri GIS builds from the page's origin.
func ParseStorageRelay(raw string) (origin, relayID string, ok bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "storagerelay" || (u.Host != "http" && u.Host != "https") ||
		u.User != nil || u.Fragment != "" {
		return "", "", false
	}
	hostport := strings.TrimPrefix(u.Path, "/")
	page, err := url.Parse(u.Host + "://" + hostport)
	if err != nil || hostport == "" || page.Host != hostport || page.Path != "" || page.User != nil || page.RawQuery != "" {
		return "", "", false
	}
	q := u.Query()
	if len(q["id"]) != 1 || !relayIDPattern.MatchString(q.Get("id")) {
		return "", "", false
	}
	return u.Host + "://" + strings.ToLower(hostport), q.Get("id"), true
}

func parsePrompt(raw string) (Prompt, error) {
	var p Prompt
	values := strings.Fields(raw)
	for _, v := range values {
		switch v {
		case "none":
			p.None = true
		case "consent":
			p.Consent = true
		case "select_account":
			p.SelectAccount = true
		default:
			//lint:ignore ST1005 Google's wording, shown verbatim on the error page
			return p, fmt.Errorf("Invalid parameter value for prompt: Invalid prompt: %s", v)
		}
	}
	if p.None && len(values) > 1 {
		//lint:ignore ST1005 Google's wording, shown verbatim on the error page
		return p, fmt.Errorf("Invalid parameter value for prompt: Invalid prompt: %s (none cannot be combined)", raw)
	}
	return p, nil
}

// ConsentPlan is what a consent screen asks for.
type ConsentPlan struct {
	SignIn  []string // sign-in scopes, consented as one bundle
	Asked   []string // other scopes to consent to
	Already []string // requested scopes granted earlier: not asked again
}

// Needed reports whether there is anything to consent to.
func (p ConsentPlan) Needed() bool { return len(p.SignIn)+len(p.Asked) > 0 }

// Checkboxes: one per scope only when two or more non-sign-in scopes are
// asked, as Google's consent screen does.
func (p ConsentPlan) Checkboxes() bool { return len(p.Asked) >= 2 }

// PlanConsent splits the request into what to ask and what is already
// granted; prompt=consent asks for everything again.
func PlanConsent(req Request, granted []string) ConsentPlan {
	var p ConsentPlan
	for _, sc := range req.Scopes {
		switch {
		case !req.Prompt.Consent && slices.Contains(granted, sc):
			p.Already = append(p.Already, sc)
		case scope.IsSignIn(sc):
			p.SignIn = append(p.SignIn, sc)
		default:
			p.Asked = append(p.Asked, sc)
		}
	}
	return p
}

// Field is one original request parameter carried by a popup form.
type Field struct{ Name, Value string }

// HiddenFields are the request's parameters as a form's hidden fields,
// followed by extra.
func (req Request) HiddenFields(extra ...Field) []Field {
	var out []Field
	for _, name := range ParamNames {
		if v, ok := req.Params[name]; ok {
			out = append(out, Field{name, v[0]})
		}
	}
	return append(out, extra...)
}

// Response is what the app's callback receives: a TokenResponse, a
// CodeResponse, or an OAuth error.
type Response struct {
	AccessToken      string `json:"access_token,omitempty"`
	Code             string `json:"code,omitempty"`
	TokenType        string `json:"token_type,omitempty"`
	ExpiresIn        int    `json:"expires_in,omitempty"`
	Scope            string `json:"scope,omitempty"`
	AuthUser         string `json:"authuser,omitempty"`
	Prompt           string `json:"prompt,omitempty"`
	HD               string `json:"hd,omitempty"`
	Error            string `json:"error,omitempty"`
	ErrorDescription string `json:"error_description,omitempty"`
	State            string `json:"state,omitempty"`
}

// RelayMessage is posted to the opener; gsi.js accepts it only from the
// emulator's origin and with its request's relay id.
type RelayMessage struct {
	Source   string   `json:"source"` // always RelaySource
	ID       string   `json:"id"`     // the relay id from redirect_uri
	Response Response `json:"response"`
	// Error, when set, goes to the app's error_callback instead of a
	// response to its callback: the popup that should not have opened.
	Error *PopupError `json:"error,omitempty"`
}

// PopupError is what GIS hands error_callback: {type, message}.
type PopupError struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}

// NoActivationParam is what the GIS shim adds to the popup's URL when the
// page had no transient user activation as it opened the popup (gsi.js).
// It is not one of Google's: the popup reads it for strict popup gestures
// (WorldOptions) alone.
const NoActivationParam = "emu_no_user_activation"

// RelaySource marks the emulator's messages to the opener.
const RelaySource = "scopewise-emulator"

// Envelope is the result page's JSON: the message and the one origin it may
// be posted to.
type Envelope struct {
	TargetOrigin string       `json:"targetOrigin"`
	Message      RelayMessage `json:"message"`
}

// Envelope wraps the answer to req for the opener.
func (req Request) Envelope(resp Response) Envelope {
	return Envelope{
		TargetOrigin: req.OpenerOrigin,
		Message:      RelayMessage{Source: RelaySource, ID: req.RelayID, Response: resp},
	}
}

// NewAuthCode is an authorization code shaped like Google's. The emulator
// has no token endpoint, so nothing can redeem it.
func NewAuthCode() string {
	b := make([]byte, 48)
	rand.Read(b)
	return "4/0A" + base64.RawURLEncoding.EncodeToString(b)
}
