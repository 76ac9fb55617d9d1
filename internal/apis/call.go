package apis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultTimeout bounds every upstream call; the request context may cut it shorter.
const DefaultTimeout = 10 * time.Second

// maxBody bounds what we read from an upstream JSON answer.
const maxBody = 4 << 20

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

// googleError is Google's error envelope (GOOGLE.md §5).
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

// getJSON calls an API with the bearer token and decodes a 2xx answer into out.
func getJSON(ctx context.Context, hc *http.Client, api, method, rawURL, token string, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, rawURL, nil)
	if err != nil {
		return &Error{API: api, Kind: KindUnavailable, Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	if method == http.MethodPost {
		req.Body = io.NopCloser(strings.NewReader("{}"))
		req.ContentLength = 2
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hc.Do(req)
	if err != nil {
		return transportError(api, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return transportError(api, err)
	}
	if resp.StatusCode/100 != 2 {
		return statusError(api, resp.StatusCode, body)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return &Error{API: api, Kind: KindUnavailable, Status: resp.StatusCode, Err: fmt.Errorf("unreadable answer: %w", err)}
	}
	return nil
}

// transportError maps a failed round trip. The error text of net/http holds
// the URL, which never carries a token (tokens travel in headers only).
func transportError(api string, err error) error {
	var ue *url.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ue) && ue.Timeout()) {
		return &Error{API: api, Kind: KindTimeout, Err: err}
	}
	return &Error{API: api, Kind: KindUnavailable, Err: err}
}

// statusError maps a non-2xx answer by its status and Google's reason.
func statusError(api string, status int, body []byte) error {
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
	return e
}
