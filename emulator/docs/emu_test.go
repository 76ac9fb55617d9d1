package docs

import (
	"testing"

	"github.com/scopewise/scopewise/emulator/internal/apitest"
	"github.com/scopewise/scopewise/emulator/seed"
)

// testEmu is the Docs API on its own, with the built-in accounts.
type testEmu = apitest.Part[*Service]

func newDataEmu(t testing.TB) *testEmu {
	t.Helper()
	e := apitest.New()
	svc := New(seed.Defaults(), nil, e.Tokens)
	e.Mux.HandleFunc("GET /v1/documents/{documentId}", svc.Get)
	return &testEmu{Emu: e, Svc: svc}
}
