package apis

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/scopewise/scopewise/emulator"
	"github.com/scopewise/scopewise/emulator/emulatortest"
)

// TestEmulatorCalendarEventTypes is the contract between the emulator's
// Calendar API and this client: every event type arrives as what it is.
func TestEmulatorCalendarEventTypes(t *testing.T) {
	emu := emulatortest.Start(t, emulator.Options{Clients: []emulator.Client{{ID: testClient, Name: "Scopewise", Origins: []string{"http://localhost"}}}})
	token := emu.Mint(t, emulator.TokenRequest{ClientID: testClient, Account: "alice@example.com", Scopes: []string{CalendarScope}})
	cal := NewCalendar(emu.URL+"/calendar/v3", NewHTTPClient())
	events, err := cal.Upcoming(context.Background(), token, time.Now(), 25)
	if err != nil {
		t.Fatal(err)
	}
	byType := map[string][]Event{}
	for _, e := range events {
		byType[e.Type] = append(byType[e.Type], e)
	}
	for _, typ := range EventTypes {
		if len(byType[typ]) == 0 {
			t.Errorf("no %s event among the next 25: %v", typ, slices.Sorted(maps.Keys(byType)))
		}
	}
	if b := byType["birthday"]; len(b) > 0 && !b[0].AllDay {
		t.Errorf("birthday not all-day: %+v", b[0])
	}
	var kinds []string
	for _, e := range byType["workingLocation"] {
		if e.WorkingLocation == nil {
			t.Fatalf("working location without its location: %+v", e)
		}
		kinds = append(kinds, e.WorkingLocation.Kind+"/"+e.WorkingLocation.Label)
	}
	if !slices.Equal(kinds, []string{"homeOffice/", "officeLocation/London office"}) {
		t.Errorf("working locations = %v", kinds)
	}
	if f := byType["focusTime"]; len(f) > 0 && (!f[0].AutoDeclines || !f[0].DoNotDisturb) {
		t.Errorf("focus time = %+v", f[0])
	}
	if o := byType["outOfOffice"]; len(o) > 0 && !o[0].AutoDeclines {
		t.Errorf("out of office = %+v", o[0])
	}
	for _, e := range byType["default"] {
		if e.WorkingLocation != nil || e.AutoDeclines || e.DoNotDisturb {
			t.Errorf("a default event carries another type's properties: %+v", e)
		}
	}
}

// TestCalendarAsksForEveryType: the page names every type instead of
// relying on the API's default, and an event without eventType is a
// default one.
func TestCalendarAsksForEveryType(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.Query()["eventTypes"]
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"timeZone":"UTC","items":[{"id":"a","summary":"Old","start":{"dateTime":"2026-03-02T10:00:00Z"},"end":{"dateTime":"2026-03-02T11:00:00Z"}}]}`))
	}))
	defer srv.Close()
	events, err := NewCalendar(srv.URL, NewHTTPClient()).Upcoming(context.Background(), "tok", time.Now(), 5)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, EventTypes) {
		t.Errorf("eventTypes sent = %v, want %v", got, EventTypes)
	}
	if len(events) != 1 || events[0].Type != "default" {
		t.Errorf("events = %+v", events)
	}
}
