package httpserve

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"
)

// The grace covers the longest request deadline, with room to answer.
func TestShutdownOutlastsTheRequestDeadline(t *testing.T) {
	if ShutdownTimeout <= RequestDeadline {
		t.Fatalf("ShutdownTimeout %s does not outlast RequestDeadline %s: a postback within its deadline is cut", ShutdownTimeout, RequestDeadline)
	}
}

// A request in flight when the context ends is let finish and answered, on
// each server; a new connection is refused.
func TestRunDrainsRequestsInFlight(t *testing.T) {
	const work = 300 * time.Millisecond
	started := make(chan struct{}, 2)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		time.Sleep(work)
		io.WriteString(w, "done")
	})
	var servers []*http.Server
	var listeners []net.Listener
	for range 2 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		servers, listeners = append(servers, New(h)), append(listeners, ln)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	// Shutdown polls for idle connections up to every 500 ms: the grace
	// leaves room for that on a loaded machine.
	go func() { done <- run(ctx, servers, listeners, slog.New(slog.DiscardHandler), 10*work) }()

	answers := make(chan string, 2)
	for _, ln := range listeners {
		go func() {
			res, err := http.Get("http://" + ln.Addr().String())
			if err != nil {
				answers <- err.Error()
				return
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			answers <- string(b)
		}()
	}
	<-started
	<-started
	cancel()
	for range 2 {
		if a := <-answers; a != "done" {
			t.Errorf("a request in flight at shutdown got %q", a)
		}
	}
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if _, err := http.Get("http://" + listeners[0].Addr().String()); err == nil {
		t.Error("a new request was served after shutdown")
	}
}
