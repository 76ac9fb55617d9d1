package emulator

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// addTestFault registers a fault and fails the test if it is refused.
func addTestFault(t *testing.T, s *Server, body string) {
	t.Helper()
	if rec := serveEmu(s, controlRequest(http.MethodPost, "/_emu/faults", body)); rec.Code != http.StatusOK {
		t.Fatalf("POST /_emu/faults %s: %d %s", body, rec.Code, rec.Body)
	}
}

// Injected faults: the next count requests of the exact path fail so; then
// the real handler answers again.
func TestFaults(t *testing.T) {
	type answer struct {
		status     int
		bodyIs     string // exact body, for literal bodies
		envelope   string // the envelope's status, for Google's envelope
		legacyErrs bool   // Calendar's errors[] present
	}
	real := answer{status: http.StatusBadRequest} // /tokeninfo with no token
	tests := []struct {
		name  string
		fault string
		path  string
		want  []answer
	}{
		{"503 once, then the real handler",
			`{"path":"/tokeninfo","status":503}`, "/tokeninfo",
			[]answer{{status: 503, envelope: "UNAVAILABLE"}, real}},
		{"count 2",
			`{"path":"/tokeninfo","status":500,"count":2}`, "/tokeninfo",
			[]answer{{status: 500, envelope: "INTERNAL"}, {status: 500, envelope: "INTERNAL"}, real}},
		{"429 is RESOURCE_EXHAUSTED",
			`{"path":"/tokeninfo","status":429}`, "/tokeninfo",
			[]answer{{status: 429, envelope: "RESOURCE_EXHAUSTED"}, real}},
		{"Calendar's envelope has errors[]",
			`{"path":"/calendar/v3/calendars/primary/events","status":503}`, "/calendar/v3/calendars/primary/events",
			[]answer{{status: 503, envelope: "UNAVAILABLE", legacyErrs: true}}},
		{"garbage body with a status",
			`{"path":"/tokeninfo","status":502,"body":"<html>garbage"}`, "/tokeninfo",
			[]answer{{status: 502, bodyIs: "<html>garbage"}, real}},
		{"garbage body without a status is a 200",
			`{"path":"/tokeninfo","body":"garbage"}`, "/tokeninfo",
			[]answer{{status: 200, bodyIs: "garbage"}, real}},
		{"another path is untouched",
			`{"path":"/revoke","status":503}`, "/tokeninfo",
			[]answer{real}},
		{"the path is matched exactly",
			`{"path":"/tokeninfo/","status":503}`, "/tokeninfo",
			[]answer{real}},
		{"a delay-only fault lets the handler answer",
			`{"path":"/tokeninfo","delay":"1ms"}`, "/tokeninfo",
			[]answer{real}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newBrowserEmu(t)
			addTestFault(t, s, tt.fault)
			for i, want := range tt.want {
				rec := serveEmu(s, httptest.NewRequest(http.MethodGet, tt.path, nil))
				if rec.Code != want.status {
					t.Errorf("request %d: status %d, want %d", i+1, rec.Code, want.status)
				}
				switch {
				case want.bodyIs != "":
					if rec.Body.String() != want.bodyIs {
						t.Errorf("request %d: body %q, want %q", i+1, rec.Body, want.bodyIs)
					}
				case want.envelope != "":
					env := decodeJSONBody[map[string]apiError](t, rec)["error"]
					if env.Code != want.status || env.Status != want.envelope || env.Message == "" {
						t.Errorf("request %d: envelope %+v, want %d %s", i+1, env, want.status, want.envelope)
					}
					if (len(env.Errors) > 0) != want.legacyErrs {
						t.Errorf("request %d: errors[] %+v", i+1, env.Errors)
					}
				}
			}
		})
	}
}

// Faults never touch the control API, so a test can always reset.
func TestFaultsSpareControlPaths(t *testing.T) {
	s := newBrowserEmu(t)
	rec := serveEmu(s, controlRequest(http.MethodPost, "/_emu/faults", `{"path":"/_emu/reset","status":503}`))
	if rec.Code != http.StatusBadRequest {
		t.Errorf("a fault for /_emu/reset was accepted: %d", rec.Code)
	}
	// Even a fault smuggled into the state does not apply.
	s.addFault(&fault{Path: "/_emu/state", Status: 503, Remaining: 1})
	if rec := serveEmu(s, httptest.NewRequest(http.MethodGet, "/_emu/state", nil)); rec.Code != http.StatusOK {
		t.Errorf("GET /_emu/state: %d", rec.Code)
	}
}

// A delayed answer waits, but not for a caller that has gone.
func TestFaultDelay(t *testing.T) {
	t.Run("waits, then answers", func(t *testing.T) {
		s := newBrowserEmu(t)
		addTestFault(t, s, `{"path":"/tokeninfo","status":503,"delay":"30ms"}`)
		start := time.Now()
		rec := serveEmu(s, httptest.NewRequest(http.MethodGet, "/tokeninfo", nil))
		if elapsed := time.Since(start); elapsed < 30*time.Millisecond {
			t.Errorf("answered after %s, want at least 30ms", elapsed)
		}
		if rec.Code != http.StatusServiceUnavailable {
			t.Errorf("status %d", rec.Code)
		}
	})
	t.Run("gives up with the caller", func(t *testing.T) {
		s := newBrowserEmu(t)
		addTestFault(t, s, `{"path":"/tokeninfo","status":503,"delay":"5s"}`)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		start := time.Now()
		rec := serveEmu(s, httptest.NewRequestWithContext(ctx, http.MethodGet, "/tokeninfo", nil))
		if elapsed := time.Since(start); elapsed > time.Second {
			t.Errorf("kept a cancelled request for %s", elapsed)
		}
		if rec.Body.Len() != 0 {
			t.Errorf("wrote %q to a caller that left", rec.Body)
		}
	})
}

func TestFaultValidation(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"not JSON", `garbage`, "invalid JSON"},
		{"empty body", ``, "must be a JSON object"},
		{"two objects", `{"path":"/x","status":503}{}`, "data after the object"},
		{"unknown field", `{"path":"/x","status":503,"times":2}`, "unknown field"},
		{"no path", `{"status":503}`, `"path"`},
		{"relative path", `{"path":"calendar","status":503}`, `"path"`},
		{"path with query", `{"path":"/tokeninfo?x=1","status":503}`, "no query"},
		{"control path", `{"path":"/_emu/state","status":503}`, "/_emu/"},
		{"nothing to do", `{"path":"/tokeninfo"}`, "at least one"},
		{"status too low", `{"path":"/tokeninfo","status":99}`, `"status"`},
		{"status too high", `{"path":"/tokeninfo","status":600}`, `"status"`},
		{"success status without body", `{"path":"/tokeninfo","status":204}`, `needs a "body"`},
		{"zero count", `{"path":"/tokeninfo","status":503,"count":0}`, `"count"`},
		{"negative count", `{"path":"/tokeninfo","status":503,"count":-1}`, `"count"`},
		{"bad delay", `{"path":"/tokeninfo","delay":"soon"}`, `"delay"`},
		{"negative delay", `{"path":"/tokeninfo","delay":"-5s"}`, `"delay"`},
		{"status of the wrong type", `{"path":"/tokeninfo","status":"503"}`, "invalid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newBrowserEmu(t)
			rec := serveEmu(s, controlRequest(http.MethodPost, "/_emu/faults", tt.body))
			if rec.Code != http.StatusBadRequest {
				t.Errorf("status %d, want 400", rec.Code)
			}
			if msg := decodeJSONBody[map[string]string](t, rec)["error"]; !strings.Contains(msg, tt.want) {
				t.Errorf("error %q lacks %q", msg, tt.want)
			}
			if n := len(s.snapshot().Faults); n != 0 {
				t.Errorf("%d faults registered", n)
			}
		})
	}
}
