package emulator

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/scopewise/scopewise/emulator/internal/clock"
)

// The typed control methods do what their /_emu/ routes do, and refuse what
// the routes refuse, with the same messages.
func TestControlMethods(t *testing.T) {
	ctx := context.Background()

	t.Run("MintToken issues a usable token and records no grant", func(t *testing.T) {
		s := newBrowserEmu(t)
		tok, err := s.MintToken(ctx, TokenRequest{ClientID: siteClientID, Account: "bob@example.com", Scopes: []string{tscope.Cal, tscope.Cal}, TTL: 90 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(tok.AccessToken, "ya29.") || tok.ExpiresIn != 90 || !tok.Expiry.Equal(browserTestNow.Add(90*time.Second)) {
			t.Errorf("token %+v", tok)
		}
		got, status := s.lookupToken(tok.AccessToken)
		if status != tokenValid || got.Account != "bob@example.com" || strings.Join(got.Scopes, " ") != tscope.Cal {
			t.Errorf("lookup: %v %+v", status, got)
		}
		if st, _ := s.State(ctx); len(st.Grants) != 0 || len(st.Tokens) != 1 {
			t.Errorf("grants %v tokens %v", st.Grants, st.Tokens)
		}
	})
	t.Run("MintToken without a TTL uses the token lifetime", func(t *testing.T) {
		s := newBrowserEmu(t)
		tok, err := s.MintToken(ctx, TokenRequest{ClientID: siteClientID, Account: "104271843210000000001", Scopes: []string{tscope.Docs}})
		if err != nil || tok.ExpiresIn != int(tokenTTL/time.Second) {
			t.Errorf("%+v %v", tok, err)
		}
	})
	for _, tt := range []struct {
		name string
		req  TokenRequest
		want string
	}{
		{"unknown client", TokenRequest{ClientID: "nobody", Account: "alice@example.com", Scopes: []string{tscope.Cal}}, "unknown client_id"},
		{"unknown account", TokenRequest{ClientID: siteClientID, Account: "eve@example.com", Scopes: []string{tscope.Cal}}, "unknown account"},
		{"no scopes", TokenRequest{ClientID: siteClientID, Account: "alice@example.com", Scopes: []string{" "}}, "at least one scope"},
		{"bad scope", TokenRequest{ClientID: siteClientID, Account: "alice@example.com", Scopes: []string{"a\"b"}}, "invalid scope"},
		{"TTL too short", TokenRequest{ClientID: siteClientID, Account: "alice@example.com", Scopes: []string{tscope.Cal}, TTL: time.Millisecond}, `"ttl"`},
		{"TTL too long", TokenRequest{ClientID: siteClientID, Account: "alice@example.com", Scopes: []string{tscope.Cal}, TTL: 25 * time.Hour}, `"ttl"`},
	} {
		t.Run("MintToken refuses: "+tt.name, func(t *testing.T) {
			s := newBrowserEmu(t)
			if _, err := s.MintToken(ctx, tt.req); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
			if iss, _ := s.Issued(ctx); iss.Total != 0 {
				t.Errorf("a refused mint issued %d tokens", iss.Total)
			}
		})
	}

	t.Run("AdvanceClock moves forward only, up to ten years", func(t *testing.T) {
		s := newBrowserEmu(t)
		now, err := s.AdvanceClock(ctx, time.Hour)
		if err != nil || !now.Equal(browserTestNow.Add(time.Hour)) || !s.now(context.Background()).Equal(now) {
			t.Fatalf("now %s, err %v", now, err)
		}
		if _, err := s.AdvanceClock(ctx, -time.Second); err == nil {
			t.Error("the clock moved back")
		}
		if _, err := s.AdvanceClock(ctx, clock.MaxOffset); err == nil || !strings.Contains(err.Error(), "ten years") {
			t.Errorf("past ten years: %v", err)
		}
		if st, _ := s.State(ctx); st.ClockOffset != time.Hour {
			t.Errorf("offset %s after refused moves, want 1h", st.ClockOffset)
		}
	})

	t.Run("InjectFault queues a checked fault that State shows", func(t *testing.T) {
		s := newBrowserEmu(t)
		if err := s.InjectFault(ctx, Fault{Path: "/tokeninfo", Status: 503, Count: 2, Delay: time.Millisecond, Headers: map[string]string{"retry-after": "1"}}); err != nil {
			t.Fatal(err)
		}
		if err := s.InjectFault(ctx, Fault{Path: "/revoke", Body: new("x")}); err != nil {
			t.Fatal(err)
		}
		st, _ := s.State(ctx)
		if len(st.Faults) != 2 {
			t.Fatalf("faults %+v", st.Faults)
		}
		revoke, tokeninfo := st.Faults[0], st.Faults[1]
		if revoke.Status != 200 || revoke.Count != 1 || *revoke.Body != "x" {
			t.Errorf("a body without status or count: %+v", revoke)
		}
		if tokeninfo.Count != 2 || tokeninfo.Delay != time.Millisecond || tokeninfo.Headers["Retry-After"] != "1" {
			t.Errorf("tokeninfo fault %+v", tokeninfo)
		}
		for _, bad := range []Fault{
			{Path: "/_emu/reset", Status: 503},
			{Path: "/tokeninfo"},
			{Path: "/tokeninfo", Status: 503, Count: 1001},
			{Path: "/tokeninfo", Status: 503, Count: -1},
			{Path: "/tokeninfo", Delay: time.Hour},
			{Path: "/tokeninfo", Drip: -time.Second},
		} {
			if err := s.InjectFault(ctx, bad); err == nil {
				t.Errorf("accepted %+v", bad)
			}
		}
		if st, _ := s.State(ctx); len(st.Faults) != 2 {
			t.Errorf("refused faults were queued: %+v", st.Faults)
		}
	})

	t.Run("Reset forgets tokens and faults but not the issued list", func(t *testing.T) {
		s := newBrowserEmu(t)
		tok, _ := s.MintToken(ctx, TokenRequest{ClientID: siteClientID, Account: "alice@example.com", Scopes: []string{tscope.Cal}})
		s.InjectFault(ctx, Fault{Path: "/tokeninfo", Status: 503})
		s.AdvanceClock(ctx, time.Minute)
		if err := s.Reset(ctx); err != nil {
			t.Fatal(err)
		}
		st, _ := s.State(ctx)
		if len(st.Tokens)+len(st.Faults) != 0 || st.ClockOffset != 0 {
			t.Errorf("state after reset %+v", st)
		}
		iss, _ := s.Issued(ctx)
		if iss.Total != 1 || len(iss.Tokens) != 1 || iss.Tokens[0] != tok.AccessToken {
			t.Errorf("issued after reset %+v", iss)
		}
	})
}

// Fault and State read back what they write, and write the wire format the
// TypeScript fixtures read: durations as Go duration strings.
func TestControlJSONRoundTrip(t *testing.T) {
	f := Fault{Path: "/v1/sessions", Status: 429, Headers: map[string]string{"Retry-After": "2"}, Delay: 1500 * time.Millisecond, Drip: 10 * time.Millisecond, Count: 3}
	raw, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"path":"/v1/sessions","status":429,"headers":{"Retry-After":"2"},"delay":"1.5s","drip":"10ms","count":3}`; string(raw) != want {
		t.Errorf("fault JSON\n got %s\nwant %s", raw, want)
	}
	var back Fault
	if err := json.Unmarshal(raw, &back); err != nil || back.Delay != f.Delay || back.Drip != f.Drip || back.Count != 3 || back.Headers["Retry-After"] != "2" {
		t.Errorf("read back %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"path":"/x","delay":"soon"}`), &back); err == nil {
		t.Error("a bad delay was read")
	}

	s := newBrowserEmu(t)
	s.MintToken(context.Background(), TokenRequest{ClientID: siteClientID, Account: "alice@example.com", Scopes: []string{tscope.Cal}})
	s.AdvanceClock(context.Background(), 90*time.Second)
	st, _ := s.State(context.Background())
	raw, err = json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `"clock_offset":"1m30s"`) {
		t.Errorf("state JSON has no Go duration offset: %s", raw)
	}
	var stBack State
	if err := json.Unmarshal(raw, &stBack); err != nil || stBack.ClockOffset != 90*time.Second || len(stBack.Tokens) != 1 || !stBack.Now.Equal(st.Now) {
		t.Errorf("state read back %+v, %v", stBack, err)
	}
}
