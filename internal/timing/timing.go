// Package timing measures where a postback's time goes — each upstream call
// (tokeninfo, the API) and the whole handler — and reports it in the answer's
// Server-Timing header (W3C Server Timing), which the page's "What just
// happened" region reads and the browser's devtools show. It records
// durations and names only: never a URL, a token or an answer.
package timing

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// Header is the header the measurements go in.
const Header = "Server-Timing"

// Recorder collects one request's measurements. Upstream calls may run at
// once (the Docs page reads titles in parallel), so it is safe for
// concurrent use.
type Recorder struct {
	mu    sync.Mutex
	start time.Time
	spans []span
}

// span is every call to one upstream: how many, and their summed time.
type span struct {
	name  string // a Server-Timing metric name: a token, e.g. "calendar-api"
	desc  string // what the page shows: "Calendar API"
	count int
	dur   time.Duration
}

type ctxKey struct{}

// NewContext is ctx carrying r.
func NewContext(ctx context.Context, r *Recorder) context.Context {
	return context.WithValue(ctx, ctxKey{}, r)
}

// Track starts timing one call to the upstream named desc ("Calendar API")
// and returns the function that ends it. Without a Recorder in ctx (tests,
// the lab's Expire now) it records nothing.
func Track(ctx context.Context, desc string) func() {
	r, _ := ctx.Value(ctxKey{}).(*Recorder)
	if r == nil {
		return func() {}
	}
	start := time.Now()
	return func() { r.add(desc, time.Since(start)) }
}

func (r *Recorder) add(desc string, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range r.spans {
		if r.spans[i].desc == desc {
			r.spans[i].count++
			r.spans[i].dur += d
			return
		}
	}
	r.spans = append(r.spans, span{name: metricName(desc), desc: desc, count: 1, dur: d})
}

// Value is the Server-Timing value: each upstream in the order first
// called, then "app", the handler's whole time up to now. A repeated call
// says how many in its description ("Docs API ×3").
func (r *Recorder) Value() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	parts := make([]string, 0, len(r.spans)+1)
	for _, s := range r.spans {
		desc := s.desc
		if s.count > 1 {
			desc = fmt.Sprintf("%s ×%d", desc, s.count)
		}
		parts = append(parts, fmt.Sprintf(`%s;dur=%s;desc=%q`, s.name, millis(s.dur), desc))
	}
	parts = append(parts, fmt.Sprintf(`app;dur=%s;desc="this server in all"`, millis(time.Since(r.start))))
	return strings.Join(parts, ", ")
}

// millis is d in milliseconds with one decimal.
func millis(d time.Duration) string {
	return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000)
}

// metricName makes a Server-Timing token of a description: lower case,
// letters and digits, the rest as "-" ("Calendar API" → "calendar-api").
func metricName(desc string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(desc) {
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			b.WriteRune(c)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// Middleware gives every POST (every postback) a Recorder and sends what it
// measured in Server-Timing with the answer, whatever the answer is (a
// result, an alert). Pages (GET) call no upstream and are left alone.
func Middleware() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if c.Request().Method != http.MethodPost {
				return next(c)
			}
			r := &Recorder{start: time.Now()}
			c.SetRequest(c.Request().WithContext(NewContext(c.Request().Context(), r)))
			c.Response().Before(func() { c.Response().Header().Set(Header, r.Value()) })
			return next(c)
		}
	}
}
