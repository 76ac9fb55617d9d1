package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"time"

	"github.com/scopewise/scopewise/emulator"
	"github.com/scopewise/scopewise/emulator/client"
)

// visitor is a returning browser: it holds the session cookie and the CSRF
// token the pages carry, and talks to the emulator's control API.
type visitor struct {
	site   string
	emu    *client.Client
	hc     *http.Client // no transparent decompression: sizes are as sent
	cookie string
	csrf   string
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)"`)

func newVisitor(site, emu string) (*visitor, error) {
	hc := &http.Client{
		Timeout:   15 * time.Second,
		Transport: &http.Transport{DisableCompression: true},
	}
	v := &visitor{site: site, emu: client.New(emu, hc), hc: hc}
	res, err := v.hc.Get(site + "/calendar")
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfMeta.FindSubmatch(body)
	if res.StatusCode != http.StatusOK || m == nil || len(res.Cookies()) == 0 {
		return nil, fmt.Errorf("first visit to /calendar: status %d, no session", res.StatusCode)
	}
	v.cookie = res.Cookies()[0].Name + "=" + res.Cookies()[0].Value
	v.csrf = string(m[1])
	return v, nil
}

// fetchWithHeader GETs a URL as sent with the given Accept-Encoding ("" for
// none), and returns the answer's header too.
func (v *visitor) fetchWithHeader(url, acceptEncoding string) ([]byte, http.Header, error) {
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Cookie", v.cookie)
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding)
	}
	res, err := v.hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("GET %s: %d", url, res.StatusCode)
	}
	return body, res.Header, err
}

// postbackHeaders are what the page script sends with a postback.
func (v *visitor) postbackHeaders(token string) []string {
	return []string{"Cookie: " + v.cookie, "X-CSRF-Token: " + v.csrf, "Authorization: Bearer " + token}
}

func (v *visitor) postback(path, token string) error {
	req, _ := http.NewRequest(http.MethodPost, v.site+path, nil)
	req.Header.Set("Cookie", v.cookie)
	req.Header.Set("X-CSRF-Token", v.csrf)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := v.hc.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("POST %s: %d", path, res.StatusCode)
	}
	// A first verification changes the ledger: keep the cookie it sets, as a
	// browser would, so later postbacks find the grant and set none.
	for _, c := range res.Cookies() {
		v.cookie = c.Name + "=" + c.Value
	}
	return nil
}

const (
	clientID      = "1000000000001-scopewise.apps.googleusercontent.com"
	calendarScope = "https://www.googleapis.com/auth/calendar.readonly"
	docsScope     = "https://www.googleapis.com/auth/documents.readonly"
	pickerScope   = "https://www.googleapis.com/auth/photospicker.mediaitems.readonly"
)

func (v *visitor) mint(scopes ...string) (string, error) {
	tok, err := v.emu.MintToken(context.Background(), emulator.TokenRequest{ClientID: clientID, Account: "alice@example.com", Scopes: scopes, TTL: time.Hour})
	return tok.AccessToken, err
}

// upstreamCalls is the emulator's count of calls to Google's endpoints.
func (v *visitor) upstreamCalls() (int, error) {
	st, err := v.emu.State(context.Background())
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range st.Calls {
		n += c
	}
	return n, nil
}
