package apis

import (
	"context"
	"crypto/sha256"
	"time"
)

// How long the verifier trusts tokeninfo's answer about a token.
//
// An accepted token is trusted for at most CacheMaxAge, and never past the
// expiry tokeninfo gave (its expires_in counted from when the answer
// arrived), checked again at every use: a token revoked anywhere (at Google,
// by another app, in another browser) is refused by every postback at most
// CacheMaxAge after the revocation. A revocation made through the site's own
// pages is seen at once (VerifySince with the session's revocation time), and
// so is a move of the emulator's clock (FollowClock).
//
// A refused token (invalid, expired, revoked, another client's) is
// remembered for RefusedCacheAge: the same bad token sent again is refused
// without a tokeninfo call. Nothing else is remembered: an outage is asked
// again.
const (
	CacheMaxAge     = 30 * time.Second
	RefusedCacheAge = 5 * time.Second
)

// cacheEntry is tokeninfo's answer about one token: its info, or the refusal.
type cacheEntry struct {
	info    TokenInfo
	refused *Error    // non-nil: tokeninfo refused the token
	checked time.Time // when tokeninfo was asked, on our clock
}

// fresh reports whether the entry may still answer for the token at now.
// since is the earliest check time a caller accepts for an accepted token.
func (e cacheEntry) fresh(now, since time.Time) bool {
	age := now.Sub(e.checked)
	if age < 0 { // our clock went back: ask again
		return false
	}
	if e.refused != nil {
		return age < RefusedCacheAge
	}
	return age < CacheMaxAge && now.Before(e.info.Expiry) && e.checked.After(since)
}

// Forget drops a token's accepted answer, e.g. after an API refused it as
// revoked: the next Verify asks tokeninfo again. A refusal is kept: a
// refused token never becomes valid.
func (v *Verifier) Forget(token string) {
	key := cacheKey(token)
	v.mu.Lock()
	if e, ok := v.cache[key]; ok && e.refused == nil {
		delete(v.cache, key)
	}
	v.mu.Unlock()
}

// ForgetAll empties the cache: every token is asked about again. The
// emulator's clock moving makes every cached expiry wrong.
func (v *Verifier) ForgetAll() {
	v.mu.Lock()
	clear(v.cache)
	v.mu.Unlock()
}

// Known reports whether Verify would answer for token without a tokeninfo
// call of its own: from the cache (as accepted or refused), or by waiting for
// the same question already asked.
func (v *Verifier) Known(token string) bool {
	key := cacheKey(token)
	if _, ok := v.cached(key, time.Time{}); ok {
		return true
	}
	v.mu.Lock()
	_, asked := v.flights[key]
	v.mu.Unlock()
	return asked
}

// cacheKey is the token's SHA-256: the cache never holds a token. A token
// of usual length is copied to the stack, so a cache hit allocates nothing
// (a []byte conversion of more than 32 bytes would).
func cacheKey(token string) [sha256.Size]byte {
	var buf [2048]byte
	if len(token) <= len(buf) {
		n := copy(buf[:], token)
		return sha256.Sum256(buf[:n])
	}
	return sha256.Sum256([]byte(token))
}

func (v *Verifier) cached(key [sha256.Size]byte, since time.Time) (cacheEntry, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	e, ok := v.cache[key]
	if !ok {
		return cacheEntry{}, false
	}
	if !e.fresh(v.now(), since) {
		delete(v.cache, key) // the answer that replaces it is stored anew
		return cacheEntry{}, false
	}
	return e, true
}

func (v *Verifier) store(key [sha256.Size]byte, e cacheEntry) {
	v.mu.Lock()
	v.makeRoomLocked()
	v.cache[key] = e
	v.mu.Unlock()
}

// maxCached bounds the cache: past it, stale entries go first, then any.
const maxCached = 4096

// makeRoomLocked keeps the cache under maxCached entries. The sweep runs only
// when the cache is full, not on every verification.
func (v *Verifier) makeRoomLocked() {
	if len(v.cache) < maxCached {
		return
	}
	now := v.now()
	for k, e := range v.cache {
		if !e.fresh(now, time.Time{}) {
			delete(v.cache, k)
		}
	}
	for k := range v.cache {
		if len(v.cache) < maxCached {
			break
		}
		delete(v.cache, k) // a dropped entry only costs one more tokeninfo call
	}
}

// Clock moves an upstream's clock: the emulator's (emulator/client).
type Clock interface {
	AdvanceClock(ctx context.Context, d time.Duration) (time.Time, error)
}

// FollowClock wraps the emulator's clock so that each move empties the
// cache: every expiry it holds was counted on the old clock. A failed move
// empties it too (the emulator may have moved before the answer was lost).
func (v *Verifier) FollowClock(c Clock) Clock { return followedClock{c, v} }

type followedClock struct {
	Clock
	v *Verifier
}

func (f followedClock) AdvanceClock(ctx context.Context, d time.Duration) (time.Time, error) {
	defer f.v.ForgetAll()
	return f.Clock.AdvanceClock(ctx, d)
}
