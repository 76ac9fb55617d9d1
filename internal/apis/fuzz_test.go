package apis

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

const fuzzToken = "ya29.fuzz-token-never-in-errors"

// FuzzTokenInfo: whatever tokeninfo answers (any status, any body), Verify
// does not panic; it accepts a token only for our audience, with the scope
// as a whole word and a lifetime in the future, from a 200; and a refusal is
// an *Error of a known kind whose text never holds the token.
func FuzzTokenInfo(f *testing.F) {
	for _, s := range []struct {
		status int
		body   string
	}{
		{200, `{"azp":"` + testClient + `","aud":"` + testClient + `","scope":"openid ` + CalendarScope + `","exp":"1900000000","expires_in":"3599"}`},
		{200, `{"aud":"` + testClient + `","scope":"` + CalendarScope + `","exp":"1900000000"}`},
		{200, `{"aud":"` + strings.ToUpper(testClient) + `","scope":"` + CalendarScope + `","expires_in":"3599"}`},
		{200, `{"aud":"` + testClient + `","scope":"` + CalendarScope + `x","expires_in":"3599"}`},
		{200, `{"aud":"` + testClient + `","scope":"` + CalendarScope + `","expires_in":"-1"}`},
		{200, `{"aud":["` + testClient + `"],"scope":1,"expires_in":3599}`},
		{200, `{"aud":"` + testClient + `","aud":"other","scope":"` + CalendarScope + `","expires_in":"3599"}`},
		{200, `{"aud":"` + testClient + `","scope":"` + CalendarScope + `","expires_in":"99999999999999999999"}`},
		{400, `{"error":"invalid_token","error_description":"Invalid Value"}`},
		{400, `{"error":"invalid_request"}`},
		{503, `<html>busy</html>`},
		{200, ``},
		{200, `null`},
		{302, ``},
		{429, `{"error":{"code":429,"status":"RESOURCE_EXHAUSTED"}}`},
	} {
		f.Add(s.status, []byte(s.body))
	}
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		status = 100 + (status%500+500)%500
		hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(bytes.NewReader(body)), Request: r}, nil
		})}
		v := NewVerifier("http://tokeninfo.invalid/tokeninfo", testClient, hc, func() time.Time { return now })
		info, err := v.Verify(context.Background(), fuzzToken, CalendarScope)
		if err != nil {
			if KindOf(err) == 0 {
				t.Fatalf("refusal of no known kind: %v", err)
			}
			if strings.Contains(err.Error(), fuzzToken) {
				t.Fatalf("error text holds the token: %v", err)
			}
			return
		}
		if status != http.StatusOK {
			t.Fatalf("accepted from a %d answer", status)
		}
		if info.Audience != testClient || (info.AuthorizedParty != "" && info.AuthorizedParty != testClient) {
			t.Fatalf("accepted audience %q (azp %q)", info.Audience, info.AuthorizedParty)
		}
		if !info.HasScope(CalendarScope) || !strings.Contains(" "+strings.Join(strings.Fields(string(body)), " ")+" ", CalendarScope) {
			t.Fatalf("accepted without the scope: %+v", info)
		}
		if !info.Expiry.After(now) {
			t.Fatalf("accepted an expired token: %v", info.Expiry)
		}
	})
}

// FuzzHasScope: a token has a scope only when that exact scope is one of the
// space-separated words of tokeninfo's scope field: never a prefix, suffix,
// substring or case variant, never an empty or multi-word "scope".
func FuzzHasScope(f *testing.F) {
	for _, s := range [][2]string{
		{"openid " + CalendarScope, CalendarScope},
		{CalendarScope + "x", CalendarScope},
		{CalendarScope, CalendarScope + "x"},
		{"x" + CalendarScope, CalendarScope},
		{strings.ToUpper(CalendarScope), CalendarScope},
		{CalendarScope + "," + DocsScope, DocsScope},
		{"a  b\tc\n", "b"},
		{"a b", "a b"},
		{"", ""},
		{" ", " "},
		{"\u00a0" + CalendarScope, CalendarScope},
	} {
		f.Add(s[0], s[1])
	}
	v := NewVerifier("", testClient, nil, nil)
	f.Fuzz(func(t *testing.T, field, scope string) {
		info, err := v.parse(tokenInfoBody{Aud: testClient, Scope: field, ExpiresIn: "3599"})
		if err != nil {
			t.Fatalf("parse: %v", err)
		}
		words := strings.Fields(field)
		want := false
		for _, w := range words {
			want = want || w == scope
		}
		if got := info.HasScope(scope); got != want {
			t.Fatalf("HasScope(%q) in %q = %v, want %v", scope, field, got, want)
		}
		if info.HasScope(scope) && (scope == "" || len(strings.Fields(scope)) != 1 || strings.Fields(scope)[0] != scope) {
			t.Fatalf("HasScope accepted %q, which is not one word", scope)
		}
	})
}
