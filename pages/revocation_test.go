package pages_test

import (
	"testing"

	"github.com/scopewise/scopewise/internal/config"
	"github.com/scopewise/scopewise/internal/sitetest"
)

// The Docs postback with no recent documents calls no Google API: only the
// verifier stands between a dead token and "granted, verified by the server".

// A grant revoked through the site's pages is refused by the next postback,
// though the verifier had cached the token as valid.
func TestRevokedThroughPagesRefusedAtOnce(t *testing.T) {
	s := sitetest.Start(t)
	s.Page("/docs")
	tok := s.Mint(config.EmulatorClientID, sitetest.DocsScope)
	if res := s.Postback("/docs", tok); res.StatusCode != 200 {
		t.Fatalf("valid token: %d\n%.400s", res.StatusCode, res.Body)
	}
	s.Revoke(tok)
	if res := s.Postback("/grants/events", "", sitetest.Form("event=revoked")); res.StatusCode != 200 {
		t.Fatalf("revoke event: %d", res.StatusCode)
	}
	if res := s.Postback("/docs", tok); res.StatusCode != 401 {
		t.Fatalf("revoked token: %d, want 401\n%.400s", res.StatusCode, res.Body)
	}
}

// The lab's Expire now moves the emulator's clock past the token's expiry:
// the next postback refuses the token, though the site's clock did not move.
func TestExpireNowRefusesCachedTokenAtOnce(t *testing.T) {
	s := sitetest.Start(t)
	s.Page("/docs")
	tok := s.Mint(config.EmulatorClientID, sitetest.DocsScope)
	if res := s.Postback("/docs", tok); res.StatusCode != 200 {
		t.Fatalf("valid token: %d\n%.400s", res.StatusCode, res.Body)
	}
	if res := s.Postback("/lab/expire", "", sitetest.Form("seconds=3700")); res.StatusCode != 200 {
		t.Fatalf("expire: %d\n%.400s", res.StatusCode, res.Body)
	}
	if res := s.Postback("/docs", tok); res.StatusCode != 401 {
		t.Fatalf("expired token: %d, want 401\n%.400s", res.StatusCode, res.Body)
	}
}
