package contract

import (
	"encoding/json"
	"testing"

	oauth2api "google.golang.org/api/oauth2/v2"
)

// google.golang.org/api/oauth2/v2 is generated from Google's discovery
// document https://www.googleapis.com/discovery/v1/apis/oauth2/v2/rest:
// tokeninfo is POST /oauth2/v2/tokeninfo?access_token=…, and its Tokeninfo
// has audience, email, expires_in (integer), issued_to, scope, user_id,
// verified_email (boolean) — not the azp/aud/exp strings of
// oauth2.googleapis.com/tokeninfo.

func oauth2Service(t *testing.T) *oauth2api.Service {
	t.Helper()
	svc, err := oauth2api.NewService(ctx(t), anonymous(emu+"/")...)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func TestOAuth2V2Tokeninfo(t *testing.T) {
	tok := mint(t, alice, scopeCalendarRO, scopeEmail)
	info, err := oauth2Service(t).Tokeninfo().AccessToken(tok).Context(ctx(t)).Do()
	if err != nil {
		t.Fatal(err)
	}
	want(t, "issued_to", info.IssuedTo, clientID)
	want(t, "audience", info.Audience, clientID)
	want(t, "scope", info.Scope, scopeCalendarRO+" "+scopeEmail)
	want(t, "email", info.Email, alice)
	want(t, "verified_email", info.VerifiedEmail, true)
	if info.UserId == "" {
		t.Error("no user_id with the email scope")
	}
	if info.ExpiresIn < 3500 || info.ExpiresIn > 3599 {
		t.Errorf("expires_in = %d, want about 3599", info.ExpiresIn)
	}
	// Without the email scope: no email.
	info, err = oauth2Service(t).Tokeninfo().AccessToken(mint(t, alice, scopeCalendarRO)).Context(ctx(t)).Do()
	if err != nil {
		t.Fatal(err)
	}
	want(t, "email without the email scope", info.Email, "")
}

func TestOAuth2V2TokeninfoRejects(t *testing.T) {
	revoked := mint(t, alice, scopeCalendarRO)
	revoke(t, revoked)
	for name, tok := range map[string]string{"unknown": "ya29.not-a-token", "revoked": revoked, "missing": ""} {
		t.Run(name, func(t *testing.T) {
			call := oauth2Service(t).Tokeninfo()
			if tok != "" {
				call = call.AccessToken(tok)
			}
			_, err := call.Context(ctx(t)).Do()
			// Real answer, https://github.com/pulkitjalan/google-apiclient/issues/38:
			// POST …/oauth2/v2/tokeninfo: (400) {"error_description": "Invalid Value"}
			ge := apiErr(t, err, 400)
			var body map[string]string
			if json.Unmarshal([]byte(ge.Body), &body) != nil || len(body) != 1 || body["error_description"] != "Invalid Value" {
				t.Errorf("body %s", ge.Body)
			}
		})
	}
}
