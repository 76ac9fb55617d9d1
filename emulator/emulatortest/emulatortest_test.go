package emulatortest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scopewise/scopewise/emulator"
	"github.com/scopewise/scopewise/emulator/emulatortest"
)

const calendarScope = "https://www.googleapis.com/auth/calendar.readonly"

func getEvents(t *testing.T, emu *emulatortest.Emulator, token string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, emu.URL+"/calendar/v3/calendars/primary/events", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := emu.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// A minted token works against the running emulator until its clock passes
// the expiry; a fault answers in its place; Reset forgets both.
func TestStart(t *testing.T) {
	emu := emulatortest.Start(t, emulator.Options{})
	token := emu.Mint(t, emulator.TokenRequest{Scopes: []string{calendarScope}, TTL: time.Minute})
	if got := getEvents(t, emu, token); got != http.StatusOK {
		t.Fatalf("events with a fresh token: %d", got)
	}
	emu.Fault(t, emulator.Fault{Path: "/calendar/v3/calendars/primary/events", Status: 503})
	if got := getEvents(t, emu, token); got != http.StatusServiceUnavailable {
		t.Errorf("events under a fault: %d", got)
	}
	emu.Advance(t, time.Minute)
	if got := getEvents(t, emu, token); got != http.StatusUnauthorized {
		t.Errorf("events after expiry: %d", got)
	}
	st := emu.State(t)
	if len(st.Tokens) != 1 || st.Tokens[0].Account != emulatortest.DefaultAccount || st.Tokens[0].ClientID != emulatortest.DefaultClientID {
		t.Errorf("tokens %+v", st.Tokens)
	}
	emu.Reset(t)
	if got := getEvents(t, emu, token); got != http.StatusUnauthorized {
		t.Errorf("events after reset: %d", got)
	}
	if iss := emu.Issued(t); iss.Total != 1 || iss.Tokens[0] != token {
		t.Errorf("issued %+v", iss)
	}
	if _, ok := emu.Control().(*emulator.Server); !ok {
		t.Errorf("Control is %T", emu.Control())
	}
}

// WithWrap sees every call; WithTLS serves HTTPS that Client trusts; the
// given clients replace the default one.
func TestOptions(t *testing.T) {
	var calls atomic.Int32
	count := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			h.ServeHTTP(w, r)
		})
	}
	clients := []emulator.Client{{ID: "mine.apps.googleusercontent.com", Origins: []string{"http://localhost:3000"}}}
	emu := emulatortest.Start(t, emulator.Options{Clients: clients}, emulatortest.WithTLS(), emulatortest.WithWrap(count))
	if !strings.HasPrefix(emu.URL, "https://") {
		t.Errorf("URL %s", emu.URL)
	}
	token := emu.Mint(t, emulator.TokenRequest{Scopes: []string{calendarScope}})
	if got := getEvents(t, emu, token); got != http.StatusOK {
		t.Errorf("events over TLS: %d", got)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("the wrapper saw %d calls, want 1", n)
	}
	if st := emu.State(t); len(st.Clients) != 1 || st.Clients[0].ID != clients[0].ID || st.Tokens[0].ClientID != clients[0].ID {
		t.Errorf("clients %+v tokens %+v", st.Clients, st.Tokens)
	}
}

// Helpers fail the test that called them, with the emulator's reason.
func TestHelpersFailTheTest(t *testing.T) {
	emu := emulatortest.Start(t, emulator.Options{})
	for name, use := range map[string]func(tb testing.TB){
		"Mint for an unknown account": func(tb testing.TB) {
			emu.Mint(tb, emulator.TokenRequest{Account: "eve@example.com", Scopes: []string{calendarScope}})
		},
		"Advance backwards":      func(tb testing.TB) { emu.Advance(tb, -time.Second) },
		"Fault on /_emu/":        func(tb testing.TB) { emu.Fault(tb, emulator.Fault{Path: "/_emu/state", Status: 500}) },
		"Start with bad clients": func(tb testing.TB) { emulatortest.Start(tb, emulator.Options{Clients: []emulator.Client{{ID: "x"}}}) },
	} {
		t.Run(name, func(t *testing.T) {
			rec := &recordingTB{TB: t}
			func() {
				defer func() { recover() }() // Fatal ends the helper, as it would end a test
				use(rec)
			}()
			if !rec.failed {
				t.Error("the helper did not fail the test")
			}
			if !strings.Contains(rec.msg, "emulatortest:") {
				t.Errorf("message %q", rec.msg)
			}
		})
	}
}

// recordingTB records a Fatal instead of ending the real test.
type recordingTB struct {
	testing.TB
	failed bool
	msg    string
}

func (r *recordingTB) Helper() {}
func (r *recordingTB) Fatal(args ...any) {
	r.failed, r.msg = true, fmt.Sprint(args...)
	panic("fatal")
}
func (r *recordingTB) Fatalf(format string, args ...any) {
	r.failed, r.msg = true, fmt.Sprintf(format, args...)
	panic("fatal")
}

// NewWorld gives a test its own world on a shared emulator.
func TestNewWorld(t *testing.T) {
	emu := emulatortest.Start(t, emulator.Options{})
	var id string
	t.Run("in a world", func(t *testing.T) {
		w := emu.NewWorld(t)
		id = w.World
		w.Mint(t, emulator.TokenRequest{Scopes: []string{"https://www.googleapis.com/auth/calendar.readonly"}})
		w.Advance(t, time.Minute)
		if st := w.State(t); st.World != id || len(st.Tokens) != 1 || st.ClockOffset != time.Minute {
			t.Errorf("world state %+v", st)
		}
		if st := emu.State(t); len(st.Tokens) != 0 || st.ClockOffset != 0 {
			t.Errorf("default state %+v", st)
		}
	})
	if _, err := emu.Server.World(id).State(context.Background()); !errors.Is(err, emulator.ErrUnknownWorld) {
		t.Errorf("world after its test: %v", err)
	}
}
