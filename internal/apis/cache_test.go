package apis

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scopewise/scopewise/emulator"
	emuclient "github.com/scopewise/scopewise/emulator/client"
)

// switchableTokeninfo answers tokeninfo for one token: valid until revoked
// is set, then invalid_token, as Google does after a revocation.
func switchableTokeninfo(t *testing.T, revoked *atomic.Bool, calls *atomic.Int32) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if revoked.Load() || r.PostFormValue("access_token") != "tok" {
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"error":"invalid_token","error_description":"Invalid Value"}`))
			return
		}
		w.Write([]byte(`{"aud":"` + testClient + `","scope":"` + CalendarScope + `","expires_in":"3599"}`))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// fakeClock is a settable clock safe to read from the verifier.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// newSwitchableVerifier is a verifier on a fake clock that asks a
// switchableTokeninfo: setting revoked revokes "tok", and calls counts the
// tokeninfo calls.
func newSwitchableVerifier(t *testing.T) (v *Verifier, revoked *atomic.Bool, calls *atomic.Int32, clock *fakeClock) {
	revoked, calls = new(atomic.Bool), new(atomic.Int32)
	clock = &fakeClock{now: time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)}
	return NewVerifier(switchableTokeninfo(t, revoked, calls), testClient, NewHTTPClient(), clock.Now), revoked, calls, clock
}

// A token revoked elsewhere (the site is not told) is refused once the
// cached answer is CacheMaxAge old, not when the token would have expired.
func TestVerifierRefusesRevokedTokenWithinCacheMaxAge(t *testing.T) {
	v, revoked, _, clock := newSwitchableVerifier(t)
	ctx := context.Background()
	if _, err := v.Verify(ctx, "tok", CalendarScope); err != nil {
		t.Fatal(err)
	}
	revoked.Store(true)
	clock.Add(CacheMaxAge - time.Second)
	if _, err := v.Verify(ctx, "tok", CalendarScope); err != nil {
		t.Fatalf("within CacheMaxAge the cached answer stands: %v", err)
	}
	clock.Add(time.Second)
	if _, err := v.Verify(ctx, "tok", CalendarScope); KindOf(err) != KindInvalidToken {
		t.Fatalf("revoked token %s after the check: %v, want invalid token", CacheMaxAge, err)
	}
	if CacheMaxAge > time.Minute {
		t.Fatalf("CacheMaxAge %s: the documented bound is at most a minute", CacheMaxAge)
	}
}

// A revocation the session knows of (made through the site's pages) is seen
// at once: no answer cached before it is trusted.
func TestVerifySinceIgnoresAnswersBeforeRevocation(t *testing.T) {
	v, revoked, _, clock := newSwitchableVerifier(t)
	ctx := context.Background()
	if _, err := v.Verify(ctx, "tok", CalendarScope); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Second)
	revokedAt := clock.Now()
	revoked.Store(true)
	clock.Add(time.Second)
	if _, err := v.VerifySince(ctx, "tok", CalendarScope, revokedAt.Add(-2*time.Second)); err != nil {
		t.Fatalf("an answer checked after since is trusted: %v", err)
	}
	if _, err := v.VerifySince(ctx, "tok", CalendarScope, revokedAt); KindOf(err) != KindInvalidToken {
		t.Fatalf("VerifySince(revocation time): %v, want invalid token", err)
	}
}

// A refused token sent again is refused without a tokeninfo call for
// RefusedCacheAge; an outage is never remembered.
func TestVerifierRemembersRefusalsBriefly(t *testing.T) {
	v, _, calls, clock := newSwitchableVerifier(t)
	ctx := context.Background()
	for range 5 {
		if _, err := v.Verify(ctx, "random-token", CalendarScope); KindOf(err) != KindInvalidToken {
			t.Fatalf("Verify(random): %v", err)
		}
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("5 postbacks of one refused token made %d tokeninfo calls, want 1", n)
	}
	if !v.Known("random-token") || v.Known("another") {
		t.Fatal("Known does not follow the cache")
	}
	clock.Add(RefusedCacheAge)
	v.Verify(ctx, "random-token", CalendarScope)
	if n := calls.Load(); n != 2 {
		t.Fatalf("after RefusedCacheAge: %d calls, want 2", n)
	}

	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer down.Close()
	calls.Store(0)
	v = NewVerifier(down.URL, testClient, NewHTTPClient(), clock.Now)
	for range 3 {
		if _, err := v.Verify(ctx, "tok", CalendarScope); KindOf(err) != KindUnavailable {
			t.Fatalf("outage: %v", err)
		}
	}
	if n := calls.Load(); n != 3 {
		t.Fatalf("an outage was remembered: %d calls for 3 postbacks", n)
	}
}

// An emulator token is refused at once after the emulator's clock passes its
// expiry through its client (the lab's Expire now), though the site's
// clock has not moved.
func TestVerifierFollowsTheEmulatorsClock(t *testing.T) {
	emu := emulator.New(emulator.Options{Clients: []emulator.Client{{ID: testClient, Name: "Scopewise", Origins: []string{"http://localhost"}}}})
	srv := httptest.NewServer(emu)
	defer srv.Close()
	body, _ := json.Marshal(map[string]any{"client_id": testClient, "account": "alice@example.com", "scopes": []string{CalendarScope}, "ttl": "600s"})
	res, err := http.Post(srv.URL+"/_emu/tokens", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	json.NewDecoder(res.Body).Decode(&tok)
	res.Body.Close()

	hc := NewHTTPClient()
	v := NewVerifier(srv.URL+"/tokeninfo", testClient, hc, nil)
	clock := v.FollowClock(emuclient.New(srv.URL, hc))
	ctx := context.Background()
	if _, err := v.Verify(ctx, tok.AccessToken, CalendarScope); err != nil {
		t.Fatal(err)
	}
	if _, err := clock.AdvanceClock(ctx, time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(ctx, tok.AccessToken, CalendarScope); KindOf(err) != KindInvalidToken {
		t.Fatalf("after the emulator's clock moved past expiry: %v, want invalid token", err)
	}
}

// Concurrent postbacks with a token the cache does not hold (a fresh token,
// or one whose entry just aged out) share one tokeninfo call, and count as
// known while it runs; a waiter whose asker left asks again.
func TestConcurrentVerificationsShareOneCall(t *testing.T) {
	var calls atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		<-release
		w.Write([]byte(`{"aud":"` + testClient + `","scope":"` + CalendarScope + `","expires_in":"3599"}`))
	}))
	defer srv.Close()
	v := NewVerifier(srv.URL, testClient, NewHTTPClient(), nil)

	leaderCtx, leave := context.WithCancel(context.Background())
	errs := make(chan error, 33)
	go func() { _, err := v.Verify(leaderCtx, "tok", CalendarScope); errs <- err }()
	for calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	if !v.Known("tok") {
		t.Error("a token being asked about is not Known")
	}
	for range 32 {
		go func() { _, err := v.Verify(context.Background(), "tok", CalendarScope); errs <- err }()
	}
	time.Sleep(50 * time.Millisecond)
	leave() // the first asker goes away: the others must still get an answer
	if err := <-errs; err == nil {
		t.Error("the asker that left got an answer")
	}
	for calls.Load() < 2 {
		time.Sleep(time.Millisecond)
	}
	close(release)
	for range 32 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if n := calls.Load(); n != 2 {
		t.Fatalf("33 concurrent verifications (the first cut short) made %d tokeninfo calls, want 2", n)
	}
}
