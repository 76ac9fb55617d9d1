package emulator

// The consent popup, /o/oauth2/v2/auth: account chooser, consent screen, and
// the page that hands the answer to the opener (FIDELITY.md).
// Forms post back here with the original query as hidden fields, and every
// POST is validated again from scratch.

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/scopewise/scopewise/emulator/internal/authrequest"
	"github.com/scopewise/scopewise/emulator/internal/guard"
	"github.com/scopewise/scopewise/emulator/internal/page"
	"github.com/scopewise/scopewise/emulator/internal/scope"
)

// signInCookie is like being signed in to Google, for the emulator's origin.
const signInCookie = "EMU_SID"

// authRequest is a validated popup request and its registered client.
type authRequest struct {
	authrequest.Request
	client Client
}

// parseAuthRequest validates the popup's parameters against the registered
// clients (package authrequest).
func (s *Server) parseAuthRequest(v url.Values) (authRequest, *authrequest.Error) {
	var client Client
	req, err := authrequest.Parse(v, func(id string) ([]string, bool, bool) {
		c, ok := s.client(id)
		client = c
		return c.Origins, c.Deleted, ok
	})
	return authRequest{req, client}, err
}

func (s *Server) handleAuth(w http.ResponseWriter, r *http.Request) {
	req, aerr := s.parseAuthRequest(r.URL.Query())
	if aerr != nil {
		s.renderAuthError(w, r, aerr)
		return
	}
	if r.URL.Query().Get(authrequest.NoActivationParam) == "1" && s.worldOptions(r.Context()).StrictPopupGestures {
		// Safari would not have opened this window: the page's
		// error_callback gets what GIS reports for a blocked popup.
		const msg = "Failed to open popup window"
		relay := req.Envelope(authrequest.Response{})
		relay.Message.Error = &authrequest.PopupError{Type: "popup_failed_to_open", Message: msg}
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
	if req.Prompt.SelectAccount {
		return Account{}, false
	}
	if req.LoginHint != "" {
		if a, ok := s.account(req.LoginHint); ok {
			return a, true
		}
	}
	return s.signedInAccount(r)
}

// proceed shows the next screen the request needs, or answers the app.
func (s *Server) proceed(w http.ResponseWriter, r *http.Request, req authRequest, acct Account, known, chose bool) {
	if !known {
		if req.Prompt.None {
			s.answerError(w, r, req, "interaction_required", "The user is not signed in and prompt=none forbids the account chooser.")
			return
		}
		s.renderChooser(w, r, req)
		return
	}
	plan := authrequest.PlanConsent(req.Request, s.grantedScopes(s.worldOf(r.Context()), acct.Email, req.client.ID))
	if !plan.Needed() {
		label := "none"
		if chose {
			label = "select_account"
		}
		s.answer(w, r, req, acct, plan, nil, label)
		return
	}
	if req.Prompt.None {
		s.answerError(w, r, req, "consent_required", "The user has not granted every requested scope and prompt=none forbids the consent screen.")
		return
	}
	if req.client.Unverified && len(plan.Asked) > 0 {
		s.renderUnverified(w, r, req, acct)
		return
	}
	s.renderConsent(w, r, req, acct, plan)
}

func (s *Server) handleAuthPost(w http.ResponseWriter, r *http.Request) {
	if !guard.SameOriginPost(r, s.opts.PublicURL) {
		s.renderAuthError(w, r, &authrequest.Error{
			Status:  http.StatusForbidden,
			Title:   "Request blocked",
			Code:    "Error 403: cross_site_request",
			Message: "The popup's forms are only accepted from the popup itself.",
		})
		return
	}
	if err := r.ParseForm(); err != nil {
		s.renderAuthError(w, r, authrequest.InvalidRequest("The form could not be read."))
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
		s.renderAuthError(w, r, authrequest.InvalidRequest("Unknown account: choose one of the emulator's accounts."))
		return
	}
	if !slices.Contains([]string{"choose", "cancel", "continue", "proceed"}, action) {
		s.renderAuthError(w, r, authrequest.InvalidRequest("Unknown action."))
		return
	}
	if action != "choose" && !s.mayActAs(r, req, acct) {
		s.renderAuthError(w, r, authrequest.InvalidRequest("You are not signed in as "+acct.Email+". Start again from the app."))
		return
	}
	switch action {
	case "choose":
		s.signIn(w, r, acct)
		s.proceed(w, r, req, acct, true, true)
	case "cancel":
		s.answerError(w, r, req, "access_denied", "The user denied the request.")
	case "proceed": // past "Google hasn't verified this app"
		plan := authrequest.PlanConsent(req.Request, s.grantedScopes(s.worldOf(r.Context()), acct.Email, req.client.ID))
		if !plan.Needed() {
			s.answer(w, r, req, acct, plan, nil, "none")
			return
		}
		s.renderConsent(w, r, req, acct, plan)
	case "continue":
		plan := authrequest.PlanConsent(req.Request, s.grantedScopes(s.worldOf(r.Context()), acct.Email, req.client.ID))
		consented := slices.Concat(plan.SignIn, plan.Asked)
		if plan.Checkboxes() {
			var ticked []string
			for _, sc := range r.PostForm["grant"] {
				if slices.Contains(plan.Asked, sc) {
					ticked = append(ticked, sc)
				}
			}
			if len(ticked) == 0 {
				s.answerError(w, r, req, "access_denied", "The user granted none of the requested scopes.")
				return
			}
			consented = slices.Concat(plan.SignIn, ticked)
		}
		s.answer(w, r, req, acct, plan, consented, "consent")
	}
}

// mayActAs reports whether the browser may consent as acct: it is signed in
// as acct, or the request's login_hint names acct.
func (s *Server) mayActAs(r *http.Request, req authRequest, acct Account) bool {
	if hinted, ok := s.account(req.LoginHint); ok && req.LoginHint != "" && hinted.Email == acct.Email {
		return true
	}
	signedIn, ok := s.signedInAccount(r)
	return ok && signedIn.Email == acct.Email
}

// answer records the consent, issues the token (or code) and hands it to
// the opener. With include_granted_scopes the token carries every scope
// granted so far; without, only this request's granted scopes.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, req authRequest, acct Account, plan authrequest.ConsentPlan, consented []string, promptLabel string) {
	if len(consented) > 0 {
		s.addGrant(s.worldOf(r.Context()), acct.Email, req.client.ID, consented)
	}
	scopes := scope.Normalize(slices.Concat(consented, plan.Already))
	if req.IncludeGranted {
		scopes = s.grantedScopes(s.worldOf(r.Context()), acct.Email, req.client.ID)
	}
	resp := authrequest.Response{
		Scope:    strings.Join(scopes, " "),
		AuthUser: "0",
		Prompt:   promptLabel,
		HD:       acct.HD,
		State:    req.State,
	}
	if req.ResponseType == "code" {
		resp.Code = authrequest.NewAuthCode()
	} else {
		ttl := s.opts.TokenLifetime
		value, _ := s.mintToken(s.worldOf(r.Context()), req.client.ID, acct.Email, scopes, ttl)
		resp.AccessToken, resp.TokenType, resp.ExpiresIn = value, "Bearer", int(ttl/time.Second)
	}
	what := "a token"
	if req.ResponseType == "code" {
		what = "a code"
	}
	note(r, fmt.Sprintf("answered %s: %s for %s, scope %q (prompt %s)", req.OpenerOrigin, what, acct.Email, resp.Scope, promptLabel))
	s.renderResult(w, r, resultView{
		ClientName: req.client.Name,
		Account:    acct.Email,
		Granted:    scope.DescribeAll(scopes),
		Relay:      req.Envelope(resp),
	})
}

// answerError hands an OAuth error to the app's callback.
func (s *Server) answerError(w http.ResponseWriter, r *http.Request, req authRequest, code, description string) {
	resp := authrequest.Response{Error: code, ErrorDescription: description, State: req.State}
	note(r, "answered "+req.OpenerOrigin+": error "+code)
	s.renderResult(w, r, resultView{
		ClientName:       req.client.Name,
		Error:            code,
		ErrorDescription: description,
		Relay:            req.Envelope(resp),
	})
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

type chooserView struct {
	ClientName string
	Client     Client
	Hidden     []authrequest.Field // the accounts' form
	Another    []authrequest.Field // "Use another account"'s form
	Accounts   []Account
}

func (s *Server) renderChooser(w http.ResponseWriter, r *http.Request, req authRequest) {
	accounts := s.accounts
	if req.HD != "" && req.HD != "*" {
		// hd narrows the chooser to that Workspace domain, when it has accounts.
		inDomain := slices.DeleteFunc(slices.Clone(s.accounts), func(a Account) bool { return !strings.EqualFold(a.HD, req.HD) })
		if len(inDomain) > 0 {
			accounts = inDomain
		}
	}
	note(r, "account chooser")
	s.renderPopupPage(w, r, http.StatusOK, chooserPage(chooserView{
		ClientName: clientName(req.client),
		Client:     req.client,
		Hidden:     req.HiddenFields(authrequest.Field{Name: "action", Value: "choose"}),
		Another:    req.HiddenFields(),
		Accounts:   accounts,
	}))
}

// identifierView is "Use another account": the emulator signs in any of its
// own accounts by email; it has no passwords and makes up no accounts.
type identifierView struct {
	ClientName string
	Hidden     []authrequest.Field // the Next form
	Back       []authrequest.Field // back to the chooser
	Typed      string              // what was typed, shown again with Problem
	Problem    string
	Known      []string // the emulator's accounts, as a hint
}

func (s *Server) renderIdentifier(w http.ResponseWriter, r *http.Request, req authRequest, typed, problem string) {
	v := identifierView{
		ClientName: clientName(req.client),
		Hidden:     req.HiddenFields(),
		Back:       req.HiddenFields(),
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
	Hidden       []authrequest.Field
}

func (s *Server) renderUnverified(w http.ResponseWriter, r *http.Request, req authRequest, acct Account) {
	host := req.OpenerOrigin
	if u, err := url.Parse(req.OpenerOrigin); err == nil && u.Host != "" {
		host = u.Host
	}
	note(r, "unverified app warning for "+acct.Email)
	s.renderPopupPage(w, r, http.StatusOK, unverifiedPage(unverifiedView{
		ClientName:   clientName(req.client),
		ClientOrigin: req.OpenerOrigin,
		ClientHost:   host,
		Account:      acct,
		Hidden:       req.HiddenFields(authrequest.Field{Name: "account", Value: acct.Email}),
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
	Hidden       []authrequest.Field
	SignIn       []string    // descriptions of the sign-in bundle
	Asked        []scopeView // the other scopes asked
	Checkboxes   bool
	Already      []string // descriptions of scopes granted earlier
}

func (s *Server) renderConsent(w http.ResponseWriter, r *http.Request, req authRequest, acct Account, plan authrequest.ConsentPlan) {
	v := consentView{
		ClientName:   clientName(req.client),
		Client:       req.client,
		ClientOrigin: req.OpenerOrigin,
		Account:      acct,
		Hidden:       req.HiddenFields(authrequest.Field{Name: "account", Value: acct.Email}),
		SignIn:       scope.DescribeAll(plan.SignIn),
		Checkboxes:   plan.Checkboxes(),
		Already:      scope.DescribeAll(plan.Already),
	}
	for i, sc := range plan.Asked {
		icon, more := scope.Explain(sc)
		v.Asked = append(v.Asked, scopeView{ID: fmt.Sprintf("scope-%d", i), Scope: sc, Description: scope.Describe(sc), Icon: icon, More: more})
	}
	mode := "one screen"
	if v.Checkboxes {
		mode = "a checkbox per scope"
	}
	note(r, fmt.Sprintf("consent screen for %s: %d asked (%s), %d already granted", acct.Email, len(plan.Asked)+len(plan.SignIn), mode, len(plan.Already)))
	s.renderPopupPage(w, r, http.StatusOK, consentPage(v))
}

type resultView struct {
	ClientName       string
	Account          string
	Granted          []string // descriptions
	Error            string
	ErrorDescription string
	Relay            authrequest.Envelope
}

func (s *Server) renderResult(w http.ResponseWriter, r *http.Request, v resultView) {
	s.renderPopupPage(w, r, http.StatusOK, resultPage(v))
}

func (s *Server) renderAuthError(w http.ResponseWriter, r *http.Request, e *authrequest.Error) {
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
