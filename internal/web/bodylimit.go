package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"
)

// BodyLimit refuses a request body over limit bytes with 413, whether it
// says its length (Content-Length) or not (chunked): the body is read whole,
// up to the limit, before the handler runs, so no handler sees a cut body
// and mistakes it for a malformed one (400). The site's bodies are small
// forms; a slow sender is bounded by the server's ReadTimeout.
func BodyLimit(limit int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if r.Body == nil || r.Body == http.NoBody {
				return next(c)
			}
			if r.ContentLength > limit {
				return echo.ErrStatusRequestEntityTooLarge
			}
			b, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
			r.Body.Close()
			switch {
			case int64(len(b)) > limit:
				return echo.ErrStatusRequestEntityTooLarge
			case err != nil:
				var maxErr *http.MaxBytesError
				if errors.As(err, &maxErr) {
					return echo.ErrStatusRequestEntityTooLarge
				}
				return echo.NewHTTPError(http.StatusBadRequest, "the request body could not be read").SetInternal(err)
			}
			r.Body = io.NopCloser(bytes.NewReader(b))
			return next(c)
		}
	}
}
