// Package picker is the emulator's Google Photos Picker API: sessions, the
// picking page at pickerUri, mediaItems.list, the picked items' bytes at
// their baseUrl, and the retired Library API's refusal on the same path
// (FIDELITY.md). Each account's photos are generated seed images.
package picker

import (
	"log/slog"
	"sync"
	"time"

	"github.com/scopewise/scopewise/emulator/internal/clock"
	"github.com/scopewise/scopewise/emulator/internal/googleapi"
	"github.com/scopewise/scopewise/emulator/seed"
)

// Service serves the Picker API. Its sessions are what a reset forgets.
type Service struct {
	accounts     []seed.Account
	photos       map[string][]*seedPhoto // by account email, oldest first
	photoByID    map[string]*seedPhoto
	images       *imageCache
	clock        *clock.Clock
	tokens       googleapi.Tokens
	publicURL    string // the emulator's origin; empty: from each request
	pollInterval time.Duration
	log          *slog.Logger

	mu       sync.Mutex
	sessions map[string]*pickerSession // by session id; guarded by mu
	expired  map[string]expiredSession // sessions past expireTime, by id; guarded by mu
	requests map[requestKey]string     // sessions.create's requestId → session id; guarded by mu
}

// Options configure a Service.
type Options struct {
	Accounts []seed.Account
	Clock    *clock.Clock
	Tokens   googleapi.Tokens
	// PublicURL is the emulator's origin as browsers reach it; empty:
	// derived from each request.
	PublicURL string
	// PollInterval is what sessions advise as pollingConfig.pollInterval.
	PollInterval time.Duration
	Logger       *slog.Logger
	// Images, when set, is a cache of encoded photos shared with other
	// Services of the same accounts (one per emulator world).
	Images *Images
}

// Images caches encoded photos; Services of the same accounts can share one.
type Images struct{ c *imageCache }

// NewImages is an empty cache.
func NewImages() *Images { return &Images{newImageCache(imageCacheEntries)} }

// New generates every account's photos (their pixels on first use).
func New(o Options) *Service {
	images := o.Images
	if images == nil {
		images = NewImages()
	}
	s := &Service{
		accounts:     o.Accounts,
		photos:       map[string][]*seedPhoto{},
		photoByID:    map[string]*seedPhoto{},
		images:       images.c,
		clock:        o.Clock,
		tokens:       o.Tokens,
		publicURL:    o.PublicURL,
		pollInterval: o.PollInterval,
		log:          o.Logger,
		sessions:     map[string]*pickerSession{},
		expired:      map[string]expiredSession{},
		requests:     map[requestKey]string{},
	}
	for i, a := range o.Accounts {
		ps := photoSeed(a, i)
		s.photos[a.Email] = ps
		for _, p := range ps {
			s.photoByID[p.ID] = p
		}
	}
	return s
}

// Reset forgets every session.
func (s *Service) Reset() {
	s.mu.Lock()
	s.sessions = map[string]*pickerSession{}
	s.expired = map[string]expiredSession{}
	s.requests = map[requestKey]string{}
	s.mu.Unlock()
}
