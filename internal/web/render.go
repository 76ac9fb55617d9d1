// Package web is the site's echo glue: the buffered render helper, the one
// error path, security headers with a per-request CSP nonce, request logging,
// sessions with the CSRF secret and the grant ledger, and the postback checks.
package web

import (
	"bytes"
	"context"
	"net/http"
	"sync"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
)

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Render renders a component into a pooled buffer first, so a failed render
// still becomes a proper error page, then saves the session (its cookie must
// go out before the body) and writes the answer.
func Render(c echo.Context, status int, comp templ.Component) error {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)

	// Rendering is in memory and quick; a request context the timeout
	// middleware has already cancelled must not turn an error page into a 500.
	ctx := templ.WithNonce(context.WithoutCancel(c.Request().Context()), Nonce(c))
	if err := comp.Render(ctx, buf); err != nil {
		return err
	}
	if err := saveSession(c); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	h.Set(echo.HeaderCacheControl, "no-store")
	c.Response().WriteHeader(status)
	_, err := c.Response().Write(buf.Bytes())
	return err
}

// NoContent saves the session and answers 204.
func NoContent(c echo.Context) error {
	if err := saveSession(c); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
