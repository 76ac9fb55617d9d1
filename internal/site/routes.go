package site

import (
	"log/slog"
	"net"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/scopewise/scopewise/assets"
	"github.com/scopewise/scopewise/internal/config"
	"github.com/scopewise/scopewise/internal/httpserve"
	"github.com/scopewise/scopewise/internal/timing"
	"github.com/scopewise/scopewise/internal/web"
	"github.com/scopewise/scopewise/pages"
)

// newRouter is the site's middleware list and its one route table.
func newRouter(cfg config.Config, log *slog.Logger, p *pages.Pages, a *assets.Assets) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = ipExtractor(cfg.TrustedProxies)
	e.HTTPErrorHandler = web.ErrorHandler(log, p)

	e.Use(
		middleware.Recover(),
		web.RequestLog(log),
	)
	if !cfg.SecureCookies {
		// Served over HTTPS by a proxy without SECURE_COOKIES is a
		// misconfiguration the answers cannot show: say so in the log.
		e.Use(web.WarnHTTPSWithoutSecureCookies(log))
	}
	e.Use(
		web.SecureHeaders(cspFor(cfg), cfg.SecureCookies),
		timing.Middleware(),
		web.BodyLimit(64<<10),
		middleware.ContextTimeoutWithConfig(middleware.ContextTimeoutConfig{
			Timeout: httpserve.RequestDeadline,
			// Pages (GET) render from the session alone; only postbacks
			// call Google, and only they need a deadline.
			Skipper: func(c echo.Context) bool { return c.Request().Method == http.MethodGet },
		}),
		web.Sessions(web.NewCookieStore(cfg.SessionKeys, cfg.SecureCookies)),
		web.SameOriginPostback(),
		web.LimitTokenChecks(web.TokenCheckLimits{Session: cfg.SessionTokenChecks, Address: cfg.AddressTokenChecks}, p.Verifier.Known),
	)

	web.GetAndHead(e, "/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok\n") })
	web.GetAndHead(e, assets.Prefix+"*", echo.WrapHandler(a))

	web.GetAndHead(e, "/", p.Home)
	e.POST("/grants/events", p.GrantEvent)

	// Docs page (pages/docs.go)
	web.GetAndHead(e, "/docs", p.Docs)
	e.POST("/docs", p.DocsPostback)
	e.POST("/docs/open", p.DocsOpen)

	// Calendar page (pages/calendar.go)
	web.GetAndHead(e, "/calendar", p.Calendar)
	e.POST("/calendar", p.CalendarPostback)

	// Photos page (pages/photos.go)
	web.GetAndHead(e, "/photos", p.Photos)
	e.POST("/photos", p.PhotosPostback)
	e.POST("/photos/session", p.PhotosSession)
	e.POST("/photos/items", p.PhotosItems)
	e.POST("/photos/session/delete", p.PhotosSessionDelete)

	// Ajax page (pages/ajax.go) and the consent lab (pages/lab.go)
	web.GetAndHead(e, "/ajax", p.Ajax)
	web.GetAndHead(e, "/lab", p.Lab)
	e.POST("/lab/verify", p.LabVerify)
	e.POST("/lab/expire", p.LabExpire)
	return e
}

// ipExtractor says where a request's client address comes from. With no
// trusted proxy it is the peer's address, whatever X-Forwarded-For or
// X-Real-IP say. With trusted proxies it is the right-most X-Forwarded-For
// address that is not one of them, read only when the peer is one of them;
// loopback, link-local and private peers are trusted only when listed.
func ipExtractor(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// cspFor allows the accounts origin's GIS paths (Google) or the whole
// emulator, the revoke endpoint GIS's revoke() calls, the API origins the
// lab calls from the browser (REST + CORS), and what the lab's gapi.client
// needs (api.js's origin, the discovery documents' origins, on Google the
// host its calls go through): nothing else.
func cspFor(cfg config.Config) web.CSP {
	csp := web.CSP{AccountsOrigin: cfg.Endpoints.AccountsOrigin}
	if !cfg.EmulatorMode() {
		csp.GISPath = "/gsi/"
	}
	ep := cfg.Endpoints
	for _, u := range []string{ep.Revoke, ep.Calendar, ep.Docs, ep.Picker, ep.CalendarDiscovery, ep.DocsDiscovery} {
		if o := web.OriginOf(u); o != "" {
			csp.Connect = append(csp.Connect, o) // the policy lists each origin once
		}
	}
	// The lab's gapi.client: api.js and the scripts it loads from its own
	// origin, and on Google the host its calls go through (GAPIOrigins).
	if o := web.OriginOf(ep.GAPIScript); o != "" {
		csp.Script = append(csp.Script, o)
	}
	csp.Connect = append(csp.Connect, ep.GAPIOrigins...)
	csp.Frame = append(csp.Frame, ep.GAPIOrigins...)
	return csp
}
