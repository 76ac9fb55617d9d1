package emulator

// The consent popup, /o/oauth2/v2/auth: account chooser, consent screen, and
// the page that hands the answer to the opener (FIDELITY.md).
// Forms post back here with the original query as hidden fields, and every
// POST is validated again from scratch.

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/a-h/templ"
	"github.com/scopewise/scopewise/emulator/internal/page"
)

// authParamNames are the query parameters GIS sends. The
// popup's forms carry them back unchanged.
var authParamNames = []string{
	"gsiwebsdk", "client_id", "scope", "redirect_uri", "prompt", "login_hint", "state", "hd",
	"response_type", "include_granted_scopes", "enable_granular_consent", "enable_serial_consent",
}

const (
	maxAuthParamLen = 4096
	maxScopes       = 50
	signInCookie    = "EMU_SID" // like being signed in to Google, for the emulator's origin
)

// authRequest is a validated popup request.
type authRequest struct {
	params         url.Values // the known parameters as sent, for the forms' hidden fields
	client         Client
	scopes         []string // requested, sorted, de-duplicated
	openerOrigin   string   // from redirect_uri: the only origin the answer is posted to
	relayID        string   // from redirect_uri: GIS matches the answer by it
	responseType   string   // "token", or "code" for the code client
	prompt         promptSet
	loginHint      string
	state          string
	hd             string
	includeGranted bool
}

type promptSet struct{ none, consent, selectAccount bool }

// authError is an error page like Google's. It stays in the popup: with a
// bad client or origin there is nobody safe to send an answer to.
type authError struct {
	Status  int
	Title   string // e.g. "Access blocked: Authorization Error"
	Code    string // e.g. "Error 401: invalid_client"
	Message string
	Details []string // "Request details" lines
}

func invalidRequest(message string) *authError {
	return &authError{
		Status:  http.StatusBadRequest,
		Title:   "Access blocked: Authorization Error",
		Code:    "Error 400: invalid_request",
		Message: message,
	}
}

var relayIDPattern = regexp.MustCompile(`^auth[0-9]{1,20}$`)

// parseAuthRequest validates the popup's parameters in the order Google
// reports problems: client, then redirect, then the rest.
func (s *Server) parseAuthRequest(v url.Values) (authRequest, *authError) {
	req := authRequest{params: url.Values{}}
	for _, name := range authParamNames {
		values := v[name]
		switch {
		case len(values) == 0:
			continue
		case len(values) > 1:
			return req, invalidRequest("Duplicate parameter: " + name)
		case len(values[0]) > maxAuthParamLen:
			return req, invalidRequest("Parameter too long: " + name)
		case !utf8.ValidString(values[0]):
			return req, invalidRequest("Parameter is not valid UTF-8: " + name)
		}
		req.params.Set(name, values[0])
	}
	get := req.params.Get

	clientID := get("client_id")
	if clientID == "" {
		return req, invalidRequest("Missing required parameter: client_id")
	}
	client, ok := s.client(clientID)
	if !ok {
		return req, &authError{
			Status:  http.StatusBadRequest,
			Title:   "Access blocked: Authorization Error",
			Code:    "Error 401: invalid_client",
			Message: "The OAuth client was not found.",
			Details: []string{"client_id: " + clientID},
		}
	}
	if client.Deleted {
		return req, &authError{
			Status:  http.StatusUnauthorized,
			Title:   "Access blocked: Authorization Error",
			Code:    "Error 401: deleted_client",
			Message: "The OAuth client was deleted.",
			Details: []string{"client_id: " + clientID},
		}
	}
	req.client = client

	redirect := get("redirect_uri")
	if redirect == "" {
		return req, invalidRequest("Missing required parameter: redirect_uri")
	}
	origin, relayID, ok := parseStorageRelay(redirect)
	if !ok {
		return req, &authError{
			Status: http.StatusBadRequest,
			Title:  "Access blocked: This app's request is invalid",
			Code:   "Error 400: redirect_uri_mismatch",
			Message: "You can't sign in because this app sent an invalid request. " +
				"The token client's redirect_uri must be storagerelay://<scheme>/<host[:port]>?id=auth<digits>.",
			Details: []string{"redirect_uri: " + redirect},
		}
	}
	if !slices.Contains(client.Origins, origin) {
		return req, &authError{
			Status: http.StatusBadRequest,
			Title:  "Access blocked: Authorization Error",
			Code:   "Error 400: origin_mismatch",
			Message: "You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. " +
				"If you're the app developer, register the JavaScript origin in the Google Cloud Console.",
			Details: []string{"origin: " + origin, "client_id: " + clientID},
		}
	}
	req.openerOrigin, req.relayID = origin, relayID

	switch rt := get("response_type"); rt {
	case "token", "code":
		req.responseType = rt
	case "":
		return req, invalidRequest("Missing required parameter: response_type")
	default:
		e := invalidRequest("Invalid response_type: " + rt + ". The token client sends token; the code client sends code.")
		e.Code = "Error 400: unsupported_response_type"
		return req, e
	}

	scope := get("scope")
	if strings.TrimSpace(scope) == "" {
		return req, invalidRequest("Missing required parameter: scope")
	}
	req.scopes = normalizeScopes(strings.Fields(scope))
	var invalid []string
	for _, sc := range req.scopes {
		if !validScopeToken(sc) {
			invalid = append(invalid, sc)
		}
	}
	if len(invalid) > 0 || len(req.scopes) > maxScopes {
		return req, &authError{
			Status:  http.StatusBadRequest,
			Title:   "Access blocked: Authorization Error",
			Code:    "Error 400: invalid_scope",
			Message: fmt.Sprintf("Some requested scopes were invalid (at most %d scopes of printable ASCII).", maxScopes),
			Details: []string{"invalid: " + strings.Join(invalid, " ")},
		}
	}

	prompt, err := parsePrompt(get("prompt"))
	if err != nil {
		return req, invalidRequest(err.Error())
	}
	req.prompt = prompt

	switch get("include_granted_scopes") {
	case "", "true":
		req.includeGranted = true // GIS's default
	case "false":
	default:
		return req, invalidRequest("Invalid parameter value for include_granted_scopes: " + get("include_granted_scopes"))
	}
	req.loginHint, req.state, req.hd = get("login_hint"), get("state"), get("hd")
	return req, nil
}

// parseStorageRelay reads storagerelay://<scheme>/<host[:port]>?id=auth<digits>,
// the redirect_uri GIS builds from the page's origin.
func parseStorageRelay(raw string) (origin, relayID string, ok bool) {
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

func parsePrompt(raw string) (promptSet, error) {
	var p promptSet
	values := strings.Fields(raw)
	for _, v := range values {
		switch v {
		case "none":
			p.none = true
		case "consent":
			p.consent = true
		case "select_account":
			p.selectAccount = true
		default:
			//lint:ignore ST1005 Google's wording, shown verbatim on the error page
			return p, fmt.Errorf("Invalid parameter value for prompt: Invalid prompt: %s", v)
		}
	}
	if p.none && len(values) > 1 {
		//lint:ignore ST1005 Google's wording, shown verbatim on the error page
		return p, fmt.Errorf("Invalid parameter value for prompt: Invalid prompt: %s (none cannot be combined)", raw)
	}
	return p, nil
}

// validScopeToken is RFC 6749's scope-token: printable ASCII but " and \.
func validScopeToken(sc string) bool {
	if sc == "" {
		return false
	}
	for i := 0; i < len(sc); i++ {
		if c := sc[i]; c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// signInScopes are consented as one bundle, never one checkbox each.
var signInScopes = []string{
	"openid", "email", "profile",
	"https://www.googleapis.com/auth/userinfo.email",
	"https://www.googleapis.com/auth/userinfo.profile",
}

func isSignInScope(sc string) bool { return slices.Contains(signInScopes, sc) }

// scopeDescriptions are the consent screen's words for the scopes Scopewise
// and its neighbours ask for; other scopes show as their own string.
var scopeDescriptions = map[string]string{
	"openid":  "Associate you with your personal info on Google",
	"email":   "See your primary Google Account email address",
	"profile": "See your personal info, including any personal info you've made publicly available",
	"https://www.googleapis.com/auth/userinfo.email":                   "See your primary Google Account email address",
	"https://www.googleapis.com/auth/userinfo.profile":                 "See your personal info, including any personal info you've made publicly available",
	"https://www.googleapis.com/auth/calendar.readonly":                "See and download any calendar you can access using your Google Calendar",
	"https://www.googleapis.com/auth/calendar":                         "See, edit, share, and permanently delete all the calendars you can access using Google Calendar",
	"https://www.googleapis.com/auth/calendar.events.readonly":         "View events on all your calendars",
	"https://www.googleapis.com/auth/documents.readonly":               "See all your Google Docs documents",
	"https://www.googleapis.com/auth/documents":                        "See, edit, create, and delete all your Google Docs documents",
	"https://www.googleapis.com/auth/drive.readonly":                   "See and download all your Google Drive files",
	"https://www.googleapis.com/auth/drive.file":                       "See, edit, create, and delete only the specific Google Drive files you use with this app",
	"https://www.googleapis.com/auth/photospicker.mediaitems.readonly": "View the photos and videos you select in Google Photos",
	"https://www.googleapis.com/auth/photoslibrary.readonly":           "View your Google Photos library",
}

// explainScope is a scope's icon and its "Learn more" text: what the app
// can do with it, in the emulator's words.
func explainScope(sc string) (icon, more string) {
	switch {
	case strings.Contains(sc, "/auth/calendar"):
		more = "The app can see the events of every calendar you can open: titles, times, places and guests."
		if !strings.HasSuffix(sc, ".readonly") {
			more = "The app can see, change and delete events on the calendars you can open."
		}
		return "calendar", more
	case strings.Contains(sc, "/auth/documents"):
		more = "The app can open and read any Google Docs document you can open, not only ones you pick."
		if !strings.HasSuffix(sc, ".readonly") {
			more = "The app can read, change, create and delete any Google Docs document you can open."
		}
		return "document", more
	case strings.Contains(sc, "/auth/photospicker"):
		return "photo", "The app sees only the photos and videos you pick in the Photos Picker, each time you pick them."
	case strings.Contains(sc, "/auth/photoslibrary"):
		return "photo", "The app could read your whole Photos library; Google retired this scope for new apps in 2025."
	case strings.Contains(sc, "/auth/drive"):
		return "drive", "The app can reach files in your Google Drive, as the scope's description says."
	}
	return "key", "The emulator has no more to say about this scope than its name."
}

func describeScope(sc string) string {
	if d, ok := scopeDescriptions[sc]; ok {
		return d
	}
	return sc
}

// describeScopes describes scopes once each (email and userinfo.email read
// the same).
func describeScopes(scopes []string) []string {
	var out []string
	for _, sc := range scopes {
		if d := describeScope(sc); !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

// consentPlan is what a consent screen asks for.
type consentPlan struct {
	signIn  []string // sign-in scopes, consented as one bundle
	asked   []string // other scopes to consent to
	already []string // requested scopes granted earlier: not asked again
}

func (p consentPlan) needed() bool { return len(p.signIn)+len(p.asked) > 0 }

// checkboxes: one per scope only when two or more non-sign-in scopes are
// asked, as Google's consent screen does.
func (p consentPlan) checkboxes() bool { return len(p.asked) >= 2 }

// planConsent splits the request into what to ask and what is already
// granted; prompt=consent asks for everything again.
func planConsent(req authRequest, granted []string) consentPlan {
	var p consentPlan
	for _, sc := range req.scopes {
		switch {
		case !req.prompt.consent && slices.Contains(granted, sc):
			p.already = append(p.already, sc)
		case isSignInScope(sc):
			p.signIn = append(p.signIn, sc)
		default:
			p.asked = append(p.asked, sc)
		}
	}
	return p
}

// oauthResponse is what the app's callback receives: a TokenResponse, a
// CodeResponse, or an OAuth error.
type oauthResponse struct {
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

// relayMessage is posted to the opener; gsi.js accepts it only from the
// emulator's origin and with its request's relay id.
type relayMessage struct {
	Source   string        `json:"source"` // always relaySource
	ID       string        `json:"id"`     // the relay id from redirect_uri
	Response oauthResponse `json:"response"`
	// Error, when set, goes to the app's error_callback instead of a
	// response to its callback: the popup that should not have opened.
	Error *popupError `json:"error,omitempty"`
}

// popupError is what GIS hands error_callback: {type, message}.
type popupError struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}

// noActivationParam is what the GIS shim adds to the popup's URL when the
// page had no transient user activation as it opened the popup (gsi.js).
// It is not one of Google's: the popup reads it for strict popup gestures
// (WorldOptions) alone.
const noActivationParam = "emu_no_user_activation"

const relaySource = "scopewise-emulator"

// relayEnvelope is the result page's JSON: the message and the one origin
// it may be posted to.
type relayEnvelope struct {
	TargetOrigin string       `json:"targetOrigin"`
	Message      relayMessage `json:"message"`
}

func (s *Server) handleAuth(w http.ResponseWriter, r *http.Request) {
	req, aerr := s.parseAuthRequest(r.URL.Query())
	if aerr != nil {
		s.renderAuthError(w, r, aerr)
		return
	}
	if r.URL.Query().Get(noActivationParam) == "1" && s.worldOptions(r.Context()).StrictPopupGestures {
		// Safari would not have opened this window: the page's
		// error_callback gets what GIS reports for a blocked popup.
		const msg = "Failed to open popup window"
		relay := s.envelope(req, oauthResponse{})
		relay.Message.Error = &popupError{Type: "popup_failed_to_open", Message: msg}
		s.renderResult(w, r, resultView{
			ClientName: req.client.Name,
			Error:      "popup_failed_to_open",
			ErrorDescription: "Strict popup gestures are on in this emulator world, and the page opened this popup without a user activation " +
				"(navigator.userActivation.isActive was false: the click was too long ago, as after an await). Safari blocks such a popup.",
			Relay: relay,
		})
		return
	}
	acct, known := s.knownAccount(r, req)
	s.proceed(w, r, req, acct, known, false)
}

// knownAccount is the account the popup may use without the chooser: the
// login_hint's, else the signed-in one.
func (s *Server) knownAccount(r *http.Request, req authRequest) (Account, bool) {
	if req.prompt.selectAccount {
		return Account{}, false
	}
	if req.loginHint != "" {
		if a, ok := s.account(req.loginHint); ok {
			return a, true
		}
	}
	return s.signedInAccount(r)
}

// proceed shows the next screen the request needs, or answers the app.
func (s *Server) proceed(w http.ResponseWriter, r *http.Request, req authRequest, acct Account, known, chose bool) {
	if !known {
		if req.prompt.none {
			s.answerError(w, r, req, "interaction_required", "The user is not signed in and prompt=none forbids the account chooser.")
			return
		}
		s.renderChooser(w, r, req)
		return
	}
	plan := planConsent(req, s.grantedScopes(s.worldOf(r.Context()), acct.Email, req.client.ID))
	if !plan.needed() {
		label := "none"
		if chose {
			label = "select_account"
		}
		s.answer(w, r, req, acct, plan, nil, label)
		return
	}
	if req.prompt.none {
		s.answerError(w, r, req, "consent_required", "The user has not granted every requested scope and prompt=none forbids the consent screen.")
		return
	}
	if req.client.Unverified && len(plan.asked) > 0 {
		s.renderUnverified(w, r, req, acct)
		return
	}
	s.renderConsent(w, r, req, acct, plan)
}

func (s *Server) handleAuthPost(w http.ResponseWriter, r *http.Request) {
	if !s.sameOriginPost(r) {
		s.renderAuthError(w, r, &authError{
			Status:  http.StatusForbidden,
			Title:   "Request blocked",
			Code:    "Error 403: cross_site_request",
			Message: "The popup's forms are only accepted from the popup itself.",
		})
		return
	}
	if err := r.ParseForm(); err != nil {
		s.renderAuthError(w, r, invalidRequest("The form could not be read."))
		return
	}
	req, aerr := s.parseAuthRequest(r.PostForm)
	if aerr != nil {
		s.renderAuthError(w, r, aerr)
		return
	}
	action := r.PostForm.Get("action")
	switch action {
	case "another": // "Use another account": type an email
		s.renderIdentifier(w, r, req, "", "")
		return
	case "back": // from there back to the chooser
		s.renderChooser(w, r, req)
		return
	case "identify":
		typed := strings.TrimSpace(r.PostForm.Get("identifier"))
		acct, ok := s.accountByEmail(typed)
		if !ok {
			problem := "Couldn't find an account with that email in the emulator"
			if typed == "" {
				problem = "Enter an email"
			}
			note(r, "use another account: no account "+typed)
			s.renderIdentifier(w, r, req, typed, problem)
			return
		}
		s.signIn(w, r, acct)
		s.proceed(w, r, req, acct, true, true)
		return
	}
	acct, ok := s.account(r.PostForm.Get("account"))
	if !ok {
		s.renderAuthError(w, r, invalidRequest("Unknown account: choose one of the emulator's accounts."))
		return
	}
	if !slices.Contains([]string{"choose", "cancel", "continue", "proceed"}, action) {
		s.renderAuthError(w, r, invalidRequest("Unknown action."))
		return
	}
	if action != "choose" && !s.mayActAs(r, req, acct) {
		s.renderAuthError(w, r, invalidRequest("You are not signed in as "+acct.Email+". Start again from the app."))
		return
	}
	switch action {
	case "choose":
		s.signIn(w, r, acct)
		s.proceed(w, r, req, acct, true, true)
	case "cancel":
		s.answerError(w, r, req, "access_denied", "The user denied the request.")
	case "proceed": // past "Google hasn't verified this app"
		plan := planConsent(req, s.grantedScopes(s.worldOf(r.Context()), acct.Email, req.client.ID))
		if !plan.needed() {
			s.answer(w, r, req, acct, plan, nil, "none")
			return
		}
		s.renderConsent(w, r, req, acct, plan)
	case "continue":
		plan := planConsent(req, s.grantedScopes(s.worldOf(r.Context()), acct.Email, req.client.ID))
		consented := slices.Concat(plan.signIn, plan.asked)
		if plan.checkboxes() {
			var ticked []string
			for _, sc := range r.PostForm["grant"] {
				if slices.Contains(plan.asked, sc) {
					ticked = append(ticked, sc)
				}
			}
			if len(ticked) == 0 {
				s.answerError(w, r, req, "access_denied", "The user granted none of the requested scopes.")
				return
			}
			consented = slices.Concat(plan.signIn, ticked)
		}
		s.answer(w, r, req, acct, plan, consented, "consent")
	}
}

// mayActAs reports whether the browser may consent as acct: it is signed in
// as acct, or the request's login_hint names acct.
func (s *Server) mayActAs(r *http.Request, req authRequest, acct Account) bool {
	if hinted, ok := s.account(req.loginHint); ok && req.loginHint != "" && hinted.Email == acct.Email {
		return true
	}
	signedIn, ok := s.signedInAccount(r)
	return ok && signedIn.Email == acct.Email
}

// sameOriginPost refuses forms posted from other sites (the emulator's
// grants are state a test relies on).
func (s *Server) sameOriginPost(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return origin == page.Origin(s.opts.PublicURL, r) || strings.EqualFold(origin, scheme+"://"+r.Host)
}

// answer records the consent, issues the token (or code) and hands it to
// the opener. With include_granted_scopes the token carries every scope
// granted so far; without, only this request's granted scopes.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, req authRequest, acct Account, plan consentPlan, consented []string, promptLabel string) {
	if len(consented) > 0 {
		s.addGrant(s.worldOf(r.Context()), acct.Email, req.client.ID, consented)
	}
	scopes := normalizeScopes(slices.Concat(consented, plan.already))
	if req.includeGranted {
		scopes = s.grantedScopes(s.worldOf(r.Context()), acct.Email, req.client.ID)
	}
	resp := oauthResponse{
		Scope:    strings.Join(scopes, " "),
		AuthUser: "0",
		Prompt:   promptLabel,
		HD:       acct.HD,
		State:    req.state,
	}
	if req.responseType == "code" {
		resp.Code = newAuthCode()
	} else {
		ttl := s.opts.TokenLifetime
		value, _ := s.mintToken(s.worldOf(r.Context()), req.client.ID, acct.Email, scopes, ttl)
		resp.AccessToken, resp.TokenType, resp.ExpiresIn = value, "Bearer", int(ttl/time.Second)
	}
	what := "a token"
	if req.responseType == "code" {
		what = "a code"
	}
	note(r, fmt.Sprintf("answered %s: %s for %s, scope %q (prompt %s)", req.openerOrigin, what, acct.Email, resp.Scope, promptLabel))
	s.renderResult(w, r, resultView{
		ClientName: req.client.Name,
		Account:    acct.Email,
		Granted:    describeScopes(scopes),
		Relay:      s.envelope(req, resp),
	})
}

// answerError hands an OAuth error to the app's callback.
func (s *Server) answerError(w http.ResponseWriter, r *http.Request, req authRequest, code, description string) {
	resp := oauthResponse{Error: code, ErrorDescription: description, State: req.state}
	note(r, "answered "+req.openerOrigin+": error "+code)
	s.renderResult(w, r, resultView{
		ClientName:       req.client.Name,
		Error:            code,
		ErrorDescription: description,
		Relay:            s.envelope(req, resp),
	})
}

func (s *Server) envelope(req authRequest, resp oauthResponse) relayEnvelope {
	return relayEnvelope{
		TargetOrigin: req.openerOrigin,
		Message:      relayMessage{Source: relaySource, ID: req.relayID, Response: resp},
	}
}

// newAuthCode is an authorization code shaped like Google's. The emulator
// has no token endpoint, so nothing can redeem it.
func newAuthCode() string {
	b := make([]byte, 48)
	rand.Read(b)
	return "4/0A" + base64.RawURLEncoding.EncodeToString(b)
}

// signedInAccount is the account the sign-in cookie names, if the emulator
// still knows it (a reset signs everyone out).
func (s *Server) signedInAccount(r *http.Request) (Account, bool) {
	c, err := r.Cookie(signInCookie)
	if err != nil || c.Value == "" {
		return Account{}, false
	}
	wd := s.worldOf(r.Context())
	s.mu.Lock()
	email, ok := wd.state.signIns[c.Value]
	s.mu.Unlock()
	if !ok {
		return Account{}, false
	}
	return s.account(email)
}

// signIn remembers the chosen account for this browser, as Google's own
// cookies do.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request, acct Account) {
	b := make([]byte, 16)
	rand.Read(b)
	id := hex.EncodeToString(b)
	wd := s.worldOf(r.Context())
	s.mu.Lock()
	if old, err := r.Cookie(signInCookie); err == nil {
		delete(wd.state.signIns, old.Value)
	}
	wd.state.signIns[id] = acct.Email
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{
		Name:     signInCookie,
		Value:    id,
		Path:     "/",
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
		Secure:   strings.HasPrefix(page.Origin(s.opts.PublicURL, r), "https://"),
	})
}

// hiddenField is one original request parameter carried by a popup form.
type hiddenField struct{ Name, Value string }

func (req authRequest) hiddenFields(extra ...hiddenField) []hiddenField {
	var out []hiddenField
	for _, name := range authParamNames {
		if v, ok := req.params[name]; ok {
			out = append(out, hiddenField{name, v[0]})
		}
	}
	return append(out, extra...)
}

type chooserView struct {
	ClientName string
	Client     Client
	Hidden     []hiddenField // the accounts' form
	Another    []hiddenField // "Use another account"'s form
	Accounts   []Account
}

func (s *Server) renderChooser(w http.ResponseWriter, r *http.Request, req authRequest) {
	accounts := s.accounts
	if req.hd != "" && req.hd != "*" {
		// hd narrows the chooser to that Workspace domain, when it has accounts.
		inDomain := slices.DeleteFunc(slices.Clone(s.accounts), func(a Account) bool { return !strings.EqualFold(a.HD, req.hd) })
		if len(inDomain) > 0 {
			accounts = inDomain
		}
	}
	note(r, "account chooser")
	s.renderPopupPage(w, r, http.StatusOK, chooserPage(chooserView{
		ClientName: clientName(req.client),
		Client:     req.client,
		Hidden:     req.hiddenFields(hiddenField{"action", "choose"}),
		Another:    req.hiddenFields(),
		Accounts:   accounts,
	}))
}

// identifierView is "Use another account": the emulator signs in any of its
// own accounts by email; it has no passwords and makes up no accounts.
type identifierView struct {
	ClientName string
	Hidden     []hiddenField // the Next form
	Back       []hiddenField // back to the chooser
	Typed      string        // what was typed, shown again with Problem
	Problem    string
	Known      []string // the emulator's accounts, as a hint
}

func (s *Server) renderIdentifier(w http.ResponseWriter, r *http.Request, req authRequest, typed, problem string) {
	v := identifierView{
		ClientName: clientName(req.client),
		Hidden:     req.hiddenFields(),
		Back:       req.hiddenFields(),
		Typed:      typed,
		Problem:    problem,
	}
	for _, a := range s.accounts {
		v.Known = append(v.Known, a.Email)
	}
	if problem == "" {
		note(r, "use another account: email form")
	}
	s.renderPopupPage(w, r, http.StatusOK, identifierPage(v))
}

// accountByEmail finds an account by its email alone (not its sub): what a
// person types into "Use another account".
func (s *Server) accountByEmail(email string) (Account, bool) {
	for _, a := range s.accounts {
		if email != "" && strings.EqualFold(a.Email, email) {
			return a, true
		}
	}
	return Account{}, false
}

// unverifiedView is "Google hasn't verified this app".
type unverifiedView struct {
	ClientName   string
	ClientOrigin string
	ClientHost   string // the origin's host, as the "Go to … (unsafe)" link names it
	Account      Account
	Hidden       []hiddenField
}

func (s *Server) renderUnverified(w http.ResponseWriter, r *http.Request, req authRequest, acct Account) {
	host := req.openerOrigin
	if u, err := url.Parse(req.openerOrigin); err == nil && u.Host != "" {
		host = u.Host
	}
	note(r, "unverified app warning for "+acct.Email)
	s.renderPopupPage(w, r, http.StatusOK, unverifiedPage(unverifiedView{
		ClientName:   clientName(req.client),
		ClientOrigin: req.openerOrigin,
		ClientHost:   host,
		Account:      acct,
		Hidden:       req.hiddenFields(hiddenField{"account", acct.Email}),
	}))
}

// clientName is the app's name on the popup: the client's registered name,
// else its ID.
func clientName(c Client) string {
	if c.Name != "" {
		return c.Name
	}
	return c.ID
}

func (s *Server) handleAbout(w http.ResponseWriter, r *http.Request) {
	page.Serve(w, r, s.log, http.StatusOK, aboutPage())
}

type scopeView struct {
	ID, Scope, Description string
	Icon                   string // scopeIcon's kind
	More                   string // "Learn more": what the scope lets the app do
}

type consentView struct {
	ClientName   string
	Client       Client
	ClientOrigin string
	Account      Account
	Hidden       []hiddenField
	SignIn       []string    // descriptions of the sign-in bundle
	Asked        []scopeView // the other scopes asked
	Checkboxes   bool
	Already      []string // descriptions of scopes granted earlier
}

func (s *Server) renderConsent(w http.ResponseWriter, r *http.Request, req authRequest, acct Account, plan consentPlan) {
	v := consentView{
		ClientName:   clientName(req.client),
		Client:       req.client,
		ClientOrigin: req.openerOrigin,
		Account:      acct,
		Hidden:       req.hiddenFields(hiddenField{"account", acct.Email}),
		SignIn:       describeScopes(plan.signIn),
		Checkboxes:   plan.checkboxes(),
		Already:      describeScopes(plan.already),
	}
	for i, sc := range plan.asked {
		icon, more := explainScope(sc)
		v.Asked = append(v.Asked, scopeView{ID: fmt.Sprintf("scope-%d", i), Scope: sc, Description: describeScope(sc), Icon: icon, More: more})
	}
	mode := "one screen"
	if v.Checkboxes {
		mode = "a checkbox per scope"
	}
	note(r, fmt.Sprintf("consent screen for %s: %d asked (%s), %d already granted", acct.Email, len(plan.asked)+len(plan.signIn), mode, len(plan.already)))
	s.renderPopupPage(w, r, http.StatusOK, consentPage(v))
}

type resultView struct {
	ClientName       string
	Account          string
	Granted          []string // descriptions
	Error            string
	ErrorDescription string
	Relay            relayEnvelope
}

func (s *Server) renderResult(w http.ResponseWriter, r *http.Request, v resultView) {
	s.renderPopupPage(w, r, http.StatusOK, resultPage(v))
}

func (s *Server) renderAuthError(w http.ResponseWriter, r *http.Request, e *authError) {
	note(r, "error page: "+e.Code)
	s.renderPopupPage(w, r, e.Status, errorPage(*e))
}

func (s *Server) renderPopupPage(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	nonce := page.NewNonce()
	page.SetHeaders(w, nonce)
	// Google's popup pages report, without enforcing, what COOP same-origin
	// would break: the source of the console warnings about window.closed
	// that developers ask about.
	w.Header().Set("Cross-Origin-Opener-Policy-Report-Only", "same-origin")
	page.Render(w, r, s.log, status, nonce, c)
}
