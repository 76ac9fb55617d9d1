package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"

	"github.com/scopewise/scopewise/emulator"
	"github.com/scopewise/scopewise/internal/cli"
	"github.com/scopewise/scopewise/internal/config"
	"github.com/scopewise/scopewise/internal/httpserve"
	"github.com/scopewise/scopewise/internal/site"
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
	switch {
	case cfg.EmulatorURL != "":
		// An external emulator: it has the site's client and origins
		// registered; its seed's sample documents are the default seed's.
		docSamples = site.DocSamples(emulator.New(emulator.Options{}))
	case cfg.EmulatorMode():
		emuLn, err := net.Listen("tcp", cfg.EmulatorAddr)
		if err != nil {
			siteLn.Close()
			return fmt.Errorf("cannot listen for the emulator: %w", err)
		}
		emuURL := httpserve.PublicURL(cfg.EmulatorAddr, emuLn.Addr())
		if cfg.EmulatorPublicURL != "" {
			emuURL = cfg.EmulatorPublicURL
		}
		cfg.Endpoints = config.EmulatorEndpoints(emuURL)
		origins := site.Origins(cfg.Addr, siteLn.Addr())
		if cfg.PublicURL != "" {
			origins = append([]string{cfg.PublicURL}, origins...)
		}
		emu := emulator.New(site.EmulatorOptions(cfg, origins, emuURL, log.With("component", "emulator")))
		cfg.Endpoints.GISIntegrity = emu.GSIScriptIntegrity() // pages load exactly these bytes
		servers = append(servers, httpserve.New(emu))
		listeners = append(listeners, emuLn)
		docSamples = site.DocSamples(emu)
	}

	h, err := site.New(cfg, log, docSamples)
	if err != nil {
		for _, ln := range listeners {
			ln.Close()
		}
		return err
	}
	servers = append([]*http.Server{httpserve.New(h)}, servers...)
	// The addresses, once all listen: scripts and tests read them.
	fmt.Fprintf(stdout, "site: %s\n", httpserve.PublicURL(cfg.Addr, siteLn.Addr()))
	if cfg.PublicURL != "" {
		fmt.Fprintf(stdout, "site public URL: %s\n", cfg.PublicURL)
	}
	switch {
	case cfg.EmulatorURL != "":
		fmt.Fprintf(stdout, "emulator (external): %s\n", cfg.Endpoints.AccountsOrigin)
	case cfg.EmulatorMode():
		fmt.Fprintf(stdout, "emulator: %s\n", httpserve.PublicURL(cfg.EmulatorAddr, listeners[1].Addr()))
		if cfg.EmulatorPublicURL != "" {
			fmt.Fprintf(stdout, "emulator public URL: %s\n", cfg.EmulatorPublicURL)
		}
	}
	return httpserve.Run(ctx, servers, listeners, log)
}
