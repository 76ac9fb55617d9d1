package emulator

// The token endpoints a backend (and, for revoke, the browser) uses:
// tokeninfo and revoke, as Google's.

import (
	"errors"
	"net/http"
	"time"

	"github.com/scopewise/scopewise/emulator/internal/googleapi"
	"github.com/scopewise/scopewise/emulator/internal/tokeninfo"
)

func (s *Server) handleTokenInfo(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate")
	value, err := tokeninfo.AccessTokenParam(r)
	if err != nil || value == "" {
		tokeninfo.WriteError(w, "invalid_token", "Invalid Value")
		return
	}
	t, status := s.lookupToken(value)
	if status != tokenValid {
		tokeninfo.WriteError(w, "invalid_token", "Invalid Value")
		return
	}
	googleapi.WriteJSON(w, http.StatusOK, s.tokenInfoFor(t))
}

// tokenInfoFor is tokeninfo's answer about a valid token.
func (s *Server) tokenInfoFor(t token) tokeninfo.Info {
	var user *Account
	if acct, ok := s.account(t.Account); ok {
		user = &acct
	}
	return tokeninfo.For(t.ClientID, t.Scopes, t.Expiry, t.world.clock.Now(), user)
}

// handleRevoke ends the whole grant the token was issued under: every scope
// and every token of that user for that client. GIS calls
// it from the page with fetch, so it answers CORS (package cors).
func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			tokeninfo.WriteError(w, "invalid_request", "Request body too large")
			return
		}
		tokeninfo.WriteError(w, "invalid_request", "Bad Request")
		return
	}
	value := r.Form.Get("token")
	if value == "" {
		tokeninfo.WriteError(w, "invalid_request", "Bad Request")
		return
	}
	t, status := s.lookupToken(value)
	if status != tokenValid {
		tokeninfo.WriteError(w, "invalid_token", "Token expired or revoked")
		return
	}
	s.revokeGrant(t.world, t.Account, t.ClientID)
	googleapi.WriteJSON(w, http.StatusOK, struct{}{})
}

// handleTokenInfoV2 is the OAuth2 API v2's tokeninfo, which the generated
// clients call: tokeninfo's answer in the v2 shape (package tokeninfo).
func (s *Server) handleTokenInfoV2(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate")
	value, err := tokeninfo.AccessTokenParam(r)
	if err != nil || value == "" {
		tokeninfo.WriteErrorV2(w)
		return
	}
	t, status := s.lookupToken(value)
	if status != tokenValid {
		tokeninfo.WriteErrorV2(w)
		return
	}
	googleapi.WriteJSON(w, http.StatusOK, s.tokenInfoFor(t).V2(int64(max(t.Expiry.Sub(t.world.clock.Now())/time.Second, 0))))
}
