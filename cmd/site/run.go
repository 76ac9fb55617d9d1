package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"

	"scopewise/assets"
	"scopewise/internal/apis"
	"scopewise/internal/config"
	"scopewise/internal/emulator"
	"scopewise/pages"
)

// run is the whole program: tests call it too, with their own args and env.
// It returns when ctx is cancelled (after a graceful shutdown) or a server fails.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := config.Load(args, getenv, stdout)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stdout, &slog.HandlerOptions{Level: slog.LevelInfo}))

	siteLn, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("site: %w", err)
	}

	servers := []*http.Server{}
	listeners := []net.Listener{siteLn}
	var docSamples pages.DocSamples
	if cfg.EmulatorMode() {
		emuLn, err := net.Listen("tcp", cfg.EmulatorAddr)
		if err != nil {
			siteLn.Close()
			return fmt.Errorf("emulator: %w", err)
		}
		emuURL := publicURL(cfg.EmulatorAddr, emuLn.Addr())
		cfg.Endpoints = config.EmulatorEndpoints(emuURL)
		emu := emulator.New(emulator.Options{
			Clients: []emulator.Client{
				{ID: config.EmulatorClientID, Name: "Scopewise", Origins: siteOrigins(cfg.Addr, siteLn.Addr())},
				{ID: config.OtherClientID, Name: "Another App", Origins: []string{"http://other-app.localhost"}},
			},
			PublicURL:          emuURL,
			PickerPollInterval: cfg.PickerPollInterval,
			Logger:             log.With("component", "emulator"),
		})
		servers = append(servers, newHTTPServer(emu))
		listeners = append(listeners, emuLn)
		// The Docs API cannot list documents: the Docs page offers the seed's.
		docSamples.Account = "alice@example.com"
		for _, d := range emu.SampleDocuments(docSamples.Account) {
			docSamples.Docs = append(docSamples.Docs, pages.SampleDoc{ID: d.ID, Title: d.Title})
		}
	}

	site, err := newSite(cfg, log, docSamples)
	if err != nil {
		for _, ln := range listeners {
			ln.Close()
		}
		return err
	}
	servers = append([]*http.Server{newHTTPServer(site)}, servers...)
	return serve(ctx, servers, listeners, []string{publicURL(cfg.Addr, siteLn.Addr()), cfg.Endpoints.AccountsOrigin}, stdout, log)
}

// serve runs every server on its listener until ctx ends, then shuts them
// down gracefully. It prints the addresses once all listen.
func serve(ctx context.Context, servers []*http.Server, listeners []net.Listener, urls []string, stdout io.Writer, log *slog.Logger) error {
	for i := range listeners {
		name := "site"
		if i > 0 {
			name = "emulator"
		}
		fmt.Fprintf(stdout, "%s: %s\n", name, urls[i])
	}
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
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
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

func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

// publicURL is how a browser reaches a listener: the configured host (so
// "localhost" stays "localhost") with the port actually bound.
func publicURL(configured string, bound net.Addr) string {
	host, _, _ := net.SplitHostPort(configured)
	_, port, _ := net.SplitHostPort(bound.String())
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// siteOrigins are the JavaScript origins the site is reached at, registered
// with the emulator as a project registers them with Google. A loopback site
// is reachable by every loopback name.
func siteOrigins(configured string, bound net.Addr) []string {
	origins := []string{publicURL(configured, bound)}
	host, port, _ := net.SplitHostPort(bound.String())
	if ip := net.ParseIP(host); ip != nil && (ip.IsLoopback() || ip.IsUnspecified()) {
		for _, h := range []string{"localhost", "127.0.0.1", "::1"} {
			if o := "http://" + net.JoinHostPort(h, port); !slices.Contains(origins, o) {
				origins = append(origins, o)
			}
		}
	}
	return origins
}

// newSite builds the echo site with its dependencies. docSamples are the
// emulator's seed documents for the Docs page (none in Google mode).
func newSite(cfg config.Config, log *slog.Logger, docSamples pages.DocSamples) (http.Handler, error) {
	a, err := assets.Load()
	if err != nil {
		return nil, err
	}
	hc := apis.NewHTTPClient()
	deps := pages.Deps{
		Config:      cfg,
		Log:         log,
		Verifier:    apis.NewVerifier(cfg.Endpoints.TokenInfo, cfg.ClientID(), hc, nil),
		CalendarAPI: apis.NewCalendar(cfg.Endpoints.Calendar, hc),
		DocsAPI:     apis.NewDocs(cfg.Endpoints.Docs, hc),
		PickerAPI:   apis.NewPicker(cfg.Endpoints.Picker, hc).WithMediaOrigin(cfg.Endpoints.Media),
		Assets:      a,
		DocSamples:  docSamples,
	}
	if cfg.EmulatorMode() {
		deps.EmulatorClock = apis.NewEmulatorClock(cfg.Endpoints.AccountsOrigin, hc)
	}
	p := pages.New(deps)
	return newRouter(cfg, log, p, a), nil
}
