package emulator

// Helpers for the tests that read the data APIs through the whole emulator
// (configuration, seed). Each API's own tests are in its package.

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/scopewise/scopewise/emulator/internal/apitest"
)

const (
	dataClientID = apitest.ClientID
	dataOtherApp = "data-other.apps.googleusercontent.com"
	dataOrigin   = apitest.Origin
	aliceEmail   = apitest.Alice
	bobEmail     = apitest.Bob
	carolEmail   = apitest.Carol
)

var dataNow = apitest.Now

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

// dataToken mints a token for the test client, valid for an hour.
func dataToken(s *Server, email string, scopes ...string) string {
	v, _ := s.mintToken(s.def, dataClientID, email, scopes, time.Hour)
	return v
}

// dataGet runs one GET; token "" sends no Authorization header.
func dataGet(s *Server, target, token string) *httptest.ResponseRecorder {
	return apitest.Do(s, http.MethodGet, target, token, "")
}

func dataJSON[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	return apitest.JSON[T](t, rec)
}
