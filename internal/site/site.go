// Package site builds the Scopewise site from its dependencies: the echo
// router with its middleware and the one route table (routes.go), and what
// the site needs of the emulator it runs beside in emulator mode. cmd/site
// listens and serves; tests build the same site on httptest servers.
package site

import (
	"log/slog"
	"net"
	"net/http"
	"slices"

	"github.com/scopewise/scopewise/assets"
	"github.com/scopewise/scopewise/emulator"
	emuclient "github.com/scopewise/scopewise/emulator/client"
	"github.com/scopewise/scopewise/internal/apis"
	"github.com/scopewise/scopewise/internal/config"
	"github.com/scopewise/scopewise/internal/httpserve"
	"github.com/scopewise/scopewise/pages"
)

// New builds the echo site with its dependencies. docSamples are the
// emulator's seed documents for the Docs page (none in Google mode).
func New(cfg config.Config, log *slog.Logger, docSamples pages.DocSamples) (http.Handler, error) {
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
		emu := emuclient.New(cfg.Endpoints.AccountsOrigin, hc)
		deps.EmulatorClock = verifier.FollowClock(emu)
		deps.EmulatorTime = emu
	}
	p := pages.New(deps)
	return newRouter(cfg, log, p, a), nil
}

// EmulatorOptions are the emulator's options beside the site: our client,
// registered for siteOrigins, and another app's (whose tokens the audience
// check refuses), the emulator's public URL and the site's picker poll
// interval.
func EmulatorOptions(cfg config.Config, siteOrigins []string, emulatorURL string, log *slog.Logger) emulator.Options {
	return emulator.Options{
		Clients: []emulator.Client{
			{ID: config.EmulatorClientID, Name: "Scopewise", Origins: siteOrigins},
			// Unverified, as a new app is until Google verifies it: its popup
			// shows "Google hasn't verified this app" (the e2e suite looks).
			{ID: config.OtherClientID, Name: "Another App", Origins: []string{"http://other-app.localhost"}, Unverified: true},
		},
		SiteURL:            siteOrigins[0],
		PublicURL:          emulatorURL,
		PickerPollInterval: cfg.PickerPollInterval,
		Logger:             log,
	}
}

// DocSamples are the seed documents the Docs page offers in emulator mode:
// the Docs API cannot list documents.
func DocSamples(emu *emulator.Server) pages.DocSamples {
	samples := pages.DocSamples{Account: "alice@example.com"}
	for _, d := range emu.SampleDocuments(samples.Account) {
		samples.Docs = append(samples.Docs, pages.SampleDoc{ID: d.ID, Title: d.Title})
	}
	return samples
}

// Origins are the JavaScript origins the site is reached at, registered
// with the emulator as a project registers them with Google. A loopback site
// is reachable by every loopback name.
func Origins(configured string, bound net.Addr) []string {
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
