package pages

import (
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/scopewise/scopewise/internal/apis"
	"github.com/scopewise/scopewise/internal/grants"
	"github.com/scopewise/scopewise/internal/web"
	"github.com/scopewise/scopewise/views"
)

// postback is one page's token postback: which scope it needs, which element
// its fragment replaces, and the button that starts over.
type postback struct {
	Scope  string
	Target string // id of the results element
	Button string
}

const ledgerBeforeKey = "ledger-before-postback"

// authorize is the shared first half of every postback (the postback
// contract, docs/security.md): read the bearer token, verify it for the
// page's scope, record the verified grant in the ledger (never the token). On
// failure the error is a *web.Problem.
func (p *Pages) authorize(c echo.Context, pb postback) (string, apis.TokenInfo, error) {
	token, err := bearerToken(c, pb.Target, pb.Button)
	if err != nil {
		return "", apis.TokenInfo{}, err
	}
	// A grant revoked through this site's pages is refused at once: no
	// verification cached before the revocation counts.
	since := revokedAt(web.SessionOf(c).Ledger())
	// The page clock is read beside the token check, not after it: both
	// ask the emulator, and the postback waits for the slower only.
	clockRead := p.clockAhead(c)
	info, err := p.Verifier.VerifySince(c.Request().Context(), token, pb.Scope, since)
	clockRead()
	p.setVerdict(c, pb.Scope, info, err)
	if err != nil {
		return "", apis.TokenInfo{}, p.apiProblem(c, err, token, pb)
	}
	web.SessionOf(c).SwitchAccount(info.Subject)
	// The ledger's times are on the page clock (the emulator's, there):
	// info.Expiry is on ours.
	clk := p.clock(c)
	web.SessionOf(c).UpdateLedger(func(l grants.Ledger) {
		// A cached verification can pass a token revoked since; remember what
		// the ledger said, so a refusal by the API below can restore it.
		c.Set(ledgerBeforeKey, l.Clone())
		for _, s := range grants.Catalog {
			if info.HasScope(s.ID) {
				l.Grant(s.ID, clk.Of(info.Expiry), clk.Now)
			}
		}
	})
	return token, info, nil
}

// revokedAt is when the session's user last revoked the grant, rounded up
// to the ledger's whole second; zero when never.
func revokedAt(l grants.Ledger) time.Time {
	var at time.Time
	for _, e := range l {
		if e.State == grants.Revoked && e.At.After(at) {
			at = e.At
		}
	}
	if at.IsZero() {
		return at
	}
	return at.Add(time.Second)
}

// bearerToken reads the request's bearer token; without a usable one the
// error is the 400 invalid_request Problem for the target element.
func bearerToken(c echo.Context, target, retry string) (string, error) {
	token, err := web.BearerToken(c.Request())
	if err != nil {
		return "", &web.Problem{
			Status:    http.StatusBadRequest,
			Challenge: `Bearer error="invalid_request"`,
			Target:    target,
			Alert:     views.AlertNoUsableToken.Problem(retry),
			Err:       err,
		}
	}
	return token, nil
}

// apiProblem maps a failed verification or API call to what the user sees,
// and notes in the ledger what it means for the page's scope.
func (p *Pages) apiProblem(c echo.Context, err error, token string, pb postback) error {
	scope, _ := grants.Lookup(pb.Scope)
	prob := &web.Problem{Target: pb.Target, Err: err}
	api := "Google"
	if e, ok := err.(*apis.Error); ok && e.API != "tokeninfo" {
		api = "The " + e.API
	}
	switch apis.KindOf(err) {
	case apis.KindInvalidToken:
		p.Verifier.Forget(token)
		web.SessionOf(c).UpdateLedger(func(l grants.Ledger) {
			if before, ok := c.Get(ledgerBeforeKey).(grants.Ledger); ok {
				l.Restore(before)
			}
			if l[pb.Scope].State != grants.Revoked {
				l.Set(pb.Scope, grants.Expired, p.now(c))
			}
		})
		prob.Status = http.StatusUnauthorized
		prob.Challenge = `Bearer error="invalid_token"`
		prob.Alert = views.AlertAccessExpired.Problem(pb.Button)
	case apis.KindWrongAudience:
		prob.Status = http.StatusUnauthorized
		prob.Challenge = `Bearer error="invalid_token"`
		prob.Alert = views.AlertOtherAppsToken.Problem(pb.Button)
	case apis.KindInsufficientScope:
		web.SessionOf(c).UpdateLedger(func(l grants.Ledger) { l.Set(pb.Scope, grants.Partial, p.now(c)) })
		prob.Status = http.StatusForbidden
		prob.Challenge = fmt.Sprintf(`Bearer error="insufficient_scope", scope="%s"`, pb.Scope)
		prob.Alert = views.AlertPermissionMissing.Problem(pb.Button, "permission", scope.Permission, "scope", pb.Scope)
	case apis.KindPermissionDenied:
		prob.Status = http.StatusForbidden
		prob.Alert = views.AlertNoAccess.Problem("", "api", api)
	case apis.KindNotFound:
		prob.Status = http.StatusNotFound
		prob.Alert = views.AlertNotFound.Problem("", "api", api)
	case apis.KindFailedPrecondition:
		prob.Status = http.StatusConflict
		prob.Alert = views.AlertNotReady.Problem("", "api", api)
	case apis.KindTimeout:
		prob.Status = http.StatusGatewayTimeout
		prob.Alert = views.AlertNoAnswerInTime.Problem("Refresh", "api", upstreamName(err))
	case apis.KindRateLimited:
		// Google asks us, not the user, to slow down; "try later" passes on,
		// with its Retry-After when it named a sane one.
		prob.Status = http.StatusTooManyRequests
		prob.RetryAfter = retryAfter(err)
		prob.Alert = views.AlertSlowDown.Problem("", "api", upstreamName(err), "try_again", tryAgainIn(prob.RetryAfter))
	case apis.KindServiceDisabled:
		// The site's Cloud project lacks the API: no token can fix that.
		prob.Status = http.StatusBadGateway
		prob.Alert = views.AlertAPINotEnabled.Problem("", "api", upstreamName(err))
	case apis.KindUnavailable:
		prob.Status = http.StatusBadGateway
		if e, ok := err.(*apis.Error); ok && e.Status == http.StatusServiceUnavailable {
			prob.Status = http.StatusServiceUnavailable
			prob.RetryAfter = e.RetryAfter
		}
		prob.Alert = views.AlertUpstreamFailed.Problem("", "api", upstreamName(err))
	default: // KindBadRequest, anything unexpected
		prob.Status = http.StatusBadGateway
		prob.Alert = views.AlertUpstreamFailed.Problem("", "api", upstreamName(err))
	}
	return prob
}

// retryAfter is the upstream's Retry-After, if it named one.
func retryAfter(err error) time.Duration {
	if e, ok := err.(*apis.Error); ok {
		return e.RetryAfter
	}
	return 0
}

// tryAgainIn says when asking again is worth it.
func tryAgainIn(d time.Duration) string {
	if d <= 0 {
		return "Try again in a minute."
	}
	secs := int64((d + time.Second - 1) / time.Second)
	return fmt.Sprintf("Try again in %s.", count(int(secs), "second", "seconds"))
}

// upstreamName names the failing API for the user, without any detail of the
// failure (which goes to the log only).
func upstreamName(err error) string {
	if e, ok := err.(*apis.Error); ok {
		if e.API == "tokeninfo" {
			return "Google's token check (tokeninfo)"
		}
		return "The " + e.API
	}
	return "Google"
}

// grantEvents are what a page script reports that the server cannot see: the
// user cancelled, left a scope unticked, or revoked the grant.
var grantEvents = map[string]grants.State{
	"denied":  grants.Denied,
	"partial": grants.Partial,
	"revoked": grants.Revoked,
}

// GrantEvent records a consent outcome in the ledger and answers the ledger.
// POST /grants/events, form: event=denied|partial|revoked, scope=<catalog scope>
// (scope is ignored for revoked: revoke ends the whole grant).
func (p *Pages) GrantEvent(c echo.Context) error {
	event, scope := c.FormValue("event"), c.FormValue("scope")
	state, ok := grantEvents[event]
	if !ok {
		return badForm(fmt.Sprintf("unknown event %q", event))
	}
	if _, known := grants.Lookup(scope); !known && state != grants.Revoked {
		return badForm(fmt.Sprintf("unknown scope %q", scope))
	}
	now := p.now(c)
	web.SessionOf(c).UpdateLedger(func(l grants.Ledger) {
		if state == grants.Revoked {
			l.RevokeAll(now)
			return
		}
		// A consent outcome never overrides a grant the server verified and
		// that is still live: a partial answer may leave earlier scopes intact.
		if l.Current(scope, now).State != grants.Granted {
			l.Set(scope, state, now)
		}
	})
	return web.Render(c, http.StatusOK, views.Ledger(p.LedgerRows(c)))
}

func badForm(msg string) error {
	return &web.Problem{Status: http.StatusBadRequest, Target: "ledger-status", Alert: views.AlertBadLedgerEvent.Problem("", "what", msg)}
}
