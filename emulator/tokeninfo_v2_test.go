package emulator

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/scopewise/scopewise/emulator/internal/scope"
)

// /oauth2/v2/tokeninfo answers in the discovery document's Tokeninfo shape:
// expires_in a number, verified_email a boolean, no azp/aud/exp.
func TestTokenInfoV2(t *testing.T) {
	s := newBrowserEmu(t)
	value, _ := s.mintToken(s.def, siteClientID, "alice@example.com", []string{tscope.Email, tscope.Cal}, tokenTTL)
	rec := serveEmu(s, httptest.NewRequest(http.MethodPost, "/oauth2/v2/tokeninfo?alt=json&prettyPrint=false&access_token="+value, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	body := decodeJSONBody[map[string]any](t, rec)
	want := map[string]any{
		"issued_to": siteClientID, "audience": siteClientID, "user_id": "104271843210000000001",
		"scope": strings.Join(scope.Normalize([]string{tscope.Email, tscope.Cal}), " "), "expires_in": float64(3599),
		"email": "alice@example.com", "verified_email": true, "access_type": "online",
	}
	if len(body) != len(want) {
		t.Errorf("fields %v, want %v", body, want)
	}
	for k, v := range want {
		if body[k] != v {
			t.Errorf("%s: %v (%T), want %v", k, body[k], body[k], v)
		}
	}
	// A calendar-only token does not identify its user.
	cal, _ := s.mintToken(s.def, siteClientID, "alice@example.com", []string{tscope.Cal}, tokenTTL)
	body = decodeJSONBody[map[string]any](t, serveEmu(s, httptest.NewRequest(http.MethodGet, "/oauth2/v2/tokeninfo?access_token="+cal, nil)))
	for _, k := range []string{"user_id", "email", "verified_email"} {
		if _, ok := body[k]; ok {
			t.Errorf("calendar-only token: %s present", k)
		}
	}
	for _, q := range []string{"", "?access_token=ya29.unknown"} {
		rec := serveEmu(s, httptest.NewRequest(http.MethodPost, "/oauth2/v2/tokeninfo"+q, nil))
		if rec.Code != http.StatusBadRequest || strings.TrimSpace(strings.Join(strings.Fields(rec.Body.String()), " ")) != `{ "error_description": "Invalid Value" }` {
			t.Errorf("%q: status %d %s, want 400 {\"error_description\":\"Invalid Value\"}", q, rec.Code, rec.Body)
		}
	}
}
