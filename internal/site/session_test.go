package site_test

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/securecookie"

	"github.com/scopewise/scopewise/internal/config"
	"github.com/scopewise/scopewise/internal/sitetest"
)

// keyPair is one SESSION_KEYS pair, made up for a test.
type keyPair struct{ hash, block []byte }

func newKeyPair(t *testing.T) keyPair {
	t.Helper()
	k := keyPair{make([]byte, 32), make([]byte, 32)}
	rand.Read(k.hash)
	rand.Read(k.block)
	return k
}

// sessionKeys is the SESSION_KEYS value for pairs, the current one first.
func sessionKeys(pairs ...keyPair) string {
	var parts []string
	for _, p := range pairs {
		parts = append(parts, hex.EncodeToString(p.hash), hex.EncodeToString(p.block))
	}
	return strings.Join(parts, ",")
}

// cookieSite is the site, with an emulator, sealing its cookies with keys.
func cookieSite(t *testing.T, keys string, env ...map[string]string) *sitetest.Site {
	t.Helper()
	vars := map[string]string{"SESSION_KEYS": keys}
	for _, e := range env {
		maps.Copy(vars, e)
	}
	return sitetest.Start(t, sitetest.WithEnv(vars))
}

// send sends req with the given raw Cookie header ("" keeps the jar's).
func send(b *sitetest.Browser, req *http.Request, cookie string) sitetest.Response {
	if cookie == "" {
		return b.Do(req)
	}
	return b.DoWithCookie(req, cookie)
}

// page loads path and keeps its CSRF token, if any.
func page(b *sitetest.Browser, path, cookie string) sitetest.Response {
	res := send(b, b.NewRequest(context.Background(), http.MethodGet, path, nil), cookie)
	if csrf := sitetest.CSRFToken(res.Body); csrf != "" {
		b.CSRF = csrf
	}
	return res
}

func postback(b *sitetest.Browser, path, token, cookie string) sitetest.Response {
	return send(b, b.NewPostback(context.Background(), path, token, nil), cookie)
}

// sessionCookie is the value of the session cookie a response sets.
func sessionCookie(t *testing.T, res sitetest.Response) string {
	t.Helper()
	for _, c := range (&http.Response{Header: res.Header}).Cookies() {
		if strings.HasSuffix(c.Name, "scopewise") {
			return c.Value
		}
	}
	return ""
}

// sealAt seals a session's JSON as the site's CookieStore does (securecookie:
// the bytes as they are, AES-CTR, HMAC-SHA256 over name|date|value) but with
// a chosen timestamp, so a test can make a cookie that is authentic and too old.
func sealAt(t *testing.T, k keyPair, name, data string, at time.Time) string {
	t.Helper()
	block, err := aes.NewCipher(k.block)
	if err != nil {
		t.Fatal(err)
	}
	iv := make([]byte, block.BlockSize())
	rand.Read(iv)
	plain := []byte(data)
	cipher.NewCTR(block, iv).XORKeyStream(plain, plain)
	enc := base64.URLEncoding.EncodeToString(append(iv, plain...))
	msg := fmt.Sprintf("%s|%d|%s", name, at.Unix(), enc)
	mac := hmac.New(sha256.New, k.hash)
	mac.Write([]byte(msg))
	signed := append([]byte(msg+"|"), mac.Sum(nil)...)[len(name)+1:]
	return base64.URLEncoding.EncodeToString(signed)
}

// openCookie opens a session cookie with k, as the site does, and returns
// the session's JSON.
func openCookie(k keyPair, name, value string) (string, error) {
	codec := securecookie.New(k.hash, k.block)
	codec.MaxAge(0)
	codec.SetSerializer(securecookie.NopEncoder{})
	var data []byte
	err := codec.Decode(name, value, &data)
	return string(data), err
}

// TestBadSessionCookies: a cookie that cannot be trusted is a fresh session,
// never an error: a new CSRF token, an empty ledger, and a new cookie.
func TestBadSessionCookies(t *testing.T) {
	k := newKeyPair(t)
	site := cookieSite(t, sessionKeys(k))
	alice := site.Browser
	page(alice, "/calendar", "")
	tok := site.Mint(config.EmulatorClientID, sitetest.CalendarScope)
	res := postback(alice, "/calendar", tok, "")
	good := sessionCookie(t, res)
	if res.StatusCode != 200 || good == "" {
		t.Fatalf("postback: %d, cookie %q", res.StatusCode, good)
	}
	if _, err := openCookie(k, "scopewise", good); err != nil {
		t.Fatalf("the site's own cookie does not open with its key: %v", err)
	}
	values, _ := openCookie(k, "scopewise", good) // the session's JSON
	flip := []byte(good)
	flip[len(flip)/2] ^= 0x01

	cases := []struct{ name, cookie string }{
		{"tampered (one bit)", "scopewise=" + string(flip)},
		{"truncated", "scopewise=" + good[:len(good)/2]},
		{"empty", "scopewise="},
		{"not base64", "scopewise=%%%not-base64%%%"},
		{"sealed with a foreign key", "scopewise=" + sealAt(t, newKeyPair(t), "scopewise", values, time.Now())},
		{"sealed for another cookie name", "scopewise=" + sealAt(t, k, "other", values, time.Now())},
		{"expired (sealed 9 hours ago)", "scopewise=" + sealAt(t, k, "scopewise", values, time.Now().Add(-9*time.Hour))},
		{"oversized (8 KB)", "scopewise=" + strings.Repeat("A", 8<<10)},
		{"authentic, but not a session", "scopewise=" + sealAt(t, k, "scopewise", "{not json", time.Now())},
		{"two session cookies, the first bad", "scopewise=" + string(flip) + "; scopewise=" + good},
	}
	// The control: the good cookie, sealed at another time, still opens.
	if res := page(alice, "/calendar", "scopewise="+sealAt(t, k, "scopewise", values, time.Now().Add(-time.Hour))); sitetest.LedgerState(t, res.Body, sitetest.CalendarScope) != "granted" {
		t.Fatalf("a cookie sealed an hour ago with the current key is not accepted: the cases below prove nothing")
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			b := site.For(t).NewBrowser()
			res := page(b, "/calendar", tt.cookie)
			if res.StatusCode != 200 {
				t.Fatalf("GET with a bad cookie: %d, want 200 (a fresh session)", res.StatusCode)
			}
			if got := sitetest.LedgerState(t, res.Body, sitetest.CalendarScope); got != "never asked" {
				t.Errorf("ledger = %q, want a fresh one", got)
			}
			if b.CSRF == "" || b.CSRF == alice.CSRF {
				t.Errorf("the fresh session has no CSRF token of its own")
			}
			fresh := sessionCookie(t, res)
			if fresh == "" {
				t.Fatalf("no new cookie set")
			}
			if _, err := openCookie(k, "scopewise", fresh); err != nil {
				t.Errorf("the new cookie does not open: %v", err)
			}
			// A postback with the bad cookie and the victim's CSRF token is
			// refused, not answered with a 500.
			b.CSRF = alice.CSRF
			if res := postback(b, "/calendar", tok, tt.cookie); res.StatusCode != 403 {
				t.Errorf("postback with a bad cookie and another session's CSRF token: %d, want 403", res.StatusCode)
			}
		})
	}
}

// TestSessionKeyRotation: SESSION_KEYS lists the current pair first and old
// pairs after it. A cookie sealed with an old pair stays valid while that pair
// is listed and is re-sealed with the current one; once the old pair is
// removed, a cookie only it sealed is a fresh session.
func TestSessionKeyRotation(t *testing.T) {
	old, cur := newKeyPair(t), newKeyPair(t)
	siteOld := cookieSite(t, sessionKeys(old))
	page(siteOld.Browser, "/calendar", "")
	res := postback(siteOld.Browser, "/calendar", siteOld.Mint(config.EmulatorClientID, sitetest.CalendarScope), "")
	sealedOld := sessionCookie(t, res)
	if res.StatusCode != 200 || sealedOld == "" {
		t.Fatalf("postback: %d", res.StatusCode)
	}

	// Rotation: the current pair first, the old one still listed.
	both := cookieSite(t, sessionKeys(cur, old)).Browser
	res = page(both, "/calendar", "scopewise="+sealedOld)
	if got := sitetest.LedgerState(t, res.Body, sitetest.CalendarScope); got != "granted" {
		t.Fatalf("with the old pair still listed, the old cookie's ledger = %q, want granted", got)
	}
	resealed := sessionCookie(t, res)
	if resealed == "" {
		t.Fatalf("a cookie sealed with the old pair was not re-sealed")
	}
	if _, err := openCookie(cur, "scopewise", resealed); err != nil {
		t.Errorf("the re-sealed cookie does not open with the current pair: %v", err)
	}
	if _, err := openCookie(old, "scopewise", resealed); err == nil {
		t.Errorf("the re-sealed cookie still opens with the old pair")
	}
	if res := page(both, "/calendar", "scopewise="+resealed); sessionCookie(t, res) != "" {
		t.Errorf("a cookie sealed with the current pair is sealed again on every request")
	}

	// The old pair removed: the old cookie is a fresh session, the re-sealed one lives on.
	newKeys := cookieSite(t, sessionKeys(cur)).Browser
	if got := sitetest.LedgerState(t, page(newKeys, "/calendar", "scopewise="+sealedOld).Body, sitetest.CalendarScope); got != "never asked" {
		t.Errorf("with the old pair removed, the old cookie's ledger = %q, want a fresh session", got)
	}
	if got := sitetest.LedgerState(t, page(newKeys, "/calendar", "scopewise="+resealed).Body, sitetest.CalendarScope); got != "granted" {
		t.Errorf("the re-sealed cookie's ledger = %q, want granted", got)
	}
}

// TestSessionCookieHoldsNoTokenNoEmail opens the cookie after every kind of
// postback, with tokens that carry openid and email (so tokeninfo tells the
// email and sub), and finds neither token, nor email, nor sub in it.
func TestSessionCookieHoldsNoTokenNoEmail(t *testing.T) {
	k := newKeyPair(t)
	site := cookieSite(t, sessionKeys(k))
	b := site.Browser
	var secrets []string
	mint := func(scopes ...string) string {
		tok := site.Mint(config.EmulatorClientID, scopes...)
		secrets = append(secrets, tok)
		return tok
	}
	secrets = append(secrets, "alice@example.com", "104271843210000000001")
	all := []string{"openid", "email", "profile", sitetest.CalendarScope, sitetest.DocsScope, sitetest.PhotosScope}
	var cookies []string
	for _, path := range []string{"/calendar", "/docs", "/photos", "/lab/verify"} {
		page(b, strings.TrimSuffix(path, "/verify"), "")
		res := postback(b, path, mint(all...), "")
		if res.StatusCode != 200 {
			t.Fatalf("POST %s: %d", path, res.StatusCode)
		}
		if c := sessionCookie(t, res); c != "" {
			cookies = append(cookies, c)
		}
	}
	if len(cookies) == 0 {
		t.Fatal("no session cookie set")
	}
	for _, c := range cookies {
		values, err := openCookie(k, "scopewise", c)
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		plain := values
		if !strings.Contains(plain, "granted") {
			t.Fatalf("the opened cookie holds no ledger, so this check proves nothing: %s", plain)
		}
		for _, s := range secrets {
			if strings.Contains(plain, s) || strings.Contains(c, s) {
				t.Errorf("the session cookie holds %.12q…", s)
			}
		}
	}
}

// TestSessionCookieOverHTTPS: served over HTTPS (SECURE_COOKIES), the cookie
// is __Host-scopewise, Secure, HttpOnly, SameSite=Lax, Path=/, no Domain,
// and every answer carries Strict-Transport-Security; over HTTP neither.
func TestSessionCookieOverHTTPS(t *testing.T) {
	k := newKeyPair(t)
	for _, tt := range []struct {
		secure     string
		name, hsts string
	}{
		{"true", "__Host-scopewise", "max-age=63072000"},
		{"false", "scopewise", ""},
	} {
		site := cookieSite(t, sessionKeys(k), map[string]string{"SECURE_COOKIES": tt.secure})
		res := page(site.NewBrowser(), "/", "")
		if got := res.Header.Get("Strict-Transport-Security"); got != tt.hsts {
			t.Errorf("SECURE_COOKIES=%s: HSTS = %q, want %q", tt.secure, got, tt.hsts)
		}
		set := res.Header.Get("Set-Cookie")
		if !strings.HasPrefix(set, tt.name+"=") {
			t.Fatalf("SECURE_COOKIES=%s: Set-Cookie %q, want the cookie %s", tt.secure, set, tt.name)
		}
		for _, want := range []string{"Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=28800"} {
			if !strings.Contains(set, want) {
				t.Errorf("Set-Cookie %q lacks %s", set, want)
			}
		}
		if strings.Contains(set, "Domain=") || strings.Contains(set, "Secure") != (tt.secure == "true") {
			t.Errorf("SECURE_COOKIES=%s: Set-Cookie %q", tt.secure, set)
		}
	}
}
