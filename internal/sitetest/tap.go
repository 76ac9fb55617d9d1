package sitetest

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Tap stands in front of the emulator (WithWrap(tap.Wrap)) and counts what
// reaches Google's side: the calls of every path and the bytes their
// answers got out, and apart from them the media bytes (photos), which it
// can also make hang or fail.
type Tap struct {
	MediaHits  atomic.Int64
	MediaBytes atomic.Int64
	// StallMedia makes media fetches hang until the caller gives up;
	// FailMedia makes them answer 503.
	StallMedia atomic.Bool
	FailMedia  atomic.Bool

	mu       sync.Mutex
	calls    map[string]int
	written  map[string]int64
	inflight atomic.Int32 // emulator handlers running
}

// Wrap is the tap in front of emu.
func (t *Tap) Wrap(emu http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if !strings.HasPrefix(req.URL.Path, "/media/") {
			t.inflight.Add(1)
			defer t.inflight.Add(-1)
			t.mu.Lock()
			if t.calls == nil {
				t.calls, t.written = map[string]int{}, map[string]int64{}
			}
			t.calls[req.URL.Path]++
			t.mu.Unlock()
			cw := &CountingWriter{ResponseWriter: w}
			emu.ServeHTTP(cw, req)
			t.mu.Lock()
			t.written[req.URL.Path] += cw.N
			t.mu.Unlock()
			return
		}
		t.MediaHits.Add(1)
		if t.StallMedia.Load() {
			<-req.Context().Done()
			return
		}
		if t.FailMedia.Load() {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"error":{"code":503,"message":"The service is currently unavailable.","status":"UNAVAILABLE"}}`)
			return
		}
		cw := &CountingWriter{ResponseWriter: w}
		emu.ServeHTTP(cw, req)
		t.MediaBytes.Add(cw.N)
	})
}

// Upstream reads and clears what the emulator's path saw: calls, bytes out.
// It waits for the emulator's handlers to end first (one the site hung up
// on ends when it notices).
func (t *Tap) Upstream(tb testing.TB, path string) (calls int, written int64) {
	for deadline := time.Now().Add(15 * time.Second); t.inflight.Load() > 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			tb.Fatalf("an emulator handler still runs 15 s after its answer was due")
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	calls, written = t.calls[path], t.written[path]
	delete(t.calls, path)
	delete(t.written, path)
	return calls, written
}

// CountingWriter counts the bytes of the answer written through it.
type CountingWriter struct {
	http.ResponseWriter
	N int64 // bytes written
}

func (c *CountingWriter) Write(b []byte) (int, error) {
	n, err := c.ResponseWriter.Write(b)
	c.N += int64(n)
	return n, err
}

// Flush lets a dripping answer through byte by byte.
func (c *CountingWriter) Flush() {
	if f, ok := c.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
