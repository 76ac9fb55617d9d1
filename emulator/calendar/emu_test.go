package calendar

import (
	"testing"

	"github.com/scopewise/scopewise/emulator/internal/apitest"
	"github.com/scopewise/scopewise/emulator/seed"
)

// testEmu is the Calendar API on its own, with the built-in accounts.
type testEmu = apitest.Part[*Service]

func newDataEmu(t testing.TB) *testEmu {
	t.Helper()
	e := apitest.New()
	svc := New(seed.Defaults(), nil, e.Clock, e.Tokens)
	e.Mux.HandleFunc("GET /calendar/v3/calendars/{calendarId}/events", svc.Events)
	return &testEmu{Emu: e, Svc: svc}
}
