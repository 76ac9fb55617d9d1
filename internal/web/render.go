// Package web is the site's echo glue: the buffered render helper, the one
// error path, security headers with a per-request CSP nonce, request logging,
// sessions with the CSRF secret and the grant ledger, and the postback checks.
package web

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"sync"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/scopewise/scopewise/internal/compress"
)

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Header values every rendered answer carries, made once and shared (as in
// SecureHeaders): net/http only reads them.
var (
	htmlType     = []string{echo.MIMETextHTMLCharsetUTF8}
	noStore      = []string{"no-store"}
	varyEncoding = []string{echo.HeaderAcceptEncoding}
	gzipEncoding = []string{"gzip"}
)

// Render renders a component into a pooled buffer first, so a failed render
// still becomes a proper error page, then saves the session (its cookie must
// go out before the body) and writes the answer, gzipped when the browser
// takes gzip.
//
// Compression and BREACH: a compressed answer leaks a secret in it only when
// an attacker can also put chosen text into that same answer. Pages (GET)
// hold the CSRF token but reflect nothing of the request (a test checks it);
// fragments (POST) reflect a document reference or a form value, but a
// cross-site attacker cannot make a browser send an accepted POST (same-origin
// check plus the CSRF header). No answer holds an access token.
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
	h[echo.HeaderContentType] = htmlType
	h[echo.HeaderCacheControl] = noStore
	body := buf.Bytes()
	if len(body) >= compress.MinSize {
		if h[echo.HeaderVary] == nil {
			h[echo.HeaderVary] = varyEncoding
		} else {
			h.Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
		}
		if compress.Accepts(c.Request(), "gzip") {
			zbuf := bufPool.Get().(*bytes.Buffer)
			zbuf.Reset()
			defer bufPool.Put(zbuf)
			if err := compress.GzipFast(zbuf, body); err != nil {
				return err
			}
			body = zbuf.Bytes()
			h[echo.HeaderContentEncoding] = gzipEncoding
		}
	}
	h.Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
	c.Response().WriteHeader(status)
	_, err := c.Response().Write(body)
	return err
}

// NoContent saves the session and answers 204.
func NoContent(c echo.Context) error {
	if err := saveSession(c); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
