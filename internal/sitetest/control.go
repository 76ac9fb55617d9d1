package sitetest

import (
	"net/http"
	"net/url"
	"time"
)

// Alice is the account tokens are minted for unless a test says otherwise.
const Alice = "alice@example.com"

// Mint asks the emulator for alice's token for client without the popup
// (an hour's lifetime), and gives it to the canary.
func (s *Site) Mint(client string, scopes ...string) string {
	s.tb.Helper()
	return s.MintFor(Alice, client, scopes...)
}

// MintFor is Mint for another account.
func (s *Site) MintFor(account, client string, scopes ...string) string {
	s.tb.Helper()
	tok := s.Emu.mint(account, client, scopes)
	s.rememberToken(tok)
	return tok
}

// Advance moves the emulator's clock forward.
func (s *Site) Advance(d time.Duration) {
	s.tb.Helper()
	s.Emu.advance(d)
}

// Reset makes the emulator forget grants, tokens, sessions and faults.
func (s *Site) Reset() {
	s.tb.Helper()
	s.Emu.reset()
}

// InjectFault makes the emulator's next calls of a path fail.
func (s *Site) InjectFault(f Fault) {
	s.tb.Helper()
	s.Emu.fault(f)
}

// ClockOffset is how far the emulator's clock has been moved.
func (s *Site) ClockOffset() string {
	s.tb.Helper()
	return s.Emu.clockOffset()
}

// Revoke revokes a token at the emulator as GIS's revoke() does (Google's
// revoke endpoint): it ends the user's whole grant for the client.
func (s *Site) Revoke(token string) {
	s.tb.Helper()
	res, err := s.Emu.Client.PostForm(s.Emu.URL+"/revoke", url.Values{"token": {token}})
	if err != nil {
		s.tb.Fatalf("revoke: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		s.tb.Fatalf("revoke: %d", res.StatusCode)
	}
}
