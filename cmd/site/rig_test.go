package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/scopewise/scopewise/emulator"
	"github.com/scopewise/scopewise/internal/config"
	"github.com/scopewise/scopewise/internal/httpserve"
	"github.com/scopewise/scopewise/pages"
)

// Shared by the test rigs: the site and the emulator on httptest servers,
// with the emulator behind a wrapper a test may use to count or break calls.

// emulatedSite starts an emulator (behind wrap, when not nil) and the site
// wired to it, as run does, and returns their URLs. The site logs to logs;
// configure, when given, changes the site's configuration first.
func emulatedSite(tb testing.TB, opts emulator.Options, wrap func(http.Handler) http.Handler, logs io.Writer, configure ...func(*config.Config)) (site, emu string) {
	tb.Helper()
	cfg := emulatorConfig(tb)
	for _, c := range configure {
		c(&cfg)
	}
	return siteRig{Config: cfg, Emulator: opts, Wrap: wrap, Logs: logs}.start(tb)
}

// siteRig is emulatedSite with every choice open: the site's configuration
// (its endpoints are set to the emulator's) and HTTPS for both servers.
type siteRig struct {
	Config   config.Config
	Emulator emulator.Options
	Wrap     func(http.Handler) http.Handler
	Logs     io.Writer
	// TLS serves both over HTTPS with httptest's certificate, which the
	// site's API client (http.DefaultTransport) trusts for the test's time.
	TLS bool
}

func (r siteRig) start(tb testing.TB) (site, emu string) {
	tb.Helper()
	opts := r.Emulator
	if opts.Clients == nil {
		opts.Clients = []emulator.Client{
			{ID: config.EmulatorClientID, Name: "Scopewise", Origins: []string{"http://127.0.0.1", "https://127.0.0.1"}},
			{ID: config.OtherClientID, Name: "Another App"},
		}
	}
	var h http.Handler = emulator.New(opts)
	if r.Wrap != nil {
		h = r.Wrap(h)
	}
	emuSrv := httptest.NewUnstartedServer(h)
	startServer(tb, emuSrv, r.TLS)
	if r.TLS {
		saved := http.DefaultTransport
		http.DefaultTransport = emuSrv.Client().Transport
		tb.Cleanup(func() { http.DefaultTransport = saved })
	}

	cfg := r.Config
	cfg.Endpoints = config.EmulatorEndpoints(emuSrv.URL)
	logs := r.Logs
	if logs == nil {
		logs = io.Discard
	}
	handler, err := newSite(cfg, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})), pages.DocSamples{})
	if err != nil {
		tb.Fatal(err)
	}
	siteSrv := httptest.NewUnstartedServer(handler)
	siteSrv.Config = httpserve.New(handler) // run's limits: header size, timeouts
	startServer(tb, siteSrv, r.TLS)
	return siteSrv.URL, emuSrv.URL
}

func startServer(tb testing.TB, srv *httptest.Server, tls bool) {
	if tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	tb.Cleanup(srv.Close)
}

// emulatorConfig is the default configuration: emulator mode, with env's
// variables when given.
func emulatorConfig(tb testing.TB, env ...map[string]string) config.Config {
	tb.Helper()
	getenv := func(k string) string {
		for _, e := range env {
			if v, ok := e[k]; ok {
				return v
			}
		}
		return ""
	}
	cfg, err := config.Load(nil, getenv, io.Discard)
	if err != nil {
		tb.Fatal(err)
	}
	return cfg
}

// googleConfig is Google mode with a made-up client ID.
func googleConfig(tb testing.TB) config.Config {
	tb.Helper()
	env := map[string]string{
		"GOOGLE_CLIENT_ID": "1234-abc.apps.googleusercontent.com",
		"SESSION_KEYS":     strings.Repeat("ab", 32) + "," + strings.Repeat("cd", 32),
	}
	cfg, err := config.Load(nil, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		tb.Fatal(err)
	}
	return cfg
}

// emuControl calls the emulator's control API and decodes the answer into out.
func emuControl(tb testing.TB, emulatorURL, path string, body, out any) {
	tb.Helper()
	b, _ := json.Marshal(body)
	client := &http.Client{Timeout: 15 * time.Second}
	res, err := client.Post(emulatorURL+path, "application/json", bytes.NewReader(b))
	if err != nil {
		tb.Fatalf("emulator %s: %v", path, err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		msg, _ := io.ReadAll(res.Body)
		tb.Fatalf("emulator %s: %d %s", path, res.StatusCode, msg)
	}
	if out != nil {
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			tb.Fatalf("emulator %s: %v", path, err)
		}
	}
}

// mintToken asks the emulator for alice's token without the popup.
func mintToken(tb testing.TB, emulatorURL, client string, scopes ...string) string {
	tb.Helper()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	emuControl(tb, emulatorURL, "/_emu/tokens", map[string]any{"client_id": client, "account": "alice@example.com", "scopes": scopes, "ttl": "3600s"}, &tok)
	if tok.AccessToken == "" {
		tb.Fatal("emulator minted no token")
	}
	return tok.AccessToken
}
