package emulator

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// /_emu/state counts calls of Google's endpoints by route, faulted ones
// included, control calls and unknown paths not; reset clears the counts.
func TestStateCountsCalls(t *testing.T) {
	s := newBrowserEmu(t)
	value, _ := s.mintToken(s.def, siteClientID, "alice@example.com", []string{tscope.Cal}, tokenTTL)
	tokeninfo := func() {
		req := httptest.NewRequest(http.MethodPost, "/tokeninfo", strings.NewReader("access_token="+value))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		serveEmu(s, req)
	}
	events := func() int {
		req := httptest.NewRequest(http.MethodGet, "/calendar/v3/calendars/primary/events", nil)
		req.Header.Set("Authorization", "Bearer "+value)
		return serveEmu(s, req).Code
	}
	tokeninfo()
	tokeninfo()
	if code := events(); code != http.StatusOK {
		t.Fatalf("events.list: %d", code)
	}
	addTestFault(t, s, `{"path":"/calendar/v3/calendars/primary/events","status":503}`)
	if code := events(); code != http.StatusServiceUnavailable {
		t.Fatalf("faulted events.list: %d", code)
	}
	serveEmu(s, httptest.NewRequest(http.MethodGet, "/no/such/path", nil))

	st := decodeJSONBody[State](t, serveEmu(s, httptest.NewRequest(http.MethodGet, "/_emu/state", nil)))
	want := map[string]int{"POST /tokeninfo": 2, "GET /calendar/v3/calendars/{calendarId}/events": 2}
	if len(st.Calls) != len(want) {
		t.Errorf("calls = %v, want %v", st.Calls, want)
	}
	for k, n := range want {
		if st.Calls[k] != n {
			t.Errorf("calls[%q] = %d, want %d (all: %v)", k, st.Calls[k], n, st.Calls)
		}
	}
	serveEmu(s, controlRequest(http.MethodPost, "/_emu/reset", ""))
	if st := s.snapshot(s.def); len(st.Calls) != 0 {
		t.Errorf("calls after reset: %v", st.Calls)
	}
}
