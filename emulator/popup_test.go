package emulator

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/scopewise/scopewise/emulator/internal/authrequest"
	"github.com/scopewise/scopewise/emulator/internal/scope"
)

// Error pages like Google's for requests the popup must refuse.
func TestAuthErrorPages(t *testing.T) {
	tests := []struct {
		name  string
		query url.Values
		want  []string // texts the page shows
	}{
		{"missing client_id", authQuery(tscope.Cal, "client_id", deleteParam),
			[]string{"Error 400: invalid_request", "Missing required parameter: client_id"}},
		{"unknown client", authQuery(tscope.Cal, "client_id", "nobody.apps.googleusercontent.com"),
			[]string{"Access blocked: Authorization Error", "Error 401: invalid_client", "The OAuth client was not found."}},
		{"missing redirect_uri", authQuery(tscope.Cal, "redirect_uri", deleteParam),
			[]string{"Error 400: invalid_request", "Missing required parameter: redirect_uri"}},
		{"origin not registered", authQuery(tscope.Cal, "redirect_uri", "storagerelay://http/evil.test:8080?id=auth1"),
			[]string{"Error 400: origin_mismatch", "origin: http://evil.test:8080"}},
		{"another client's origin", authQuery(tscope.Cal, "redirect_uri", "storagerelay://http/localhost:9090?id=auth1"),
			[]string{"Error 400: origin_mismatch", "origin: http://localhost:9090"}},
		{"https instead of http", authQuery(tscope.Cal, "redirect_uri", "storagerelay://https/localhost:8080?id=auth1"),
			[]string{"Error 400: origin_mismatch"}},
		{"other port", authQuery(tscope.Cal, "redirect_uri", "storagerelay://http/localhost:8081?id=auth1"),
			[]string{"Error 400: origin_mismatch"}},
		{"not a storagerelay URI", authQuery(tscope.Cal, "redirect_uri", "http://localhost:8080/callback"),
			[]string{"Error 400: redirect_uri_mismatch"}},
		{"relay without id", authQuery(tscope.Cal, "redirect_uri", "storagerelay://http/localhost:8080"),
			[]string{"Error 400: redirect_uri_mismatch"}},
		{"relay id not auth digits", authQuery(tscope.Cal, "redirect_uri", "storagerelay://http/localhost:8080?id=<script>"),
			[]string{"Error 400: redirect_uri_mismatch"}},
		{"relay with a path", authQuery(tscope.Cal, "redirect_uri", "storagerelay://http/localhost:8080/x?id=auth1"),
			[]string{"Error 400: redirect_uri_mismatch"}},
		{"relay with userinfo", authQuery(tscope.Cal, "redirect_uri", "storagerelay://http/me@localhost:8080?id=auth1"),
			[]string{"Error 400: redirect_uri_mismatch"}},
		{"missing response_type", authQuery(tscope.Cal, "response_type", deleteParam),
			[]string{"Error 400: invalid_request", "Missing required parameter: response_type"}},
		{"id_token response_type", authQuery(tscope.Cal, "response_type", "id_token"),
			[]string{"Error 400: unsupported_response_type"}},
		{"missing scope", authQuery(tscope.Cal, "scope", deleteParam),
			[]string{"Error 400: invalid_request", "Missing required parameter: scope"}},
		{"blank scope", authQuery("   "),
			[]string{"Missing required parameter: scope"}},
		{"scope with a quote", authQuery(`calendar"readonly`),
			[]string{"Error 400: invalid_scope"}},
		{"unknown prompt", authQuery(tscope.Cal, "prompt", "login"),
			[]string{"Error 400: invalid_request", "Invalid prompt: login"}},
		{"prompt none with another value", authQuery(tscope.Cal, "prompt", "none consent"),
			[]string{"Error 400: invalid_request", "none cannot be combined"}},
		{"bad include_granted_scopes", authQuery(tscope.Cal, "include_granted_scopes", "maybe"),
			[]string{"Error 400: invalid_request", "include_granted_scopes"}},
		{"duplicate client_id", func() url.Values {
			q := authQuery(tscope.Cal)
			q.Add("client_id", otherClientID)
			return q
		}(), []string{"Error 400: invalid_request", "Duplicate parameter: client_id"}},
		{"over-long state", authQuery(tscope.Cal, "state", strings.Repeat("s", authrequest.MaxParamLen+1)),
			[]string{"Error 400: invalid_request", "Parameter too long: state"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPopupBrowser(t, newBrowserEmu(t)).open(tt.query)
			if p.rec.Code != http.StatusBadRequest {
				t.Errorf("status %d, want 400", p.rec.Code)
			}
			p.mustBe("error")
			text := p.text()
			for _, want := range tt.want {
				if !strings.Contains(text, want) {
					t.Errorf("page lacks %q:\n%s", want, text)
				}
			}
			if strings.Contains(p.html, "<script>") {
				t.Errorf("request input was not escaped:\n%s", p.html)
			}
		})
	}
}

// POSTs are validated again: a form is not trusted because it came from a
// page the emulator rendered.
func TestAuthPostRejects(t *testing.T) {
	chooserForm := func(changes ...string) string {
		f := authQuery(tscope.Cal)
		f.Set("action", "choose")
		f.Set("account", "alice@example.com")
		for i := 0; i+1 < len(changes); i += 2 {
			if changes[i+1] == deleteParam {
				f.Del(changes[i])
			} else {
				f.Set(changes[i], changes[i+1])
			}
		}
		return f.Encode()
	}
	tests := []struct {
		name       string
		form       string
		header     map[string]string
		wantStatus int
		want       string
	}{
		{"unknown account", chooserForm("account", "mallory@example.com"), nil, 400, "Unknown account"},
		{"unknown action", chooserForm("action", "grant-everything"), nil, 400, "Unknown action"},
		{"no action", chooserForm("action", deleteParam), nil, 400, "Unknown action"},
		{"consent without being signed in", chooserForm("action", "continue"), nil, 400, "not signed in as alice@example.com"},
		{"tampered client", chooserForm("client_id", "nobody"), nil, 400, "Error 401: invalid_client"},
		{"tampered origin", chooserForm("redirect_uri", "storagerelay://http/evil.test?id=auth1"), nil, 400, "Error 400: origin_mismatch"},
		{"cross-site form", chooserForm(), map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, "Request blocked"},
		{"foreign Origin", chooserForm(), map[string]string{"Origin": "http://evil.test"}, 403, "Request blocked"},
		{"garbage body", "%%%=%zz&client_id", nil, 400, "Error 400: invalid_request"},
		{"empty body", "", nil, 400, "Missing required parameter: client_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newPopupBrowser(t, newBrowserEmu(t))
			req := newFormPost(tt.form)
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			p := b.do(req)
			if p.rec.Code != tt.wantStatus {
				t.Errorf("status %d, want %d", p.rec.Code, tt.wantStatus)
			}
			if text := p.text(); !strings.Contains(text, tt.want) {
				t.Errorf("page lacks %q:\n%s", tt.want, text)
			}
			if len(b.s.snapshot(b.s.def).Grants) != 0 || len(b.s.snapshot(b.s.def).Tokens) != 0 {
				t.Error("a refused POST changed the emulator's state")
			}
		})
	}
}

// newFormPost is the popup posting body to itself.
func newFormPost(body string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/o/oauth2/v2/auth", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", emuOrigin)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return req
}

// Every popup page keeps the opener link (no COOP same-origin), runs only
// its own nonce'd script and style, cannot be framed and is not cached.
func TestPopupSecurityHeaders(t *testing.T) {
	pages := map[string]func(b *popupBrowser) *popupPage{
		"chooser": func(b *popupBrowser) *popupPage { return b.open(authQuery(tscope.Cal)) },
		"consent": func(b *popupBrowser) *popupPage {
			return b.open(authQuery(spaced(tscope.Cal, tscope.Docs), "login_hint", "alice@example.com"))
		},
		"result": func(b *popupBrowser) *popupPage {
			return b.open(authQuery(tscope.Cal, "prompt", "none"))
		},
		"error": func(b *popupBrowser) *popupPage { return b.open(authQuery(tscope.Cal, "client_id", "nobody")) },
	}
	for kind, open := range pages {
		t.Run(kind, func(t *testing.T) {
			p := open(newPopupBrowser(t, newBrowserEmu(t))).mustBe(kind)
			h := p.rec.Header()
			if coop := h.Get("Cross-Origin-Opener-Policy"); strings.Contains(coop, "same-origin") {
				t.Errorf("Cross-Origin-Opener-Policy %q cuts the opener link", coop)
			}
			for name, want := range map[string]string{
				"X-Frame-Options": "DENY",
				"Cache-Control":   "no-store",
				"Content-Type":    "text/html; charset=utf-8",
			} {
				if got := h.Get(name); got != want {
					t.Errorf("%s: %q, want %q", name, got, want)
				}
			}
			m := regexp.MustCompile(`script-src 'nonce-([A-Za-z0-9+/=]+)'`).FindStringSubmatch(h.Get("Content-Security-Policy"))
			if m == nil {
				t.Fatalf("CSP %q has no script nonce", h.Get("Content-Security-Policy"))
			}
			p.doc.Find("script, style").Each(func(_ int, el *goquery.Selection) {
				if got := el.AttrOr("nonce", ""); got != m[1] {
					t.Errorf("<%s> nonce %q, want the CSP's %q", goquery.NodeName(el), got, m[1])
				}
			})
			if regexp.MustCompile(`\son[a-z]+=`).MatchString(p.html) {
				t.Error("inline event handler attribute in popup HTML")
			}
		})
	}
	t.Run("nonce differs per response", func(t *testing.T) {
		b := newPopupBrowser(t, newBrowserEmu(t))
		a := b.open(authQuery(tscope.Cal)).rec.Header().Get("Content-Security-Policy")
		c := b.open(authQuery(tscope.Cal)).rec.Header().Get("Content-Security-Policy")
		if a == c {
			t.Error("two responses share a CSP nonce")
		}
	})
}

// The chooser, whose names page tests rely on: heading "Choose an account" and one button
// per account whose accessible name contains its email.
func TestAccountChooser(t *testing.T) {
	tests := []struct {
		name       string
		query      url.Values
		wantEmails []string
	}{
		{"all accounts", authQuery(tscope.Cal),
			[]string{"alice@example.com", "bob@example.com", "carol@scopewise.test"}},
		{"unknown login_hint still asks", authQuery(tscope.Cal, "login_hint", "zed@example.com"),
			[]string{"alice@example.com", "bob@example.com", "carol@scopewise.test"}},
		{"hd narrows to the Workspace domain", authQuery(tscope.Cal, "hd", "scopewise.test"),
			[]string{"carol@scopewise.test"}},
		{"hd without accounts is ignored", authQuery(tscope.Cal, "hd", "nowhere.test"),
			[]string{"alice@example.com", "bob@example.com", "carol@scopewise.test"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPopupBrowser(t, newBrowserEmu(t)).open(tt.query).mustBe("chooser")
			if p.rec.Code != http.StatusOK {
				t.Errorf("status %d", p.rec.Code)
			}
			if h := p.heading(); h != "Choose an account" {
				t.Errorf("heading %q", h)
			}
			var names []string
			if another := p.doc.Find(`form button[value="another"]`); collapse(another.Text()) != "Use another account" {
				t.Errorf(`no "Use another account" button: %q`, another.Text())
			}
			p.doc.Find(`form button[name="account"]`).Each(func(_ int, btn *goquery.Selection) {
				// aria-hidden parts (the avatar) are not in the accessible name.
				btn = btn.Clone()
				btn.Find(`[aria-hidden="true"]`).Remove()
				names = append(names, collapse(btn.Text()))
			})
			if len(names) != len(tt.wantEmails) {
				t.Fatalf("buttons %q, want one per %q", names, tt.wantEmails)
			}
			for i, email := range tt.wantEmails {
				if !strings.Contains(names[i], email) {
					t.Errorf("button %d %q lacks %s", i, names[i], email)
				}
			}
		})
	}
}

// Consent screens, as Google's: sign-in scopes are one bundle; one
// checkbox per scope only for two or more non-sign-in scopes, unticked,
// named by the scope's description, with "Select all"; granted scopes are
// not asked again.
func TestConsentScreen(t *testing.T) {
	const (
		calDesc    = "See and download any calendar you can access using your Google Calendar"
		docsDesc   = "See all your Google Docs documents"
		photosDesc = "View the photos and videos you select in Google Photos"
		emailDesc  = "See your primary Google Account email address"
		openIDDesc = "Associate you with your personal info on Google"
	)
	tests := []struct {
		name        string
		earlier     []string
		scope       string
		prompt      string
		wantBoxes   []string // checkbox names; nil: no checkboxes at all
		wantListed  []string // scopes listed without checkboxes
		wantBundle  []string // the sign-in bundle
		wantAlready []string
	}{
		{name: "one scope: plain screen", scope: tscope.Cal,
			wantListed: []string{calDesc}},
		{name: "two scopes: checkboxes", scope: spaced(tscope.Cal, tscope.Docs),
			wantBoxes: []string{calDesc, docsDesc}},
		{name: "three scopes: checkboxes", scope: spaced(tscope.Photos, tscope.Docs, tscope.Cal),
			wantBoxes: []string{calDesc, docsDesc, photosDesc}},
		{name: "sign-in bundle and one scope: no checkboxes", scope: spaced(tscope.OpenID, tscope.Email, tscope.Cal),
			wantListed: []string{calDesc}, wantBundle: []string{emailDesc, openIDDesc}},
		{name: "sign-in bundle and two scopes: checkboxes for the two only", scope: spaced(tscope.OpenID, tscope.Email, tscope.Cal, tscope.Docs),
			wantBoxes: []string{calDesc, docsDesc}, wantBundle: []string{emailDesc, openIDDesc}},
		{name: "sign-in scopes only", scope: spaced(tscope.OpenID, tscope.Email, "https://www.googleapis.com/auth/userinfo.email"),
			wantBundle: []string{emailDesc, openIDDesc}},
		{name: "granted scope not asked again", earlier: []string{tscope.Cal}, scope: spaced(tscope.Cal, tscope.Docs),
			wantListed: []string{docsDesc}, wantAlready: []string{calDesc}},
		{name: "two new scopes beside a granted one", earlier: []string{tscope.Cal}, scope: spaced(tscope.Cal, tscope.Docs, tscope.Photos),
			wantBoxes: []string{docsDesc, photosDesc}, wantAlready: []string{calDesc}},
		{name: "prompt=consent asks for granted scopes too", earlier: []string{tscope.Cal, tscope.Docs}, scope: spaced(tscope.Cal, tscope.Docs), prompt: "consent",
			wantBoxes: []string{calDesc, docsDesc}},
		{name: "unknown scope shows its string", scope: "https://example.test/auth/odd",
			wantListed: []string{"https://example.test/auth/odd"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newBrowserEmu(t)
			if tt.earlier != nil {
				s.addGrant(s.def, "alice@example.com", siteClientID, tt.earlier)
			}
			p := newPopupBrowser(t, s).open(authQuery(tt.scope, "login_hint", "alice@example.com", "prompt", tt.prompt)).mustBe("consent")
			if h := p.heading(); h != "Scopewise wants access to your Google Account" {
				t.Errorf("heading %q", h)
			}
			if got := p.checkboxes(); !slices.Equal(got, tt.wantBoxes) {
				t.Errorf("checkboxes %q, want %q", got, tt.wantBoxes)
			}
			selectAll := p.doc.Find(`input[type="checkbox"]#select-all`)
			if wantAll := tt.wantBoxes != nil; (selectAll.Length() == 1) != wantAll {
				t.Errorf("Select all present: %v, want %v", selectAll.Length() == 1, wantAll)
			} else if wantAll && collapse(p.doc.Find(`label[for="select-all"]`).Text()) != "Select all" {
				t.Error(`the Select all checkbox is not named "Select all"`)
			}
			var listed []string
			p.doc.Find("[data-scope]").Each(func(_ int, li *goquery.Selection) { listed = append(listed, collapse(li.Text())) })
			if !slices.Equal(listed, tt.wantListed) {
				t.Errorf("listed %q, want %q", listed, tt.wantListed)
			}
			text := p.text()
			for _, d := range tt.wantBundle {
				if !strings.Contains(text, d) {
					t.Errorf("sign-in bundle lacks %q", d)
				}
			}
			var already []string
			p.doc.Find("ul.already li").Each(func(_ int, li *goquery.Selection) { already = append(already, collapse(li.Text())) })
			if !slices.Equal(already, tt.wantAlready) {
				t.Errorf("already granted %q, want %q", already, tt.wantAlready)
			}
			if len(tt.wantAlready) > 0 && !strings.Contains(text, "Scopewise already has access") {
				t.Error(`no "already has access" text`)
			}
			for _, label := range []string{"Continue", "Cancel"} {
				if p.doc.Find("button").FilterFunction(func(_ int, b *goquery.Selection) bool { return collapse(b.Text()) == label }).Length() != 1 {
					t.Errorf("no %s button", label)
				}
			}
		})
	}
}

// What the app's callback receives after the consent screen.
func TestConsentOutcome(t *testing.T) {
	tests := []struct {
		name      string
		earlier   []string
		query     url.Values
		account   string // login_hint; default alice
		press     string
		tick      []string
		wantError string
		wantScope string
		wantGrant []string // the grant afterwards
		wantHD    string
	}{
		{name: "one scope granted", query: authQuery(tscope.Cal), press: "Continue",
			wantScope: tscope.Cal, wantGrant: []string{tscope.Cal}},
		{name: "both boxes ticked", query: authQuery(spaced(tscope.Cal, tscope.Docs)), press: "Continue", tick: []string{tscope.Cal, tscope.Docs},
			wantScope: spaced(tscope.Cal, tscope.Docs), wantGrant: []string{tscope.Cal, tscope.Docs}},
		{name: "one box of two: partial grant", query: authQuery(spaced(tscope.Cal, tscope.Docs)), press: "Continue", tick: []string{tscope.Docs},
			wantScope: tscope.Docs, wantGrant: []string{tscope.Docs}},
		{name: "no box ticked is a denial", query: authQuery(spaced(tscope.Cal, tscope.Docs)), press: "Continue",
			wantError: "access_denied"},
		{name: "cancel on the plain screen", query: authQuery(tscope.Cal), press: "Cancel",
			wantError: "access_denied"},
		{name: "cancel on the checkbox screen", query: authQuery(spaced(tscope.Cal, tscope.Docs)), press: "Cancel", tick: []string{tscope.Cal},
			wantError: "access_denied"},
		{name: "sign-in bundle comes with the ticked box", query: authQuery(spaced(tscope.OpenID, tscope.Email, tscope.Cal, tscope.Docs)), press: "Continue", tick: []string{tscope.Docs},
			wantScope: spaced(tscope.Email, tscope.Docs, tscope.OpenID), wantGrant: []string{tscope.Email, tscope.Docs, tscope.OpenID}},
		{name: "include_granted_scopes: union with earlier grants", earlier: []string{tscope.Cal}, query: authQuery(tscope.Docs), press: "Continue",
			wantScope: spaced(tscope.Cal, tscope.Docs), wantGrant: []string{tscope.Cal, tscope.Docs}},
		{name: "include_granted_scopes=false: this request only", earlier: []string{tscope.Cal}, query: authQuery(tscope.Docs, "include_granted_scopes", "false"), press: "Continue",
			wantScope: tscope.Docs, wantGrant: []string{tscope.Cal, tscope.Docs}},
		{name: "include_granted_scopes=false keeps requested scopes granted earlier", earlier: []string{tscope.Cal, tscope.Photos}, query: authQuery(spaced(tscope.Cal, tscope.Docs), "include_granted_scopes", "false"), press: "Continue",
			wantScope: spaced(tscope.Cal, tscope.Docs), wantGrant: []string{tscope.Cal, tscope.Docs, tscope.Photos}},
		{name: "Workspace account carries hd", query: authQuery(tscope.Cal), account: "carol@scopewise.test", press: "Continue",
			wantScope: tscope.Cal, wantGrant: []string{tscope.Cal}, wantHD: "scopewise.test"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newBrowserEmu(t)
			account := cmpOr(tt.account, "alice@example.com")
			if tt.earlier != nil {
				s.addGrant(s.def, account, siteClientID, tt.earlier)
			}
			q := tt.query
			q.Set("login_hint", account)
			q.Set("state", "st-42")
			p := newPopupBrowser(t, s).open(q).mustBe("consent").press(tt.press, tt.tick...)
			env := p.relay()
			if env.TargetOrigin != siteOrigin || env.Message.ID != "auth123456" || env.Message.Source != authrequest.RelaySource {
				t.Errorf("relay to %q id %q source %q", env.TargetOrigin, env.Message.ID, env.Message.Source)
			}
			resp := p.response()
			if resp["state"] != "st-42" {
				t.Errorf("state %v not echoed", resp["state"])
			}
			if tt.wantError != "" {
				if resp["error"] != tt.wantError || resp["access_token"] != nil {
					t.Errorf("response %v, want error %s and no token", resp, tt.wantError)
				}
				if g := s.grantedScopes(s.def, account, siteClientID); !slices.Equal(g, scope.Normalize(tt.earlier)) {
					t.Errorf("grant changed to %q", g)
				}
				return
			}
			want := map[string]any{
				"token_type": "Bearer", "expires_in": float64(3599), "scope": tt.wantScope,
				"authuser": "0", "prompt": "consent", "state": "st-42",
			}
			if tt.wantHD != "" {
				want["hd"] = tt.wantHD
			}
			for k, v := range want {
				if resp[k] != v {
					t.Errorf("%s: %#v, want %#v", k, resp[k], v)
				}
			}
			if _, ok := resp["hd"]; ok && tt.wantHD == "" {
				t.Errorf("hd %v for a consumer account", resp["hd"])
			}
			value, _ := resp["access_token"].(string)
			if !strings.HasPrefix(value, "ya29.") {
				t.Fatalf("access_token %q", value)
			}
			tok, st := s.lookupToken(value)
			if st != tokenValid || strings.Join(tok.Scopes, " ") != tt.wantScope || tok.ClientID != siteClientID || tok.Account != account {
				t.Errorf("minted token %+v (status %d) does not match the response", tok, st)
			}
			if g := s.grantedScopes(s.def, account, siteClientID); !slices.Equal(g, tt.wantGrant) {
				t.Errorf("grant %q, want %q", g, tt.wantGrant)
			}
			if strings.Contains(p.text(), value) {
				t.Error("the token is visible on the result page")
			}
		})
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// prompt and login_hint decide which screens appear, as with Google.
func TestPromptAndLoginHint(t *testing.T) {
	tests := []struct {
		name       string
		signedIn   string // account signed in through the chooser first
		earlier    []string
		query      url.Values
		want       string // chooser, consent, or result
		wantError  string // for result
		wantPrompt string // the response's prompt, for result
		wantChip   string // the account on the consent screen
	}{
		{name: "no prompt, nobody signed in: chooser", query: authQuery(tscope.Cal), want: "chooser"},
		{name: "no prompt, signed in, not granted: consent", signedIn: "alice@example.com", query: authQuery(tscope.Cal),
			want: "consent", wantChip: "alice@example.com"},
		{name: "no prompt, signed in, all granted: answers at once", signedIn: "alice@example.com", earlier: []string{tscope.Cal}, query: authQuery(tscope.Cal),
			want: "result", wantPrompt: "none"},
		{name: "empty prompt is no prompt", signedIn: "alice@example.com", earlier: []string{tscope.Cal}, query: authQuery(tscope.Cal, "prompt", ""),
			want: "result", wantPrompt: "none"},
		{name: "none, nobody signed in: interaction_required", query: authQuery(tscope.Cal, "prompt", "none"),
			want: "result", wantError: "interaction_required"},
		{name: "none, consent needed: consent_required", signedIn: "alice@example.com", query: authQuery(tscope.Cal, "prompt", "none"),
			want: "result", wantError: "consent_required"},
		{name: "none, partly granted: consent_required", signedIn: "alice@example.com", earlier: []string{tscope.Cal}, query: authQuery(spaced(tscope.Cal, tscope.Docs), "prompt", "none"),
			want: "result", wantError: "consent_required"},
		{name: "none, all granted: token", signedIn: "alice@example.com", earlier: []string{tscope.Cal}, query: authQuery(tscope.Cal, "prompt", "none"),
			want: "result", wantPrompt: "none"},
		{name: "none with a matching login_hint", earlier: []string{tscope.Cal}, query: authQuery(tscope.Cal, "prompt", "none", "login_hint", "alice@example.com"),
			want: "result", wantPrompt: "none"},
		{name: "consent, all granted: consent screen anyway", signedIn: "alice@example.com", earlier: []string{tscope.Cal}, query: authQuery(tscope.Cal, "prompt", "consent"),
			want: "consent", wantChip: "alice@example.com"},
		{name: "select_account, signed in: chooser", signedIn: "alice@example.com", earlier: []string{tscope.Cal}, query: authQuery(tscope.Cal, "prompt", "select_account"),
			want: "chooser"},
		{name: "select_account beats login_hint", query: authQuery(tscope.Cal, "prompt", "select_account", "login_hint", "bob@example.com"),
			want: "chooser"},
		{name: "login_hint email skips the chooser", query: authQuery(tscope.Cal, "login_hint", "bob@example.com"),
			want: "consent", wantChip: "bob@example.com"},
		{name: "login_hint sub skips the chooser", query: authQuery(tscope.Cal, "login_hint", "104271843210000000002"),
			want: "consent", wantChip: "bob@example.com"},
		{name: "login_hint wins over the signed-in account", signedIn: "alice@example.com", query: authQuery(tscope.Cal, "login_hint", "bob@example.com"),
			want: "consent", wantChip: "bob@example.com"},
		{name: "grants are per client", signedIn: "alice@example.com", earlier: []string{tscope.Cal},
			query: authQuery(tscope.Cal, "client_id", otherClientID, "redirect_uri", "storagerelay://http/localhost:9090?id=auth9"),
			want:  "consent", wantChip: "alice@example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newBrowserEmu(t)
			b := newPopupBrowser(t, s)
			if tt.signedIn != "" {
				b.signIn(tt.signedIn)
			}
			if tt.earlier != nil {
				s.addGrant(s.def, "alice@example.com", siteClientID, tt.earlier)
			}
			p := b.open(tt.query).mustBe(tt.want)
			switch tt.want {
			case "consent":
				chip := p.doc.Find(".chip").Clone()
				chip.Find(`[aria-hidden="true"]`).Remove() // the avatar: not in the accessible text
				if chip := collapse(chip.Text()); chip != tt.wantChip {
					t.Errorf("consent for %q, want %q", chip, tt.wantChip)
				}
			case "result":
				resp := p.response()
				if tt.wantError != "" {
					if resp["error"] != tt.wantError || resp["access_token"] != nil {
						t.Errorf("response %v, want error %s", resp, tt.wantError)
					}
					return
				}
				if resp["prompt"] != tt.wantPrompt || resp["access_token"] == nil || resp["scope"] != tscope.Cal {
					t.Errorf("response %v, want a token for %s with prompt %q", resp, tscope.Cal, tt.wantPrompt)
				}
			}
		})
	}
}

// Choosing an account signs the browser in to the emulator's origin, until
// /_emu/reset; after a chooser-only flow the response says select_account.
func TestChooserSignsIn(t *testing.T) {
	s := newBrowserEmu(t)
	s.addGrant(s.def, "bob@example.com", siteClientID, []string{tscope.Cal})
	b := newPopupBrowser(t, s)

	p := b.open(authQuery(tscope.Cal, "prompt", "select_account")).mustBe("chooser").press("bob@example.com")
	if resp := p.response(); resp["prompt"] != "select_account" || resp["scope"] != tscope.Cal {
		t.Errorf("chooser-only flow answered %v", resp)
	}
	c := b.cookies[signInCookie]
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure {
		t.Fatalf("sign-in cookie %+v: want HttpOnly, SameSite=Lax, Path=/ (not Secure on http)", c)
	}
	if strings.Contains(c.Value, "bob") {
		t.Error("the cookie names the account instead of an opaque session")
	}
	b.open(authQuery(tscope.Cal)).mustBe("result")

	serveEmu(s, controlRequest(http.MethodPost, "/_emu/reset", ""))
	b.open(authQuery(tscope.Cal)).mustBe("chooser")
}

// A form for one account cannot be replayed as another.
func TestConsentIsBoundToTheSignedInAccount(t *testing.T) {
	s := newBrowserEmu(t)
	b := newPopupBrowser(t, s)
	b.signIn("alice@example.com")
	form := authQuery(tscope.Cal)
	form.Set("account", "bob@example.com")
	form.Set("action", "continue")
	if p := b.post(form).mustBe("error"); p.rec.Code != http.StatusBadRequest {
		t.Errorf("status %d", p.rec.Code)
	}
	if g := s.grantedScopes(s.def, "bob@example.com", siteClientID); len(g) != 0 {
		t.Errorf("bob's grant %q", g)
	}
}

// The code client (for contrast): the same screens, an authorization code
// instead of a token.
func TestCodeResponse(t *testing.T) {
	s := newBrowserEmu(t)
	p := newPopupBrowser(t, s).open(authQuery(tscope.Cal, "response_type", "code", "login_hint", "alice@example.com")).
		mustBe("consent").press("Continue")
	resp := p.response()
	code, _ := resp["code"].(string)
	if !strings.HasPrefix(code, "4/0A") || resp["access_token"] != nil || resp["scope"] != tscope.Cal || resp["token_type"] != nil {
		t.Errorf("code response %v", resp)
	}
	if len(s.snapshot(s.def).Tokens) != 0 {
		t.Error("the code flow minted a token")
	}
	if g := s.grantedScopes(s.def, "alice@example.com", siteClientID); !slices.Equal(g, []string{tscope.Cal}) {
		t.Errorf("grant %q", g)
	}
}

// A client Google deleted (for inactivity) gets Google's deleted_client page.
func TestDeletedClient(t *testing.T) {
	s := New(Options{
		Clients:   []Client{{ID: siteClientID, Name: "Scopewise", Origins: []string{siteOrigin}, Deleted: true}},
		PublicURL: emuOrigin,
		Now:       func() time.Time { return browserTestNow },
	})
	p := newPopupBrowser(t, s).open(authQuery(tscope.Cal))
	if p.rec.Code != http.StatusUnauthorized {
		t.Errorf("status %d, want 401", p.rec.Code)
	}
	p.mustBe("error")
	for _, want := range []string{"Access blocked: Authorization Error", "Error 401: deleted_client", "The OAuth client was deleted.", "client_id: " + siteClientID} {
		if !strings.Contains(p.text(), want) {
			t.Errorf("page lacks %q:\n%s", want, p.text())
		}
	}
	if strings.Contains(p.text(), "Continue") {
		t.Error("a deleted client's popup offers to continue")
	}
}

// The popup's pages send COOP same-origin as report-only, as Google's do;
// the enforced policy stays unsafe-none so the opener keeps its link.
func TestPopupCOOPReportOnly(t *testing.T) {
	for name, q := range map[string]url.Values{
		"chooser": authQuery(tscope.Cal),
		"error":   authQuery(tscope.Cal, "client_id", "nobody.apps.googleusercontent.com"),
	} {
		t.Run(name, func(t *testing.T) {
			p := newPopupBrowser(t, newBrowserEmu(t)).open(q)
			h := p.rec.Header()
			if got := h.Get("Cross-Origin-Opener-Policy-Report-Only"); got != "same-origin" {
				t.Errorf("COOP-Report-Only = %q", got)
			}
			if got := h.Get("Cross-Origin-Opener-Policy"); got != "unsafe-none" {
				t.Errorf("COOP = %q", got)
			}
		})
	}
}
