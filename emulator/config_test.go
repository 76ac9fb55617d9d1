package emulator

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestParseConfig(t *testing.T) {
	opts, err := ParseConfig(strings.NewReader(`{
  "clients": [{"id": "a.apps.googleusercontent.com", "name": "A", "origins": ["http://localhost:5173", "https://a.example.test"]}],
  "accounts": [{"email": "Dana@Example.org"}, {"email": "eve@example.org", "name": "Eve Example", "sub": "123", "hd": "example.org"}],
  "token_lifetime": "15m",
  "events": [
    {"account": "dana@example.org", "summary": "Fixed", "start": "2026-03-11T09:00:00Z", "end": "2026-03-11T10:00:00Z", "location": "Room 1"},
    {"account": "dana@example.org", "summary": "Away", "date": "2026-03-12", "days": 2},
    {"account": "dana@example.org", "summary": "Soon", "in": "2h", "duration": "30m"}
  ],
  "documents": [{"owner": "dana@example.org", "title": "Notes", "paragraphs": ["# Plan", "Ship it.", "#hashtag"], "readers": ["eve@example.org"]}]
}`))
	if err != nil {
		t.Fatal(err)
	}
	if opts.TokenLifetime != 15*time.Minute || len(opts.Clients[0].Origins) != 2 {
		t.Fatalf("options %+v", opts)
	}
	opts.PublicURL, opts.Now = dataOrigin, func() time.Time { return dataNow }
	s := New(opts)

	dana, ok := s.account("dana@example.org")
	if !ok || dana.Email != "dana@example.org" || dana.Name != "Dana" || len(dana.Sub) != 21 {
		t.Errorf("dana %+v: want a lower-case email, a name and a 21-digit sub", dana)
	}
	if eve, _ := s.account("123"); eve.Email != "eve@example.org" {
		t.Errorf("eve by sub: %+v", eve)
	}
	tok, _ := s.mintToken(s.def, "a.apps.googleusercontent.com", "dana@example.org", []string{tscope.Cal, tscope.Docs}, s.opts.TokenLifetime)
	rec := dataGet(s, "/calendar/v3/calendars/primary/events?singleEvents=true&orderBy=startTime&timeMin=2026-03-10T00:00:00Z&timeMax=2026-03-15T00:00:00Z", tok)
	type dateTime struct{ Date, DateTime string }
	type event struct {
		Summary, Location string
		Start, End        dateTime
	}
	events := dataJSON[struct {
		Items []event `json:"items"`
	}](t, rec)
	got := map[string]event{}
	for _, e := range events.Items {
		got[e.Summary] = e
	}
	if e := got["Fixed"]; e.Start.DateTime != "2026-03-11T09:00:00Z" || e.Location != "Room 1" {
		t.Errorf("fixed event %+v", e)
	}
	if e := got["Away"]; e.Start.Date != "2026-03-12" || e.End.Date != "2026-03-14" {
		t.Errorf("all-day event %+v", e)
	}
	// dataNow is 10:20 UTC (GMT): the current hour starts at 10:00, so "in 2h" is 12:00.
	if e := got["Soon"]; e.Start.DateTime != "2026-03-10T12:00:00Z" || e.End.DateTime != "2026-03-10T12:30:00Z" {
		t.Errorf("relative event %+v", e)
	}

	docs := s.SampleDocuments("eve@example.org")
	var id string
	for _, d := range docs {
		if d.Title == "Notes" {
			id = d.ID
		}
	}
	if id == "" {
		t.Fatalf("the shared document is not among eve's: %+v", docs)
	}
	rec = dataGet(s, "/v1/documents/"+id, tok)
	if rec.Code != http.StatusOK {
		t.Fatalf("document: %d %s", rec.Code, rec.Body)
	}
	body := rec.Body.String()
	for _, want := range []string{`"namedStyleType": "TITLE"`, `"namedStyleType": "HEADING_1"`, `"content": "Plan\n"`, `"content": "#hashtag\n"`} {
		if !strings.Contains(body, want) {
			t.Errorf("document lacks %s", want)
		}
	}
}

func TestConfigRejects(t *testing.T) {
	tests := []struct{ name, json, want string }{
		{"unknown field", `{"clientz": []}`, `unknown field "clientz"`},
		{"two values", `{} {}`, "more than one JSON value"},
		{"wrong type", `{"accounts": {"email": "x"}}`, "line 1"},
		{"client without origins", `{"clients": [{"id": "a"}]}`, "at least one JavaScript origin"},
		{"origin with trailing slash", `{"clients": [{"id": "a", "origins": ["http://localhost:1/"]}]}`, "no trailing slash"},
		{"origin without scheme", `{"clients": [{"id": "a", "origins": ["localhost:5173"]}]}`, "scheme://host"},
		{"duplicate client", `{"clients": [{"id": "a", "origins": ["http://a.test"]}, {"id": "a", "origins": ["http://b.test"]}]}`, "registered twice"},
		{"bad lifetime", `{"token_lifetime": "forever"}`, "token_lifetime"},
		{"lifetime too long", `{"token_lifetime": "25h"}`, "between 1s and 24h"},
		{"bad email", `{"accounts": [{"email": "dana"}]}`, "not an address"},
		{"bad sub", `{"accounts": [{"email": "d@x.test", "sub": "abc"}]}`, "must be digits"},
		{"event without summary", `{"events": [{"account": "alice@example.com", "in": "1h", "duration": "1h"}]}`, "summary is required"},
		{"event with two forms", `{"events": [{"account": "alice@example.com", "summary": "x", "date": "2026-01-01", "in": "1h", "duration": "1h"}]}`, "exactly one"},
		{"event ends before it starts", `{"events": [{"account": "alice@example.com", "summary": "x", "start": "2026-01-01T10:00:00Z", "end": "2026-01-01T09:00:00Z"}]}`, "after"},
		{"event without offset", `{"events": [{"account": "alice@example.com", "summary": "x", "start": "2026-01-01T10:00:00", "end": "2026-01-01T11:00:00"}]}`, "RFC 3339"},
		{"days without date", `{"events": [{"account": "alice@example.com", "summary": "x", "in": "1h", "duration": "1h", "days": 2}]}`, `"days" goes with "date"`},
		{"document for a stranger", `{"documents": [{"owner": "zed@x.test", "title": "t"}]}`, "unknown owner"},
		{"document id shape", `{"documents": [{"owner": "alice@example.com", "title": "t", "id": "a/b"}]}`, "must be 1–100 characters"},
		{"document id twice", `{"documents": [{"owner": "alice@example.com", "title": "t", "id": "x"}, {"owner": "bob@example.com", "title": "u", "id": "x"}]}`, "used twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig(strings.NewReader(tt.json))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

// The token lifetime applies to tokens from the popup and from /_emu/tokens.
func TestTokenLifetime(t *testing.T) {
	s := New(Options{
		Clients:       []Client{{ID: siteClientID, Name: "App", Origins: []string{siteOrigin}}},
		PublicURL:     emuOrigin,
		Now:           func() time.Time { return browserTestNow },
		TokenLifetime: 90 * time.Second,
	})
	rec := serveEmu(s, controlRequest(http.MethodPost, "/_emu/tokens", `{"client_id":"`+siteClientID+`","account":"alice@example.com","scopes":["openid"]}`))
	if got := decodeJSONBody[mintResponse](t, rec); got.ExpiresIn != 90 {
		t.Errorf("minted expires_in %d, want 90", got.ExpiresIn)
	}
	p := newPopupBrowser(t, s).open(authQuery(tscope.Cal, "login_hint", "alice@example.com"))
	resp := p.press("Continue").response()
	if resp["expires_in"] != float64(90) {
		t.Errorf("popup expires_in %v, want 90", resp["expires_in"])
	}
}

func TestParseConfigDeletedClientAndNoPhotos(t *testing.T) {
	opts, err := ParseConfig(strings.NewReader(`{
  "clients": [{"id": "gone.apps.googleusercontent.com", "origins": ["http://localhost:5173"], "deleted": true}],
  "accounts": [{"email": "dana@example.org", "no_photos": true}]
}`))
	if err != nil {
		t.Fatal(err)
	}
	if !opts.Clients[0].Deleted || !opts.Accounts[0].NoPhotos {
		t.Errorf("options %+v", opts)
	}
}

// A client's verification and its policy links come from the file.
func TestParseConfigUnverifiedClientAndLinks(t *testing.T) {
	opts, err := ParseConfig(strings.NewReader(`{
  "clients": [{"id": "new.apps.googleusercontent.com", "origins": ["http://localhost:5173"], "unverified": true,
    "privacy_policy": "https://app.example/privacy", "terms": "https://app.example/terms"}]
}`))
	if err != nil {
		t.Fatal(err)
	}
	want := Client{ID: "new.apps.googleusercontent.com", Origins: []string{"http://localhost:5173"}, Unverified: true,
		PrivacyPolicy: "https://app.example/privacy", Terms: "https://app.example/terms"}
	if c := opts.Clients[0]; c.ID != want.ID || !c.Unverified || c.PrivacyPolicy != want.PrivacyPolicy || c.Terms != want.Terms {
		t.Errorf("client %+v, want %+v", c, want)
	}
}
