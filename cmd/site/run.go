package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"

	"github.com/scopewise/scopewise/assets"
	"github.com/scopewise/scopewise/emulator"
	emuclient "github.com/scopewise/scopewise/emulator/client"
	"github.com/scopewise/scopewise/internal/apis"
	"github.com/scopewise/scopewise/internal/cli"
	"github.com/scopewise/scopewise/internal/config"
	"github.com/scopewise/scopewise/internal/httpserve"
	"github.com/scopewise/scopewise/pages"
)

// run is the whole program: tests call it too, with their own args and env.
// It returns when ctx is cancelled (after a graceful shutdown) or a server fails.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := config.Load(args, getenv, stdout)
	if err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return cli.UsageError{Err: err}
	}
	log := slog.New(slog.NewTextHandler(stdout, &slog.HandlerOptions{Level: slog.LevelInfo}))

	siteLn, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen: %w", err)
	}

	servers := []*http.Server{}
	listeners := []net.Listener{siteLn}
	var docSamples pages.DocSamples
	if cfg.EmulatorMode() {
		emuLn, err := net.Listen("tcp", cfg.EmulatorAddr)
		if err != nil {
			siteLn.Close()
			return fmt.Errorf("cannot listen for the emulator: %w", err)
		}
		emuURL := httpserve.PublicURL(cfg.EmulatorAddr, emuLn.Addr())
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
		cfg.Endpoints.GISIntegrity = emu.GSIScriptIntegrity() // pages load exactly these bytes
		servers = append(servers, httpserve.New(emu))
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
	servers = append([]*http.Server{httpserve.New(site)}, servers...)
	return serve(ctx, servers, listeners, []string{httpserve.PublicURL(cfg.Addr, siteLn.Addr()), cfg.Endpoints.AccountsOrigin}, stdout, log)
}

// serve prints the addresses once all listen, then runs every server on its
// listener until ctx ends (graceful shutdown).
func serve(ctx context.Context, servers []*http.Server, listeners []net.Listener, urls []string, stdout io.Writer, log *slog.Logger) error {
	for i := range listeners {
		name := "site"
		if i > 0 {
			name = "emulator"
		}
		fmt.Fprintf(stdout, "%s: %s\n", name, urls[i])
	}
	return httpserve.Run(ctx, servers, listeners, log)
}

// siteOrigins are the JavaScript origins the site is reached at, registered
// with the emulator as a project registers them with Google. A loopback site
// is reachable by every loopback name.
func siteOrigins(configured string, bound net.Addr) []string {
	origins := []string{httpserve.PublicURL(configured, bound)}
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
	if cfg.UpstreamTimeout > 0 {
		hc.Timeout = cfg.UpstreamTimeout
	}
	verifier := apis.NewVerifier(cfg.Endpoints.TokenInfo, cfg.ClientID(), hc, nil)
	deps := pages.Deps{
		Config:      cfg,
		Log:         log,
		Verifier:    verifier,
		CalendarAPI: apis.NewCalendar(cfg.Endpoints.Calendar, hc),
		DocsAPI:     apis.NewDocs(cfg.Endpoints.Docs, hc),
		PickerAPI:   apis.NewPicker(cfg.Endpoints.Picker, hc).WithMediaOrigin(cfg.Endpoints.Media),
		Assets:      a,
		DocSamples:  docSamples,
	}
	if cfg.EmulatorMode() {
		// Each move of the clock empties the verifier's cache: its expiries
		// were counted on the old clock.
		deps.EmulatorClock = verifier.FollowClock(emuclient.New(cfg.Endpoints.AccountsOrigin, hc))
	}
	p := pages.New(deps)
	return newRouter(cfg, log, p, a), nil
}
