package emulator

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// fields= trims Calendar's and Docs' answers to the mask; a mask without
// nextPageToken leaves it out, so a pager stops as it would on Google.
func TestFieldsPartialResponse(t *testing.T) {
	s := newDataEmu(t)
	cal := dataToken(s, aliceEmail, tscope.Cal)
	get := func(target, tok string) map[string]any {
		t.Helper()
		rec := dataGet(s, target, tok)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: status %d: %s", target, rec.Code, rec.Body)
		}
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		return body
	}
	keys := func(m map[string]any) []string {
		var k []string
		for key := range m {
			k = append(k, key)
		}
		slices.Sort(k)
		return k
	}
	events := "/calendar/v3/calendars/primary/events?maxResults=3&fields="
	body := get(events+url.QueryEscape("items(id,start/dateTime)"), cal)
	if got := keys(body); !slices.Equal(got, []string{"items"}) {
		t.Errorf("top-level keys %v, want [items] (no nextPageToken)", got)
	}
	for _, it := range body["items"].([]any) {
		ev := it.(map[string]any)
		for k := range ev {
			if k != "id" && k != "start" {
				t.Errorf("event kept %s", k)
			}
		}
	}
	body = get(events+url.QueryEscape("nextPageToken,items/id"), cal)
	if got := keys(body); !slices.Equal(got, []string{"items", "nextPageToken"}) {
		t.Errorf("keys %v", got)
	}
	d := s.SampleDocuments(aliceEmail)[0]
	body = get("/v1/documents/"+d.ID+"?fields=title", dataToken(s, aliceEmail, tscope.Docs))
	if got := keys(body); !slices.Equal(got, []string{"title"}) || body["title"] != d.Title {
		t.Errorf("documents.get fields=title: %v", body)
	}
}

// A bad mask is a 400 in the API's envelope: Calendar with an errors[] entry
// located at the fields parameter, Docs without errors[].
func TestFieldsBadMask(t *testing.T) {
	s := newDataEmu(t)
	cal := dataToken(s, aliceEmail, tscope.Cal)
	for mask, msg := range map[string]string{
		"items(id":         "Invalid field selection items(id",
		"nosuch":           "Cannot find matching fields for path 'nosuch'",
		"items(id,nosuch)": "Cannot find matching fields for path 'items/nosuch'",
		"kind/sub":         "Cannot find matching fields for path 'kind/sub'",
		"items//id":        "Invalid field selection",
	} {
		rec := dataGet(s, "/calendar/v3/calendars/primary/events?fields="+url.QueryEscape(mask), cal)
		e := badRequest(t, rec)
		if !strings.Contains(e.Error.Message, msg) {
			t.Errorf("%q: message %q, want %q", mask, e.Error.Message, msg)
		}
		if !strings.Contains(rec.Body.String(), `"location": "fields"`) {
			t.Errorf("%q: no errors[] entry at fields: %s", mask, rec.Body)
		}
	}
	d := s.SampleDocuments(aliceEmail)[0]
	rec := dataGet(s, "/v1/documents/"+d.ID+"?fields=nosuch", dataToken(s, aliceEmail, tscope.Docs))
	badRequest(t, rec)
	if strings.Contains(rec.Body.String(), `"errors"`) {
		t.Errorf("Docs answer has errors[]: %s", rec.Body)
	}
	// Authentication comes first: a bad mask without a token is still 401.
	rec = dataGet(s, "/calendar/v3/calendars/primary/events?fields=nosuch", "")
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("no token, bad mask: status %d", rec.Code)
	}
}

type fieldsError struct {
	Error struct {
		Code    int
		Message string
		Status  string
	}
}

// badRequest checks a 400 INVALID_ARGUMENT envelope and returns it.
func badRequest(t *testing.T, rec *httptest.ResponseRecorder) fieldsError {
	t.Helper()
	var e fieldsError
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || rec.Code != 400 || e.Error.Code != 400 || e.Error.Status != "INVALID_ARGUMENT" {
		t.Fatalf("want 400 INVALID_ARGUMENT, got %d: %s", rec.Code, rec.Body)
	}
	return e
}
