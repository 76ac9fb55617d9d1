package sitetest

import (
	"net/http"
	"net/url"
	"time"

	"github.com/scopewise/scopewise/emulator"
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
	tok := s.Emu.Mint(s.tb, emulator.TokenRequest{ClientID: client, Account: account, Scopes: scopes, TTL: time.Hour})
	s.rememberToken(tok)
	return tok
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
