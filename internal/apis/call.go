package apis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/scopewise/scopewise/internal/timing"
)

// DefaultTimeout bounds every upstream call, answer body included (config
// UPSTREAM_TIMEOUT sets the site's); the request context may cut it shorter.
const DefaultTimeout = 10 * time.Second

// maxBody bounds what we read from an upstream JSON answer; a longer one is
// an upstream fault, and the rest of it is never read.
const maxBody = 4 << 20

// maxErrorBody bounds what we read of an error answer that is not JSON we
// decode into data (tokeninfo's answers, a media fetch's error).
const maxErrorBody = 64 << 10

// NewHTTPClient is the client every API uses: a timeout on every call, no
// redirects followed (a redirect would carry the bearer token elsewhere).
func NewHTTPClient() *http.Client {
	return &http.Client{
		Transport: newTransport(),
		Timeout:   DefaultTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// googleError is the error envelope every Google API answers a failure with.
type googleError struct {
	Error struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Status  string `json:"status"`
		Errors  []struct {
			Reason string `json:"reason"`
		} `json:"errors"`
		Details []struct {
			Reason string `json:"reason"`
		} `json:"details"`
	} `json:"error"`
}

// getJSON calls an API with the bearer token and decodes a 2xx answer into
// out. A GET is retried once where that is safe (see send); nothing else is.
func getJSON(ctx context.Context, hc *http.Client, api, method, rawURL, token string, out any) error {
	defer timing.Track(ctx, api)()
	newReq := func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, method, rawURL, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept", "application/json")
		if method == http.MethodPost {
			req.Body = io.NopCloser(strings.NewReader("{}"))
			req.ContentLength = 2
			req.Header.Set("Content-Type", "application/json")
		}
		return req, nil
	}
	resp, err := send(ctx, hc, api, method == http.MethodGet, newReq)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := readCapped(api, resp, maxBody)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return statusError(api, resp, body)
	}
	if out == nil { // an answer without data (DELETE's {}) must still be JSON
		if len(body) > 0 && !json.Valid(body) {
			return &Error{API: api, Kind: KindUnavailable, Status: resp.StatusCode, Err: errors.New("unreadable answer: not JSON")}
		}
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return &Error{API: api, Kind: KindUnavailable, Status: resp.StatusCode, Err: fmt.Errorf("unreadable answer: %w", err)}
	}
	return nil
}

const (
	// maxRetryWait is the longest Retry-After worth waiting for within one
	// request: a 429 or 503 asking for longer is passed on, not retried.
	maxRetryWait = 2 * time.Second
	// retryBackoff is the pause before retrying a 502 or 503 that names no
	// Retry-After; up to half as much again is added at random, so many
	// requests failing at once do not come back at once.
	retryBackoff = 200 * time.Millisecond
	// drainOnRetry is how much of a failed answer is read before it is
	// dropped, so its connection can serve the retry.
	drainOnRetry = 4 << 10
)

// send makes one upstream call, and at most one more where that is safe:
// the call is idempotent (a GET), the answer was a 502 or 503 or a 429, any
// Retry-After is short (maxRetryWait; a 429 without one is not retried), and
// the wait plus a fresh attempt fit in what is left of ctx's deadline. Auth
// and other 4xx answers, 500 and 504, timeouts and refused connections are
// never retried. newReq builds the request for each attempt.
func send(ctx context.Context, hc *http.Client, api string, idempotent bool, newReq func(context.Context) (*http.Request, error)) (*http.Response, error) {
	for attempt := 1; ; attempt++ {
		req, err := newReq(ctx)
		if err != nil {
			return nil, &Error{API: api, Kind: KindUnavailable, Err: err}
		}
		resp, err := hc.Do(req)
		if err != nil {
			return nil, transportError(api, err)
		}
		wait, retry := retryAfter(resp, idempotent && attempt == 1)
		if !retry || !fitsDeadline(ctx, wait) {
			return resp, nil
		}
		io.CopyN(io.Discard, resp.Body, drainOnRetry)
		resp.Body.Close()
		timer := time.NewTimer(wait)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return nil, transportError(api, ctx.Err())
		}
	}
}

// retryAfter says whether resp is worth one more try, and after how long.
func retryAfter(resp *http.Response, allowed bool) (time.Duration, bool) {
	if !allowed {
		return 0, false
	}
	header := resp.Header.Get("Retry-After")
	switch resp.StatusCode {
	case http.StatusBadGateway, http.StatusServiceUnavailable:
		if header == "" {
			return retryBackoff + rand.N(retryBackoff/2), true
		}
	case http.StatusTooManyRequests:
	default:
		return 0, false
	}
	// A Retry-After we cannot read, or one of more than an hour, is a
	// "not soon" too.
	wait, ok := parseRetryAfter(header, time.Now())
	return wait, ok && wait <= maxRetryWait
}

// fitsDeadline reports whether waiting d still leaves a fair attempt
// (retryBackoff or more) before ctx's deadline.
func fitsDeadline(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return !ok || time.Until(deadline) > d+retryBackoff
}

// maxRetryAfter bounds a Retry-After passed on to the page.
const maxRetryAfter = time.Hour

// parseRetryAfter reads Retry-After as seconds or an HTTP date (RFC 9110
// §10.2.3). ok is false when it is absent, unreadable, or over an hour.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	var d time.Duration
	if secs, err := strconv.ParseUint(v, 10, 32); err == nil {
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = max(t.Sub(now), 0)
	} else {
		return 0, false
	}
	if d > maxRetryAfter {
		return 0, false
	}
	return d, true
}

// readCapped reads at most limit bytes of resp's body. A longer answer is
// an upstream fault, found out without reading past the limit: its
// Content-Length, or the limit's next byte. The rest is never read.
func readCapped(api string, resp *http.Response, limit int64) ([]byte, error) {
	tooBig := func(what string) error {
		return &Error{API: api, Kind: KindUnavailable, Status: resp.StatusCode, Err: fmt.Errorf("answer of %s is over the %d-byte limit", what, limit)}
	}
	if resp.ContentLength > limit {
		return nil, tooBig(strconv.FormatInt(resp.ContentLength, 10) + " bytes")
	}
	// An answer that says its length is read into one buffer of that
	// size (and one byte more to see its end); one that does not grows its
	// buffer by doubling, but never past the limit and one byte, so an
	// endless answer costs about twice the limit, not four times.
	size := int64(32 << 10)
	if resp.ContentLength >= 0 {
		size = resp.ContentLength + 1
	}
	buf := make([]byte, 0, min(size, limit+1))
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) > limit {
				break
			}
			next := int64(2 * cap(buf))
			if next >= limit { // straight to the limit and one byte, not via the limit
				next = limit + 1
			}
			grown := make([]byte, len(buf), next)
			copy(grown, buf)
			buf = grown
		}
		n, err := resp.Body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, transportError(api, err)
		}
	}
	if int64(len(buf)) > limit {
		return nil, tooBig("more bytes")
	}
	return buf, nil
}

// transportError maps a failed round trip or body read. A timeout, ours or
// the request's, is KindTimeout. The error text of net/http holds the URL,
// which never carries a token (tokens travel in headers only).
func transportError(api string, err error) error {
	var timeout interface{ Timeout() bool }
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &timeout) && timeout.Timeout()) {
		return &Error{API: api, Kind: KindTimeout, Err: err}
	}
	return &Error{API: api, Kind: KindUnavailable, Err: err}
}

// statusError maps a non-2xx answer by its status and Google's reason.
func statusError(api string, resp *http.Response, body []byte) error {
	status := resp.StatusCode
	var ge googleError
	_ = json.Unmarshal(body, &ge) // a garbage body still maps by status
	reason := ge.Error.Status
	for _, d := range ge.Error.Details {
		if d.Reason != "" {
			reason = d.Reason
		}
	}
	if reason == "" && len(ge.Error.Errors) > 0 {
		reason = ge.Error.Errors[0].Reason
	}
	e := &Error{API: api, Status: status, Reason: reason}
	switch {
	case status == http.StatusUnauthorized:
		e.Kind = KindInvalidToken
	case status == http.StatusForbidden && (reason == "ACCESS_TOKEN_SCOPE_INSUFFICIENT" || reason == "insufficientPermissions"):
		e.Kind = KindInsufficientScope
	case status == http.StatusForbidden && (reason == "SERVICE_DISABLED" || reason == "accessNotConfigured"):
		e.Kind = KindServiceDisabled
	case status == http.StatusForbidden:
		e.Kind = KindPermissionDenied
	case status == http.StatusNotFound:
		e.Kind = KindNotFound
	case status == http.StatusBadRequest && ge.Error.Status == "FAILED_PRECONDITION":
		e.Kind = KindFailedPrecondition
	case status == http.StatusBadRequest:
		e.Kind = KindBadRequest
	case status == http.StatusTooManyRequests:
		e.Kind = KindRateLimited
	case status == http.StatusGatewayTimeout:
		e.Kind = KindTimeout
	default:
		e.Kind = KindUnavailable
	}
	if e.Kind == KindRateLimited || status == http.StatusServiceUnavailable {
		e.RetryAfter, _ = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	return e
}
