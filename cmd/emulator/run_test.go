package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scopewise/scopewise/emulator"
	"github.com/scopewise/scopewise/emulator/client"
	"github.com/scopewise/scopewise/internal/cli"
	"github.com/scopewise/scopewise/internal/cli/clitest"
)

const testClient = "my-app.apps.googleusercontent.com"

// start runs the command on a free port and returns its origin, the hint
// line and a stop function that cancels it and returns run's error.
func start(t *testing.T, args []string, env map[string]string) (origin, hint string, stop func() error) {
	t.Helper()
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		err := run(ctx, append([]string{"-addr", "127.0.0.1:0", "-quiet"}, args...), func(k string) string { return env[k] }, pw, io.Discard)
		pw.CloseWithError(err)
		done <- err
	}()
	lines := bufio.NewScanner(pr)
	for range 2 {
		if !lines.Scan() {
			cancel()
			t.Fatalf("no start-up lines: %v", <-done)
		}
		switch l := lines.Text(); {
		case strings.HasPrefix(l, "emulator: "):
			origin = strings.TrimPrefix(l, "emulator: ")
		default:
			hint = l
		}
	}
	go io.Copy(io.Discard, pr)
	stopped := false
	stop = func() error {
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(15 * time.Second):
			t.Fatal("run did not return after cancel")
			return nil
		}
	}
	t.Cleanup(func() {
		if !stopped {
			stop()
		}
	})
	return origin, hint, stop
}

func TestRunServesAndStops(t *testing.T) {
	origin, hint, stop := start(t, []string{"-client", testClient + "=http://localhost:5173,http://127.0.0.1:5173"}, nil)
	if !strings.HasPrefix(origin, "http://127.0.0.1:") {
		t.Fatalf("origin %q", origin)
	}
	for _, want := range []string{"the Playwright fixture", "routes https://accounts.google.com/gsi/client", "load " + origin + "/gsi/client", testClient, "http://localhost:5173, http://127.0.0.1:5173"} {
		if !strings.Contains(hint, want) {
			t.Errorf("hint %q lacks %q", hint, want)
		}
	}
	res, err := http.Get(origin + "/gsi/client")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "initTokenClient") {
		t.Fatalf("/gsi/client: %d", res.StatusCode)
	}
	// Both origins are registered: a CORS preflight from either is granted.
	for _, o := range []string{"http://localhost:5173", "http://127.0.0.1:5173"} {
		checkPreflight(t, origin, o)
	}
	if err := stop(); err != nil {
		t.Fatalf("graceful stop: %v", err)
	}
	if _, err := http.Get(origin + "/gsi/client"); err == nil {
		t.Error("still serving after stop")
	}
}

// -client names the app the consent screen shows (default "Your app"), and
// -strict-popup-gestures is every world's start.
func TestRunClientNameAndStrictGestures(t *testing.T) {
	origin, _, _ := start(t, []string{"-client", testClient + "=http://localhost:5173;name=Next events", "-client", "other.apps.googleusercontent.com=http://localhost:5174", "-strict-popup-gestures"}, nil)
	control := client.New(origin, nil)
	ctx := context.Background()
	st, err := control.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, c := range st.Clients {
		names[c.ID] = c.Name
	}
	if names[testClient] != "Next events" || names["other.apps.googleusercontent.com"] != "Your app" {
		t.Errorf("client names %v", names)
	}
	res, err := http.Get(origin + "/o/oauth2/v2/auth?" + url.Values{
		"client_id": {testClient}, "scope": {"openid"}, "response_type": {"token"},
		"redirect_uri": {"storagerelay://http/localhost:5173?id=auth1"}, "prompt": {"select_account"},
	}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), "to continue to <strong>Next events</strong>") {
		t.Errorf("the chooser does not name the app:\n%s", body)
	}
	id, err := control.NewWorld(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*client.Client{control, control.World(id)} {
		st, err := c.State(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !st.Options.StrictPopupGestures {
			t.Errorf("world %s: strict popup gestures off under -strict-popup-gestures", st.World)
		}
	}
	if err := control.World(id).SetOptions(ctx, emulator.WorldOptions{}); err != nil {
		t.Fatal(err)
	}
	if st, _ := control.World(id).State(ctx); st.Options.StrictPopupGestures {
		t.Error("SetOptions did not turn the world's strict popup gestures off")
	}
}

// The file gives clients, accounts, token lifetime and seed data; the
// environment adds a client; the flag overrides the lifetime.
func TestRunWithConfigFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "emulator.json")
	os.WriteFile(path, []byte(`{
  "clients": [{"id": "file-client.apps.googleusercontent.com", "name": "File App", "origins": ["http://localhost:3000"]}],
  "accounts": [{"email": "dana@example.org", "name": "Dana Example"}],
  "token_lifetime": "600s",
  "events": [{"account": "dana@example.org", "summary": "Standup", "in": "1h", "duration": "15m"}],
  "documents": [{"id": "dana-notes", "owner": "dana@example.org", "title": "Notes", "paragraphs": ["# Plan", "Ship it."]}]
}`), 0o600)
	env := map[string]string{"EMULATOR_CONFIG": path, "EMULATOR_CLIENTS": testClient + "=http://localhost:5173"}
	origin, hint, _ := start(t, []string{"-token-lifetime", "120s"}, env)
	if !strings.Contains(hint, "file-client.apps.googleusercontent.com") || !strings.Contains(hint, testClient) {
		t.Errorf("hint %q does not name both clients", hint)
	}
	control := client.New(origin, nil)
	ctx := context.Background()
	tok, err := control.MintToken(ctx, emulator.TokenRequest{ClientID: testClient, Account: "dana@example.org",
		Scopes: []string{"https://www.googleapis.com/auth/calendar.readonly", "https://www.googleapis.com/auth/documents.readonly"}})
	if err != nil {
		t.Fatal(err)
	}
	if tok.ExpiresIn != 120 {
		t.Errorf("expires_in %d, want the flag's 120", tok.ExpiresIn)
	}
	var events struct {
		Items []struct{ Summary string } `json:"items"`
	}
	get(t, origin+"/calendar/v3/calendars/primary/events?singleEvents=true&orderBy=startTime&timeMin="+time.Now().UTC().Format(time.RFC3339), tok.AccessToken, &events)
	found := false
	for _, e := range events.Items {
		found = found || e.Summary == "Standup"
	}
	if !found {
		t.Errorf("the file's event is not listed: %+v", events.Items)
	}
	var doc struct {
		Title string `json:"title"`
	}
	get(t, origin+"/v1/documents/dana-notes", tok.AccessToken, &doc)
	if doc.Title != "Notes" {
		t.Errorf("document title %q", doc.Title)
	}
	// The built-in accounts are replaced.
	_, err = control.MintToken(ctx, emulator.TokenRequest{ClientID: testClient, Account: "alice@example.com", Scopes: []string{"openid"}})
	var refused *client.Error
	if !errors.As(err, &refused) || refused.Status != http.StatusBadRequest {
		t.Errorf("alice still exists: %v", err)
	}
}

func TestBadInputIsAUsageError(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o600)
		return p
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"no client", nil, nil, "no OAuth client registered"},
		{"client without origin", []string{"-client", testClient}, nil, "want CLIENT_ID=ORIGIN"},
		{"client name without name=", []string{"-client", testClient + "=http://localhost:1;My App"}, nil, ";name=APP NAME"},
		{"client with an empty name", []string{"-client", testClient + "=http://localhost:1;name= "}, nil, ";name=APP NAME"},
		{"client name, no origin", []string{"-client", testClient + "=;name=My App"}, nil, "want CLIENT_ID=ORIGIN"},
		{"origin with a path", []string{"-client", testClient + "=http://localhost:5173/app"}, nil, "no path"},
		{"unknown flag", []string{"-nope"}, nil, "flag provided but not defined"},
		{"stray argument", []string{"-client", testClient + "=http://localhost:1", "serve"}, nil, "unexpected arguments"},
		{"bad address", []string{"-addr", "8081", "-client", testClient + "=http://localhost:1"}, nil, "want host:port"},
		{"bad lifetime variable", nil, map[string]string{"EMULATOR_TOKEN_LIFETIME": "an hour"}, "EMULATOR_TOKEN_LIFETIME"},
		{"lifetime out of range", []string{"-client", testClient + "=http://localhost:1", "-token-lifetime", "48h"}, nil, "token lifetime"},
		{"bad public URL", []string{"-client", testClient + "=http://localhost:1", "-public-url", "localhost:8081"}, nil, "-public-url"},
		{"missing file", []string{"-config", filepath.Join(dir, "none.json")}, nil, "-config"},
		{"file syntax", []string{"-config", write("syntax.json", "{\n\"clients\": [,]\n}")}, nil, "line 2"},
		{"file unknown field", []string{"-config", write("unknown.json", `{"client": []}`)}, nil, `unknown field "client"`},
		{"event for an unknown account", []string{"-client", testClient + "=http://localhost:1", "-config",
			write("event.json", `{"events":[{"account":"zed@example.com","summary":"x","in":"1h","duration":"1h"}]}`)}, nil, `unknown account "zed@example.com"`},
		{"unverified unknown client", []string{"-client", testClient + "=http://localhost:1", "-unverified", "nope.apps.googleusercontent.com"}, nil, `-unverified "nope.apps.googleusercontent.com": no such client`},
		{"bad privacy policy URL", []string{"-config", write("policy.json", `{"clients":[{"id":"c","origins":["http://localhost:1"],"privacy_policy":"/privacy"}]}`)}, nil, `privacy_policy "/privacy"`},
		{"duplicate account", []string{"-client", testClient + "=http://localhost:1", "-config",
			write("dup.json", `{"accounts":[{"email":"a@example.com"},{"email":"A@example.com"}]}`)}, nil, "listed twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(context.Background(), append([]string{"-addr", "127.0.0.1:0"}, tt.args...), func(k string) string { return tt.env[k] }, io.Discard, io.Discard)
			var uerr cli.UsageError
			if !errors.As(err, &uerr) {
				t.Fatalf("got %v, want a usage error", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q lacks %q", err, tt.want)
			}
		})
	}
}

// The process itself: bad flags exit 2 with the reason on stderr.
func TestExitStatus(t *testing.T) {
	if clitest.Child("emulator") {
		main()
		return
	}
	for _, tt := range []struct {
		args   string
		code   int
		reason string // printed once, after "emulator: "
	}{
		{"-nope", 2, "flag provided but not defined: -nope"},
		{"-client bad", 2, `invalid value "bad" for flag -client`},
		{"-addr 127.0.0.1:0", 2, "no OAuth client registered"},
		{"-h", 0, ""},
	} {
		code, out := clitest.Run(t, "TestExitStatus", tt.args, "EMULATOR_CLIENTS=", "EMULATOR_CONFIG=")
		if code != tt.code {
			t.Errorf("%q: exit %d, want %d\n%s", tt.args, code, tt.code, out)
		}
		if n := strings.Count(out, tt.reason); tt.reason != "" && (n != 1 || !strings.Contains(out, "emulator: "+tt.reason)) {
			t.Errorf("%q: want the reason %q once, after \"emulator: \"; printed %d times:\n%s", tt.args, tt.reason, n, out)
		}
	}
}

// checkPreflight sends /tokeninfo a CORS preflight from o and fails the
// test unless the emulator at origin grants it to o.
func checkPreflight(t *testing.T, origin, o string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodOptions, origin+"/tokeninfo", nil)
	req.Header.Set("Origin", o)
	req.Header.Set("Access-Control-Request-Method", "GET")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := res.Header.Get("Access-Control-Allow-Origin"); got != o {
		t.Errorf("preflight from %s: Access-Control-Allow-Origin %q", o, got)
	}
}

func get(t *testing.T, url, token string, out any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	do(t, req, out)
}

// do sends req, wants a 200 and decodes its JSON body into out.
func do(t *testing.T, req *http.Request, out any) {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("%s %s: %d %s", req.Method, req.URL, res.StatusCode, b)
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		t.Fatalf("%s %s: decoding the answer: %v", req.Method, req.URL, err)
	}
}

// -unverified (and EMULATOR_UNVERIFIED) mark registered clients unverified:
// /_emu/state shows it, and others stay verified.
func TestUnverifiedClients(t *testing.T) {
	other := "other.apps.googleusercontent.com"
	third := "third.apps.googleusercontent.com"
	env := map[string]string{"EMULATOR_UNVERIFIED": third}
	origin, _, _ := start(t, []string{"-client", testClient + "=http://localhost:5173", "-client", other + "=http://localhost:5174",
		"-client", third + "=http://localhost:5175", "-unverified", testClient}, env)
	st, err := client.New(origin, nil).State(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, c := range st.Clients {
		got[c.ID] = c.Unverified
	}
	if want := map[string]bool{testClient: true, other: false, third: true}; !maps.Equal(got, want) {
		t.Errorf("unverified clients %v, want %v", got, want)
	}
}
