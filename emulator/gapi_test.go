package emulator

// The API client library for JavaScript's side of the emulator: api.js, the
// discovery documents (and that they describe what the emulator serves),
// API keys, and the preflight gapi.client's calls need.

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/scopewise/scopewise/emulator/gapi"
	"github.com/scopewise/scopewise/emulator/internal/apitest"
)

const (
	gapiCalScope  = "https://www.googleapis.com/auth/calendar.readonly"
	gapiDocsScope = "https://www.googleapis.com/auth/documents.readonly"
	// A key of Google's shape (AIza + 35): the emulator accepts any such key.
	gapiKey = "AIzaSyScopewiseEmulatorKey0000000000000"
)

func TestGapiScript(t *testing.T) {
	s := newDataEmu(t)
	rec := dataGet(s, "/js/api.js", "")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "text/javascript; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("Access-Control-Allow-Origin %q, want * (a public script)", got)
	}
	body := strings.TrimSpace(rec.Body.String())
	if !strings.HasSuffix(body, `})("`+dataOrigin+`");`) {
		t.Errorf("script not called with the emulator's origin; ends %q", body[max(0, len(body)-80):])
	}
}

func getDiscovery(t *testing.T, s *Server, target string) gapi.RestDescription {
	t.Helper()
	rec := dataGet(s, target, "")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", target, rec.Code, rec.Body)
	}
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("GET %s: Access-Control-Allow-Origin %q, want *", target, got)
	}
	var d gapi.RestDescription
	if err := json.Unmarshal(rec.Body.Bytes(), &d); err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	return d
}

func TestDiscoveryDocuments(t *testing.T) {
	s := newDataEmu(t)
	for _, tt := range []struct {
		target, id, name, servicePath string
		methods                       map[string][]string // "resource.method" → its parameters, sorted
	}{
		{"/discovery/v1/apis/calendar/v3/rest", "calendar:v3", "calendar", "calendar/v3/", map[string][]string{
			"events.list": {"calendarId", "maxResults", "orderBy", "pageToken", "q", "showDeleted", "singleEvents", "timeMax", "timeMin", "timeZone"},
		}},
		{"/discovery/v1/apis/docs/v1/rest", "docs:v1", "docs", "", map[string][]string{
			"documents.get": {"documentId", "includeTabsContent", "suggestionsViewMode"},
		}},
		{"/$discovery/rest?version=v1", "docs:v1", "docs", "", map[string][]string{
			"documents.get": {"documentId", "includeTabsContent", "suggestionsViewMode"},
		}},
	} {
		d := getDiscovery(t, s, tt.target)
		if d.Kind != "discovery#restDescription" || d.ID != tt.id || d.Name != tt.name || d.Protocol != "rest" {
			t.Errorf("%s: kind %q id %q name %q protocol %q", tt.target, d.Kind, d.ID, d.Name, d.Protocol)
		}
		if d.RootURL != dataOrigin+"/" || d.ServicePath != tt.servicePath || d.BaseURL != d.RootURL+d.ServicePath {
			t.Errorf("%s: rootUrl %q servicePath %q baseUrl %q; want the emulator's public URL", tt.target, d.RootURL, d.ServicePath, d.BaseURL)
		}
		if _, ok := d.Parameters["key"]; !ok {
			t.Errorf("%s: no standard parameter key", tt.target)
		}
		got := map[string][]string{}
		for rn, r := range d.Resources {
			for mn, m := range r.Methods {
				var params []string
				for p := range m.Parameters {
					params = append(params, p)
				}
				sort.Strings(params)
				got[rn+"."+mn] = params
				if want := tt.name + "." + rn + "." + mn; m.ID != want {
					t.Errorf("%s: method id %q, want %q", tt.target, m.ID, want)
				}
				for _, p := range m.ParameterOrder {
					if !m.Parameters[p].Required || m.Parameters[p].Location != "path" {
						t.Errorf("%s: %s's ordered parameter %s is not a required path parameter", tt.target, m.ID, p)
					}
				}
			}
		}
		if !equalMethods(got, tt.methods) {
			t.Errorf("%s: methods %v, want exactly %v", tt.target, got, tt.methods)
		}
	}
	for _, target := range []string{"/discovery/v1/apis/drive/v3/rest", "/discovery/v1/apis/calendar/v2/rest", "/$discovery/rest?version=v2", "/$discovery/rest"} {
		rec := dataGet(s, target, "")
		if rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", target, rec.Code)
			continue
		}
		apitest.WantError(t, rec, http.StatusNotFound, "NOT_FOUND", "Requested entity was not found.")
	}
}

func equalMethods(a, b map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// Every method a discovery document names is served at the URL a client
// builds from it (rootUrl + servicePath + path), with the scopes it lists.
func TestDiscoveryMethodsAreServed(t *testing.T) {
	s := newDataEmu(t)
	docID := s.SampleDocuments(aliceEmail)[0].ID
	example := map[string]string{"calendarId": "primary", "documentId": docID}
	for _, target := range []string{"/discovery/v1/apis/calendar/v3/rest", "/$discovery/rest?version=v1"} {
		d := getDiscovery(t, s, target)
		for _, r := range d.Resources {
			for _, m := range r.Methods {
				path := m.Path
				for _, p := range m.ParameterOrder {
					path = strings.ReplaceAll(path, "{"+p+"}", example[p])
				}
				url := d.RootURL + d.ServicePath + path
				target := strings.TrimPrefix(url, dataOrigin)
				for _, scope := range m.Scopes {
					rec := apitest.Do(s, m.HTTPMethod, target+"?key="+gapiKey, dataToken(s, aliceEmail, scope), "")
					if rec.Code != http.StatusOK {
						t.Errorf("%s %s with %s: status %d: %s", m.HTTPMethod, url, scope, rec.Code, rec.Body)
					}
				}
			}
		}
	}
}

func TestAPIKeys(t *testing.T) {
	s := newDataEmu(t)
	cal := dataToken(s, aliceEmail, gapiCalScope)
	docs := dataToken(s, aliceEmail, gapiDocsScope)
	docPath := "/v1/documents/" + s.SampleDocuments(aliceEmail)[0].ID
	events := "/calendar/v3/calendars/primary/events"
	for _, tt := range []struct {
		name, target, token, header string
		want                        int
		legacy                      bool // Calendar's errors[] entry
	}{
		{"no key", events, cal, "", 200, false},
		{"a key of Google's shape", events + "?key=" + gapiKey, cal, "", 200, false},
		{"a key of Google's shape in X-Goog-Api-Key", events, cal, gapiKey, 200, false},
		{"Docs with a key", docPath + "?key=" + gapiKey, docs, "", 200, false},
		{"a placeholder key", events + "?key=%3CYOUR_API_KEY%3E", cal, "", 400, true},
		{"an empty key", events + "?key=", cal, "", 400, true},
		{"a key one character short", events + "?key=" + gapiKey[:38], cal, "", 400, true},
		{"a bad key in X-Goog-Api-Key", events, cal, "not-a-key", 400, true},
		{"a bad key and no token: the key is checked first", events + "?key=bad", "", "", 400, true},
		{"Docs with a bad key", docPath + "?key=bad", docs, "", 400, false},
		{"a good key and no token", events + "?key=" + gapiKey, "", "", 401, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, tt.target, nil)
			if tt.token != "" {
				req.Header.Set("Authorization", "Bearer "+tt.token)
			}
			if tt.header != "" {
				req.Header.Set("X-Goog-Api-Key", tt.header)
			}
			rec := serveEmu(s, req)
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.want, rec.Body)
			}
			if tt.want != http.StatusBadRequest {
				return
			}
			e := apitest.WantError(t, rec, http.StatusBadRequest, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.")
			if e.Reason() != "API_KEY_INVALID" {
				t.Errorf("reason %q, want API_KEY_INVALID", e.Reason())
			}
			env := e
			if tt.legacy && (len(env.Error.Errors) != 1 || env.Error.Errors[0].Reason != "badRequest") {
				t.Errorf("errors %+v, want Calendar's one badRequest entry", env.Error.Errors)
			}
		})
	}
}

// gapi.client's calls carry headers of their own: the preflight grants them.
func TestPreflightAllowsGapiHeaders(t *testing.T) {
	s := newDataEmu(t)
	req := httptest.NewRequest(http.MethodOptions, "/calendar/v3/calendars/primary/events?key="+gapiKey, nil)
	req.Header.Set("Origin", "http://site.test:8080")
	req.Header.Set("Access-Control-Request-Method", "GET")
	req.Header.Set("Access-Control-Request-Headers", "authorization,x-goog-authuser,x-goog-encode-response-if-executable,x-javascript-user-agent,x-origin,x-referer,x-requested-with,x-clientdetails")
	rec := serveEmu(s, req)
	allowed := strings.ToLower(rec.Header().Get("Access-Control-Allow-Headers"))
	for _, h := range strings.Split(req.Header.Get("Access-Control-Request-Headers"), ",") {
		if !slices.Contains(strings.Split(strings.ReplaceAll(allowed, " ", ""), ","), h) {
			t.Errorf("preflight does not allow %s (allows %q)", h, allowed)
		}
	}
}

// The library, run in Node against the running emulator: gapi.load,
// gapi.client.init with discovery documents, the generated methods, the
// answers' and rejections' shapes, execute, request, load(name, version).
func TestGapiClientInNode(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed")
	}
	srv := httptest.NewServer(nil)
	t.Cleanup(srv.Close)
	s := newDataEmu(t, func(o *Options) { o.PublicURL = srv.URL })
	srv.Config.Handler = s
	script := filepath.Join(t.TempDir(), "api.js")
	res, err := http.Get(srv.URL + "/js/api.js")
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(script, b, 0o600); err != nil {
		t.Fatal(err)
	}
	args := map[string]string{
		"emulator": srv.URL,
		"key":      gapiKey,
		"cal":      dataToken(s, aliceEmail, gapiCalScope),
		"docs":     dataToken(s, aliceEmail, gapiDocsScope),
		"doc":      s.SampleDocuments(aliceEmail)[0].ID,
	}
	j, _ := json.Marshal(args)
	out, err := exec.CommandContext(t.Context(), node, "testdata/gapi_harness.js", script, string(j)).CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatal(err)
	}
}
