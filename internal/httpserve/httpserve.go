// Package httpserve runs HTTP servers on their listeners until a context
// ends, then shuts them down gracefully. Both commands (cmd/site,
// cmd/emulator) use it; it knows nothing of either.
package httpserve

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"golang.org/x/sync/errgroup"
)

// RequestDeadline is the longest a request of either command is meant to
// run: the site's postbacks (a tokeninfo call and an API call, each bounded
// by the upstream timeout) are cut there. The emulator's answers are the
// site's upstream calls and end within it (a fault's longer delay ends when
// its caller gives up).
const RequestDeadline = 20 * time.Second

// ShutdownTimeout bounds a graceful shutdown: every request still within its
// deadline when the signal comes is let finish, with a margin for writing
// its answer.
const ShutdownTimeout = RequestDeadline + 5*time.Second

// New wraps h in a server with the project's timeouts and header limit.
func New(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

// Run serves servers[i] on listeners[i] until ctx ends or one fails, then
// shuts them all down gracefully.
func Run(ctx context.Context, servers []*http.Server, listeners []net.Listener, log *slog.Logger) error {
	return run(ctx, servers, listeners, log, ShutdownTimeout)
}

// run is Run with the shutdown's grace. Servers shut down in order: the
// site, whose postbacks may still call the emulator, before the emulator.
func run(ctx context.Context, servers []*http.Server, listeners []net.Listener, log *slog.Logger, grace time.Duration) error {
	g, gctx := errgroup.WithContext(ctx)
	for i := range servers {
		srv, ln := servers[i], listeners[i]
		g.Go(func() error {
			if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		})
	}
	g.Go(func() error {
		<-gctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), grace)
		defer cancel()
		var errs []error
		for _, srv := range servers {
			errs = append(errs, srv.Shutdown(shutdownCtx))
		}
		log.Info("stopped")
		return errors.Join(errs...)
	})
	return g.Wait()
}

// PublicURL is how a browser reaches a listener: the configured host (so
// "localhost" stays "localhost") with the port actually bound; an
// unspecified host becomes localhost.
func PublicURL(configured string, bound net.Addr) string {
	host, _, _ := net.SplitHostPort(configured)
	_, port, _ := net.SplitHostPort(bound.String())
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
