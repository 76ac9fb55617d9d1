package web

import (
	"log/slog"
	"regexp"
	"time"

	"github.com/labstack/echo/v4"
)

// RequestLog logs one line per request: method, path (never the query),
// status, duration, the client's address (the echo IP extractor's: behind
// a trusted proxy, from X-Forwarded-For) and the X-Request-Id a proxy gave
// the request (nginx's $request_id), so a proxy's log line and the
// instance's that answered can be matched. Never other headers, cookies or
// bodies: they may hold tokens.
func RequestLog(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil {
				c.Error(err) // the error handler writes the answer, so the status below is real
			}
			attrs := []any{
				"method", c.Request().Method,
				"path", c.Request().URL.Path,
				"status", c.Response().Status,
				"dur", time.Since(start).Round(time.Microsecond).String(),
				"client", c.RealIP(),
			}
			if id := c.Request().Header.Get("X-Request-Id"); requestID.MatchString(id) {
				attrs = append(attrs, "request_id", id)
			}
			log.Info("request", attrs...)
			return nil
		}
	}
}

// requestID is what a request ID may look like to be logged: a proxy's
// (nginx's 32 hex digits, a UUID), never an arbitrary string a client sent.
var requestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)
