// Package emulator is an offline stand-in for the parts of Google that the
// token model touches: the GIS browser library, the consent popup, tokeninfo,
// revoke, and the Calendar, Docs and Photos Picker APIs. Its paths mirror
// Google's, so a base URL is the only switch between it and the real thing.
//
// It is a plain http.Handler built on the standard library and imports nothing
// of the site: it can be mounted on its own by any test.
package emulator

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/scopewise/scopewise/emulator/calendar"
	"github.com/scopewise/scopewise/emulator/docs"
	"github.com/scopewise/scopewise/emulator/gapi"
	"github.com/scopewise/scopewise/emulator/internal/googleapi"
	"github.com/scopewise/scopewise/emulator/internal/guard"
	"github.com/scopewise/scopewise/emulator/picker"
	"github.com/scopewise/scopewise/emulator/seed"
)

// Client is an OAuth web client registered with the emulator, as a project
// registers one in the Google Auth Platform.
type Client struct {
	ID   string `json:"id"`
	Name string `json:"name"` // shown on the consent screen ("… wants access to your Google Account")
	// Origins are the Authorized JavaScript origins, e.g. "http://localhost:8080".
	Origins []string `json:"origins"`
	// Deleted marks a client Google has deleted (as it does with clients
	// inactive for months): the popup shows "Error 401: deleted_client".
	Deleted bool `json:"deleted,omitempty"`
	// Unverified marks an app Google has not verified: before asking for
	// scopes beyond sign-in, the popup shows "Google hasn't verified this
	// app", with a way on under "Advanced".
	Unverified bool `json:"unverified,omitempty"`
	// PrivacyPolicy and Terms are the app's privacy policy and terms of
	// service URLs, linked from the consent screen as the Google Auth
	// Platform's branding page sets them. Optional.
	PrivacyPolicy string `json:"privacy_policy,omitempty"`
	Terms         string `json:"terms,omitempty"`
}

// Account is a fake Google account (package seed).
type Account = seed.Account

// SeedEvent is a calendar event added to an account's generated ones
// (package calendar).
type SeedEvent = calendar.Event

// SeedDocument is a Google Doc added to the generated ones (package docs).
type SeedDocument = docs.Document

// SampleDocument is a seed document an account can read (package docs).
type SampleDocument = docs.SampleDocument

// SampleDocuments lists the seed documents the account (an email) can read:
// its own first, then those shared with it, in a stable order. It is empty
// for an unknown account. Safe for concurrent use.
func (s *Server) SampleDocuments(email string) []SampleDocument {
	return s.docs.SampleDocuments(email)
}

// serverTokens lets the APIs check bearer tokens against the issued ones.
type serverTokens struct{ s *Server }

func (t serverTokens) Bearer(value string) (googleapi.Bearer, bool) {
	tok, status := t.s.lookupToken(value)
	if status != tokenValid {
		return googleapi.Bearer{}, false
	}
	return googleapi.Bearer{Account: tok.Account, ClientID: tok.ClientID, Scopes: tok.Scopes}, true
}

// Options configure a Server. The zero value of every field but Clients is
// usable; New expects Options that pass Validate (config.go).
type Options struct {
	Clients []Client
	// Accounts replace the built-in fake accounts (alice@example.com,
	// bob@example.com, carol@scopewise.test) when not empty. A missing Sub is
	// derived from the email, a missing Name from its local part. Each
	// account gets the generated seed (calendar, documents, photos).
	Accounts []Account
	// TokenLifetime is how long issued access tokens live. Default 3599s,
	// as Google's.
	TokenLifetime time.Duration
	// Events and Documents are added to the generated seed.
	Events    []SeedEvent
	Documents []SeedDocument
	// SiteURL is the site the emulator stands in for Google for, when it
	// runs inside one: /_emu/ links back to it. Empty: /_emu/ links each
	// client's first JavaScript origin.
	SiteURL string
	// PublicURL is the emulator's own origin as browsers reach it, e.g.
	// "http://localhost:8081". Empty: derived from each request's Host.
	PublicURL string
	// Now is the wall clock the emulator's own clock is offset from (tests may
	// fix it). Default time.Now.
	Now    func() time.Time
	Logger *slog.Logger
	// PickerPollInterval is the pollingConfig.pollInterval Photos Picker
	// sessions advise. Default 5s, as Google's; tests and page tests set it
	// low so polling does not slow them down.
	PickerPollInterval time.Duration
	// StrictPopupGestures is every world's StrictPopupGestures when it is
	// created or reset (WorldOptions; SetOptions changes one world's).
	StrictPopupGestures bool
}

// Server is the emulator. Create it with New.
type Server struct {
	opts     Options
	log      *slog.Logger
	mux      *http.ServeMux
	accounts []Account

	// docs never changes, so the worlds share it; the calendar and the
	// picker follow a world's clock, so each world has its own (world.go).
	docs   *docs.Service
	images *picker.Images // encoded photos, shared by every world's picker
	def    *world         // the default world
	gapi   *gapi.Service  // api.js and the discovery documents, the same for every world

	mu         sync.Mutex
	worlds     map[string]*world // by id, the default one included; guarded by mu
	tokenWorld map[string]*world // every live token's world, by hash; guarded by mu
	lastSweep  time.Time         // of idle worlds; guarded by mu
	// issued is every token value handed out since start in any world,
	// which resets and deleted worlds keep: the leak canary looks for each
	// of them in the site's logs and answers (GET /_emu/issued?all=true).
	// Guarded by mu.
	issued issuedTokens
}

// New builds an emulator with its fake accounts and deterministic seed data.
func New(opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.PickerPollInterval <= 0 {
		opts.PickerPollInterval = 5 * time.Second
	}
	if opts.TokenLifetime <= 0 {
		opts.TokenLifetime = tokenTTL
	}
	accounts := seed.Defaults()
	if len(opts.Accounts) > 0 {
		accounts = seed.Normalize(opts.Accounts)
	}
	s := &Server{
		opts:       opts,
		log:        opts.Logger,
		mux:        http.NewServeMux(),
		accounts:   accounts,
		images:     picker.NewImages(),
		worlds:     map[string]*world{},
		tokenWorld: map[string]*world{},
	}
	s.docs = docs.New(accounts, opts.Documents, serverTokens{s})
	s.def = s.newWorld(DefaultWorld)
	s.worlds[DefaultWorld] = s.def
	s.gapi = gapi.New(opts.PublicURL)
	s.routes()
	return s
}

// ServeHTTP answers CORS (package cors), resolves the request's world (world.go),
// applies any fault injected in that world for the path (package fault),
// then serves the request, noting it in the world's request log
// (calllog.go). CORS comes first: a preflight never uses up a
// fault, and a faulted answer still carries the grant, so a page can read it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// No emulated endpoint takes a large body; a limit here covers them all.
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	if guard.Check(w, r, s.opts.PublicURL) { // Host, and who may drive /_emu/ (package guard)
		return
	}
	if s.cors(w, r) {
		return
	}
	wd, err := s.resolveWorld(r)
	if err != nil {
		writeUnknownWorld(w, err)
		return
	}
	r = r.WithContext(context.WithValue(r.Context(), worldKey{}, wd))
	s.serveLogged(wd, w, r, func(w http.ResponseWriter, r *http.Request) { // calllog.go
		if guard.Faultable(r.URL.Path) && wd.faults.Apply(w, r, s.mux) {
			_, pattern := s.mux.Handler(r)
			s.countCall(wd, pattern)
			return
		}
		s.mux.ServeHTTP(w, r) // sets r.Pattern
		s.countCall(wd, r.Pattern)
	})
}

// countCall counts a call of one of Google's endpoints by its route pattern,
// for /_emu/state's "calls" (how many upstream calls a site makes).
func (s *Server) countCall(wd *world, pattern string) {
	if pattern == "" || strings.Contains(pattern, " /_emu/") {
		return
	}
	s.mu.Lock()
	wd.state.calls[pattern]++
	s.mu.Unlock()
}

// maxBodyBytes bounds every request body the emulator reads.
const maxBodyBytes = 64 << 10

// now is the clock of the context's world: the wall clock plus whatever
// /_emu/clock added.
func (s *Server) now(ctx context.Context) time.Time { return s.worldOf(ctx).clock.Now() }

// client returns the registered client with that ID.
func (s *Server) client(id string) (Client, bool) {
	for _, c := range s.opts.Clients {
		if c.ID == id {
			return c, true
		}
	}
	return Client{}, false
}
