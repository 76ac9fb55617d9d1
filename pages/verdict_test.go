package pages_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/scopewise/scopewise/internal/config"
	"github.com/scopewise/scopewise/internal/sitetest"
	"github.com/scopewise/scopewise/pages"
)

// A postback's answer carries the server's verdict on the token (what the
// "What just happened" region shows as tokeninfo's verdict) and where its
// time went (Server-Timing), whatever the answer is.
func TestPostbackAnswersItsVerdictAndTimings(t *testing.T) {
	s := sitetest.Start(t)
	s.Page("/calendar")
	verdict := func(t *testing.T, res sitetest.Response) pages.TokenVerdict {
		t.Helper()
		raw := res.Header.Get(pages.VerdictHeader)
		var v pages.TokenVerdict
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			t.Fatalf("%s = %q: %v", pages.VerdictHeader, raw, err)
		}
		if v.Needed != sitetest.CalendarScope {
			t.Errorf("needed = %q, want the page's scope", v.Needed)
		}
		return v
	}

	tok := s.Mint(config.EmulatorClientID, sitetest.CalendarScope)
	res := s.Postback("/calendar", tok)
	if res.StatusCode != 200 {
		t.Fatalf("valid token: %d", res.StatusCode)
	}
	v := verdict(t, res)
	if !v.Valid || v.Refused != "" || v.Audience != config.EmulatorClientID || !slices.Contains(v.Scopes, sitetest.CalendarScope) {
		t.Errorf("verdict on a good token = %+v", v)
	}
	if v.ExpiresIn < 3000 || v.ExpiresIn > 3600 || v.ExpiresAt.IsZero() {
		t.Errorf("expiry: in %d s, at %v; want about an hour", v.ExpiresIn, v.ExpiresAt)
	}
	st := res.Header.Get("Server-Timing")
	for _, want := range []string{`tokeninfo;dur=`, `calendar-api;dur=`, `desc="Calendar API"`, `app;dur=`} {
		if !strings.Contains(st, want) {
			t.Errorf("Server-Timing %q lacks %q", st, want)
		}
	}

	// The same token again: the verifier's recent answer stands, so
	// tokeninfo is not asked, and the timings say so.
	res = s.Postback("/calendar", tok)
	if st := res.Header.Get("Server-Timing"); res.StatusCode != 200 || strings.Contains(st, "tokeninfo") || !strings.Contains(st, "calendar-api") {
		t.Errorf("second postback: %d, Server-Timing %q; want the API call and no tokeninfo call", res.StatusCode, st)
	}
	if v := verdict(t, res); !v.Valid {
		t.Errorf("second verdict = %+v", v)
	}

	for _, tc := range []struct {
		name, client, scope, refused string
		status                       int
	}{
		{"another app's token", config.OtherClientID, sitetest.CalendarScope, "wrong audience", 401},
		{"a token without the page's scope", config.EmulatorClientID, sitetest.DocsScope, "insufficient scope", 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := s.Postback("/calendar", s.Mint(tc.client, tc.scope))
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tc.status)
			}
			if v := verdict(t, res); v.Valid || v.Refused != tc.refused || v.Audience != "" {
				t.Errorf("verdict = %+v, want refused %q", v, tc.refused)
			}
			if st := res.Header.Get("Server-Timing"); !strings.Contains(st, "tokeninfo;dur=") || strings.Contains(st, "calendar-api") {
				t.Errorf("Server-Timing %q: want tokeninfo and no API call", st)
			}
		})
	}

	// A page (GET) calls nothing upstream and says nothing of timings.
	if page := s.Page("/calendar"); page.Header.Get("Server-Timing") != "" || page.Header.Get(pages.VerdictHeader) != "" {
		t.Errorf("GET /calendar sends Server-Timing %q, verdict %q", page.Header.Get("Server-Timing"), page.Header.Get(pages.VerdictHeader))
	}
}
