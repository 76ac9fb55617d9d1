package emulator

import (
	"github.com/scopewise/scopewise/emulator/internal/googleapi"
	"net/http"
	"time"
)

// The OAuth2 API v2's tokeninfo (POST /oauth2/v2/tokeninfo?access_token=…),
// which the generated clients call (google.golang.org/api/oauth2/v2,
// @googleapis/oauth2). Its shape is the discovery document's Tokeninfo
// schema, not that of /tokeninfo: issued_to and audience instead of azp and
// aud, user_id instead of sub, expires_in a number, verified_email a boolean.
// Which fields appear for which scopes follows /tokeninfo (user identity only
// with openid or the email scope) [inf]. A bad token is 400 with only
// {"error_description":"Invalid Value"}, as in the real answer quoted in
// pulkitjalan/google-apiclient#38.

type tokenInfoV2 struct {
	IssuedTo      string `json:"issued_to"`
	Audience      string `json:"audience"`
	UserID        string `json:"user_id,omitempty"`
	Scope         string `json:"scope"`
	ExpiresIn     int64  `json:"expires_in"`
	Email         string `json:"email,omitempty"`
	VerifiedEmail bool   `json:"verified_email,omitempty"`
	AccessType    string `json:"access_type"`
}

func (s *Server) handleTokenInfoV2(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate")
	value, err := accessTokenParam(r)
	if err != nil || value == "" {
		googleapi.WriteJSON(w, http.StatusBadRequest, map[string]string{"error_description": "Invalid Value"})
		return
	}
	t, status := s.lookupToken(value)
	if status != tokenValid {
		googleapi.WriteJSON(w, http.StatusBadRequest, map[string]string{"error_description": "Invalid Value"})
		return
	}
	v3 := s.tokenInfoFor(t)
	googleapi.WriteJSON(w, http.StatusOK, tokenInfoV2{
		IssuedTo:      v3.AZP,
		Audience:      v3.AUD,
		UserID:        v3.Sub,
		Scope:         v3.Scope,
		ExpiresIn:     int64(max(t.Expiry.Sub(t.world.clock.Now())/time.Second, 0)),
		Email:         v3.Email,
		VerifiedEmail: v3.EmailVerified == "true",
		AccessType:    v3.AccessType,
	})
}
