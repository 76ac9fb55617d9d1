package emulator

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scopewise/scopewise/emulator/internal/scope"
)

func tokenInfoRequest(method, value string) *http.Request {
	if method == http.MethodPost {
		req := httptest.NewRequest(method, "/tokeninfo", strings.NewReader(url.Values{"access_token": {value}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return req
	}
	return httptest.NewRequest(method, "/tokeninfo?"+url.Values{"access_token": {value}}.Encode(), nil)
}

// tokeninfo's 200 body: every value a string; sub/email only when the token
// carries openid/email, as Google's.
func TestTokenInfo(t *testing.T) {
	exp := browserTestNow.Add(3599 * time.Second).Unix()
	tests := []struct {
		name      string
		method    string
		scopes    []string
		wantSub   bool
		wantEmail bool
	}{
		{"calendar only: user not identified", http.MethodGet, []string{tscope.Cal}, false, false},
		{"by POST form", http.MethodPost, []string{tscope.Cal}, false, false},
		{"openid: sub, no email", http.MethodGet, []string{tscope.OpenID, tscope.Cal}, true, false},
		{"email: sub and email", http.MethodGet, []string{tscope.Email, tscope.Docs}, true, true},
		{"userinfo.email counts as email", http.MethodGet, []string{"https://www.googleapis.com/auth/userinfo.email"}, true, true},
		{"profile alone: no email", http.MethodGet, []string{tscope.Profile}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newBrowserEmu(t)
			value, _ := s.mintToken(s.def, siteClientID, "alice@example.com", tt.scopes, tokenTTL)
			rec := serveEmu(s, tokenInfoRequest(tt.method, value))
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			body := decodeJSONBody[map[string]any](t, rec)
			for k, v := range body {
				if _, ok := v.(string); !ok {
					t.Errorf("%s is %T, want a string", k, v)
				}
			}
			want := map[string]any{
				"azp": siteClientID, "aud": siteClientID, "scope": strings.Join(scope.Normalize(tt.scopes), " "),
				"exp": strconv.FormatInt(exp, 10), "expires_in": "3599", "access_type": "online",
			}
			if tt.wantSub {
				want["sub"] = "104271843210000000001"
			}
			if tt.wantEmail {
				want["email"], want["email_verified"] = "alice@example.com", "true"
			}
			if len(body) != len(want) {
				t.Errorf("fields %v, want %v", body, want)
			}
			for k, v := range want {
				if body[k] != v {
					t.Errorf("%s: %v, want %v", k, body[k], v)
				}
			}
		})
	}
}

// expires_in counts down with the emulator's clock.
func TestTokenInfoExpiresIn(t *testing.T) {
	s := newBrowserEmu(t)
	value, _ := s.mintToken(s.def, siteClientID, "alice@example.com", []string{tscope.Cal}, tokenTTL)
	serveEmu(s, controlRequest(http.MethodPost, "/_emu/clock", `{"advance":"600s"}`))
	body := decodeJSONBody[map[string]string](t, serveEmu(s, tokenInfoRequest(http.MethodGet, value)))
	if body["expires_in"] != "2999" {
		t.Errorf("expires_in %q, want 2999", body["expires_in"])
	}
}

func TestTokenInfoRejects(t *testing.T) {
	tests := []struct {
		name string
		req  func(s *Server) *http.Request
	}{
		{"no access_token", func(*Server) *http.Request { return httptest.NewRequest(http.MethodGet, "/tokeninfo", nil) }},
		{"empty POST", func(*Server) *http.Request {
			req := httptest.NewRequest(http.MethodPost, "/tokeninfo", nil)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return req
		}},
		{"garbage", func(*Server) *http.Request { return tokenInfoRequest(http.MethodGet, "ya29.not-a-token") }},
		{"expired, after the clock moved", func(s *Server) *http.Request {
			value, _ := s.mintToken(s.def, siteClientID, "alice@example.com", []string{tscope.Cal}, tokenTTL)
			serveEmu(s, controlRequest(http.MethodPost, "/_emu/clock", `{"advance":"3599s"}`))
			return tokenInfoRequest(http.MethodGet, value)
		}},
		{"revoked", func(s *Server) *http.Request {
			value, _ := s.mintToken(s.def, siteClientID, "alice@example.com", []string{tscope.Cal}, tokenTTL)
			serveEmu(s, revokeRequest(value, ""))
			return tokenInfoRequest(http.MethodPost, value)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newBrowserEmu(t)
			rec := serveEmu(s, tt.req(s))
			if rec.Code != http.StatusBadRequest {
				t.Errorf("status %d, want 400", rec.Code)
			}
			body := decodeJSONBody[map[string]string](t, rec)
			if body["error"] != "invalid_token" || body["error_description"] != "Invalid Value" || len(body) != 2 {
				t.Errorf("body %v", body)
			}
		})
	}
}

func revokeRequest(value, origin string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/revoke", strings.NewReader(url.Values{"token": {value}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	return req
}

// Revoke ends the whole grant: every token of that user for that client,
// not other clients' or other users'.
func TestRevokeEndsTheWholeGrant(t *testing.T) {
	for _, byQuery := range []bool{false, true} {
		name := map[bool]string{false: "form token", true: "query token"}[byQuery]
		t.Run(name, func(t *testing.T) {
			s := newBrowserEmu(t)
			s.addGrant(s.def, "alice@example.com", siteClientID, []string{tscope.Cal, tscope.Docs})
			s.addGrant(s.def, "alice@example.com", otherClientID, []string{tscope.Cal})
			s.addGrant(s.def, "bob@example.com", siteClientID, []string{tscope.Cal})
			aliceCal, _ := s.mintToken(s.def, siteClientID, "alice@example.com", []string{tscope.Cal}, tokenTTL)
			aliceDocs, _ := s.mintToken(s.def, siteClientID, "alice@example.com", []string{tscope.Docs}, tokenTTL)
			aliceOther, _ := s.mintToken(s.def, otherClientID, "alice@example.com", []string{tscope.Cal}, tokenTTL)
			bob, _ := s.mintToken(s.def, siteClientID, "bob@example.com", []string{tscope.Cal}, tokenTTL)

			req := revokeRequest(aliceCal, "")
			if byQuery {
				req = httptest.NewRequest(http.MethodPost, "/revoke?token="+url.QueryEscape(aliceCal), nil)
			}
			rec := serveEmu(s, req)
			if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != "{}" {
				t.Fatalf("revoke: %d %s", rec.Code, rec.Body)
			}
			for value, want := range map[string]tokenStatus{aliceCal: tokenRevoked, aliceDocs: tokenRevoked, aliceOther: tokenValid, bob: tokenValid} {
				if _, got := s.lookupToken(value); got != want {
					t.Errorf("token status %d, want %d", got, want)
				}
			}
			if g := s.grantedScopes(s.def, "alice@example.com", siteClientID); len(g) != 0 {
				t.Errorf("alice's grant to the site survived: %q", g)
			}
			if g := s.grantedScopes(s.def, "alice@example.com", otherClientID); len(g) != 1 {
				t.Errorf("alice's grant to the other client: %q", g)
			}

			again := serveEmu(s, revokeRequest(aliceDocs, ""))
			body := decodeJSONBody[map[string]string](t, again)
			if again.Code != http.StatusBadRequest || body["error"] != "invalid_token" || body["error_description"] != "Token expired or revoked" {
				t.Errorf("second revoke: %d %v", again.Code, body)
			}
		})
	}
}

func TestRevokeRejects(t *testing.T) {
	tests := []struct {
		name      string
		req       func(s *Server) *http.Request
		wantError string
	}{
		{"unknown token", func(*Server) *http.Request { return revokeRequest("ya29.nope", "") }, "invalid_token"},
		{"expired token", func(s *Server) *http.Request {
			value, _ := s.mintToken(s.def, siteClientID, "alice@example.com", []string{tscope.Cal}, time.Minute)
			serveEmu(s, controlRequest(http.MethodPost, "/_emu/clock", `{"advance":"2m"}`))
			return revokeRequest(value, "")
		}, "invalid_token"},
		{"no token", func(*Server) *http.Request { return revokeRequest("", "") }, "invalid_request"},
		{"body too large", func(*Server) *http.Request {
			return revokeRequest(strings.Repeat("x", maxBodyBytes+10), "")
		}, "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newBrowserEmu(t)
			rec := serveEmu(s, tt.req(s))
			body := decodeJSONBody[map[string]string](t, rec)
			if rec.Code != http.StatusBadRequest || body["error"] != tt.wantError {
				t.Errorf("%d %v, want 400 %s", rec.Code, body, tt.wantError)
			}
		})
	}
}

// GIS's revoke() calls /revoke from the page with fetch: CORS for the
// registered JavaScript origins only.
func TestRevokeCORS(t *testing.T) {
	tests := []struct {
		name       string
		method     string
		origin     string
		wantAllow  string
		wantStatus int
	}{
		{"preflight from the site", http.MethodOptions, siteOrigin, siteOrigin, http.StatusNoContent},
		{"preflight from the other client's origin", http.MethodOptions, "http://localhost:9090", "http://localhost:9090", http.StatusNoContent},
		{"preflight from a stranger", http.MethodOptions, "http://evil.test", "", http.StatusNoContent},
		{"POST from the site", http.MethodPost, siteOrigin, siteOrigin, http.StatusBadRequest},
		{"POST from a stranger", http.MethodPost, "http://evil.test", "", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := revokeRequest("ya29.unknown", tt.origin)
			req.Method = tt.method
			if tt.method == http.MethodOptions {
				req.Header.Set("Access-Control-Request-Method", "POST")
			}
			rec := serveEmu(newBrowserEmu(t), req)
			if rec.Code != tt.wantStatus {
				t.Errorf("status %d, want %d", rec.Code, tt.wantStatus)
			}
			if got := rec.Header().Get("Access-Control-Allow-Origin"); got != tt.wantAllow {
				t.Errorf("Access-Control-Allow-Origin %q, want %q", got, tt.wantAllow)
			}
			if tt.method == http.MethodOptions && tt.wantAllow != "" && !strings.Contains(rec.Header().Get("Access-Control-Allow-Methods"), "POST") {
				t.Error("preflight does not allow POST")
			}
		})
	}
}

// google-auth-library's getTokenInfo POSTs with the token in
// "Authorization: Bearer" and no body; a token in the query wins over one in
// the header.
func TestTokenInfoBearerHeader(t *testing.T) {
	s := newBrowserEmu(t)
	value, _ := s.mintToken(s.def, siteClientID, "alice@example.com", []string{tscope.Cal}, tokenTTL)
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		req := httptest.NewRequest(method, "/tokeninfo", nil)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
		req.Header.Set("Authorization", "Bearer "+value)
		rec := serveEmu(s, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s with a bearer header: status %d: %s", method, rec.Code, rec.Body)
		}
		if body := decodeJSONBody[map[string]any](t, rec); body["aud"] != siteClientID {
			t.Errorf("%s with a bearer header: %v", method, body)
		}
	}
	req := httptest.NewRequest(http.MethodPost, "/tokeninfo", nil)
	req.Header.Set("Authorization", "Bearer ya29.unknown")
	if rec := serveEmu(s, req); rec.Code != http.StatusBadRequest {
		t.Errorf("unknown bearer token: status %d", rec.Code)
	}
	req = tokenInfoRequest(http.MethodGet, "ya29.unknown")
	req.Header.Set("Authorization", "Bearer "+value)
	if rec := serveEmu(s, req); rec.Code != http.StatusBadRequest {
		t.Errorf("bad access_token with a good header: status %d, want the parameter to win", rec.Code)
	}
}
