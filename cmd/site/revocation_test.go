package main

import (
	"net/http"
	"testing"

	"github.com/scopewise/scopewise/internal/config"
)

// The Docs postback with no recent documents calls no Google API: only the
// verifier stands between a dead token and "granted, verified by the server".

// A grant revoked through the site's pages is refused by the next postback,
// though the verifier had cached the token as valid.
func TestRevokedThroughPagesRefusedAtOnce(t *testing.T) {
	a := startApp(t, nil)
	a.page("/docs")
	tok := a.mint(config.EmulatorClientID, docsScope)
	if res := a.postback("/docs", tok); res.StatusCode != 200 {
		t.Fatalf("valid token: %d\n%.400s", res.StatusCode, res.Body)
	}
	revoke, err := http.PostForm(a.emulator+"/revoke", map[string][]string{"token": {tok}})
	if err != nil || revoke.StatusCode != 200 {
		t.Fatalf("emulator revoke: %v %v", revoke, err)
	}
	revoke.Body.Close()
	if res := a.postback("/grants/events", "", formBody("event=revoked")); res.StatusCode != 200 {
		t.Fatalf("revoke event: %d", res.StatusCode)
	}
	if res := a.postback("/docs", tok); res.StatusCode != 401 {
		t.Fatalf("revoked token: %d, want 401\n%.400s", res.StatusCode, res.Body)
	}
}

// The lab's Expire now moves the emulator's clock past the token's expiry:
// the next postback refuses the token, though the site's clock did not move.
func TestExpireNowRefusesCachedTokenAtOnce(t *testing.T) {
	a := startApp(t, nil)
	a.page("/docs")
	tok := a.mint(config.EmulatorClientID, docsScope)
	if res := a.postback("/docs", tok); res.StatusCode != 200 {
		t.Fatalf("valid token: %d\n%.400s", res.StatusCode, res.Body)
	}
	if res := a.postback("/lab/expire", "", formBody("seconds=3700")); res.StatusCode != 200 {
		t.Fatalf("expire: %d\n%.400s", res.StatusCode, res.Body)
	}
	if res := a.postback("/docs", tok); res.StatusCode != 401 {
		t.Fatalf("expired token: %d, want 401\n%.400s", res.StatusCode, res.Body)
	}
}
