package picker

import (
	"net/http"
	"testing"
	"time"

	"github.com/scopewise/scopewise/emulator/internal/apitest"
	"github.com/scopewise/scopewise/emulator/seed"
)

// testEmu is the Picker API on its own, with the built-in accounts.
type testEmu = apitest.Part[*Service]

func newDataEmu(t testing.TB, opts ...func(*Options)) *testEmu {
	t.Helper()
	e := apitest.New()
	o := Options{Accounts: seed.Defaults(), Clock: e.Clock, Tokens: e.Tokens, PublicURL: apitest.Origin, PollInterval: 5 * time.Second}
	for _, f := range opts {
		f(&o)
	}
	svc := New(o)
	for pattern, h := range map[string]http.HandlerFunc{
		"POST /v1/sessions":                      svc.Create,
		"GET /v1/sessions/{sessionId}":           svc.Get,
		"DELETE /v1/sessions/{sessionId}":        svc.Delete,
		"GET /v1/mediaItems":                     svc.MediaItems,
		"GET /picker/{sessionId}":                svc.Page,
		"POST /picker/{sessionId}":               svc.Done,
		"GET /picker/{sessionId}/autoclose":      svc.Page,
		"POST /picker/{sessionId}/autoclose":     svc.Done,
		"GET /picker/{sessionId}/thumb/{itemId}": svc.Thumb,
		"GET /media/{mediaRef}":                  svc.Media,
	} {
		e.Mux.HandleFunc(pattern, h)
	}
	return &testEmu{Emu: e, Svc: svc}
}
