package emulator

// Worlds: one emulator serves many isolated worlds at once, so parallel test
// workers never see each other's grants, tokens, sign-ins, picker sessions,
// clock or faults. Each request is resolved to its world once, in ServeHTTP,
// and the world travels in the request's context; the default world is what
// a caller that names none gets.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/scopewise/scopewise/emulator/calendar"
	"github.com/scopewise/scopewise/emulator/fault"
	"github.com/scopewise/scopewise/emulator/internal/clock"
	"github.com/scopewise/scopewise/emulator/internal/googleapi"
	"github.com/scopewise/scopewise/emulator/internal/tokeninfo"
	"github.com/scopewise/scopewise/emulator/picker"
)

const (
	// WorldHeader names the world a /_emu/ call acts on.
	WorldHeader = "X-Emulator-World"
	// WorldCookie puts a browser in a world: the GIS shim, the popup and
	// the picker page act in the world it names.
	WorldCookie = "EMU_WORLD"
	// DefaultWorld is the world of every call that names none. It is never
	// deleted and never expires.
	DefaultWorld = "default"
	// WorldIdleTimeout is how long a world lives without a call before the
	// emulator forgets it.
	WorldIdleTimeout = time.Hour
	// MaxWorlds bounds the worlds alive at once, the default one included.
	MaxWorlds = 1000
)

// ErrUnknownWorld is the error of a call naming a world the emulator does not
// have (never created, deleted, or expired after WorldIdleTimeout idle).
var ErrUnknownWorld = errors.New("unknown world")

// world is one isolated copy of everything a test changes.
type world struct {
	id       string
	clock    *clock.Clock
	faults   *fault.Queue
	calendar *calendar.Service
	picker   *picker.Service

	// Guarded by Server.mu.
	state    *state
	issued   issuedTokens // this world's tokens; a reset keeps them
	lastUsed time.Time    // on the wall clock (Options.Now)
}

func (s *Server) newWorld(id string) *world {
	wd := &world{id: id, clock: clock.New(s.opts.Now), faults: fault.NewQueue(), state: s.newWorldState()}
	tokens := serverTokens{s}
	wd.calendar = calendar.New(s.accounts, s.opts.Events, wd.clock, tokens)
	wd.picker = picker.New(picker.Options{
		Accounts: s.accounts, Clock: wd.clock, Tokens: tokens, Images: s.images,
		PublicURL: s.opts.PublicURL, PollInterval: s.opts.PickerPollInterval, Logger: s.opts.Logger,
	})
	wd.lastUsed = s.opts.Now()
	return wd
}

// worldKey is the context key of the request's *world.
type worldKey struct{}

// worldOf is the world a context names: the request's (ServeHTTP) or a
// World(id) Control's; otherwise the default world.
func (s *Server) worldOf(ctx context.Context) *world {
	if wd, ok := ctx.Value(worldKey{}).(*world); ok {
		return wd
	}
	return s.def
}

// lookupWorld finds a live world by id and marks it used.
func (s *Server) lookupWorld(id string) (*world, error) {
	now := s.opts.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expireWorldsLocked(now)
	wd, ok := s.worlds[id]
	if !ok {
		return nil, fmt.Errorf("%w %q: create one with POST /_emu/worlds (worlds idle for %s expire)", ErrUnknownWorld, id, WorldIdleTimeout)
	}
	wd.lastUsed = now
	return wd, nil
}

// expireWorldsLocked forgets the worlds idle longer than WorldIdleTimeout,
// at most once a minute. Caller holds s.mu.
func (s *Server) expireWorldsLocked(now time.Time) {
	if now.Sub(s.lastSweep) < time.Minute {
		return
	}
	s.lastSweep = now
	for id, wd := range s.worlds {
		if id != DefaultWorld && now.Sub(wd.lastUsed) > WorldIdleTimeout {
			s.dropWorldLocked(wd)
		}
	}
}

// dropWorldLocked forgets a world and its tokens. Caller holds s.mu.
func (s *Server) dropWorldLocked(wd *world) {
	delete(s.worlds, wd.id)
	s.forgetTokensLocked(wd)
}

// forgetTokensLocked drops a world's tokens from the token index. Caller
// holds s.mu.
func (s *Server) forgetTokensLocked(wd *world) {
	for h := range wd.state.tokens {
		delete(s.tokenWorld, h)
	}
}

// NewWorld creates an empty world (the seed data, no grants, tokens,
// sign-ins, sessions or faults, the clock at the wall clock) and returns its
// id.
func (s *Server) NewWorld(context.Context) (string, error) {
	b := make([]byte, 8)
	rand.Read(b)
	id := "w" + hex.EncodeToString(b)
	wd := s.newWorld(id)
	now := s.opts.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastSweep = time.Time{}
	s.expireWorldsLocked(now)
	if len(s.worlds) >= MaxWorlds {
		return "", controlError{fmt.Sprintf("too many worlds (%d): delete those you no longer need (DELETE /_emu/worlds/<id>)", MaxWorlds)}
	}
	s.worlds[id] = wd
	return id, nil
}

// DeleteWorld forgets a world and everything in it. Its tokens stop working;
// the list of every issued token (IssuedAll) keeps them.
func (s *Server) DeleteWorld(_ context.Context, id string) error {
	if id == DefaultWorld {
		return controlError{"the default world cannot be deleted: reset it instead"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	wd, ok := s.worlds[id]
	if !ok {
		return fmt.Errorf("%w %q", ErrUnknownWorld, id)
	}
	s.dropWorldLocked(wd)
	return nil
}

// World is the test-control API of one world: each method acts on that world
// alone, or fails with ErrUnknownWorld once it is gone.
func (s *Server) World(id string) Control { return worldControl{s, id} }

type worldControl struct {
	s  *Server
	id string
}

func (c worldControl) ctx(ctx context.Context) (context.Context, error) {
	wd, err := c.s.lookupWorld(c.id)
	if err != nil {
		return nil, err
	}
	return context.WithValue(ctx, worldKey{}, wd), nil
}

func (c worldControl) Reset(ctx context.Context) error {
	ctx, err := c.ctx(ctx)
	if err != nil {
		return err
	}
	return c.s.Reset(ctx)
}

func (c worldControl) AdvanceClock(ctx context.Context, d time.Duration) (time.Time, error) {
	ctx, err := c.ctx(ctx)
	if err != nil {
		return time.Time{}, err
	}
	return c.s.AdvanceClock(ctx, d)
}

func (c worldControl) InjectFault(ctx context.Context, f Fault) error {
	ctx, err := c.ctx(ctx)
	if err != nil {
		return err
	}
	return c.s.InjectFault(ctx, f)
}

func (c worldControl) MintToken(ctx context.Context, req TokenRequest) (Token, error) {
	ctx, err := c.ctx(ctx)
	if err != nil {
		return Token{}, err
	}
	return c.s.MintToken(ctx, req)
}

func (c worldControl) State(ctx context.Context) (State, error) {
	ctx, err := c.ctx(ctx)
	if err != nil {
		return State{}, err
	}
	return c.s.State(ctx)
}

func (c worldControl) SetOptions(ctx context.Context, o WorldOptions) error {
	ctx, err := c.ctx(ctx)
	if err != nil {
		return err
	}
	return c.s.SetOptions(ctx, o)
}

func (c worldControl) Issued(ctx context.Context) (Issued, error) {
	ctx, err := c.ctx(ctx)
	if err != nil {
		return Issued{}, err
	}
	return c.s.Issued(ctx)
}

// resolveWorld finds the world of a request: for /_emu/, the WorldHeader,
// else the WorldCookie's world (a browser on the control page); for a call
// carrying a token the emulator issued, that token's world (so a backend
// takes part without knowing of worlds); otherwise the WorldCookie's world;
// otherwise the default world.
func (s *Server) resolveWorld(r *http.Request) (*world, error) {
	if isControlPath(r.URL.Path) {
		if id := r.Header.Get(WorldHeader); id != "" {
			return s.lookupWorld(id)
		}
		// A browser on /_emu/ (the control page and its buttons) acts in
		// its own world, as the popup does.
		if c, err := r.Cookie(WorldCookie); err == nil && c.Value != "" {
			return s.lookupWorld(c.Value)
		}
		return s.lookupWorld(DefaultWorld)
	}
	if value := tokeninfo.FromRequest(r); value != "" {
		h := tokeninfo.Hash(value)
		s.mu.Lock()
		wd := s.tokenWorld[h]
		if wd != nil {
			wd.lastUsed = s.opts.Now()
		}
		s.mu.Unlock()
		if wd != nil {
			return wd, nil
		}
	}
	if c, err := r.Cookie(WorldCookie); err == nil && c.Value != "" {
		return s.lookupWorld(c.Value)
	}
	return s.lookupWorld(DefaultWorld)
}

func isControlPath(path string) bool {
	return path == "/_emu" || strings.HasPrefix(path, "/_emu/")
}

func writeUnknownWorld(w http.ResponseWriter, err error) {
	googleapi.WriteJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
}
