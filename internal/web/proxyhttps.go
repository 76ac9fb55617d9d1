package web

import (
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
)

// WarnHTTPSWithoutSecureCookies logs one warning, the first time a request
// says a proxy received it over HTTPS (X-Forwarded-Proto: https, or
// Forwarded with proto=https), for a site that runs without SECURE_COOKIES:
// served over HTTPS that way, its session cookie lacks Secure and no
// Strict-Transport-Security is sent (the Observatory takes 20 points off for
// each). The headers are not trusted for anything else: they change no
// answer, since any client can send them.
func WarnHTTPSWithoutSecureCookies(log *slog.Logger) echo.MiddlewareFunc {
	var once sync.Once
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if viaHTTPSProxy(c.Request().Header) {
				once.Do(func() {
					log.Warn("a proxy says it received this request over HTTPS, but SECURE_COOKIES is off: the session cookie is sent without Secure and no Strict-Transport-Security; set SECURE_COOKIES=true behind HTTPS (docs/deploy.md)",
						"path", c.Request().URL.Path)
				})
			}
			return next(c)
		}
	}
}

// viaHTTPSProxy reports whether X-Forwarded-Proto or Forwarded (RFC 7239)
// names https as the protocol a proxy received the request with.
func viaHTTPSProxy(h http.Header) bool {
	for _, v := range h.Values("X-Forwarded-Proto") {
		for p := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(p), "https") {
				return true
			}
		}
	}
	for _, v := range h.Values("Forwarded") {
		for elem := range strings.SplitSeq(v, ",") {
			for pair := range strings.SplitSeq(elem, ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
				if ok && strings.EqualFold(strings.TrimSpace(k), "proto") && strings.EqualFold(strings.Trim(strings.TrimSpace(val), `"`), "https") {
					return true
				}
			}
		}
	}
	return false
}
