package web

import (
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"
)

// RequestLog logs one line per request: method, path (never the query),
// status, duration and the client's address (the echo IP extractor's: behind
// a trusted proxy, from X-Forwarded-For). Never headers, cookies or bodies: they may hold tokens.
func RequestLog(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil {
				c.Error(err) // the error handler writes the answer, so the status below is real
			}
			log.Info("request",
				"method", c.Request().Method,
				"path", c.Request().URL.Path,
				"status", c.Response().Status,
				"dur", time.Since(start).Round(time.Microsecond).String(),
				"client", c.RealIP(),
			)
			return nil
		}
	}
}
