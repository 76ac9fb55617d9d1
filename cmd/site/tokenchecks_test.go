package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	"github.com/scopewise/scopewise/internal/config"
)

// tokeninfoCalls is how many times the site asked the emulator's tokeninfo.
func tokeninfoCalls(t *testing.T, emulatorURL string) int {
	t.Helper()
	res, err := http.Get(emulatorURL + "/_emu/state")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var st struct {
		Calls map[string]int `json:"calls"`
	}
	if err := json.NewDecoder(res.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	return st.Calls["POST /tokeninfo"]
}

func randomToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return "ya29." + hex.EncodeToString(b)
}

// Postbacks with random tokens cost at most the session's burst of tokeninfo
// calls; past it they get 429 with Retry-After. The same refused token sent
// again costs no call, and a token the site already verified still works.
func TestRandomTokenPostbacksDoNotAmplify(t *testing.T) {
	a := startApp(t, map[string]string{"TOKEN_CHECKS_PER_SESSION": "10/1m"})
	a.page("/docs")
	good := a.mint(config.EmulatorClientID, docsScope)
	if res := a.postback("/docs", good); res.StatusCode != 200 {
		t.Fatalf("valid token: %d", res.StatusCode)
	}
	before := tokeninfoCalls(t, a.emulator)

	bad := randomToken()
	for range 5 {
		if res := a.postback("/docs", bad); res.StatusCode != 401 {
			t.Fatalf("refused token: %d", res.StatusCode)
		}
	}
	if n := tokeninfoCalls(t, a.emulator) - before; n != 1 {
		t.Fatalf("one refused token sent 5 times: %d tokeninfo calls, want 1", n)
	}

	var limited int
	for range 100 {
		res := a.postback("/docs", randomToken())
		switch res.StatusCode {
		case 401:
		case 429:
			limited++
			if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || s < 1 {
				t.Fatalf("429 without a Retry-After in seconds: %q", res.Header.Get("Retry-After"))
			}
		default:
			t.Fatalf("random token: %d", res.StatusCode)
		}
	}
	if n := tokeninfoCalls(t, a.emulator) - before; n > 10 {
		t.Errorf("101 random-token postbacks made %d tokeninfo calls, want at most the burst of 10", n)
	}
	if limited < 90 {
		t.Errorf("only %d of 100 random-token postbacks were refused with 429", limited)
	}
	if res := a.postback("/docs", good); res.StatusCode != 200 {
		t.Errorf("the verified token after the limit tripped: %d, want 200", res.StatusCode)
	}
}
