package emulator

// The test-control API under /_emu/: JSON in and out, outside Google's paths
// (docs/emulator.md). Bad input is a 400 with {"error": "…"}, never a 500.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
)

// controlError is a client mistake; its text goes back in {"error": …}.
type controlError struct{ msg string }

func (e controlError) Error() string { return e.msg }

// decodeControlJSON reads one JSON object, rejecting unknown fields (a typo
// in a test should fail loudly, not be ignored) and trailing data.
func decodeControlJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			return controlError{fmt.Sprintf("request body is larger than %d bytes", tooBig.Limit)}
		case errors.Is(err, io.EOF):
			return controlError{"request body must be a JSON object"}
		}
		return controlError{"invalid JSON: " + err.Error()}
	}
	if dec.More() {
		return controlError{"invalid JSON: data after the object"}
	}
	return nil
}

func writeControlError(w http.ResponseWriter, err error) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
}

// emuState is the JSON of GET /_emu/state. Token values never appear.
type emuState struct {
	Now         time.Time    `json:"now"`
	ClockOffset string       `json:"clock_offset"`
	Accounts    []Account    `json:"accounts"`
	Clients     []clientJSON `json:"clients"`
	Grants      []grantJSON  `json:"grants"`
	Tokens      []tokenJSON  `json:"tokens"`
	Faults      []faultJSON  `json:"faults"`
	SignedIn    []signInJSON `json:"signed_in"`
	// Calls counts calls of Google's endpoints since the last reset, by route
	// pattern ("GET /calendar/v3/calendars/{calendarId}/events"); /_emu/ is
	// not counted.
	Calls map[string]int `json:"calls"`
}

type clientJSON struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Origins []string `json:"origins"`
}

type grantJSON struct {
	Account  string   `json:"account"`
	ClientID string   `json:"client_id"`
	Scopes   []string `json:"scopes"`
}

type tokenJSON struct {
	Hash     string    `json:"hash"` // first 12 hex characters of the SHA-256
	Account  string    `json:"account"`
	ClientID string    `json:"client_id"`
	Scopes   []string  `json:"scopes"`
	Issued   time.Time `json:"issued"`
	Expiry   time.Time `json:"expiry"`
	Expired  bool      `json:"expired"`
	Revoked  bool      `json:"revoked"`
}

// signInJSON is one popup sign-in (the cookie value is not shown).
type signInJSON struct {
	Account string `json:"account"`
}

// snapshot copies the state for display, in a stable order.
func (s *Server) snapshot() emuState {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now().Add(s.state.clockOffset)
	st := emuState{
		Now:         now,
		ClockOffset: s.state.clockOffset.String(),
		Accounts:    slices.Clone(s.accounts),
		Clients:     []clientJSON{},
		Grants:      []grantJSON{},
		Tokens:      []tokenJSON{},
		Faults:      []faultJSON{},
		SignedIn:    []signInJSON{},
		Calls:       maps.Clone(s.state.calls),
	}
	for _, c := range s.opts.Clients {
		st.Clients = append(st.Clients, clientJSON{ID: c.ID, Name: c.Name, Origins: slices.Clone(c.Origins)})
	}
	for k, scopes := range s.state.grants {
		st.Grants = append(st.Grants, grantJSON{Account: k.Account, ClientID: k.ClientID, Scopes: slices.Clone(scopes)})
	}
	slices.SortFunc(st.Grants, func(a, b grantJSON) int {
		return strings.Compare(a.Account+" "+a.ClientID, b.Account+" "+b.ClientID)
	})
	for _, t := range s.state.tokens {
		st.Tokens = append(st.Tokens, tokenJSON{
			Hash: t.Hash[:12], Account: t.Account, ClientID: t.ClientID, Scopes: slices.Clone(t.Scopes),
			Issued: t.Issued, Expiry: t.Expiry, Expired: !now.Before(t.Expiry), Revoked: t.Revoked,
		})
	}
	slices.SortFunc(st.Tokens, func(a, b tokenJSON) int {
		if c := a.Issued.Compare(b.Issued); c != 0 {
			return c
		}
		return strings.Compare(a.Account+" "+a.ClientID+" "+a.Hash, b.Account+" "+b.ClientID+" "+b.Hash)
	})
	for _, queue := range s.state.faults {
		for _, f := range queue {
			st.Faults = append(st.Faults, faultView(*f))
		}
	}
	slices.SortStableFunc(st.Faults, func(a, b faultJSON) int { return strings.Compare(a.Path, b.Path) })
	for _, email := range s.state.signIns {
		st.SignedIn = append(st.SignedIn, signInJSON{Account: email})
	}
	slices.SortFunc(st.SignedIn, func(a, b signInJSON) int { return strings.Compare(a.Account, b.Account) })
	return st
}

func (s *Server) handleState(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.snapshot())
}

func (s *Server) handleControlPage(w http.ResponseWriter, r *http.Request) {
	nonce := newCSPNonce()
	setPageHeaders(w, nonce)
	s.renderPage(w, r, http.StatusOK, nonce, controlPage(s.snapshot()))
}

// handleReset forgets grants, tokens, sign-ins, picker sessions and faults,
// and puts the clock back.
func (s *Server) handleReset(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.state = newState()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"reset": true, "now": s.now()})
}

// issuedJSON is GET /_emu/issued: token values, for the leak canary only.
type issuedJSON struct {
	Total  int      `json:"total"`  // issued since the emulator started
	Tokens []string `json:"tokens"` // the newest ones, oldest first
}

// handleIssued lists every token value issued since start (the newest
// 20,000), through resets: a test run's leak canary searches the site's
// logs, answers and cookies for each. Test control only, like the rest of
// /_emu/: it is what a test already saw, and nothing Google has.
func (s *Server) handleIssued(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	v := issuedJSON{Total: s.issued.total, Tokens: slices.Clone(s.issued.values)}
	s.mu.Unlock()
	if v.Tokens == nil {
		v.Tokens = []string{}
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, v)
}

type clockRequest struct {
	Advance string `json:"advance"`
}

// maxClockAdvance keeps the offset far from time.Duration's range.
const maxClockAdvance = 10 * 365 * 24 * time.Hour

func (s *Server) handleClock(w http.ResponseWriter, r *http.Request) {
	var cr clockRequest
	if err := decodeControlJSON(r, &cr); err != nil {
		writeControlError(w, err)
		return
	}
	d, err := time.ParseDuration(cr.Advance)
	if err != nil || d < 0 || d > maxClockAdvance {
		writeControlError(w, controlError{`"advance" must be a non-negative Go duration such as "3600s"; the clock only moves forward`})
		return
	}
	s.mu.Lock()
	if s.state.clockOffset+d > maxClockAdvance {
		s.mu.Unlock()
		writeControlError(w, controlError{"the clock cannot move more than ten years ahead"})
		return
	}
	s.state.clockOffset += d
	offset := s.state.clockOffset
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"now": s.now(), "clock_offset": offset.String()})
}

type mintRequest struct {
	ClientID string   `json:"client_id"`
	Account  string   `json:"account"` // email or sub
	Scopes   []string `json:"scopes"`
	TTL      string   `json:"ttl"`
}

type mintResponse struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope"`
	TokenType   string `json:"token_type"`
}

const maxMintTTL = 24 * time.Hour

// handleMintToken issues a token without the popup, for tests of a server.
// It records no grant: the token exists, but the user never consented, so
// the popup will still ask and /_emu/state lists no grant for it.
func (s *Server) handleMintToken(w http.ResponseWriter, r *http.Request) {
	var mr mintRequest
	if err := decodeControlJSON(r, &mr); err != nil {
		writeControlError(w, err)
		return
	}
	if _, ok := s.client(mr.ClientID); !ok {
		writeControlError(w, controlError{fmt.Sprintf("unknown client_id %q: give a registered client", mr.ClientID)})
		return
	}
	acct, ok := s.account(mr.Account)
	if !ok {
		writeControlError(w, controlError{fmt.Sprintf("unknown account %q: give a fake account's email or sub", mr.Account)})
		return
	}
	scopes := normalizeScopes(mr.Scopes)
	if len(scopes) == 0 {
		writeControlError(w, controlError{`"scopes" must list at least one scope`})
		return
	}
	for _, sc := range scopes {
		if !validScopeToken(sc) {
			writeControlError(w, controlError{fmt.Sprintf("invalid scope %q", sc)})
			return
		}
	}
	ttl := s.opts.TokenLifetime
	if mr.TTL != "" {
		d, err := time.ParseDuration(mr.TTL)
		if err != nil || d < time.Second || d > maxMintTTL {
			writeControlError(w, controlError{fmt.Sprintf(`"ttl" must be a Go duration between 1s and %s, such as "3600s"`, maxMintTTL)})
			return
		}
		ttl = d
	}
	value, t := s.mintToken(mr.ClientID, acct.Email, scopes, ttl)
	writeJSON(w, http.StatusOK, mintResponse{
		AccessToken: value,
		ExpiresIn:   int(ttl / time.Second),
		Scope:       strings.Join(t.Scopes, " "),
		TokenType:   "Bearer",
	})
}
