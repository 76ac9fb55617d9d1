package emulator

import (
	"crypto/sha512"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// asServed sends a test request (httptest.NewRequest's Host is example.com)
// to the name the emulator serves, as a browser reaching its public URL would.
func asServed(s *Server, req *http.Request) *http.Request {
	if u, err := url.Parse(s.opts.PublicURL); err == nil && u.Host != "" && req.Host == "example.com" {
		req.Host = u.Host
	}
	return req
}

// guardRequest is a request as it arrives over the network: Host as given.
func guardRequest(method, target, host, ctype, body string, headers ...string) *http.Request {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Host = host
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return req
}

// Every path answers only the names the emulator serves: a DNS-rebinding
// page's Host gets 421 and nothing (not the issued tokens).
func TestHostIsCheckedOnEveryPath(t *testing.T) {
	s := newBrowserEmu(t) // public URL http://localhost:8081
	for _, path := range []string{"/_emu/issued", "/_emu/state", "/gsi/client", "/tokeninfo", "/o/oauth2/v2/auth"} {
		for _, host := range []string{"attacker.example:8081", "attacker.example", "127.0.0.1.attacker.example:8081", ""} {
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, guardRequest(http.MethodGet, path, host, "", ""))
			if rec.Code != http.StatusMisdirectedRequest || strings.Contains(rec.Body.String(), "access_token") {
				t.Errorf("GET %s with Host %q: %d, want 421", path, host, rec.Code)
			}
		}
		for _, host := range []string{"localhost:8081", "LOCALHOST:8081", "127.0.0.1:8081", "127.0.0.2:8081", "[::1]:8081", "emu.localhost:8081"} {
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, guardRequest(http.MethodGet, path, host, "", ""))
			if rec.Code == http.StatusMisdirectedRequest {
				t.Errorf("GET %s with Host %q: refused", path, host)
			}
		}
	}
	public := New(Options{Clients: []Client{{ID: siteClientID, Name: "S", Origins: []string{siteOrigin}}}, PublicURL: "https://emu.example.org"})
	rec := httptest.NewRecorder()
	public.ServeHTTP(rec, guardRequest(http.MethodGet, "/_emu/state", "emu.example.org", "", ""))
	if rec.Code != http.StatusOK {
		t.Errorf("the public URL's host: %d", rec.Code)
	}
}

// The control API answers test code (no Origin) and the emulator's own
// pages; another page's request, a simple text/plain POST included, is
// refused before it changes anything.
func TestControlAPIRefusesOtherPages(t *testing.T) {
	const fault = `{"path":"/tokeninfo","status":503}`
	tests := []struct {
		name    string
		method  string
		path    string
		ctype   string
		headers []string
		want    int
	}{
		{"test code, JSON", "POST", "/_emu/faults", "application/json", nil, 200},
		{"test code, JSON in capitals", "POST", "/_emu/faults", "Application/JSON; charset=utf-8", nil, 200},
		{"the emulator's own page", "POST", "/_emu/faults", "application/json", []string{"Origin", "http://localhost:8081", "Sec-Fetch-Site", "same-origin"}, 200},
		{"test code, text/plain", "POST", "/_emu/faults", "text/plain", nil, 415},
		{"test code, no Content-Type", "POST", "/_emu/reset", "", nil, 415},
		{"a form", "POST", "/_emu/clock", "application/x-www-form-urlencoded", nil, 415},
		{"another local page, text/plain", "POST", "/_emu/faults", "text/plain", []string{"Origin", "http://localhost:5173", "Sec-Fetch-Site", "same-site"}, 403},
		{"another local page, JSON after a preflight", "POST", "/_emu/faults", "application/json", []string{"Origin", "http://localhost:5173"}, 403},
		{"a cross-site page", "POST", "/_emu/tokens", "application/json", []string{"Sec-Fetch-Site", "cross-site"}, 403},
		{"an opaque origin", "POST", "/_emu/reset", "application/json", []string{"Origin", "null"}, 403},
		{"reading the issued tokens cross-site", "GET", "/_emu/issued", "", []string{"Sec-Fetch-Site", "cross-site"}, 403},
		{"reading the state from another origin", "GET", "/_emu/state", "", []string{"Origin", "http://localhost:5173"}, 403},
		{"the control page, typed in", "GET", "/_emu/", "", []string{"Sec-Fetch-Site", "none"}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newBrowserEmu(t)
			body := ""
			if tt.method == "POST" {
				body = fault
				if tt.path == "/_emu/reset" {
					body = "{}"
				}
				if tt.path == "/_emu/tokens" {
					body = `{"client_id":"` + siteClientID + `","account":"alice@example.com","scopes":["openid"]}`
				}
				if tt.path == "/_emu/clock" {
					body = "advance=3600s"
				}
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, guardRequest(tt.method, tt.path, "localhost:8081", tt.ctype, body, tt.headers...))
			if rec.Code != tt.want {
				t.Fatalf("%s %s: %d, want %d: %s", tt.method, tt.path, rec.Code, tt.want, rec.Body)
			}
			queued := len(s.snapshot(s.def).Faults)
			if tt.path == "/_emu/faults" && (queued == 1) != (tt.want == 200) {
				t.Errorf("faults queued: %d", queued)
			}
		})
	}
}

// Faults apply to Google's token and API paths only, and set no cookie or
// cache header: a fault cannot replace the GIS script, the popup or a picker
// page, nor outlive itself in a browser.
func TestFaultsStayOnGooglePaths(t *testing.T) {
	s := newBrowserEmu(t)
	for _, body := range []string{
		`{"path":"/gsi/client","status":200,"body":"alert(1)"}`,
		`{"path":"/o/oauth2/v2/auth","status":200,"body":"<form>"}`,
		`{"path":"/picker/abc","status":200,"body":"<p>"}`,
		`{"path":"/_emu/issued","status":200}`,
		`{"path":"/tokeninfo","status":200,"headers":{"Set-Cookie":"a=b"}}`,
		`{"path":"/tokeninfo","status":200,"headers":{"cache-control":"max-age=31536000"}}`,
		`{"path":"/calendar/v3/calendars/primary/events","status":503,"headers":{"Expires":"Thu, 01 Dec 2030 16:00:00 GMT"}}`,
	} {
		if rec := serveEmu(s, controlRequest(http.MethodPost, "/_emu/faults", body)); rec.Code != http.StatusBadRequest {
			t.Errorf("POST /_emu/faults %s: %d, want 400", body, rec.Code)
		}
	}
	if n := len(s.snapshot(s.def).Faults); n != 0 {
		t.Fatalf("%d faults queued", n)
	}
	for _, body := range []string{
		`{"path":"/tokeninfo","status":429,"headers":{"Retry-After":"5"}}`,
		`{"path":"/media/x","status":503}`,
		`{"path":"/v1/sessions","status":503}`,
	} {
		addTestFault(t, s, body)
	}
}

// The site loads the script with integrity="…": the value the emulator
// gives is the hash of the bytes it serves at its public URL.
func TestGSIScriptIntegrity(t *testing.T) {
	s := newBrowserEmu(t)
	rec := serveEmu(s, httptest.NewRequest(http.MethodGet, "/gsi/client", nil))
	sum := sha512.Sum384(rec.Body.Bytes())
	if want := "sha384-" + base64.StdEncoding.EncodeToString(sum[:]); s.GSIScriptIntegrity() != want || rec.Code != 200 {
		t.Fatalf("GSIScriptIntegrity = %q, the served bytes hash to %q", s.GSIScriptIntegrity(), want)
	}
	if New(Options{}).GSIScriptIntegrity() != "" {
		t.Error("an emulator without a public URL cannot know its script's bytes")
	}
}

// The typed API (emulatortest, Go tests of other modules) refuses the same
// faults as POST /_emu/faults.
func TestInjectFaultStaysOnGooglePaths(t *testing.T) {
	s := newBrowserEmu(t)
	if err := s.InjectFault(t.Context(), Fault{Path: "/gsi/client", Status: 200}); err == nil {
		t.Error("a fault on /gsi/client was queued")
	}
	if err := s.InjectFault(t.Context(), Fault{Path: "/tokeninfo", Status: 503, Headers: map[string]string{"Set-Cookie": "a=b"}}); err == nil {
		t.Error("a fault setting a cookie was queued")
	}
	if err := s.InjectFault(t.Context(), Fault{Path: "/tokeninfo", Status: 503}); err != nil {
		t.Errorf("a fault on /tokeninfo: %v", err)
	}
}
