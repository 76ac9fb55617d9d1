package emulator

// Helpers for the data-API tests (calendar, docs, picker, media, seed).
// Names are prefixed "data" to stay clear of the browser-side tests'.

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const (
	dataClientID = "data-client.apps.googleusercontent.com"
	dataOtherApp = "data-other.apps.googleusercontent.com"
	dataOrigin   = "http://emu.test:8081"
	aliceEmail   = "alice@example.com"
	bobEmail     = "bob@example.com"
	carolEmail   = "carol@scopewise.test"
)

// dataNow is a Tuesday in London winter (GMT), three weeks before the
// clocks go forward, so seed events span a DST change.
var dataNow = time.Date(2026, 3, 10, 10, 20, 0, 0, time.UTC)

func newDataEmu(t testing.TB, opts ...func(*Options)) *Server {
	t.Helper()
	o := Options{
		Clients: []Client{
			{ID: dataClientID, Name: "Scopewise", Origins: []string{"http://site.test:8080"}},
			{ID: dataOtherApp, Name: "Other", Origins: []string{"http://other.test"}},
		},
		PublicURL: dataOrigin,
		Now:       func() time.Time { return dataNow },
	}
	for _, f := range opts {
		f(&o)
	}
	return New(o)
}

// dataAdvance moves the emulator's clock, as POST /_emu/clock does.
func dataAdvance(s *Server, d time.Duration) {
	s.mu.Lock()
	s.state.clockOffset += d
	s.mu.Unlock()
}

// dataToken mints a token for the test client, valid for an hour.
func dataToken(s *Server, email string, scopes ...string) string {
	v, _ := s.mintToken(dataClientID, email, scopes, time.Hour)
	return v
}

// dataDo runs one request; token "" sends no Authorization header.
func dataDo(s *Server, method, target, token, body string) *httptest.ResponseRecorder {
	var req *http.Request
	if body == "" {
		req = httptest.NewRequest(method, target, nil)
	} else {
		req = httptest.NewRequest(method, target, strings.NewReader(body))
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, asServed(s, req))
	return rec
}

func dataGet(s *Server, target, token string) *httptest.ResponseRecorder {
	return dataDo(s, http.MethodGet, target, token, "")
}

func dataJSON[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("decode %q: %v", rec.Body.String(), err)
	}
	return v
}

// googleError is Google's envelope, as a client reads it.
type googleError struct {
	Error struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Status  string `json:"status"`
		Errors  []struct {
			Reason, Domain, Message, Location, LocationType string
		} `json:"errors"`
		Details []struct {
			Type   string `json:"@type"`
			Reason string `json:"reason"`
		} `json:"details"`
	} `json:"error"`
}

func (e googleError) reason() string {
	for _, d := range e.Error.Details {
		if d.Reason != "" {
			return d.Reason
		}
	}
	return ""
}

// wantAPIError checks status code, envelope status and (when set) message.
func wantAPIError(t *testing.T, rec *httptest.ResponseRecorder, code int, status, message string) googleError {
	t.Helper()
	if rec.Code != code {
		t.Fatalf("status = %d, want %d; body %s", rec.Code, code, rec.Body)
	}
	e := dataJSON[googleError](t, rec)
	if e.Error.Code != code || e.Error.Status != status {
		t.Errorf("envelope code/status = %d/%q, want %d/%q", e.Error.Code, e.Error.Status, code, status)
	}
	if message != "" && e.Error.Message != message {
		t.Errorf("message = %q, want %q", e.Error.Message, message)
	}
	return e
}

// authCases are the 401/403 checks every data endpoint shares: no token,
// a garbage token, an expired one, and one without the endpoint's scope.
func checkAuthErrors(t *testing.T, method, target, goodScope, wrongScope string) {
	t.Helper()
	s := newDataEmu(t)
	expired, _ := s.mintToken(dataClientID, aliceEmail, []string{goodScope}, time.Minute)
	dataAdvance(s, 2*time.Minute)
	cases := []struct {
		name, token string
		code        int
		status      string
		header      string
		reason      string
	}{
		{"no token", "", 401, "UNAUTHENTICATED", `Bearer realm="https://accounts.google.com/"`, "CREDENTIALS_MISSING"},
		{"garbage token", "ya29.nonsense", 401, "UNAUTHENTICATED", `error="invalid_token"`, ""},
		{"expired token", expired, 401, "UNAUTHENTICATED", `error="invalid_token"`, ""},
		{"wrong scope", dataToken(s, aliceEmail, wrongScope), 403, "PERMISSION_DENIED", `error="insufficient_scope"`, "ACCESS_TOKEN_SCOPE_INSUFFICIENT"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := dataDo(s, method, target, c.token, "")
			e := wantAPIError(t, rec, c.code, c.status, "")
			if h := rec.Header().Get("WWW-Authenticate"); !strings.Contains(h, c.header) {
				t.Errorf("WWW-Authenticate = %q, want it to contain %q", h, c.header)
			}
			if c.code == 403 {
				if e.Error.Message != "Request had insufficient authentication scopes." {
					t.Errorf("message = %q", e.Error.Message)
				}
				if h := rec.Header().Get("WWW-Authenticate"); !strings.Contains(h, goodScope) {
					t.Errorf("WWW-Authenticate = %q, want it to name %s", h, goodScope)
				}
			}
			if c.reason != "" && e.reason() != c.reason {
				t.Errorf("details reason = %q, want %q", e.reason(), c.reason)
			}
		})
	}
}
