// Package sitetest runs the Scopewise site for tests, in the spirit of
// net/http/httptest: Start gives the site (internal/site) on an httptest
// server wired to a running emulator, a cookie-jar browser with page and
// postback helpers, the emulator's typed control, the site's captured logs
// and the token-leak canary, which at cleanup looks for every token the
// emulator issued in everything the site logged and answered.
package sitetest

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/scopewise/scopewise/emulator"
	"github.com/scopewise/scopewise/emulator/emulatortest"
	"github.com/scopewise/scopewise/internal/config"
	"github.com/scopewise/scopewise/internal/httpserve"
	"github.com/scopewise/scopewise/internal/site"
	"github.com/scopewise/scopewise/pages"
)

// Site is a running site and, in emulator mode, its emulator. Its embedded
// Browser is the test's own; Browser gives more.
type Site struct {
	*Browser
	tb testing.TB
	// URL is the site's base URL, http://127.0.0.1:port (https:// with WithTLS).
	URL string
	// Handler is the site itself, for tests that serve it without a network.
	Handler http.Handler
	Config  config.Config
	// Emu is the emulator the site calls, with its typed control; nil in
	// Google mode.
	Emu *emulatortest.Emulator
	// Logs is what the site logged (debug level and up).
	Logs *Buffer
	// Transport trusts the site's certificate (WithTLS); nil otherwise.
	Transport http.RoundTripper
	canary    *canary
}

type options struct {
	cfg      config.Config
	env      map[string]string
	google   bool
	configs  []func(*config.Config)
	emulator emulator.Options
	wrap     func(http.Handler) http.Handler
	tls      bool
	logTo    io.Writer
}

// An Option changes how Start builds the site or its emulator.
type Option func(*options)

// WithEnv loads the site's configuration with these variables set.
func WithEnv(env map[string]string) Option { return func(o *options) { o.env = env } }

// WithConfig changes the site's configuration once loaded (its endpoints
// are set to the emulator's after).
func WithConfig(c func(*config.Config)) Option {
	return func(o *options) { o.configs = append(o.configs, c) }
}

// WithEmulator starts the emulator with these options. Without Clients, it
// knows those run registers: ours (for the loopback origins) and another app's.
func WithEmulator(opts emulator.Options) Option { return func(o *options) { o.emulator = opts } }

// WithWrap puts wrap in front of the emulator: to count or break its calls.
func WithWrap(wrap func(http.Handler) http.Handler) Option {
	return func(o *options) { o.wrap = wrap }
}

// WithTLS serves the site and the emulator over HTTPS with httptest's
// certificate, which the site's API client trusts for the test's time.
func WithTLS() Option { return func(o *options) { o.tls = true } }

// WithLogOutput makes the site log at Info level, as deployed, to w
// instead of Logs: benchmarks measure the site as it runs.
func WithLogOutput(w io.Writer) Option { return func(o *options) { o.logTo = w } }

// GoogleMode starts the site in Google mode (a made-up client ID, session
// keys): no emulator.
func GoogleMode() Option { return func(o *options) { o.google = true } }

// Start runs the site (and its emulator) until tb's cleanup.
func Start(tb testing.TB, opts ...Option) *Site {
	tb.Helper()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if o.google {
		o.cfg = GoogleConfig(tb)
	} else {
		o.cfg = EmulatorConfig(tb, o.env)
	}
	for _, c := range o.configs {
		c(&o.cfg)
	}
	s := &Site{tb: tb, Config: o.cfg, Logs: &Buffer{}}
	var samples pages.DocSamples
	if !o.google {
		eo := o.emulator
		if eo.Clients == nil {
			eo.Clients = site.EmulatorOptions(o.cfg, []string{"http://127.0.0.1", "https://127.0.0.1"}, "", nil).Clients
		}
		var emuOpts []emulatortest.Option
		if o.wrap != nil {
			emuOpts = append(emuOpts, emulatortest.WithWrap(o.wrap))
		}
		if o.tls {
			emuOpts = append(emuOpts, emulatortest.WithTLS())
		}
		s.Emu = emulatortest.Start(tb, eo, emuOpts...)
		if o.tls {
			saved := http.DefaultTransport
			http.DefaultTransport = s.Emu.Client.Transport
			tb.Cleanup(func() { http.DefaultTransport = saved })
		}
		s.Config.Endpoints = config.EmulatorEndpoints(s.Emu.URL)
		s.Config.Endpoints.GISIntegrity = s.Emu.Server.GSIScriptIntegrity() // as run sets it
		if o.cfg.EmulatorPublicURL != "" {
			// Browsers would reach the emulator there (the pages and the CSP
			// name it); the site's own calls would fail, so only pages are
			// for such a test.
			s.Config.Endpoints = config.EmulatorEndpoints(o.cfg.EmulatorPublicURL)
		}
		samples = site.DocSamples(s.Emu.Server)
	}
	log := slog.New(slog.NewTextHandler(s.Logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if o.logTo != nil {
		log = slog.New(slog.NewTextHandler(o.logTo, nil))
	}
	h, err := site.New(s.Config, log, samples)
	if err != nil {
		tb.Fatal(err)
	}
	s.Handler = h
	srv := httptest.NewUnstartedServer(h)
	srv.Config = httpserve.New(h) // run's limits: header size, timeouts
	if o.tls {
		srv.StartTLS()
		s.Transport = srv.Client().Transport
	} else {
		srv.Start()
	}
	tb.Cleanup(srv.Close)
	s.URL = srv.URL

	// The canary checks the tests; a benchmark's answers are not kept.
	if t, ok := tb.(*testing.T); ok && s.Emu != nil {
		s.canary = &canary{}
		t.Cleanup(s.checkCanary)
	}
	t, _ := tb.(*testing.T)
	if t != nil {
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("site log:\n%s", s.Logs.String())
			}
		})
	}
	s.Browser = s.NewBrowser()
	return s
}

// EmulatorConfig is the default configuration, emulator mode, with env's
// variables when given.
func EmulatorConfig(tb testing.TB, env ...map[string]string) config.Config {
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

// GoogleConfig is Google mode with a made-up client ID and session keys.
func GoogleConfig(tb testing.TB) config.Config {
	tb.Helper()
	return EmulatorConfig(tb, map[string]string{
		"GOOGLE_CLIENT_ID": "1234-abc.apps.googleusercontent.com",
		"SESSION_KEYS":     strings.Repeat("ab", 32) + "," + strings.Repeat("cd", 32),
	})
}

// For is the site with its helpers failing tb (a subtest) instead of the
// test that started it; its browser shares the cookies and CSRF token.
func (s *Site) For(tb testing.TB) *Site {
	c := *s
	c.tb = tb
	b := *s.Browser
	b.site = &c
	c.Browser = &b
	return &c
}

// T is the test the site's helpers fail.
func (s *Site) T() testing.TB { return s.tb }
