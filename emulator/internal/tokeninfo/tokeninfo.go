// Package tokeninfo is the wire side of Google's access tokens: their shape,
// where a call carries one, and the answers of /tokeninfo and of the
// OAuth2 API v2's /oauth2/v2/tokeninfo, errors included. Which tokens are
// valid is the emulator's Server's to say (package emulator, tokeninfo.go).
package tokeninfo

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/scopewise/scopewise/emulator/internal/googleapi"
	"github.com/scopewise/scopewise/emulator/seed"
)

// Hash is what the emulator keeps of a token value: never the value itself.
func Hash(value string) string {
	sum := sha256.Sum256([]byte(value))
	return hex.EncodeToString(sum[:])
}

// NewValue makes an opaque token shaped like Google's: "ya29." and about
// 200 URL-safe characters. Not a JWT.
func NewValue() string {
	b := make([]byte, 150)
	rand.Read(b)
	return "ya29.a0" + base64.RawURLEncoding.EncodeToString(b)
}

// Info is tokeninfo's 200 body. Every value is a string, as Google sends it
// [obs]; the field order is Google's.
type Info struct {
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

// For is the answer about a valid token of clientID for scopes, expiring
// at expiry, at now; acct is its user, nil if the emulator no longer knows
// it.
func For(clientID string, scopes []string, expiry, now time.Time, acct *seed.Account) Info {
	left := max(expiry.Sub(now)/time.Second, 0)
	info := Info{
		AZP:        clientID,
		AUD:        clientID,
		Scope:      strings.Join(scopes, " "),
		Exp:        strconv.FormatInt(expiry.Unix(), 10),
		ExpiresIn:  strconv.FormatInt(int64(left), 10),
		AccessType: "online",
	}
	// A token without openid or email does not identify its user [obs].
	if acct != nil && googleapi.HasScope(scopes, subScopes...) {
		info.Sub = acct.Sub
	}
	if acct != nil && googleapi.HasScope(scopes, emailScopes...) {
		info.Email = acct.Email
		info.EmailVerified = "true"
	}
	return info
}

// WriteError is tokeninfo's and revoke's error answer: 400 with an OAuth
// error code.
func WriteError(w http.ResponseWriter, code, description string) {
	googleapi.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": code, "error_description": description})
}

// The OAuth2 API v2's tokeninfo (POST /oauth2/v2/tokeninfo?access_token=…),
// which the generated clients call (google.golang.org/api/oauth2/v2,
// @googleapis/oauth2). Its shape is the discovery document's Tokeninfo
// schema, not that of /tokeninfo: issued_to and audience instead of azp and
// aud, user_id instead of sub, expires_in a number, verified_email a boolean.
// Which fields appear for which scopes follows /tokeninfo (user identity only
// with openid or the email scope) [inf]. A bad token is 400 with only
// {"error_description":"Invalid Value"}, as in the real answer quoted in
// pulkitjalan/google-apiclient#38.

// InfoV2 is /oauth2/v2/tokeninfo's 200 body.
type InfoV2 struct {
	IssuedTo      string `json:"issued_to"`
	Audience      string `json:"audience"`
	UserID        string `json:"user_id,omitempty"`
	Scope         string `json:"scope"`
	ExpiresIn     int64  `json:"expires_in"`
	Email         string `json:"email,omitempty"`
	VerifiedEmail bool   `json:"verified_email,omitempty"`
	AccessType    string `json:"access_type"`
}

// V2 is info in the v2 shape, with expiresIn seconds left.
func (info Info) V2(expiresIn int64) InfoV2 {
	return InfoV2{
		IssuedTo:      info.AZP,
		Audience:      info.AUD,
		UserID:        info.Sub,
		Scope:         info.Scope,
		ExpiresIn:     expiresIn,
		Email:         info.Email,
		VerifiedEmail: info.EmailVerified == "true",
		AccessType:    info.AccessType,
	}
}

// WriteErrorV2 is /oauth2/v2/tokeninfo's answer about a bad token.
func WriteErrorV2(w http.ResponseWriter) {
	googleapi.WriteJSON(w, http.StatusBadRequest, map[string]string{"error_description": "Invalid Value"})
}

// AccessTokenParam reads access_token from the query or a form body, else
// from "Authorization: Bearer …": google-auth-library's getTokenInfo POSTs
// with the token in that header and no body.
func AccessTokenParam(r *http.Request) (string, error) {
	if err := r.ParseForm(); err != nil {
		return "", err
	}
	if v := r.Form.Get("access_token"); v != "" {
		return v, nil
	}
	v, _ := googleapi.BearerToken(r)
	return v, nil
}

// FromRequest is the access token a call carries, wherever Google's
// endpoints take it: the Authorization header, or an access_token or token
// parameter (query, or a form body to a token endpoint, which is read and
// put back).
func FromRequest(r *http.Request) string {
	if v, ok := googleapi.BearerToken(r); ok {
		return v
	}
	q := r.URL.Query()
	for _, k := range []string{"access_token", "token"} {
		if v := q.Get(k); v != "" {
			return v
		}
	}
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return ""
	}
	switch r.URL.Path {
	case "/tokeninfo", "/revoke", "/oauth2/v2/tokeninfo":
	default:
		return ""
	}
	body, err := readAndRestore(r)
	if err != nil {
		return ""
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return ""
	}
	for _, k := range []string{"access_token", "token"} {
		if v := form.Get(k); v != "" {
			return v
		}
	}
	return ""
}

// readAndRestore reads a request's (size-limited) body and puts a copy back
// for its handler.
func readAndRestore(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(r.Body)
	var rest io.Reader = bytes.NewReader(body)
	if err != nil { // the handler meets the same error (a body too large)
		rest = io.MultiReader(rest, errReader{err})
	}
	r.Body = io.NopCloser(rest)
	return body, err
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
