package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"github.com/scopewise/scopewise/internal/grants"
)

const (
	sessionName = "scopewise"
	sessionKey  = "session"
	dataKey     = "d"
	// SessionMaxAge is short: the ledger is about tokens that live an hour.
	SessionMaxAge = 8 * time.Hour
	// MaxRecentDocs bounds the Docs page's recent list in the cookie.
	MaxRecentDocs = 20
)

// Session is this browser's state: a CSRF secret, the grant ledger and the
// IDs of documents read recently. Never a token.
type Session struct {
	raw   *sessions.Session
	data  sessionData
	dirty bool
}

type sessionData struct {
	CSRF   string        `json:"c"`
	Ledger grants.Ledger `json:"l,omitempty"`
	Docs   []string      `json:"r,omitempty"` // recent document IDs, newest first
	// Account is a short hash of the account ("sub") whose grants the
	// ledger shows, when a token said whose it is; never the email.
	Account string `json:"u,omitempty"`
}

// CookieStore is the session cookie: its name and the codecs that seal it.
type CookieStore struct {
	name  string
	store *sessions.CookieStore
}

// NewCookieStore builds the session store with every cookie option explicit.
// keys are hash/block pairs, the current pair first: cookies are sealed with
// it, and opened with any pair still listed, so an old pair can stay listed
// while the cookies it sealed are re-sealed with the current one.
//
// secure means the site is served over HTTPS: the cookie is then Secure and
// named with the __Host- prefix (no Domain, Path=/, so no other host or path
// can set or shadow it).
func NewCookieStore(keys [][]byte, secure bool) *CookieStore {
	store := sessions.NewCookieStore(keys...)
	store.Options = &sessions.Options{
		Path:     "/",
		MaxAge:   int(SessionMaxAge / time.Second),
		HttpOnly: true,
		Secure:   secure,
		SameSite: http.SameSiteLaxMode,
	}
	store.MaxAge(store.Options.MaxAge)
	useSessionSerializer(store)
	name := sessionName
	if secure {
		name = "__Host-" + sessionName
	}
	return &CookieStore{name: name, store: store}
}

// Sessions loads the session into the context. A cookie that fails to
// decode (tampered, truncated, sealed with a key no longer listed, expired,
// too long) is a new session, not an error. One opened with an old key pair
// is saved again, sealed with the current pair.
func Sessions(cs *CookieStore) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			// New, not Get: Get keeps a per-request registry in a copy of the
			// request's context, which costs more than the decode. On error
			// New returns a fresh session.
			raw, _ := cs.store.New(c.Request(), cs.name)
			s := &Session{raw: raw}
			if v, ok := raw.Values[dataKey].(string); ok {
				if json.Unmarshal([]byte(v), &s.data) != nil {
					s.data = sessionData{}
				}
				s.dirty = cs.sealedWithOldKey(c.Request())
			}
			if s.data.Ledger == nil {
				s.data.Ledger = grants.Ledger{}
			}
			if s.data.CSRF == "" {
				b := make([]byte, 32)
				rand.Read(b)
				s.data.CSRF = base64.RawURLEncoding.EncodeToString(b)
				s.dirty = true
			}
			c.Set(sessionKey, s)
			return next(c)
		}
	}
}

// sealedWithOldKey reports whether the request's (valid) cookie does not
// open with the current key pair. Only while old pairs are listed.
func (cs *CookieStore) sealedWithOldKey(r *http.Request) bool {
	if len(cs.store.Codecs) < 2 {
		return false
	}
	ck, err := r.Cookie(cs.name)
	if err != nil {
		return false
	}
	values := map[any]any{}
	return cs.store.Codecs[0].Decode(cs.name, ck.Value, &values) != nil
}

// SessionOf returns the request's session; outside Sessions, an empty one
// that is never saved.
func SessionOf(c echo.Context) *Session {
	if s, ok := c.Get(sessionKey).(*Session); ok {
		return s
	}
	return &Session{data: sessionData{Ledger: grants.Ledger{}}}
}

// CSRF is the token pages render for their postbacks.
func (s *Session) CSRF() string { return s.data.CSRF }

// ValidCSRF compares in constant time.
func (s *Session) ValidCSRF(token string) bool {
	return token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(s.data.CSRF)) == 1
}

// Ledger is the grant ledger; change it through UpdateLedger.
func (s *Session) Ledger() grants.Ledger { return s.data.Ledger }

// UpdateLedger changes the ledger and marks the session for saving when the
// ledger changed: a postback that verifies the same grant again answers
// without a new cookie.
func (s *Session) UpdateLedger(f func(grants.Ledger)) {
	before := s.data.Ledger.Clone()
	f(s.data.Ledger)
	if !s.data.Ledger.Equal(before) {
		s.dirty = true
	}
}

// SwitchAccount binds the ledger to the account a verified token belongs to
// (its "sub", empty when the token does not say). When the session holds
// another account's ledger, it starts over: one account's grants and
// documents are never shown as another's. It reports whether it started over.
func (s *Session) SwitchAccount(sub string) bool {
	if sub == "" {
		return false
	}
	sum := sha256.Sum256([]byte("scopewise account\x00" + sub))
	id := base64.RawURLEncoding.EncodeToString(sum[:12])
	if s.data.Account == id {
		return false
	}
	reset := s.data.Account != ""
	if reset {
		s.data.Ledger = grants.Ledger{}
		s.data.Docs = nil
	}
	s.data.Account = id
	s.dirty = true
	return reset
}

// RecentDocs are the IDs of documents read here, newest first.
func (s *Session) RecentDocs() []string { return s.data.Docs }

// AddRecentDoc puts id first, without duplicates, bounded by MaxRecentDocs.
func (s *Session) AddRecentDoc(id string) {
	docs := []string{id}
	for _, d := range s.data.Docs {
		if d != id && len(docs) < MaxRecentDocs {
			docs = append(docs, d)
		}
	}
	s.data.Docs = docs
	s.dirty = true
}

func saveSession(c echo.Context) error {
	s, ok := c.Get(sessionKey).(*Session)
	if !ok || !s.dirty || s.raw == nil {
		return nil
	}
	b, err := json.Marshal(s.data)
	if err != nil {
		return err
	}
	s.raw.Values[dataKey] = string(b)
	if err := s.raw.Save(c.Request(), c.Response()); err != nil {
		return err
	}
	s.dirty = false
	return nil
}
