package apis

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkVerifyCached is the verifier's cache hit: every postback after the
// first with the same token takes this path instead of calling tokeninfo.
func BenchmarkVerifyCached(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"aud":"` + testClient + `","scope":"openid ` + CalendarScope + `","expires_in":"3600"}`))
	}))
	defer srv.Close()
	v := NewVerifier(srv.URL, testClient, NewHTTPClient(), nil)
	token := "ya29." + strings.Repeat("a1B2c3D4e5", 20)
	ctx := context.Background()
	if _, err := v.Verify(ctx, token, CalendarScope); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(ctx, token, CalendarScope); err != nil {
			b.Fatal(err)
		}
	}
}

// TestVerifyCachedAllocatesNothing keeps the cache hit allocation-free: it
// runs on every postback.
func TestVerifyCachedAllocatesNothing(t *testing.T) {
	v := NewVerifier("http://127.0.0.1:1/unused", testClient, NewHTTPClient(), nil)
	token := "ya29." + strings.Repeat("a1B2c3D4e5", 20)
	v.mu.Lock()
	v.cache[cacheKey(token)] = cacheEntry{info: TokenInfo{Audience: testClient, Scopes: []string{CalendarScope}, Expiry: time.Now().Add(time.Hour)}, checked: time.Now()}
	v.mu.Unlock()
	ctx := context.Background()
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := v.Verify(ctx, token, CalendarScope); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("cache hit allocates %.0f times, want 0", allocs)
	}
}

// TestClientReusesConnections: bursts of concurrent calls to one host reuse
// the connections of the burst before, instead of keeping net/http's
// default of 2 idle and opening the rest anew each time.
func TestClientReusesConnections(t *testing.T) {
	var opened atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(2 * time.Millisecond) // the calls of a burst overlap
		w.Write([]byte(`{}`))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	hc := NewHTTPClient()
	const workers, bursts = 16, 5
	for range bursts {
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				if err := getJSON(context.Background(), hc, "test", http.MethodGet, srv.URL, "tok", nil); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	if n := opened.Load(); n > workers {
		t.Errorf("%d bursts of %d calls opened %d connections, want at most %d", bursts, workers, n, workers)
	}
}
