package site_test

import (
	"context"
	"crypto/rand"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/scopewise/scopewise/internal/config"
	"github.com/scopewise/scopewise/internal/sitetest"
)

// TRACE, PUT and DELETE on a routed path are 405 with Allow, not 403.
func TestUnservedMethodsAre405(t *testing.T) {
	s := sitetest.Start(t)
	s.Page("/docs")
	for _, m := range []string{http.MethodTrace, http.MethodPut, http.MethodDelete} {
		for _, path := range []string{"/docs", "/"} {
			res := s.Do(s.NewRequest(context.Background(), m, path, nil))
			if res.StatusCode != 405 || res.Header.Get("Allow") == "" {
				t.Errorf("%s %s: %d, Allow %q; want 405 with Allow", m, path, res.StatusCode, res.Header.Get("Allow"))
			}
		}
	}
}

// A body over the limit is 413 when sent in chunks too, not a 400 for a
// form that was cut short.
func TestChunkedBodyOverTheLimitIs413(t *testing.T) {
	s := sitetest.Start(t)
	s.Page("/docs")
	big := "event=denied&scope=" + strings.Repeat("x", 70<<10)
	for _, path := range []string{"/grants/events", "/docs/open"} {
		res := s.Postback(path, "", func(r *http.Request) {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Body = io.NopCloser(strings.NewReader(big)) // no length: chunked
			r.ContentLength = -1
		})
		if res.StatusCode != 413 {
			t.Errorf("POST %s, %d KiB chunked: %d, want 413", path, len(big)>>10, res.StatusCode)
		}
	}
}

var stylesheetHref = regexp.MustCompile(`<link rel="stylesheet" href="([^"]+)"`)

// HEAD answers as GET does, without the body, on every page, /healthz and
// the assets.
func TestHeadAnswersLikeGet(t *testing.T) {
	s := sitetest.Start(t)
	css := stylesheetHref.FindStringSubmatch(s.Get("/").Body)
	if css == nil {
		t.Fatal("no stylesheet link on the home page")
	}
	for _, path := range []string{"/", "/docs", "/calendar", "/photos", "/ajax", "/lab", "/healthz", css[1]} {
		get := s.Get(path)
		head := s.Do(s.NewRequest(context.Background(), http.MethodHead, path, nil))
		if head.StatusCode != get.StatusCode || head.StatusCode != 200 {
			t.Errorf("HEAD %s: %d, GET %d", path, head.StatusCode, get.StatusCode)
		}
		if head.Body != "" {
			t.Errorf("HEAD %s sent a body of %d bytes", path, len(head.Body))
		}
		for _, h := range []string{"Content-Type", "Content-Security-Policy", "X-Content-Type-Options", "Cache-Control"} {
			if (head.Header.Get(h) == "") != (get.Header.Get(h) == "") {
				t.Errorf("HEAD %s: %s %q, GET's %q", path, h, head.Header.Get(h), get.Header.Get(h))
			}
		}
	}
}

var gisScriptTag = regexp.MustCompile(`<script src="([^"]+/gsi/client)"([^>]*)>`)

// In emulator mode the pages load the emulator's GIS script with the hash of
// the bytes it serves: a script replaced at the emulator does not run.
func TestGISScriptCarriesItsIntegrity(t *testing.T) {
	s := sitetest.Start(t)
	m := gisScriptTag.FindStringSubmatch(s.Get("/calendar").Body)
	if m == nil {
		t.Fatal("no GIS script tag on /calendar")
	}
	attrs := m[2]
	integrity := regexp.MustCompile(`integrity="(sha384-[^"]+)"`).FindStringSubmatch(attrs)
	if integrity == nil || !regexp.MustCompile(`crossorigin="anonymous"`).MatchString(attrs) {
		t.Fatalf("GIS script tag without integrity and crossorigin: %s", m[0])
	}
	res, err := s.Emu.Client.Get(m[1])
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	sum := sha512.Sum384(body)
	if got := "sha384-" + base64.StdEncoding.EncodeToString(sum[:]); got != integrity[1] || res.Header.Get("Access-Control-Allow-Origin") == "" {
		t.Errorf("integrity %s, the served script hashes to %s (ACAO %q)", integrity[1], got, res.Header.Get("Access-Control-Allow-Origin"))
	}
}

func randomToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return "ya29." + hex.EncodeToString(b)
}

// Postbacks with random tokens cost at most the session's burst of tokeninfo
// calls; past it they get 429 with Retry-After. The same refused token sent
// again costs no call, and a token the site already verified still works.
func TestRandomTokenPostbacksDoNotAmplify(t *testing.T) {
	s := sitetest.Start(t, sitetest.WithEnv(map[string]string{"TOKEN_CHECKS_PER_SESSION": "10/1m"}))
	tokeninfoCalls := func() int { return s.Emu.State(t).Calls["POST /tokeninfo"] }
	s.Page("/docs")
	good := s.Mint(config.EmulatorClientID, sitetest.DocsScope)
	if res := s.Postback("/docs", good); res.StatusCode != 200 {
		t.Fatalf("valid token: %d", res.StatusCode)
	}
	before := tokeninfoCalls()

	bad := randomToken()
	for range 5 {
		if res := s.Postback("/docs", bad); res.StatusCode != 401 {
			t.Fatalf("refused token: %d", res.StatusCode)
		}
	}
	if n := tokeninfoCalls() - before; n != 1 {
		t.Fatalf("one refused token sent 5 times: %d tokeninfo calls, want 1", n)
	}

	var limited int
	for range 100 {
		res := s.Postback("/docs", randomToken())
		switch res.StatusCode {
		case 401:
		case 429:
			limited++
			if sec, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || sec < 1 {
				t.Fatalf("429 without a Retry-After in seconds: %q", res.Header.Get("Retry-After"))
			}
		default:
			t.Fatalf("random token: %d", res.StatusCode)
		}
	}
	if n := tokeninfoCalls() - before; n > 10 {
		t.Errorf("101 random-token postbacks made %d tokeninfo calls, want at most the burst of 10", n)
	}
	if limited < 90 {
		t.Errorf("only %d of 100 random-token postbacks were refused with 429", limited)
	}
	if res := s.Postback("/docs", good); res.StatusCode != 200 {
		t.Errorf("the verified token after the limit tripped: %d, want 200", res.StatusCode)
	}
}
