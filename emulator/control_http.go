package emulator

// The test-control API under /_emu/: JSON in and out, outside Google's paths
// (docs/emulator.md), each handler a thin wrapper of a Control method
// (control.go). Bad input is a 400 with {"error": "…"}, never a 500.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/scopewise/scopewise/emulator/fault"
	"github.com/scopewise/scopewise/emulator/internal/clock"
	"github.com/scopewise/scopewise/emulator/internal/googleapi"
	"github.com/scopewise/scopewise/emulator/internal/guard"
	"github.com/scopewise/scopewise/emulator/internal/page"
	"github.com/scopewise/scopewise/emulator/internal/scope"
)

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
	googleapi.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
}

func (s *Server) handleState(w http.ResponseWriter, r *http.Request) {
	st, _ := s.State(r.Context())
	googleapi.WriteJSON(w, http.StatusOK, st)
}

// controlView is what the control page shows.
type controlView struct {
	State State
	Log   []LoggedCall // newest first
	Sites []siteLink
	Done  string // what the last button did, from ?done=
}

// siteLink is a way back to a site that uses the emulator.
type siteLink struct{ URL, Label string }

// controlDone are the page's words for what a button did (?done=).
var controlDone = map[string]string{
	"reset": "Reset: no grants, tokens, sign-ins, picker sessions, faults or logged requests; the clock is the wall clock again.",
	"clock": "The clock moved forward 1 hour: tokens issued more than an hour ago have expired.",
}

// sites are the links back: the site's URL when the emulator runs inside
// it (Options.SiteURL), else the first JavaScript origin of each client.
func (s *Server) sites() []siteLink {
	if s.opts.SiteURL != "" {
		return []siteLink{{URL: s.opts.SiteURL, Label: "Back to the site (" + s.opts.SiteURL + ")"}}
	}
	var out []siteLink
	for _, c := range s.opts.Clients {
		if c.Deleted || len(c.Origins) == 0 {
			continue
		}
		name := c.Name
		if name == "" {
			name = c.ID
		}
		out = append(out, siteLink{URL: c.Origins[0], Label: "Open " + name + " (" + c.Origins[0] + ")"})
	}
	return out
}

func (s *Server) handleControlPage(w http.ResponseWriter, r *http.Request) {
	nonce := page.NewNonce()
	page.SetHeaders(w, nonce)
	// The page's buttons call the control API with fetch, on its own origin.
	w.Header().Set("Content-Security-Policy", page.CSP(nonce)+"; connect-src 'self'")
	st, _ := s.State(r.Context())
	log := s.CallLog(r.Context())
	slices.Reverse(log)
	v := controlView{State: st, Log: log, Sites: s.sites(), Done: controlDone[r.URL.Query().Get("done")]}
	page.Render(w, r, s.log, http.StatusOK, nonce, controlPage(v))
}

// callLogJSON is GET /_emu/log.
type callLogJSON struct {
	World string       `json:"world"`
	Calls []LoggedCall `json:"calls"` // oldest first
}

func (s *Server) handleCallLog(w http.ResponseWriter, r *http.Request) {
	calls := s.CallLog(r.Context())
	if calls == nil {
		calls = []LoggedCall{}
	}
	w.Header().Set("Cache-Control", "no-store")
	googleapi.WriteJSON(w, http.StatusOK, callLogJSON{World: s.worldOf(r.Context()).id, Calls: calls})
}

func (s *Server) handleReset(w http.ResponseWriter, r *http.Request) {
	s.Reset(r.Context())
	googleapi.WriteJSON(w, http.StatusOK, map[string]any{"reset": true, "now": s.now(r.Context())})
}

func (s *Server) handleIssued(w http.ResponseWriter, r *http.Request) {
	var v Issued
	switch all := r.URL.Query().Get("all"); all {
	case "", "false":
		v, _ = s.Issued(r.Context())
	case "true":
		v, _ = s.IssuedAll(r.Context())
	default:
		writeControlError(w, controlError{`"all" is true (every world's tokens) or false (this world's)`})
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	googleapi.WriteJSON(w, http.StatusOK, v)
}

// handleOptions is POST /_emu/options: the body is the world's whole set of
// switches (a field left out is off); the answer is that set.
func (s *Server) handleOptions(w http.ResponseWriter, r *http.Request) {
	var o WorldOptions
	if err := decodeControlJSON(r, &o); err != nil {
		writeControlError(w, err)
		return
	}
	s.SetOptions(r.Context(), o)
	googleapi.WriteJSON(w, http.StatusOK, s.worldOptions(r.Context()))
}

// handleClockNow answers the world's clock and how far it was moved: a
// backend that shows times (the site's ledger) reads them on this clock.
func (s *Server) handleClockNow(w http.ResponseWriter, r *http.Request) {
	c := s.worldOf(r.Context()).clock
	w.Header().Set("Cache-Control", "no-store")
	googleapi.WriteJSON(w, http.StatusOK, map[string]any{"now": c.Now(), "clock_offset": c.Offset().String()})
}

// clockRequest is the body of POST /_emu/clock.
type clockRequest struct {
	Advance string `json:"advance"`
}

func (s *Server) handleClock(w http.ResponseWriter, r *http.Request) {
	var cr clockRequest
	if err := decodeControlJSON(r, &cr); err != nil {
		writeControlError(w, err)
		return
	}
	d, err := time.ParseDuration(cr.Advance)
	if err != nil || d < 0 || d > clock.MaxOffset {
		writeControlError(w, controlError{`"advance" must be a non-negative Go duration such as "3600s"; the clock only moves forward`})
		return
	}
	now, offset, err := s.worldOf(r.Context()).clock.Advance(d)
	if err != nil {
		writeControlError(w, controlError{err.Error()})
		return
	}
	googleapi.WriteJSON(w, http.StatusOK, map[string]any{"now": now, "clock_offset": offset.String()})
}

// mintRequest is the body of POST /_emu/tokens.
type mintRequest struct {
	ClientID string   `json:"client_id"`
	Account  string   `json:"account"` // email or sub
	Scopes   []string `json:"scopes"`
	TTL      string   `json:"ttl"`
}

// mintResponse is its answer: a token response, plus the expiry on the
// emulator's clock.
type mintResponse struct {
	AccessToken string    `json:"access_token"`
	ExpiresIn   int       `json:"expires_in"`
	Scope       string    `json:"scope"`
	TokenType   string    `json:"token_type"`
	Expiry      time.Time `json:"expiry"`
}

func (s *Server) handleMintToken(w http.ResponseWriter, r *http.Request) {
	var mr mintRequest
	if err := decodeControlJSON(r, &mr); err != nil {
		writeControlError(w, err)
		return
	}
	req := TokenRequest{ClientID: mr.ClientID, Account: mr.Account, Scopes: mr.Scopes}
	if mr.TTL != "" {
		d, err := time.ParseDuration(mr.TTL)
		if err != nil || d == 0 {
			writeControlError(w, controlError{fmt.Sprintf(`"ttl" must be a Go duration between 1s and %s, such as "3600s"`, maxMintTTL)})
			return
		}
		req.TTL = d
	}
	t, err := s.MintToken(r.Context(), req)
	if err != nil {
		writeControlError(w, err)
		return
	}
	googleapi.WriteJSON(w, http.StatusOK, mintResponse{
		AccessToken: t.AccessToken,
		ExpiresIn:   t.ExpiresIn,
		Scope:       strings.Join(scope.Normalize(req.Scopes), " "),
		TokenType:   "Bearer",
		Expiry:      t.Expiry,
	})
}

func (s *Server) handleFaults(w http.ResponseWriter, r *http.Request) {
	var fw fault.Wire
	if err := decodeControlJSON(r, &fw); err != nil {
		writeControlError(w, err)
		return
	}
	f, err := fw.Fault()
	if err == nil {
		err = guard.CheckFaultTarget(f.Path, f.Headers)
	}
	if err != nil {
		writeControlError(w, err)
		return
	}
	queued, err := s.worldOf(r.Context()).faults.Add(f)
	if err != nil {
		writeControlError(w, err)
		return
	}
	googleapi.WriteJSON(w, http.StatusOK, queued)
}

func (s *Server) handleNewWorld(w http.ResponseWriter, r *http.Request) {
	id, err := s.NewWorld(r.Context())
	if err != nil {
		googleapi.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"error": err.Error()})
		return
	}
	googleapi.WriteJSON(w, http.StatusCreated, map[string]string{"id": id})
}

func (s *Server) handleDeleteWorld(w http.ResponseWriter, r *http.Request) {
	err := s.DeleteWorld(r.Context(), r.PathValue("world"))
	switch {
	case errors.Is(err, ErrUnknownWorld):
		writeUnknownWorld(w, err)
	case err != nil:
		writeControlError(w, err)
	default:
		googleapi.WriteJSON(w, http.StatusOK, map[string]any{"deleted": true})
	}
}
