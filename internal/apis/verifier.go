package apis

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/scopewise/scopewise/internal/timing"
)

// TokenInfo is what tokeninfo says of a token, parsed.
type TokenInfo struct {
	Audience        string
	AuthorizedParty string
	Scopes          []string
	Expiry          time.Time // on our clock: now + expires_in at verification
	Email           string    // only with the email scope
	// Subject is the account's stable ID ("sub"), only with openid or email.
	Subject string
}

// HasScope reports whether scope is one of the token's scopes, as a whole word.
func (t TokenInfo) HasScope(scope string) bool { return slices.Contains(t.Scopes, scope) }

// Verifier checks access tokens with tokeninfo, following Google's guidance:
// the audience must be exactly our client ID, the token must not be expired,
// and it must carry the scope the page needs. Answers are cached by a hash of
// the token (never the token): an accepted token for at most CacheMaxAge and
// never past the expiry tokeninfo gave, a refused one for RefusedCacheAge
// (see cache.go).
type Verifier struct {
	endpoint string
	clientID string
	hc       *http.Client
	now      func() time.Time

	mu      sync.Mutex
	cache   map[[sha256.Size]byte]cacheEntry
	flights map[[sha256.Size]byte]*flight
}

// NewVerifier builds a verifier for clientID against a tokeninfo endpoint.
func NewVerifier(endpoint, clientID string, hc *http.Client, now func() time.Time) *Verifier {
	if now == nil {
		now = time.Now
	}
	return &Verifier{endpoint: endpoint, clientID: clientID, hc: hc, now: now, cache: map[[sha256.Size]byte]cacheEntry{}, flights: map[[sha256.Size]byte]*flight{}}
}

const apiTokenInfo = "tokeninfo"

// Verify returns the token's info when it is valid for our client and carries
// scope. The error is an *Error of KindInvalidToken, KindWrongAudience,
// KindInsufficientScope, or an upstream kind (never mistaken for an invalid
// token: a tokeninfo outage is a 502/503/504, not "authorize again").
func (v *Verifier) Verify(ctx context.Context, token, scope string) (TokenInfo, error) {
	return v.VerifySince(ctx, token, scope, time.Time{})
}

// VerifySince is Verify trusting no cached answer older than since: a
// session whose user revoked the grant at since has its tokens checked again.
func (v *Verifier) VerifySince(ctx context.Context, token, scope string, since time.Time) (TokenInfo, error) {
	key := cacheKey(token)
	e, ok := v.cached(key, since)
	if ok && e.refused != nil {
		return TokenInfo{}, e.refused
	}
	info := e.info
	if !ok {
		var err error
		if info, err = v.ask(ctx, key, token); err != nil {
			return TokenInfo{}, err
		}
	}
	if !info.HasScope(scope) {
		return info, &Error{API: apiTokenInfo, Kind: KindInsufficientScope}
	}
	return info, nil
}

// flight is one tokeninfo call that concurrent verifications of the same
// token share: a cache entry that ages out under load costs one call, not
// one per waiting postback.
type flight struct {
	done       chan struct{}
	info       TokenInfo
	err        error
	leaderGone bool // the caller that asked left before the answer
}

// ask asks tokeninfo about token, or waits for the same question already
// asked, and caches the answer.
func (v *Verifier) ask(ctx context.Context, key [sha256.Size]byte, token string) (TokenInfo, error) {
	for {
		v.mu.Lock()
		f, follower := v.flights[key]
		if !follower {
			f = &flight{done: make(chan struct{})}
			v.flights[key] = f
		}
		v.mu.Unlock()
		if follower {
			select {
			case <-f.done:
			case <-ctx.Done():
				return TokenInfo{}, transportError(apiTokenInfo, ctx.Err())
			}
			if f.leaderGone && ctx.Err() == nil {
				continue // its answer was cut short, not ours: ask again
			}
			return f.info, f.err
		}
		f.info, f.err = v.fetchAndStore(ctx, key, token)
		f.leaderGone = ctx.Err() != nil
		v.mu.Lock()
		delete(v.flights, key)
		v.mu.Unlock()
		close(f.done)
		return f.info, f.err
	}
}

// fetchAndStore asks tokeninfo, checks the audience and caches the answer.
func (v *Verifier) fetchAndStore(ctx context.Context, key [sha256.Size]byte, token string) (TokenInfo, error) {
	checked := v.now()
	info, err := v.fetch(ctx, token)
	if err == nil && (info.Audience != v.clientID || (info.AuthorizedParty != "" && info.AuthorizedParty != v.clientID)) {
		err = &Error{API: apiTokenInfo, Kind: KindWrongAudience}
	}
	if err != nil {
		// A refused token stays refused: remember it briefly, so the same
		// bad token sent again costs no tokeninfo call. An outage is not
		// remembered.
		var ae *Error
		if errors.As(err, &ae) && (ae.Kind == KindInvalidToken || ae.Kind == KindWrongAudience) {
			v.store(key, cacheEntry{refused: ae, checked: checked})
		}
		return TokenInfo{}, err
	}
	v.store(key, cacheEntry{info: info, checked: checked})
	return info, nil
}

// tokenInfoBody is tokeninfo's answer as Google sends it: every value is a
// string, numbers included.
type tokenInfoBody struct {
	Aud       string `json:"aud"`
	Azp       string `json:"azp"`
	Scope     string `json:"scope"`
	Exp       string `json:"exp"`
	ExpiresIn string `json:"expires_in"`
	Email     string `json:"email"`
	Sub       string `json:"sub"`
	Error     string `json:"error"`
}

func (v *Verifier) fetch(ctx context.Context, token string) (TokenInfo, error) {
	defer timing.Track(ctx, apiTokenInfo)()
	// POST keeps the token out of the URL, and so out of every proxy log. A
	// POST is never retried (send): an outage is passed on as one.
	form := url.Values{"access_token": {token}}.Encode()
	resp, err := send(ctx, v.hc, apiTokenInfo, false, func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, v.endpoint, strings.NewReader(form))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return req, nil
	})
	if err != nil {
		return TokenInfo{}, err
	}
	defer resp.Body.Close()
	raw, err := readCapped(apiTokenInfo, resp, maxErrorBody)
	if err != nil {
		return TokenInfo{}, err
	}
	var body tokenInfoBody
	jsonErr := json.Unmarshal(raw, &body)
	switch {
	case resp.StatusCode == http.StatusBadRequest && jsonErr == nil && body.Error == "invalid_token":
		return TokenInfo{}, &Error{API: apiTokenInfo, Kind: KindInvalidToken, Status: resp.StatusCode, Reason: body.Error}
	case resp.StatusCode != http.StatusOK:
		return TokenInfo{}, statusError(apiTokenInfo, resp, raw)
	case jsonErr != nil:
		return TokenInfo{}, &Error{API: apiTokenInfo, Kind: KindUnavailable, Status: resp.StatusCode, Err: fmt.Errorf("unreadable answer: %w", jsonErr)}
	}
	return v.parse(body)
}

// parse turns tokeninfo's strings into a TokenInfo. An answer without an
// audience or a lifetime is not something we can trust: it is an upstream
// fault, not an invalid token.
func (v *Verifier) parse(b tokenInfoBody) (TokenInfo, error) {
	bad := func(what string) error {
		return &Error{API: apiTokenInfo, Kind: KindUnavailable, Status: http.StatusOK, Err: errors.New("answer without " + what)}
	}
	if b.Aud == "" {
		return TokenInfo{}, bad("aud")
	}
	now := v.now()
	var expiry time.Time
	if secs, err := strconv.ParseInt(b.ExpiresIn, 10, 64); err == nil {
		expiry = now.Add(time.Duration(secs) * time.Second)
	} else if unix, err := strconv.ParseInt(b.Exp, 10, 64); err == nil {
		expiry = time.Unix(unix, 0)
	} else {
		return TokenInfo{}, bad("expires_in or exp")
	}
	if !now.Before(expiry) {
		return TokenInfo{}, &Error{API: apiTokenInfo, Kind: KindInvalidToken, Reason: "expired"}
	}
	return TokenInfo{
		Audience:        b.Aud,
		AuthorizedParty: b.Azp,
		Scopes:          strings.Fields(b.Scope),
		Expiry:          expiry,
		Email:           b.Email,
		Subject:         b.Sub,
	}, nil
}
