package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/scopewise/scopewise/views"
)

// Problem is an error a handler returns when the user should see why and
// what to do next. It is the one error type the error handler renders.
type Problem struct {
	Status int
	Alert  views.Problem
	// Challenge is the WWW-Authenticate value for 400/401/403 postbacks.
	Challenge string
	// Target is the id of the element a postback's fragment replaces.
	Target string
	// RetryAfter, when set, is sent as Retry-After (whole seconds, at least 1)
	// with a 429 or 503: when asking again is worth it.
	RetryAfter time.Duration
	// Err is the cause, for the log only (it never holds a token).
	Err error
}

func (p *Problem) Error() string {
	msg := http.StatusText(p.Status) + ": " + p.Alert.Title
	if p.Err != nil {
		msg += ": " + p.Err.Error()
	}
	return msg
}

func (p *Problem) Unwrap() error { return p.Err }

// Pages is what the error handler needs from the pages to draw an answer.
type Pages interface {
	// Base is the layout's view model for this request.
	Base(c echo.Context, title string) views.Page
	// LedgerRows is the ledger as of now.
	LedgerRows(c echo.Context) views.LedgerView
}

// StatusClientClosed is logged for a request whose client left before the
// answer (nginx's 499): it is neither a success nor a server failure.
const StatusClientClosed = 499

// ErrorHandler is echo's HTTPErrorHandler: it logs once and renders once. A
// GET gets a whole error page; a POST (every POST here is a postback from a
// page script) gets a fragment with the alert and the ledger.
func ErrorHandler(log *slog.Logger, pages Pages) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			log.Warn("error after the answer started", "path", c.Request().URL.Path, "err", err)
			return
		}
		if errors.Is(err, context.Canceled) && c.Request().Context().Err() != nil {
			// The browser went away mid-request (a closed tab, a client's
			// timeout): nobody reads an answer, and nothing failed on our
			// side or Google's. 499 is the log's "client closed request".
			log.Debug("client closed request", "method", c.Request().Method, "path", c.Request().URL.Path)
			c.Response().WriteHeader(StatusClientClosed)
			return
		}
		p := asProblem(err)
		level := slog.LevelInfo
		if p.Status >= 500 {
			level = slog.LevelError
		}
		if errors.Is(err, context.Canceled) {
			level = slog.LevelDebug
		}
		log.Log(c.Request().Context(), level, "request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "status", p.Status, "err", err)

		if p.Challenge != "" {
			c.Response().Header().Set("WWW-Authenticate", p.Challenge)
		}
		if p.RetryAfter > 0 {
			secs := max(int64((p.RetryAfter+time.Second-1)/time.Second), 1)
			c.Response().Header().Set("Retry-After", strconv.FormatInt(secs, 10))
		}
		var comp templ.Component
		if c.Request().Method == http.MethodPost {
			target := p.Target
			if target == "" {
				target = "results"
			}
			comp = views.Fragment(target, pages.LedgerRows(c), views.Alert(p.Alert))
		} else {
			comp = views.ErrorPage(pages.Base(c, p.Alert.Title), p.Alert)
		}
		if rerr := Render(c, p.Status, comp); rerr != nil {
			log.Error("rendering the error failed", "path", c.Request().URL.Path, "err", rerr)
			if !c.Response().Committed {
				c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextPlainCharsetUTF8)
				c.Response().WriteHeader(http.StatusInternalServerError)
				c.Response().Write([]byte("Something went wrong on our side.\n"))
			}
		}
	}
}

// asProblem turns any error into a Problem: ours as they are, echo's by
// status, anything else as a 500 that says nothing of its cause.
func asProblem(err error) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		status := he.Code
		text := views.AlertBadHTTPRequest
		switch status {
		case http.StatusNotFound:
			text = views.AlertPageNotFound
		case http.StatusMethodNotAllowed:
			text = views.AlertBadMethod
		case http.StatusRequestEntityTooLarge:
			text = views.AlertTooLarge
		case http.StatusServiceUnavailable:
			text = views.AlertTookTooLong
		}
		return &Problem{Status: status, Alert: text.Problem("", "status", http.StatusText(status)), Err: err}
	}
	return &Problem{
		Status: http.StatusInternalServerError,
		Alert:  views.AlertSomethingWrong.Problem(""),
		Err:    err,
	}
}
