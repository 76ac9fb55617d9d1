// Package emulatortest runs an emulator for a test, in the spirit of
// net/http/httptest: Start gives a running emulator, its URL, an HTTP client
// and the typed control, and stops it when the test ends.
//
//	emu := emulatortest.Start(t, emulator.Options{})
//	token := emu.Mint(t, emulator.TokenRequest{Scopes: []string{"https://www.googleapis.com/auth/calendar.readonly"}})
//	// call emu.URL + "/calendar/v3/calendars/primary/events" with token
package emulatortest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/scopewise/scopewise/emulator"
)

// DefaultClientID is the OAuth client Start registers when Options.Clients
// is nil. Its one JavaScript origin is the emulator's own URL.
const DefaultClientID = "emulatortest.apps.googleusercontent.com"

// DefaultAccount is the account Mint uses when the request names none: the
// first built-in fake account.
const DefaultAccount = "alice@example.com"

// Emulator is a running emulator.
type Emulator struct {
	URL    string           // base URL, e.g. http://127.0.0.1:41234, with no trailing slash
	Server *emulator.Server // the emulator, for its Go methods
	Client *http.Client     // an HTTP client for URL; with WithTLS it trusts the certificate
	// World is the id of the world the helpers act on (emulator.DefaultWorld
	// unless the Emulator came from NewWorld). A browser joins it with the
	// cookie emulator.WorldCookie, an HTTP control call with the header
	// emulator.WorldHeader.
	World string
}

// Option changes how Start runs the emulator.
type Option func(*settings)

type settings struct {
	wrap func(http.Handler) http.Handler
	tls  bool
}

// WithWrap serves the emulator through wrap, so a test may count, observe
// or break the calls that reach it.
func WithWrap(wrap func(http.Handler) http.Handler) Option {
	return func(s *settings) { s.wrap = wrap }
}

// WithTLS serves HTTPS with a certificate Emulator.Client trusts.
func WithTLS() Option {
	return func(s *settings) { s.tls = true }
}

// Start runs an emulator with opts until the test ends. It fails the test if
// opts do not pass Validate. When opts.Clients is nil it registers
// DefaultClientID.
func Start(tb testing.TB, opts emulator.Options, options ...Option) *Emulator {
	tb.Helper()
	var set settings
	for _, o := range options {
		o(&set)
	}
	srv := httptest.NewUnstartedServer(nil)
	scheme := "http://"
	if set.tls {
		scheme = "https://"
	}
	url := scheme + srv.Listener.Addr().String()
	if opts.Clients == nil {
		opts.Clients = []emulator.Client{{ID: DefaultClientID, Name: "emulatortest", Origins: []string{url}}}
	}
	if opts.PublicURL == "" {
		// A listening emulator knows its URL: it checks Host against it and
		// serves the GIS script whose integrity GSIScriptIntegrity gives.
		opts.PublicURL = url
	}
	if err := opts.Validate(); err != nil {
		srv.Listener.Close()
		tb.Fatalf("emulatortest: invalid options: %v", err)
	}
	emu := emulator.New(opts)
	var h http.Handler = emu
	if set.wrap != nil {
		h = set.wrap(h)
	}
	srv.Config.Handler = h
	if set.tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	tb.Cleanup(srv.Close)
	return &Emulator{URL: srv.URL, Server: emu, Client: srv.Client(), World: emulator.DefaultWorld}
}

// Control is the typed control of the Emulator's world.
func (e *Emulator) Control() emulator.Control {
	if e.World == "" || e.World == emulator.DefaultWorld {
		return e.Server
	}
	return e.Server.World(e.World)
}

// NewWorld creates a world on the same emulator, deleted when the test ends,
// and returns an Emulator whose helpers act on it alone: parallel tests
// sharing one emulator each take their own world.
func (e *Emulator) NewWorld(tb testing.TB) *Emulator {
	tb.Helper()
	id, err := e.Server.NewWorld(context.Background())
	if err != nil {
		tb.Fatalf("emulatortest: new world: %v", err)
	}
	tb.Cleanup(func() { _ = e.Server.DeleteWorld(context.Background(), id) })
	cp := *e
	cp.World = id
	return &cp
}

// Mint issues a token and returns its value. An empty ClientID is the first
// registered client; an empty Account is DefaultAccount.
func (e *Emulator) Mint(tb testing.TB, req emulator.TokenRequest) string {
	tb.Helper()
	return e.MintToken(tb, req).AccessToken
}

// MintToken is Mint with the whole answer (lifetime, expiry).
func (e *Emulator) MintToken(tb testing.TB, req emulator.TokenRequest) emulator.Token {
	tb.Helper()
	if req.ClientID == "" {
		st := e.State(tb)
		if len(st.Clients) == 0 {
			tb.Fatal("emulatortest: Mint without a ClientID, and no client is registered")
		}
		req.ClientID = st.Clients[0].ID
	}
	if req.Account == "" {
		req.Account = DefaultAccount
	}
	t, err := e.Control().MintToken(context.Background(), req)
	if err != nil {
		tb.Fatalf("emulatortest: mint a token: %v", err)
	}
	return t
}

// Advance moves the emulator's clock forward by d and returns its new now.
func (e *Emulator) Advance(tb testing.TB, d time.Duration) time.Time {
	tb.Helper()
	now, err := e.Control().AdvanceClock(context.Background(), d)
	if err != nil {
		tb.Fatalf("emulatortest: advance the clock: %v", err)
	}
	return now
}

// Fault queues a fault for the next calls of its path.
func (e *Emulator) Fault(tb testing.TB, f emulator.Fault) {
	tb.Helper()
	if err := e.Control().InjectFault(context.Background(), f); err != nil {
		tb.Fatalf("emulatortest: inject a fault: %v", err)
	}
}

// Reset forgets grants, tokens, sign-ins, faults and call counts, and puts
// the clock back.
func (e *Emulator) Reset(tb testing.TB) {
	tb.Helper()
	if err := e.Control().Reset(context.Background()); err != nil {
		tb.Fatalf("emulatortest: reset: %v", err)
	}
}

// State is the emulator's state, without token values.
func (e *Emulator) State(tb testing.TB) emulator.State {
	tb.Helper()
	st, err := e.Control().State(context.Background())
	if err != nil {
		tb.Fatalf("emulatortest: state: %v", err)
	}
	return st
}

// Issued is every token value issued since start.
func (e *Emulator) Issued(tb testing.TB) emulator.Issued {
	tb.Helper()
	v, err := e.Control().Issued(context.Background())
	if err != nil {
		tb.Fatalf("emulatortest: issued: %v", err)
	}
	return v
}
