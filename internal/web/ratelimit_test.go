package web

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/scopewise/scopewise/internal/config"
)

// limitRig runs the middleware in front of a handler that counts what got
// through, as if each request came from session csrf at address ip.
type limitRig struct {
	e      *echo.Echo
	mw     echo.HandlerFunc
	passed int
}

func newLimitRig(l TokenCheckLimits, known func(string) bool) *limitRig {
	r := &limitRig{e: echo.New()}
	r.e.IPExtractor = echo.ExtractIPDirect()
	r.mw = LimitTokenChecks(l, known)(func(c echo.Context) error { r.passed++; return nil })
	return r
}

func (r *limitRig) post(csrf, ip, token string) error {
	req := httptest.NewRequest(http.MethodPost, "/calendar", nil)
	req.RemoteAddr = net.JoinHostPort(ip, "40000")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	c := r.e.NewContext(req, httptest.NewRecorder())
	c.Set(sessionKey, &Session{data: sessionData{CSRF: csrf}})
	return r.mw(c)
}

func tooMany(t *testing.T, err error) *Problem {
	t.Helper()
	var p *Problem
	if !errors.As(err, &p) || p.Status != http.StatusTooManyRequests || p.RetryAfter <= 0 {
		t.Fatalf("want 429 with Retry-After, got %v", err)
	}
	return p
}

// New tokens past a session's burst are refused with 429 and Retry-After;
// another session at another address is not affected.
func TestTokenChecksLimitedPerSession(t *testing.T) {
	r := newLimitRig(TokenCheckLimits{Session: config.Limit{Burst: 5, Per: time.Minute}}, func(string) bool { return false })
	for i := range 5 {
		if err := r.post("s1", "192.0.2.1", fmt.Sprint("new", i)); err != nil {
			t.Fatalf("postback %d within the burst: %v", i, err)
		}
	}
	p := tooMany(t, r.post("s1", "192.0.2.1", "new5"))
	if p.RetryAfter > 12*time.Second+time.Millisecond {
		t.Errorf("Retry-After %s: one check comes back every 12 s", p.RetryAfter)
	}
	if err := r.post("s2", "192.0.2.2", "other"); err != nil {
		t.Errorf("another session: %v", err)
	}
}

// One address with many sessions (a script that drops its cookie) is
// limited by address; IPv6 addresses count by their /64.
func TestTokenChecksLimitedPerAddress(t *testing.T) {
	r := newLimitRig(TokenCheckLimits{Address: config.Limit{Burst: 3, Per: time.Minute}}, func(string) bool { return false })
	for i := range 3 {
		if err := r.post(fmt.Sprint("session", i), "2001:db8::1", fmt.Sprint("t", i)); err != nil {
			t.Fatal(err)
		}
	}
	tooMany(t, r.post("fresh-session", "2001:db8::ffff", "t4"))
	if err := r.post("fresh-session", "2001:db8:1::1", "t5"); err != nil {
		t.Errorf("another /64: %v", err)
	}
}

// A token the verifier knows costs Google nothing: never limited, even once
// the limit is reached. Requests the verifier never sees (no or malformed
// token, GET) are not counted.
func TestKnownTokensAndNonPostbacksNotLimited(t *testing.T) {
	r := newLimitRig(TokenCheckLimits{Session: config.Limit{Burst: 1, Per: time.Hour}, Address: config.Limit{Burst: 1, Per: time.Hour}},
		func(tok string) bool { return tok == "cached" })
	if err := r.post("s", "192.0.2.1", "new"); err != nil {
		t.Fatal(err)
	}
	tooMany(t, r.post("s", "192.0.2.1", "new2"))
	for range 100 {
		if err := r.post("s", "192.0.2.1", "cached"); err != nil {
			t.Fatalf("known token limited: %v", err)
		}
		if err := r.post("s", "192.0.2.1", ""); err != nil {
			t.Fatalf("no token limited: %v", err)
		}
		if err := r.post("s", "192.0.2.1", "bad\"token"); err != nil {
			t.Fatalf("malformed token limited: %v", err)
		}
	}
}

// A refusal by one bucket is not charged to the other.
func TestRefusedCheckChargesNeitherBucket(t *testing.T) {
	r := newLimitRig(TokenCheckLimits{Session: config.Limit{Burst: 2, Per: time.Hour}, Address: config.Limit{Burst: 1, Per: time.Hour}}, func(string) bool { return false })
	if err := r.post("s", "192.0.2.1", "a"); err != nil {
		t.Fatal(err)
	}
	tooMany(t, r.post("s", "192.0.2.1", "b")) // the address is out
	if err := r.post("s", "192.0.2.9", "c"); err != nil {
		t.Fatalf("the session paid for a refused check: %v", err)
	}
}

func TestLimitsOff(t *testing.T) {
	r := newLimitRig(TokenCheckLimits{}, func(string) bool { return false })
	for i := range 1000 {
		if err := r.post("s", "127.0.0.1", fmt.Sprint("t", i)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBucketsAreBounded(t *testing.T) {
	b := newBuckets(config.Limit{Burst: 1, Per: time.Hour})
	now := time.Now()
	for i := range maxBuckets + 10 {
		b.reserve(fmt.Sprint(i), now)
	}
	if len(b.m) > maxBuckets {
		t.Fatalf("%d buckets, bound %d", len(b.m), maxBuckets)
	}
}
