package web

import (
	"crypto/sha256"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"github.com/scopewise/scopewise/internal/config"
	"github.com/scopewise/scopewise/views"
)

// TokenCheckLimits bound the postbacks that make the site ask tokeninfo
// about a token it does not know: per browser session and per client
// address. A postback whose token the verifier already knows (accepted or
// refused, see apis.CacheMaxAge) costs Google nothing and is never limited,
// so a page that posts its one token again and again is not slowed down;
// one that sends a new token each time is, and gets 429 with Retry-After.
//
// Defaults: config.DefaultSessionLimit and config.DefaultAddressLimit.
type TokenCheckLimits struct {
	Session config.Limit
	Address config.Limit
}

// LimitTokenChecks is the middleware for TokenCheckLimits. known reports
// whether the verifier would answer for a token without asking tokeninfo.
// It runs after Sessions: a session is keyed by its CSRF secret's hash.
func LimitTokenChecks(l TokenCheckLimits, known func(token string) bool) echo.MiddlewareFunc {
	sessions, addresses := newBuckets(l.Session), newBuckets(l.Address)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if r.Method != http.MethodPost || r.Header.Get("Authorization") == "" {
				return next(c)
			}
			token, err := BearerToken(r)
			if err != nil || known(token) {
				return next(c) // refused with 400 without an upstream call, or cached
			}
			now := time.Now()
			sum := sha256.Sum256([]byte(SessionOf(c).CSRF()))
			byS, byA := sessions.reserve(string(sum[:16]), now), addresses.reserve(addressKey(c.RealIP()), now)
			if wait := max(byS.DelayFrom(now), byA.DelayFrom(now)); wait > 0 {
				// Refused: neither bucket pays for it.
				byS.CancelAt(now)
				byA.CancelAt(now)
				return &Problem{
					Status:     http.StatusTooManyRequests,
					RetryAfter: wait,
					Alert:      views.Problem{Title: "Too many new tokens", Detail: fmt.Sprintf("This browser sent more new access tokens than the site checks with Google in a short time. Try again in %d seconds.", int64((wait+time.Second-1)/time.Second))},
					Err:        fmt.Errorf("token check limit: retry after %s", wait),
				}
			}
			return next(c)
		}
	}
}

// addressKey is the client's address; IPv6 addresses by their /64, which
// one host usually holds whole.
func addressKey(ip string) string {
	if a := net.ParseIP(ip); a != nil && a.To4() == nil {
		return a.Mask(net.CIDRMask(64, 128)).String()
	}
	return ip
}

// buckets are token buckets by key, forgotten once full again. Their number
// is bounded: past maxBuckets the idle ones go, then all (a flood of
// addresses then costs limits, never memory).
type buckets struct {
	limit config.Limit
	mu    sync.Mutex
	m     map[string]*rate.Limiter
}

const maxBuckets = 100_000

func newBuckets(l config.Limit) *buckets { return &buckets{limit: l, m: map[string]*rate.Limiter{}} }

// unlimited reserves without limit (a limit that is off).
var unlimited = rate.NewLimiter(rate.Inf, 0)

// reserve takes one check for key at now; its delay is 0 when allowed.
func (b *buckets) reserve(key string, now time.Time) *rate.Reservation {
	if b.limit.Off() {
		return unlimited.ReserveN(now, 1)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	lim, ok := b.m[key]
	if !ok {
		if len(b.m) >= maxBuckets {
			b.sweepLocked(now)
		}
		lim = rate.NewLimiter(rate.Limit(float64(b.limit.Burst)/b.limit.Per.Seconds()), b.limit.Burst)
		b.m[key] = lim
	}
	return lim.ReserveN(now, 1)
}

func (b *buckets) sweepLocked(now time.Time) {
	for k, lim := range b.m {
		if lim.TokensAt(now) >= float64(b.limit.Burst) {
			delete(b.m, k)
		}
	}
	if len(b.m) >= maxBuckets {
		clear(b.m)
	}
}
