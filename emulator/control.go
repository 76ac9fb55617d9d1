package emulator

// The test-control API as Go methods: what /_emu/ does over HTTP
// (control_http.go), a test in the same process calls directly, and another
// process calls through package emulator/client.

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/scopewise/scopewise/emulator/fault"
	"github.com/scopewise/scopewise/emulator/internal/guard"
	"github.com/scopewise/scopewise/emulator/internal/scope"
)

// Control is what the /_emu/ test-control API does, as Go methods. *Server
// and *client.Client (package emulator/client) implement it.
type Control interface {
	// Reset forgets grants, tokens, sign-ins, picker sessions, faults and
	// call counts, and puts the clock back. The issued list survives.
	Reset(ctx context.Context) error
	// AdvanceClock moves the emulator's clock forward by d and returns its
	// new now. The clock never moves back, nor more than ten years ahead.
	AdvanceClock(ctx context.Context, d time.Duration) (now time.Time, err error)
	// InjectFault queues a fault for the next calls of its path.
	InjectFault(ctx context.Context, f Fault) error
	// MintToken issues a token without the popup; it records no grant.
	MintToken(ctx context.Context, req TokenRequest) (Token, error)
	// State is the emulator's state, without token values.
	State(ctx context.Context) (State, error)
	// Issued is every token value issued since start, as /_emu/issued.
	Issued(ctx context.Context) (Issued, error)
	// SetOptions replaces the world's switches (POST /_emu/options); a
	// reset puts back Options' (the command's flags).
	SetOptions(ctx context.Context, o WorldOptions) error
}

// WorldOptions are a world's switches. Every world starts with Options' and
// a reset restores them.
type WorldOptions struct {
	// StrictPopupGestures makes a token or code request fail as Safari's
	// does when the page has no transient user activation
	// (navigator.userActivation.isActive is false: the click that asked was
	// too long ago, as after an await of a slow call): the page's
	// error_callback gets {type: 'popup_failed_to_open'}. Safari opens no
	// window then; Chromium under Playwright opens it (its popup blocker is
	// off), so the emulator's popup answers that error at once and closes
	// itself. A suite catches the bug only with this on.
	StrictPopupGestures bool `json:"strict_popup_gestures"`
}

var _ Control = (*Server)(nil)

// TokenRequest asks MintToken for a token.
type TokenRequest struct {
	ClientID string   // a registered client
	Account  string   // a fake account's email or sub
	Scopes   []string // at least one
	// TTL is the token's lifetime, from 1s to 24h; 0 is
	// Options.TokenLifetime.
	TTL time.Duration
}

// Token is a minted access token.
type Token struct {
	AccessToken string
	ExpiresIn   int       // seconds, as Google's token responses say it
	Expiry      time.Time // on the emulator's clock
}

// State is GET /_emu/state: what the emulator holds, never a token value.
type State struct {
	World       string        `json:"world"` // the world's id (DefaultWorld without one)
	Now         time.Time     `json:"now"`   // the emulator's clock
	ClockOffset time.Duration `json:"clock_offset"`
	Accounts    []Account     `json:"accounts"`
	Clients     []Client      `json:"clients"`
	Grants      []Grant       `json:"grants"`
	Tokens      []TokenRecord `json:"tokens"`
	// Faults are the pending ones; each one's Count is the calls it has left.
	Faults   []Fault  `json:"faults"`
	SignedIn []SignIn `json:"signed_in"`
	// Calls counts calls of Google's endpoints since the last reset, by route
	// pattern ("GET /calendar/v3/calendars/{calendarId}/events"); /_emu/ is
	// not counted.
	Calls map[string]int `json:"calls"`
	// Options are the world's switches (SetOptions).
	Options WorldOptions `json:"options"`
}

// stateJSON is State on the wire: the clock offset as a Go duration string.
type stateJSON struct {
	stateFields
	ClockOffset string `json:"clock_offset"`
}

type stateFields State

// MarshalJSON writes the clock offset as a Go duration ("1h30m0s").
func (st State) MarshalJSON() ([]byte, error) {
	return json.Marshal(stateJSON{stateFields(st), st.ClockOffset.String()})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (st *State) UnmarshalJSON(data []byte) error {
	var v stateJSON
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	offset, err := time.ParseDuration(v.ClockOffset)
	if err != nil {
		return fmt.Errorf("clock_offset: %w", err)
	}
	*st = State(v.stateFields)
	st.ClockOffset = offset
	return nil
}

// Grant is the scopes one account has granted one client.
type Grant struct {
	Account  string   `json:"account"`
	ClientID string   `json:"client_id"`
	Scopes   []string `json:"scopes"`
}

// TokenRecord is an issued token as State shows it: never its value.
type TokenRecord struct {
	Hash     string    `json:"hash"` // first 12 hex characters of the value's SHA-256
	Account  string    `json:"account"`
	ClientID string    `json:"client_id"`
	Scopes   []string  `json:"scopes"`
	Issued   time.Time `json:"issued"`
	Expiry   time.Time `json:"expiry"`
	Expired  bool      `json:"expired"`
	Revoked  bool      `json:"revoked"`
}

// SignIn is one popup sign-in (the cookie value is not shown).
type SignIn struct {
	Account string `json:"account"`
}

// Fault is one injected failure (package fault).
type Fault = fault.Fault

// Issued is GET /_emu/issued: token values, for a leak canary only.
type Issued struct {
	Total  int      `json:"total"`  // issued since the emulator started
	Tokens []string `json:"tokens"` // the newest ones, oldest first
}

// controlError is a caller's mistake; its text goes back in {"error": …}.
type controlError struct{ msg string }

func (e controlError) Error() string { return e.msg }

// Reset forgets grants, tokens, sign-ins, picker sessions and faults, and
// puts the clock back.
func (s *Server) Reset(ctx context.Context) error {
	wd := s.worldOf(ctx)
	s.mu.Lock()
	s.forgetTokensLocked(wd)
	wd.state = s.newWorldState()
	s.mu.Unlock()
	wd.clock.Reset()
	wd.faults.Reset()
	wd.picker.Reset()
	return nil
}

// newWorldState is a new or reset world's state: nothing held, Options'
// switches.
func (s *Server) newWorldState() *state {
	st := newState()
	st.options = WorldOptions{StrictPopupGestures: s.opts.StrictPopupGestures}
	return st
}

// SetOptions replaces the context's world's switches.
func (s *Server) SetOptions(ctx context.Context, o WorldOptions) error {
	wd := s.worldOf(ctx)
	s.mu.Lock()
	wd.state.options = o
	s.mu.Unlock()
	return nil
}

// worldOptions are the context's world's switches.
func (s *Server) worldOptions(ctx context.Context) WorldOptions {
	wd := s.worldOf(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	return wd.state.options
}

// AdvanceClock moves the emulator's clock forward by d.
func (s *Server) AdvanceClock(ctx context.Context, d time.Duration) (time.Time, error) {
	now, _, err := s.worldOf(ctx).clock.Advance(d)
	if err != nil {
		return time.Time{}, controlError{err.Error()}
	}
	return now, nil
}

// InjectFault queues f behind any earlier faults of the same path.
func (s *Server) InjectFault(ctx context.Context, f Fault) error {
	if err := guard.CheckFaultTarget(f.Path, f.Headers); err != nil {
		return controlError{err.Error()}
	}
	if _, err := s.worldOf(ctx).faults.Add(f); err != nil {
		return controlError{err.Error()}
	}
	return nil
}

// maxMintTTL bounds a minted token's lifetime.
const maxMintTTL = 24 * time.Hour

// MintToken issues a token without the popup, for tests of a server. It
// records no grant: the token exists, but the user never consented, so the
// popup will still ask and State lists no grant for it.
func (s *Server) MintToken(ctx context.Context, req TokenRequest) (Token, error) {
	if _, ok := s.client(req.ClientID); !ok {
		return Token{}, controlError{fmt.Sprintf("unknown client_id %q: give a registered client", req.ClientID)}
	}
	acct, ok := s.account(req.Account)
	if !ok {
		return Token{}, controlError{fmt.Sprintf("unknown account %q: give a fake account's email or sub", req.Account)}
	}
	scopes := scope.Normalize(req.Scopes)
	if len(scopes) == 0 {
		return Token{}, controlError{`"scopes" must list at least one scope`}
	}
	for _, sc := range scopes {
		if !scope.Valid(sc) {
			return Token{}, controlError{fmt.Sprintf("invalid scope %q", sc)}
		}
	}
	ttl := s.opts.TokenLifetime
	if req.TTL != 0 {
		if req.TTL < time.Second || req.TTL > maxMintTTL {
			return Token{}, controlError{fmt.Sprintf(`"ttl" must be a Go duration between 1s and %s, such as "3600s"`, maxMintTTL)}
		}
		ttl = req.TTL
	}
	value, t := s.mintToken(s.worldOf(ctx), req.ClientID, acct.Email, scopes, ttl)
	return Token{AccessToken: value, ExpiresIn: int(ttl / time.Second), Expiry: t.Expiry}, nil
}

// State copies the state for display, in a stable order.
func (s *Server) State(ctx context.Context) (State, error) {
	return s.snapshot(s.worldOf(ctx)), nil
}

// Issued lists every token value the context's world issued since it was
// created (the newest 20,000), through resets: a test's leak canary searches
// the site's logs, answers and cookies for each. It is what a test already
// saw, and nothing Google has.
func (s *Server) Issued(ctx context.Context) (Issued, error) {
	wd := s.worldOf(ctx)
	s.mu.Lock()
	v := Issued{Total: wd.issued.total, Tokens: slices.Clone(wd.issued.values)}
	s.mu.Unlock()
	if v.Tokens == nil {
		v.Tokens = []string{}
	}
	return v, nil
}

// IssuedAll lists every token value issued since start in any world (the
// newest 20,000), through resets and deleted worlds: the canary of a suite
// whose tests each have their own world.
func (s *Server) IssuedAll(context.Context) (Issued, error) {
	s.mu.Lock()
	v := Issued{Total: s.issued.total, Tokens: slices.Clone(s.issued.values)}
	s.mu.Unlock()
	if v.Tokens == nil {
		v.Tokens = []string{}
	}
	return v, nil
}

func (s *Server) snapshot(wd *world) State {
	faults := wd.faults.Pending()
	now, offset := wd.clock.Now(), wd.clock.Offset()
	s.mu.Lock()
	defer s.mu.Unlock()
	st := State{
		World:       wd.id,
		Now:         now,
		ClockOffset: offset,
		Accounts:    slices.Clone(s.accounts),
		Clients:     []Client{},
		Grants:      []Grant{},
		Tokens:      []TokenRecord{},
		Faults:      faults,
		SignedIn:    []SignIn{},
		Calls:       maps.Clone(wd.state.calls),
		Options:     wd.state.options,
	}
	for _, c := range s.opts.Clients {
		c.Origins = slices.Clone(c.Origins)
		st.Clients = append(st.Clients, c)
	}
	for k, scopes := range wd.state.grants {
		st.Grants = append(st.Grants, Grant{Account: k.Account, ClientID: k.ClientID, Scopes: slices.Clone(scopes)})
	}
	slices.SortFunc(st.Grants, func(a, b Grant) int {
		return strings.Compare(a.Account+" "+a.ClientID, b.Account+" "+b.ClientID)
	})
	for _, t := range wd.state.tokens {
		st.Tokens = append(st.Tokens, TokenRecord{
			Hash: t.Hash[:12], Account: t.Account, ClientID: t.ClientID, Scopes: slices.Clone(t.Scopes),
			Issued: t.Issued, Expiry: t.Expiry, Expired: !now.Before(t.Expiry), Revoked: t.Revoked,
		})
	}
	slices.SortFunc(st.Tokens, func(a, b TokenRecord) int {
		if c := a.Issued.Compare(b.Issued); c != 0 {
			return c
		}
		return strings.Compare(a.Account+" "+a.ClientID+" "+a.Hash, b.Account+" "+b.ClientID+" "+b.Hash)
	})
	for _, email := range wd.state.signIns {
		st.SignedIn = append(st.SignedIn, SignIn{Account: email})
	}
	slices.SortFunc(st.SignedIn, func(a, b SignIn) int { return strings.Compare(a.Account, b.Account) })
	return st
}
