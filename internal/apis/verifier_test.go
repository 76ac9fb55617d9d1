package apis

import (
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const testClient = "1000000000001-scopewise.apps.googleusercontent.com"

// tokeninfoStub answers tokeninfo with a fixed status and body per token.
func tokeninfoStub(t *testing.T, answers map[string]struct {
	status int
	body   string
}, calls *atomic.Int32) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.RawQuery != "" {
			t.Errorf("token sent in the query string: %q", r.URL.RawQuery)
		}
		a, ok := answers[r.PostFormValue("access_token")]
		if !ok {
			a.status, a.body = 400, `{"error":"invalid_token","error_description":"Invalid Value"}`
		}
		if a.body == "SLOW" {
			time.Sleep(300 * time.Millisecond)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(a.status)
		w.Write([]byte(a.body))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestVerifierDecisions(t *testing.T) {
	ok := func(aud, azp, scope string) struct {
		status int
		body   string
	} {
		return struct {
			status int
			body   string
		}{200, `{"azp":"` + azp + `","aud":"` + aud + `","scope":"` + scope + `","exp":"1900000000","expires_in":"3599","access_type":"online"}`}
	}
	answers := map[string]struct {
		status int
		body   string
	}{
		"good":          ok(testClient, testClient, "openid "+CalendarScope),
		"good-no-azp":   ok(testClient, "", CalendarScope),
		"other-client":  ok("2000000000002-otherapp.apps.googleusercontent.com", "2000000000002-otherapp.apps.googleusercontent.com", CalendarScope),
		"azp-differs":   ok(testClient, "2000000000002-otherapp.apps.googleusercontent.com", CalendarScope),
		"aud-prefix":    ok(testClient+"x", testClient+"x", CalendarScope),
		"docs-only":     ok(testClient, testClient, "https://www.googleapis.com/auth/documents.readonly"),
		"scope-prefix":  ok(testClient, testClient, CalendarScope+"x "+CalendarScope[:len(CalendarScope)-1]),
		"expired":       {200, `{"aud":"` + testClient + `","scope":"` + CalendarScope + `","exp":"1","expires_in":"0"}`},
		"no-aud":        {200, `{"scope":"` + CalendarScope + `","expires_in":"3599"}`},
		"no-expiry":     {200, `{"aud":"` + testClient + `","scope":"` + CalendarScope + `"}`},
		"garbage":       {200, `<html>not json`},
		"upstream-503":  {503, `{"error":{"code":503,"status":"UNAVAILABLE","message":"x"}}`},
		"upstream-500g": {500, `garbage`},
		"slow":          {200, "SLOW"},
	}
	var calls atomic.Int32
	srv := tokeninfoStub(t, answers, &calls)
	hc := NewHTTPClient()
	hc.Timeout = 100 * time.Millisecond

	tests := []struct {
		token string
		want  Kind // 0: valid
	}{
		{"good", 0},
		{"good-no-azp", 0},
		{"unknown", KindInvalidToken},
		{"other-client", KindWrongAudience},
		{"azp-differs", KindWrongAudience},
		{"aud-prefix", KindWrongAudience},
		{"docs-only", KindInsufficientScope},
		{"scope-prefix", KindInsufficientScope},
		{"expired", KindInvalidToken},
		{"no-aud", KindUnavailable},
		{"no-expiry", KindUnavailable},
		{"garbage", KindUnavailable},
		{"upstream-503", KindUnavailable},
		{"upstream-500g", KindUnavailable},
		{"slow", KindTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.token, func(t *testing.T) {
			v := NewVerifier(srv.URL, testClient, hc, nil)
			info, err := v.Verify(context.Background(), tt.token, CalendarScope)
			if got := KindOf(err); got != tt.want {
				t.Fatalf("Verify(%s) kind = %v (err %v), want %v", tt.token, got, err, tt.want)
			}
			if tt.want == 0 && !info.HasScope(CalendarScope) {
				t.Errorf("valid token info lacks the scope: %+v", info)
			}
			if err != nil && strings.Contains(err.Error(), tt.token) && len(tt.token) > 8 {
				t.Errorf("error text holds the token: %v", err)
			}
		})
	}
}

func TestVerifierCachesUntilExpiry(t *testing.T) {
	var calls atomic.Int32
	srv := tokeninfoStub(t, map[string]struct {
		status int
		body   string
	}{"tok": {200, `{"aud":"` + testClient + `","scope":"` + CalendarScope + `","expires_in":"60"}`}}, &calls)
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	v := NewVerifier(srv.URL, testClient, NewHTTPClient(), func() time.Time { return now })

	for range 3 {
		if _, err := v.Verify(context.Background(), "tok", CalendarScope); err != nil {
			t.Fatal(err)
		}
	}
	if calls.Load() != 1 {
		t.Fatalf("tokeninfo calls = %d, want 1 (cached)", calls.Load())
	}
	// A cached token lacking the scope is still refused without a call.
	if _, err := v.Verify(context.Background(), "tok", "https://www.googleapis.com/auth/documents.readonly"); KindOf(err) != KindInsufficientScope {
		t.Fatalf("cached scope check: %v", err)
	}
	now = now.Add(61 * time.Second)
	v.Verify(context.Background(), "tok", CalendarScope)
	if calls.Load() != 2 {
		t.Fatalf("after expiry tokeninfo calls = %d, want 2", calls.Load())
	}
	v.Forget("tok")
	v.Verify(context.Background(), "tok", CalendarScope)
	if calls.Load() != 3 {
		t.Fatalf("after Forget tokeninfo calls = %d, want 3", calls.Load())
	}
	for k := range v.cache {
		if string(k[:]) == "tok" {
			t.Fatal("cache keyed by the token itself")
		}
	}
}

func TestStatusErrorKinds(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   Kind
	}{
		{"401", 401, `{"error":{"code":401,"status":"UNAUTHENTICATED"}}`, KindInvalidToken},
		{"403 scope", 403, `{"error":{"code":403,"status":"PERMISSION_DENIED","details":[{"reason":"ACCESS_TOKEN_SCOPE_INSUFFICIENT"}]}}`, KindInsufficientScope},
		{"403 other", 403, `{"error":{"code":403,"status":"PERMISSION_DENIED","message":"The caller does not have permission"}}`, KindPermissionDenied},
		{"404", 404, `{"error":{"code":404,"status":"NOT_FOUND"}}`, KindNotFound},
		{"400 precondition", 400, `{"error":{"code":400,"status":"FAILED_PRECONDITION"}}`, KindFailedPrecondition},
		{"400", 400, `{"error":{"code":400,"status":"INVALID_ARGUMENT"}}`, KindBadRequest},
		{"429", 429, `{}`, KindRateLimited},
		{"500 garbage", 500, `garbage`, KindUnavailable},
		{"504", 504, ``, KindTimeout},
		{"403 SERVICE_DISABLED", 403, `{"error":{"code":403,"status":"PERMISSION_DENIED","details":[{"reason":"SERVICE_DISABLED"}]}}`, KindServiceDisabled},
		{"403 accessNotConfigured (Calendar's errors[] only)", 403, `{"error":{"code":403,"errors":[{"reason":"accessNotConfigured"}]}}`, KindServiceDisabled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := statusError("Calendar API", &http.Response{StatusCode: tt.status}, []byte(tt.body))
			if got := KindOf(err); got != tt.want {
				t.Fatalf("kind = %v, want %v", got, tt.want)
			}
			var e *Error
			if !errors.As(err, &e) || e.Status != tt.status {
				t.Fatalf("error %v does not carry status %d", err, tt.status)
			}
		})
	}
}

func TestVerifierCacheIsBounded(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	v := NewVerifier("http://unused.invalid", testClient, NewHTTPClient(), func() time.Time { return now })
	for i := range maxCached + 10 {
		v.mu.Lock()
		v.makeRoomLocked()
		v.cache[sha256.Sum256([]byte{byte(i), byte(i >> 8), byte(i >> 16)})] = cacheEntry{info: TokenInfo{Expiry: now.Add(time.Hour)}, checked: now}
		v.mu.Unlock()
	}
	if len(v.cache) > maxCached {
		t.Fatalf("cache holds %d entries, bound %d", len(v.cache), maxCached)
	}
}
