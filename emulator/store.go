package emulator

import (
	"slices"
	"time"

	"github.com/scopewise/scopewise/emulator/internal/scope"
	"github.com/scopewise/scopewise/emulator/internal/tokeninfo"
	"github.com/scopewise/scopewise/emulator/seed"
)

// account finds an account by email or by sub (login_hint accepts both).
func (s *Server) account(emailOrSub string) (Account, bool) {
	return seed.Find(s.accounts, emailOrSub)
}

// tokenTTL is the lifetime Google gives browser access tokens, the default
// of Options.TokenLifetime.
const tokenTTL = 3599 * time.Second

// token is an issued access token. The value itself is never stored: only
// its hash, which is also what /_emu/state shows (shortened).
type token struct {
	Hash     string
	ClientID string
	Account  string // email
	Scopes   []string
	Issued   time.Time
	Expiry   time.Time
	Revoked  bool
	world    *world // the world that issued it
}

// grantKey identifies one user's grant to one client.
type grantKey struct{ Account, ClientID string }

// state is everything /_emu/reset forgets in one world. Guarded by Server.mu.
type state struct {
	options WorldOptions          // the world's switches (SetOptions); a reset restores Options'
	tokens  map[string]*token     // by hash
	grants  map[grantKey][]string // granted scopes, sorted
	signIns map[string]string     // popup sign-in cookie value → account email (popup.go)
	calls   map[string]int        // Google endpoint calls by route pattern (emulator.go)
	log     callLog               // what the world was asked and answered (calllog.go)
}

func newState() *state {
	return &state{
		tokens:  map[string]*token{},
		grants:  map[grantKey][]string{},
		signIns: map[string]string{},
		calls:   map[string]int{},
	}
}

// mintToken issues a token for exactly these scopes. Caller decides the
// scopes (the union with earlier grants, or not).
func (s *Server) mintToken(wd *world, clientID, account string, scopes []string, ttl time.Duration) (string, *token) {
	value := tokeninfo.NewValue()
	now := wd.clock.Now()
	t := &token{
		world:    wd,
		Hash:     tokeninfo.Hash(value),
		ClientID: clientID,
		Account:  account,
		Scopes:   scope.Normalize(scopes),
		Issued:   now,
		Expiry:   now.Add(ttl),
	}
	s.mu.Lock()
	wd.state.tokens[t.Hash] = t
	s.tokenWorld[t.Hash] = wd
	wd.issued.add(value)
	s.issued.add(value)
	s.mu.Unlock()
	return value, t
}

// maxIssuedKept bounds the issued-token list: a test run issues hundreds,
// and a demo left running must not grow without end.
const maxIssuedKept = 20000

// issuedTokens is the canary's list: the newest maxIssuedKept token values
// and how many were issued in all.
type issuedTokens struct {
	values []string
	total  int
}

func (it *issuedTokens) add(value string) {
	if len(it.values) == maxIssuedKept {
		it.values = slices.Delete(it.values, 0, maxIssuedKept/10)
	}
	it.values = append(it.values, value)
	it.total++
}

// tokenStatus says why a token is or is not usable.
type tokenStatus int

const (
	tokenValid tokenStatus = iota
	tokenUnknown
	tokenExpired
	tokenRevoked
)

// lookupToken finds a token by value, in whichever world issued it, and says
// whether it is usable now on that world's clock. The returned token is a
// copy.
func (s *Server) lookupToken(value string) (token, tokenStatus) {
	h := tokeninfo.Hash(value)
	s.mu.Lock()
	defer s.mu.Unlock()
	wd := s.tokenWorld[h]
	if wd == nil {
		return token{}, tokenUnknown
	}
	t, ok := wd.state.tokens[h]
	now := wd.clock.Now()
	switch {
	case !ok:
		return token{}, tokenUnknown
	case t.Revoked:
		return *t, tokenRevoked
	case !now.Before(t.Expiry):
		return *t, tokenExpired
	}
	return *t, tokenValid
}

// grantedScopes is what the account has granted the client so far.
func (s *Server) grantedScopes(wd *world, account, clientID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(wd.state.grants[grantKey{account, clientID}])
}

// addGrant records newly consented scopes.
func (s *Server) addGrant(wd *world, account, clientID string, scopes []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := grantKey{account, clientID}
	wd.state.grants[k] = scope.Normalize(append(wd.state.grants[k], scopes...))
}

// revokeGrant ends the whole grant of that account to that client: every
// scope, and every token issued under it, as Google's revoke does, in the
// world wd.
func (s *Server) revokeGrant(wd *world, account, clientID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(wd.state.grants, grantKey{account, clientID})
	for _, t := range wd.state.tokens {
		if t.Account == account && t.ClientID == clientID {
			t.Revoked = true
		}
	}
}
