package pages_test

import (
	"testing"

	"github.com/scopewise/scopewise/internal/config"
	"github.com/scopewise/scopewise/internal/sitetest"
)

// The Docs postback with no recent documents calls no Google API: only the
// verifier stands between a dead token and "granted, verified by the server".

// A token the verifier has cached as valid is refused by the next postback
// once the grant is revoked through the site's pages, or once the lab's
// Expire now moves the emulator's clock past the token's expiry (though the
// site's clock did not move).
func TestCachedTokenRefusedAtOnce(t *testing.T) {
	for _, tc := range []struct {
		name, path, form, refused string
		revoke                    bool // revoke the token at the emulator first
	}{
		{name: "revoked through pages", path: "/grants/events", form: "event=revoked", refused: "revoked token", revoke: true},
		{name: "expire now", path: "/lab/expire", form: "seconds=3700", refused: "expired token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := sitetest.Start(t)
			s.Page("/docs")
			tok := s.Mint(config.EmulatorClientID, sitetest.DocsScope)
			if res := s.Postback("/docs", tok); res.StatusCode != 200 {
				t.Fatalf("valid token: %d\n%.400s", res.StatusCode, res.Body)
			}
			if tc.revoke {
				s.Revoke(tok)
			}
			if res := s.Postback(tc.path, "", sitetest.Form(tc.form)); res.StatusCode != 200 {
				t.Fatalf("%s: %d\n%.400s", tc.path, res.StatusCode, res.Body)
			}
			if res := s.Postback("/docs", tok); res.StatusCode != 401 {
				t.Fatalf("%s: %d, want 401\n%.400s", tc.refused, res.StatusCode, res.Body)
			}
		})
	}
}
