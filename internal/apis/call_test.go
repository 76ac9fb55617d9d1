package apis

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// upstream answers each call with the next of answers (the last repeats)
// and counts the calls.
type upstream struct {
	calls   atomic.Int32
	answers []func(w http.ResponseWriter)
}

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := int(u.calls.Add(1))
	u.answers[min(n, len(u.answers))-1](w)
}

func status(code int, header ...string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(code)
		w.Write([]byte(`{"error":{"code":` + strconv.Itoa(code) + `}}`))
	}
}

var ok200 = func(w http.ResponseWriter) { w.Write([]byte(`{"ok":true}`)) }

// At most one retry, with backoff, only where safe: idempotent GETs, on a
// 502, a 503 or a 429 with a short Retry-After; never on auth or other 4xx,
// never for a POST or DELETE.
func TestRetry(t *testing.T) {
	tests := []struct {
		name    string
		method  string
		answers []func(http.ResponseWriter)
		calls   int32
		kind    Kind // 0: success
	}{
		{"GET 503 then 200: healed", http.MethodGet, []func(http.ResponseWriter){status(503), ok200}, 2, 0},
		{"GET 502 then 200: healed", http.MethodGet, []func(http.ResponseWriter){status(502), ok200}, 2, 0},
		{"GET 503 twice: one retry only", http.MethodGet, []func(http.ResponseWriter){status(503)}, 2, KindUnavailable},
		{"GET 429 with Retry-After 1", http.MethodGet, []func(http.ResponseWriter){status(429, "Retry-After", "1"), ok200}, 2, 0},
		{"GET 429 with Retry-After 0", http.MethodGet, []func(http.ResponseWriter){status(429, "Retry-After", "0"), ok200}, 2, 0},
		{"GET 429 without Retry-After", http.MethodGet, []func(http.ResponseWriter){status(429), ok200}, 1, KindRateLimited},
		{"GET 429 with a long Retry-After", http.MethodGet, []func(http.ResponseWriter){status(429, "Retry-After", "30"), ok200}, 1, KindRateLimited},
		{"GET 503 with a long Retry-After", http.MethodGet, []func(http.ResponseWriter){status(503, "Retry-After", "30"), ok200}, 1, KindUnavailable},
		{"GET 429 with an unreadable Retry-After", http.MethodGet, []func(http.ResponseWriter){status(429, "Retry-After", "soon"), ok200}, 1, KindRateLimited},
		{"GET 503 with an unreadable Retry-After", http.MethodGet, []func(http.ResponseWriter){status(503, "Retry-After", "soon"), ok200}, 1, KindUnavailable},
		{"GET 503 with a Retry-After of a day", http.MethodGet, []func(http.ResponseWriter){status(503, "Retry-After", "86400"), ok200}, 1, KindUnavailable},
		{"GET 503 with a short Retry-After", http.MethodGet, []func(http.ResponseWriter){status(503, "Retry-After", "1"), ok200}, 2, 0},
		{"GET 500: not retried", http.MethodGet, []func(http.ResponseWriter){status(500), ok200}, 1, KindUnavailable},
		{"GET 504: not retried", http.MethodGet, []func(http.ResponseWriter){status(504), ok200}, 1, KindTimeout},
		{"GET 401: never retried", http.MethodGet, []func(http.ResponseWriter){status(401), ok200}, 1, KindInvalidToken},
		{"GET 403: never retried", http.MethodGet, []func(http.ResponseWriter){status(403), ok200}, 1, KindPermissionDenied},
		{"GET 400: never retried", http.MethodGet, []func(http.ResponseWriter){status(400), ok200}, 1, KindBadRequest},
		{"POST 503: not idempotent", http.MethodPost, []func(http.ResponseWriter){status(503), ok200}, 1, KindUnavailable},
		{"DELETE 503: not retried", http.MethodDelete, []func(http.ResponseWriter){status(503), ok200}, 1, KindUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := &upstream{answers: tt.answers}
			srv := httptest.NewServer(u)
			defer srv.Close()
			var out map[string]any
			err := getJSON(context.Background(), NewHTTPClient(), "Test API", tt.method, srv.URL, "tok", &out)
			if got := u.calls.Load(); got != tt.calls {
				t.Errorf("%d calls, want %d", got, tt.calls)
			}
			if KindOf(err) != tt.kind {
				t.Errorf("error %v, want kind %v", err, tt.kind)
			}
		})
	}
}

// A retry never runs past the request's deadline: when the wait and a fresh
// attempt do not fit, the first answer stands.
func TestRetryKeepsToTheDeadline(t *testing.T) {
	u := &upstream{answers: []func(http.ResponseWriter){status(429, "Retry-After", "2"), ok200}}
	srv := httptest.NewServer(u)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := getJSON(ctx, NewHTTPClient(), "Test API", http.MethodGet, srv.URL, "tok", nil)
	if KindOf(err) != KindRateLimited || u.calls.Load() != 1 {
		t.Fatalf("err %v after %d calls; want the 429 after one call", err, u.calls.Load())
	}
	if ctx.Err() != nil {
		t.Error("the call waited until the deadline")
	}
	var e *Error
	if !errors.As(err, &e) || e.RetryAfter != 2*time.Second {
		t.Errorf("RetryAfter %v, want 2s passed on", e.RetryAfter)
	}
}

// The client's timeout cuts a hung answer and a body that never ends, and
// both are timeouts (504), not outages.
func TestUpstreamTimeout(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	tests := map[string]http.HandlerFunc{
		"hang": func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		},
		"slow drip": func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`{"items":[`))
			w.(http.Flusher).Flush()
			for {
				select {
				case <-release:
					return
				case <-r.Context().Done():
					return
				case <-time.After(20 * time.Millisecond):
					w.Write([]byte(" "))
					w.(http.Flusher).Flush()
				}
			}
		},
	}
	for name, h := range tests {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(h)
			defer srv.Close()
			hc := NewHTTPClient()
			hc.Timeout = 200 * time.Millisecond
			err := getJSON(context.Background(), hc, "Test API", http.MethodGet, srv.URL, "tok", &map[string]any{})
			if KindOf(err) != KindTimeout {
				t.Fatalf("err %v, want a timeout", err)
			}
		})
	}
}

// Reads are capped: an answer over the cap is an upstream fault, found by
// its Content-Length or by the cap's next byte, and the rest is not read.
func TestReadCapped(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		length  int64 // Content-Length; -1 unknown
		wantErr bool
	}{
		{"under", "12345", 5, false},
		{"exactly the cap", "1234567890", 10, false},
		{"over, length known", "", 11 << 20, true},
		{"over, length unknown", "12345678901", -1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &countingReader{r: strings.NewReader(tt.body)}
			resp := &http.Response{StatusCode: 200, ContentLength: tt.length, Body: r}
			body, err := readCapped("Test API", resp, 10)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err %v, want error %v", err, tt.wantErr)
			}
			if err == nil && string(body) != tt.body {
				t.Errorf("body %q", body)
			}
			if err != nil && KindOf(err) != KindUnavailable {
				t.Errorf("kind %v, want unavailable (502)", KindOf(err))
			}
			if r.n > 11 {
				t.Errorf("read %d bytes past a 10-byte cap", r.n)
			}
		})
	}
}

type countingReader struct {
	r interface{ Read([]byte) (int, error) }
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
func (c *countingReader) Close() error { return nil }

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"1", time.Second, true},
		{" 120 ", 2 * time.Minute, true},
		{"3600", time.Hour, true},
		{"3601", 0, false},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
		{"99999999999999", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// endless is an answer body that never ends.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

// TestReadCappedAllocation: an answer of unknown length over the limit
// costs about twice the limit in allocations (a buffer grown by doubling up
// to the limit and one byte), not four times (grown past it).
func TestReadCappedAllocation(t *testing.T) {
	const limit = 1 << 20
	resp := &http.Response{StatusCode: 200, ContentLength: -1, Body: io.NopCloser(endless{})}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := readCapped("Test API", resp, limit)
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("an endless answer was read without an error")
	}
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 5*limit/2 {
		t.Errorf("reading %d bytes and one allocated %d bytes, want at most %d", limit, allocated, 5*limit/2)
	}
}
