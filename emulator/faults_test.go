package emulator

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scopewise/scopewise/emulator/internal/googleapi"
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
			`{"path":"/tokeninfo","status":503}`, "/tokeninfo/",
			[]answer{{status: http.StatusNotFound}}},
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
					env := decodeJSONBody[map[string]googleapi.Error](t, rec)["error"]
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
		if elapsed := time.Since(start); elapsed > 4*time.Second { // the delay is 5 s
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
		{"body and size", `{"path":"/tokeninfo","body":"x","size":100}`, `not both`},
		{"size too small", `{"path":"/tokeninfo","size":3}`, `"size"`},
		{"size too large", `{"path":"/tokeninfo","size":2000000000}`, `"size"`},
		{"reason without status", `{"path":"/tokeninfo","reason":"SERVICE_DISABLED"}`, `"reason"`},
		{"reason with a body", `{"path":"/tokeninfo","status":403,"reason":"SERVICE_DISABLED","body":"x"}`, `"reason"`},
		{"reason in lower case", `{"path":"/tokeninfo","status":403,"reason":"disabled"}`, `upper-case`},
		{"bad drip", `{"path":"/tokeninfo","drip":"slowly"}`, `"drip"`},
		{"zero drip", `{"path":"/tokeninfo","drip":"0s"}`, `"drip"`},
		{"header name with a colon", `{"path":"/tokeninfo","status":429,"headers":{"Retry-After:":"1"}}`, `header name`},
		{"header value with a newline", `{"path":"/tokeninfo","status":429,"headers":{"Retry-After":"1\r\nSet-Cookie: x=1"}}`, `control characters`},
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
			if n := len(s.snapshot(s.def).Faults); n != 0 {
				t.Errorf("%d faults registered", n)
			}
		})
	}
}

// The fault kinds a site's fault suite needs: Google's SERVICE_DISABLED
// envelope, Retry-After and Content-Type headers, a huge body, a slow drip.
func TestFaultKinds(t *testing.T) {
	const events = "/calendar/v3/calendars/primary/events"
	tests := []struct {
		name   string
		fault  string
		path   string
		status int
		check  func(t *testing.T, rec *httptest.ResponseRecorder)
	}{
		{"403 SERVICE_DISABLED in Calendar's envelope", `{"path":"` + events + `","status":403,"reason":"SERVICE_DISABLED"}`, events, 403,
			func(t *testing.T, rec *httptest.ResponseRecorder) {
				env := decodeJSONBody[map[string]googleapi.Error](t, rec)["error"]
				if env.Status != "PERMISSION_DENIED" || !strings.Contains(env.Message, "Google Calendar API has not been used in project") {
					t.Errorf("envelope %+v", env)
				}
				if len(env.Details) != 1 || env.Details[0]["reason"] != "SERVICE_DISABLED" || env.Details[0]["@type"] != "type.googleapis.com/google.rpc.ErrorInfo" {
					t.Errorf("details %+v", env.Details)
				}
				if len(env.Errors) != 1 || env.Errors[0].Reason != "accessNotConfigured" {
					t.Errorf("errors[] %+v", env.Errors)
				}
			}},
		{"429 with Retry-After", `{"path":"/tokeninfo","status":429,"headers":{"retry-after":"7"}}`, "/tokeninfo", 429,
			func(t *testing.T, rec *httptest.ResponseRecorder) {
				if got := rec.Header().Get("Retry-After"); got != "7" {
					t.Errorf("Retry-After %q", got)
				}
			}},
		{"an HTML error page", `{"path":"/tokeninfo","status":502,"body":"<html><body>Bad Gateway</body></html>","headers":{"Content-Type":"text/html"}}`, "/tokeninfo", 502,
			func(t *testing.T, rec *httptest.ResponseRecorder) {
				if rec.Header().Get("Content-Type") != "text/html" || !strings.HasPrefix(rec.Body.String(), "<html>") {
					t.Errorf("%s %q", rec.Header().Get("Content-Type"), rec.Body)
				}
			}},
		{"a sized body is JSON of exactly that size", `{"path":"` + events + `","size":1048576}`, events, 200,
			func(t *testing.T, rec *httptest.ResponseRecorder) {
				var v map[string]string
				if rec.Body.Len() != 1<<20 || json.Unmarshal(rec.Body.Bytes(), &v) != nil || len(v["padding"]) != 1<<20-14 {
					t.Errorf("body of %d bytes, padding %d", rec.Body.Len(), len(v["padding"]))
				}
			}},
		{"a drip sends the real answer, byte by byte", `{"path":"/tokeninfo","drip":"1ms"}`, "/tokeninfo", 400,
			func(t *testing.T, rec *httptest.ResponseRecorder) {
				if !strings.Contains(rec.Body.String(), `"invalid_token"`) || !rec.Flushed {
					t.Errorf("flushed %v, body %q", rec.Flushed, rec.Body)
				}
			}},
		{"a drip of an injected status", `{"path":"/tokeninfo","status":503,"drip":"1ms"}`, "/tokeninfo", 503,
			func(t *testing.T, rec *httptest.ResponseRecorder) {
				if !strings.Contains(rec.Body.String(), `"UNAVAILABLE"`) {
					t.Errorf("body %q", rec.Body)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newBrowserEmu(t)
			addTestFault(t, s, tt.fault)
			rec := serveEmu(s, httptest.NewRequest(http.MethodGet, tt.path, nil))
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %.300s", rec.Code, tt.status, rec.Body)
			}
			tt.check(t, rec)
			if rec := serveEmu(s, httptest.NewRequest(http.MethodGet, "/tokeninfo", nil)); rec.Code != http.StatusBadRequest {
				t.Errorf("the fault outlived its count: %d", rec.Code)
			}
		})
	}
}

// A drip stops with the caller, and so does a sized body.
func TestFaultDripGivesUp(t *testing.T) {
	for _, fault := range []string{
		`{"path":"/tokeninfo","status":503,"drip":"5s"}`,
		`{"path":"/tokeninfo","size":1000000,"drip":"5s"}`,
	} {
		s := newBrowserEmu(t)
		addTestFault(t, s, fault)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		start := time.Now()
		rec := serveEmu(s, httptest.NewRequestWithContext(ctx, http.MethodGet, "/tokeninfo", nil))
		cancel()
		if elapsed := time.Since(start); elapsed > 4*time.Second {
			t.Errorf("%s: kept a cancelled request for %s", fault, elapsed)
		}
		if rec.Body.Len() != 1 {
			t.Errorf("%s: wrote %d bytes to a caller that left after the first", fault, rec.Body.Len())
		}
	}
}

// GET /_emu/issued lists every token value issued since start, through
// resets, for the leak canary; /_emu/state still shows none.
func TestIssued(t *testing.T) {
	s := newBrowserEmu(t)
	mint := func() string {
		rec := serveEmu(s, controlRequest(http.MethodPost, "/_emu/tokens", `{"client_id":"`+siteClientID+`","account":"alice@example.com","scopes":["`+tscope.Cal+`"]}`))
		return decodeJSONBody[mintResponse](t, rec).AccessToken
	}
	first := mint()
	serveEmu(s, controlRequest(http.MethodPost, "/_emu/reset", `{}`))
	second := mint()

	rec := serveEmu(s, httptest.NewRequest(http.MethodGet, "/_emu/issued", nil))
	got := decodeJSONBody[Issued](t, rec)
	if rec.Code != 200 || got.Total != 2 || strings.Join(got.Tokens, " ") != first+" "+second {
		t.Errorf("%d %+v, want both tokens, oldest first", rec.Code, got)
	}
	cross := httptest.NewRequest(http.MethodGet, "/_emu/issued", nil)
	cross.Header.Set("Origin", siteOrigin) // a registered origin: still no CORS grant
	if got := serveEmu(s, cross).Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("a page may read the issued tokens: Access-Control-Allow-Origin %q", got)
	}
	if rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", rec.Header().Get("Cache-Control"))
	}
	if state := serveEmu(s, httptest.NewRequest(http.MethodGet, "/_emu/state", nil)).Body.String(); strings.Contains(state, second) {
		t.Error("/_emu/state shows a token value")
	}

	var it issuedTokens
	for i := range maxIssuedKept + 5 {
		it.add(strconv.Itoa(i))
	}
	if it.total != maxIssuedKept+5 || len(it.values) > maxIssuedKept || it.values[len(it.values)-1] != strconv.Itoa(maxIssuedKept+4) {
		t.Errorf("bounded list: total %d, kept %d, newest %s", it.total, len(it.values), it.values[len(it.values)-1])
	}
}

// A hang on a POST (tokeninfo's form) ends when the caller hangs up, as on a
// GET: the emulator reads the small body first, so net/http notices.
func TestFaultHangEndsWithThePOSTCaller(t *testing.T) {
	s := newBrowserEmu(t)
	addTestFault(t, s, `{"path":"/tokeninfo","delay":"60s"}`)
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(done)
		s.ServeHTTP(w, r)
	}))
	defer srv.Close()
	client := &http.Client{Timeout: 50 * time.Millisecond}
	if _, err := client.PostForm(srv.URL+"/tokeninfo", map[string][]string{"access_token": {"x"}}); err == nil {
		t.Fatal("the hang answered")
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the emulator still holds the request 10s after the caller left")
	}
}
