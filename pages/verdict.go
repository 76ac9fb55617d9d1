package pages

import (
	"encoding/json"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/scopewise/scopewise/internal/apis"
)

// VerdictHeader carries the server's verdict on a postback's token, as JSON,
// so the page's "What just happened" region can show what tokeninfo said:
// the audience, the scopes and the expiry on success; which check failed
// otherwise. It never holds the token. (The lab's POST /lab/verify answers
// its own, fuller verdict in the body.)
const VerdictHeader = "Token-Verdict"

// TokenVerdict is the header's JSON.
type TokenVerdict struct {
	// Valid: tokeninfo (or the verifier's recent answer) accepted the token
	// for Needed. When false, Refused says which check failed.
	Valid   bool   `json:"valid"`
	Refused string `json:"refused,omitempty"` // "invalid token", "wrong audience", "insufficient scope", …
	Needed  string `json:"needed"`            // the page's scope
	// Audience is tokeninfo's aud, which must be exactly this site's
	// client ID (else a token for another app: the confused deputy).
	Audience  string    `json:"audience,omitempty"`
	Scopes    []string  `json:"scopes,omitempty"`
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	ExpiresIn int64     `json:"expires_in,omitempty"` // seconds, as of the check
}

// tokenExpiry is when info's token expires, to the second, on the page
// clock (the emulator's, there; info.Expiry is on ours), as every time the
// page shows, and in how many seconds.
func (p *Pages) tokenExpiry(c echo.Context, info apis.TokenInfo) (at time.Time, in int64) {
	return p.clock(c).Of(info.Expiry).UTC().Truncate(time.Second), int64(info.Expiry.Sub(p.Now()) / time.Second)
}

// setVerdict puts the verdict on info (or on why verifying failed) in the
// answer's VerdictHeader.
func (p *Pages) setVerdict(c echo.Context, needed string, info apis.TokenInfo, err error) {
	v := TokenVerdict{Valid: err == nil, Needed: needed}
	if err != nil {
		v.Refused = apis.KindOf(err).String()
		if v.Refused == "" {
			v.Refused = "no answer"
		}
	} else {
		v.Audience, v.Scopes = info.Audience, info.Scopes
		v.ExpiresAt, v.ExpiresIn = p.tokenExpiry(c, info)
	}
	// A struct of strings, a bool and a time always encodes; JSON escapes
	// every control character, so the value is a valid header field.
	b, _ := json.Marshal(v)
	c.Response().Header().Set(VerdictHeader, string(b))
}
