// Package apitest runs one of the emulator's APIs on its own for its tests:
// a fixed clock, a token store the test mints into, a mux with the routes
// under test, and checks of Google's error envelope.
package apitest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scopewise/scopewise/emulator/internal/clock"
	"github.com/scopewise/scopewise/emulator/internal/googleapi"
)

// The fake accounts and client the tests use.
const (
	ClientID = "data-client.apps.googleusercontent.com"
	Origin   = "http://emu.test:8081" // the emulator's public URL in tests
	Alice    = "alice@example.com"
	Bob      = "bob@example.com"
	Carol    = "carol@scopewise.test"

	// CalendarScope is a scope no API but Calendar accepts: the wrong
	// scope of the others' 403 checks.
	CalendarScope = "https://www.googleapis.com/auth/calendar.readonly"
)

// Now is a Tuesday in London winter (GMT), three weeks before the clocks go
// forward, so seed events span a DST change.
var Now = time.Date(2026, 3, 10, 10, 20, 0, 0, time.UTC)

// Emu is one API behind a mux, with its clock and tokens.
type Emu struct {
	Clock  *clock.Clock
	Tokens *Tokens
	Mux    *http.ServeMux
}

// Part is one API's Service behind the harness.
type Part[S any] struct {
	*Emu
	Svc S
}

// New is an empty harness at Now; the test registers its routes on Mux.
func New() *Emu {
	c := clock.New(func() time.Time { return Now })
	return &Emu{Clock: c, Tokens: &Tokens{clock: c, byValue: map[string]token{}}, Mux: http.NewServeMux()}
}

// Token mints a token for ClientID, valid for an hour.
func (e *Emu) Token(email string, scopes ...string) string {
	return e.Tokens.Mint(email, time.Hour, scopes...)
}

// Advance moves the clock, as POST /_emu/clock does.
func (e *Emu) Advance(d time.Duration) {
	if _, _, err := e.Clock.Advance(d); err != nil {
		panic(err)
	}
}

// Do runs one request; token "" sends no Authorization header.
func (e *Emu) Do(method, target, token, body string) *httptest.ResponseRecorder {
	return Do(e.Mux, method, target, token, body)
}

// Do runs one request against h; token "" sends no Authorization header.
func Do(h http.Handler, method, target, token, body string) *httptest.ResponseRecorder {
	var req *http.Request
	if body == "" {
		req = httptest.NewRequest(method, target, nil)
	} else {
		req = httptest.NewRequest(method, target, strings.NewReader(body))
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Host = "localhost" // a name the emulator serves (httptest's is example.com)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// Get is Do for a GET.
func (e *Emu) Get(target, token string) *httptest.ResponseRecorder {
	return e.Do(http.MethodGet, target, token, "")
}

// Tokens is a token store the test mints into; a token is usable until its
// expiry on the harness's clock.
type Tokens struct {
	clock   *clock.Clock
	mu      sync.Mutex
	n       int
	byValue map[string]token
}

type token struct {
	bearer googleapi.Bearer
	expiry time.Time
}

// Mint issues a token for ClientID with that lifetime.
func (t *Tokens) Mint(email string, ttl time.Duration, scopes ...string) string {
	return t.MintFor(ClientID, email, ttl, scopes...)
}

// MintFor issues a token for another client.
func (t *Tokens) MintFor(clientID, email string, ttl time.Duration, scopes ...string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n++
	value := "ya29.test-" + email + "-" + time.Duration(t.n).String()
	t.byValue[value] = token{googleapi.Bearer{Account: email, ClientID: clientID, Scopes: scopes}, t.clock.Now().Add(ttl)}
	return value
}

// Bearer implements googleapi.Tokens.
func (t *Tokens) Bearer(value string) (googleapi.Bearer, bool) {
	now := t.clock.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	tok, ok := t.byValue[value]
	if !ok || !now.Before(tok.expiry) {
		return googleapi.Bearer{}, false
	}
	return tok.bearer, true
}

// JSON decodes the recorded body.
func JSON[T any](t testing.TB, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("decode %q: %v", rec.Body.String(), err)
	}
	return v
}

// GoogleError is Google's envelope, as a client reads it.
type GoogleError struct {
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

// Reason is the ErrorInfo reason in details, if any.
func (e GoogleError) Reason() string {
	for _, d := range e.Error.Details {
		if d.Reason != "" {
			return d.Reason
		}
	}
	return ""
}

// WantError checks status code, envelope status and (when set) message.
func WantError(t testing.TB, rec *httptest.ResponseRecorder, code int, status, message string) GoogleError {
	t.Helper()
	if rec.Code != code {
		t.Fatalf("status = %d, want %d; body %s", rec.Code, code, rec.Body)
	}
	e := JSON[GoogleError](t, rec)
	if e.Error.Code != code || e.Error.Status != status {
		t.Errorf("envelope code/status = %d/%q, want %d/%q", e.Error.Code, e.Error.Status, code, status)
	}
	if message != "" && e.Error.Message != message {
		t.Errorf("message = %q, want %q", e.Error.Message, message)
	}
	return e
}

// CheckAuthErrors runs the 401/403 checks every data endpoint shares on e:
// no token, a garbage token, an expired one, and one without the endpoint's
// scope.
func CheckAuthErrors(t *testing.T, e *Emu, method, target, goodScope, wrongScope string) {
	t.Helper()
	expired := e.Tokens.Mint(Alice, time.Minute, goodScope)
	e.Advance(2 * time.Minute)
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
		{"wrong scope", e.Token(Alice, wrongScope), 403, "PERMISSION_DENIED", `error="insufficient_scope"`, "ACCESS_TOKEN_SCOPE_INSUFFICIENT"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := e.Do(method, target, c.token, "")
			ge := WantError(t, rec, c.code, c.status, "")
			if h := rec.Header().Get("WWW-Authenticate"); !strings.Contains(h, c.header) {
				t.Errorf("WWW-Authenticate = %q, want it to contain %q", h, c.header)
			}
			if c.code == 403 {
				if ge.Error.Message != "Request had insufficient authentication scopes." {
					t.Errorf("message = %q", ge.Error.Message)
				}
				if h := rec.Header().Get("WWW-Authenticate"); !strings.Contains(h, goodScope) {
					t.Errorf("WWW-Authenticate = %q, want it to name %s", h, goodScope)
				}
			}
			if c.reason != "" && ge.Reason() != c.reason {
				t.Errorf("details reason = %q, want %q", ge.Reason(), c.reason)
			}
		})
	}
}
