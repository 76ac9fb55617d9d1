package emulator

// The token endpoints a backend (and, for revoke, the browser) uses:
// tokeninfo and revoke, as Google's.

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/scopewise/scopewise/emulator/internal/googleapi"
)

// tokenInfo is tokeninfo's 200 body. Every value is a string, as Google
// sends it [obs]; the field order is Google's.
type tokenInfo struct {
	AZP           string `json:"azp"`
	AUD           string `json:"aud"`
	Sub           string `json:"sub,omitempty"`
	Scope         string `json:"scope"`
	Exp           string `json:"exp"`
	ExpiresIn     string `json:"expires_in"`
	Email         string `json:"email,omitempty"`
	EmailVerified string `json:"email_verified,omitempty"`
	AccessType    string `json:"access_type"`
}

var (
	emailScopes = []string{"email", "https://www.googleapis.com/auth/userinfo.email"}
	// subScopes identify the user: openid, or the email scope.
	subScopes = append([]string{"openid"}, emailScopes...)
)

// accessTokenParam reads access_token from the query or a form body, else
// from "Authorization: Bearer …": google-auth-library's getTokenInfo POSTs
// with the token in that header and no body.
func accessTokenParam(r *http.Request) (string, error) {
	if err := r.ParseForm(); err != nil {
		return "", err
	}
	if v := r.Form.Get("access_token"); v != "" {
		return v, nil
	}
	v, _ := googleapi.BearerToken(r)
	return v, nil
}

func (s *Server) handleTokenInfo(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate")
	value, err := accessTokenParam(r)
	if err != nil || value == "" {
		writeTokenError(w, "invalid_token", "Invalid Value")
		return
	}
	t, status := s.lookupToken(value)
	if status != tokenValid {
		writeTokenError(w, "invalid_token", "Invalid Value")
		return
	}
	googleapi.WriteJSON(w, http.StatusOK, s.tokenInfoFor(t))
}

func (s *Server) tokenInfoFor(t token) tokenInfo {
	left := max(t.Expiry.Sub(t.world.clock.Now())/time.Second, 0)
	info := tokenInfo{
		AZP:        t.ClientID,
		AUD:        t.ClientID,
		Scope:      strings.Join(t.Scopes, " "),
		Exp:        strconv.FormatInt(t.Expiry.Unix(), 10),
		ExpiresIn:  strconv.FormatInt(int64(left), 10),
		AccessType: "online",
	}
	// A token without openid or email does not identify its user [obs].
	acct, ok := s.account(t.Account)
	if ok && googleapi.HasScope(t.Scopes, subScopes...) {
		info.Sub = acct.Sub
	}
	if ok && googleapi.HasScope(t.Scopes, emailScopes...) {
		info.Email = acct.Email
		info.EmailVerified = "true"
	}
	return info
}

func writeTokenError(w http.ResponseWriter, code, description string) {
	googleapi.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": code, "error_description": description})
}

// handleRevoke ends the whole grant the token was issued under: every scope
// and every token of that user for that client. GIS calls
// it from the page with fetch, so it answers CORS (package cors).
func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeTokenError(w, "invalid_request", "Request body too large")
			return
		}
		writeTokenError(w, "invalid_request", "Bad Request")
		return
	}
	value := r.Form.Get("token")
	if value == "" {
		writeTokenError(w, "invalid_request", "Bad Request")
		return
	}
	t, status := s.lookupToken(value)
	if status != tokenValid {
		writeTokenError(w, "invalid_token", "Token expired or revoked")
		return
	}
	s.revokeGrant(t.world, t.Account, t.ClientID)
	googleapi.WriteJSON(w, http.StatusOK, struct{}{})
}
