package calendar

import (
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scopewise/scopewise/emulator/internal/apitest"
)

const calScope = "https://www.googleapis.com/auth/calendar.readonly"

// calList is events.list as a client decodes it.
type calList struct {
	Kind             string            `json:"kind"`
	Etag             string            `json:"etag"`
	Summary          string            `json:"summary"`
	Description      *string           `json:"description"`
	Updated          string            `json:"updated"`
	TimeZone         string            `json:"timeZone"`
	AccessRole       string            `json:"accessRole"`
	DefaultReminders []json.RawMessage `json:"defaultReminders"`
	NextPageToken    string            `json:"nextPageToken"`
	Items            []calItem         `json:"items"`
}

type calItem struct {
	Kind, Etag, ID, Status, HTMLLink, Created, Updated string
	Summary, Description, Location                     string
	Start, End                                         map[string]string
	Recurrence                                         []string
	RecurringEventID                                   string `json:"recurringEventId"`
	ICalUID                                            string `json:"iCalUID"`
	EventType                                          string `json:"eventType"`
	Creator, Organizer                                 struct{ Email string }
}

func calURL(params ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(params); i += 2 {
		v.Add(params[i], params[i+1])
	}
	return "/calendar/v3/calendars/primary/events?" + v.Encode()
}

func findEvent(items []calItem, summary string) (calItem, bool) {
	for _, it := range items {
		if it.Summary == summary {
			return it, true
		}
	}
	return calItem{}, false
}

func TestCalendarEventsShape(t *testing.T) {
	s := newDataEmu(t)
	tok := s.Token(apitest.Alice, calScope)
	rec := s.Get(calURL("timeMin", apitest.Now.Format(time.RFC3339), "singleEvents", "true", "orderBy", "startTime"), tok)
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q", ct)
	}
	l := apitest.JSON[calList](t, rec)
	if l.Kind != "calendar#events" || l.Summary != apitest.Alice || l.TimeZone != "Europe/London" ||
		l.AccessRole == "" || l.Description == nil || l.DefaultReminders == nil || l.Etag == "" {
		t.Errorf("envelope = %+v", l)
	}
	if _, err := time.Parse(time.RFC3339, l.Updated); err != nil {
		t.Errorf("updated %q: %v", l.Updated, err)
	}
	if len(l.Items) < 20 {
		t.Fatalf("got %d events, want the month ahead", len(l.Items))
	}
	var prev time.Time
	for _, it := range l.Items {
		if it.Kind != "calendar#event" || it.ID == "" || it.Status != "confirmed" || !slices.Contains(eventTypes, it.EventType) ||
			!strings.HasPrefix(it.HTMLLink, "https://www.google.com/calendar/event?eid=") || it.ICalUID == "" || it.Etag == "" {
			t.Errorf("event fields: %+v", it)
		}
		if strings.Trim(it.ID, "0123456789abcdefghijklmnopqrstuv_TZ") != "" {
			t.Errorf("id %q is not base32hex", it.ID)
		}
		for _, stamp := range []string{it.Created, it.Updated} {
			if _, err := time.Parse("2006-01-02T15:04:05.000Z", stamp); err != nil {
				t.Errorf("created/updated %q: %v", stamp, err)
			}
		}
		start := eventStart(t, it.Start)
		if (it.Start["date"] == "") == (it.Start["dateTime"] == "") || (it.End["date"] == "") == (it.End["dateTime"] == "") {
			t.Errorf("%s: start/end must have exactly one of date, dateTime: %v %v", it.Summary, it.Start, it.End)
		}
		if start.Before(prev) {
			t.Errorf("%s starts before the previous event: orderBy=startTime", it.Summary)
		}
		prev = start
	}
	names := func() (out []string) {
		for _, it := range l.Items {
			out = append(out, it.Summary)
		}
		return out
	}()
	for _, c := range []struct {
		name, summary string
		listed        bool
	}{
		{"ongoing event (started before timeMin, ends after)", "Focus time", true},
		{"yesterday's event", "Dentist", false},
		{"cancelled event without showDeleted", "Vendor call", false},
		{"all-day event", "Company offsite", true},
		{"HTML-looking summary", `Q&A: <Tags> & "quotes"`, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := slices.Contains(names, c.summary); got != c.listed {
				t.Errorf("%q listed = %v, want %v", c.summary, got, c.listed)
			}
		})
	}

	t.Run("relative to the clock", func(t *testing.T) {
		ev, _ := findEvent(l.Items, "Design review: consent screens")
		// apitest.Now is 10:20 GMT: the review is two hours after the current hour.
		if ev.Start["dateTime"] != "2026-03-10T12:00:00Z" || ev.Start["timeZone"] != "Europe/London" || ev.Location == "" || ev.Description == "" {
			t.Errorf("design review = %+v", ev)
		}
	})
	t.Run("all-day end date is exclusive", func(t *testing.T) {
		ev, _ := findEvent(l.Items, "Company offsite")
		if ev.Start["date"] != "2026-03-13" || ev.End["date"] != "2026-03-15" || ev.Start["dateTime"] != "" {
			t.Errorf("offsite start/end = %v %v", ev.Start, ev.End)
		}
	})
	t.Run("wall-clock time kept across the DST change", func(t *testing.T) {
		ev, _ := findEvent(l.Items, "Dentist check-up")
		if ev.Start["dateTime"] != "2026-04-09T09:00:00+01:00" {
			t.Errorf("check-up after the clocks change = %v", ev.Start)
		}
	})
	t.Run("event in another zone", func(t *testing.T) {
		ev, _ := findEvent(l.Items, "Call with the New York office")
		if ev.Start["timeZone"] != "America/New_York" || ev.Start["dateTime"] != "2026-03-16T14:00:00Z" {
			t.Errorf("NY call = %v", ev.Start)
		}
	})
	t.Run("organised by someone else", func(t *testing.T) {
		ev, _ := findEvent(l.Items, "1:1 with Bob")
		if ev.Organizer.Email != apitest.Bob || ev.Creator.Email != apitest.Bob {
			t.Errorf("1:1 organizer = %+v", ev.Organizer)
		}
	})
}

func eventStart(t *testing.T, start map[string]string) time.Time {
	t.Helper()
	if d := start["date"]; d != "" {
		london, _ := time.LoadLocation("Europe/London")
		v, err := time.ParseInLocation(time.DateOnly, d, london)
		if err != nil {
			t.Fatalf("date %q: %v", d, err)
		}
		return v
	}
	v, err := time.Parse(time.RFC3339, start["dateTime"])
	if err != nil {
		t.Fatalf("dateTime %q: %v", start["dateTime"], err)
	}
	return v
}

func TestCalendarShowDeleted(t *testing.T) {
	s := newDataEmu(t)
	tok := s.Token(apitest.Alice, calScope)
	l := apitest.JSON[calList](t, s.Get(calURL("timeMin", apitest.Now.Format(time.RFC3339), "showDeleted", "true"), tok))
	ev, ok := findEvent(l.Items, "Vendor call")
	if !ok || ev.Status != "cancelled" {
		t.Errorf("with showDeleted=true the cancelled event is listed as cancelled; got %+v (found %v)", ev, ok)
	}
}

func TestCalendarSeriesAndInstances(t *testing.T) {
	s := newDataEmu(t)
	tok := s.Token(apitest.Alice, calScope)
	min := apitest.Now.Format(time.RFC3339)

	series := apitest.JSON[calList](t, s.Get(calURL("timeMin", min), tok))
	var masters, instances int
	for _, it := range series.Items {
		if it.Summary == "Team sync" {
			if len(it.Recurrence) != 1 || !strings.HasPrefix(it.Recurrence[0], "RRULE:FREQ=WEEKLY") || it.RecurringEventID != "" {
				t.Errorf("series = %+v", it)
			}
			masters++
		}
	}
	single := apitest.JSON[calList](t, s.Get(calURL("timeMin", min, "singleEvents", "true"), tok))
	for _, it := range single.Items {
		if it.Summary == "Team sync" {
			if it.RecurringEventID == "" || len(it.Recurrence) != 0 || !strings.HasPrefix(it.ID, it.RecurringEventID+"_") {
				t.Errorf("instance = %+v", it)
			}
			instances++
		}
	}
	// Ten weekly meetings from a week ago; today's (09:30–10:00) ended
	// before 10:20, so eight are ahead.
	if masters != 1 || instances != 8 {
		t.Errorf("series listed %d times, %d instances; want 1 and 8", masters, instances)
	}
}

func TestCalendarParameters(t *testing.T) {
	s := newDataEmu(t)
	tok := s.Token(apitest.Alice, calScope)
	now := apitest.Now.Format(time.RFC3339)
	cases := []struct {
		name     string
		target   string
		code     int
		message  string
		reason   string // errors[0].reason
		location string
	}{
		{"timeMin without offset", calURL("timeMin", "2026-03-10T10:00:00"), 400, "Bad Request", "badRequest", ""},
		{"timeMin a date", calURL("timeMin", "2026-03-10"), 400, "Bad Request", "badRequest", ""},
		{"timeMax garbage", calURL("timeMax", "tomorrow"), 400, "Bad Request", "badRequest", ""},
		{"empty range", calURL("timeMin", now, "timeMax", now), 400, "The specified time range is empty.", "timeRangeEmpty", "timeMax"},
		{"maxResults zero", calURL("maxResults", "0"), 400, "", "invalid", "maxResults"},
		{"maxResults not a number", calURL("maxResults", "ten"), 400, "", "invalid", "maxResults"},
		{"orderBy startTime needs singleEvents", calURL("orderBy", "startTime"), 400,
			"The requested ordering is not available for the particular query.", "invalid", "orderBy"},
		{"orderBy unknown", calURL("orderBy", "summary", "singleEvents", "true"), 400, "", "invalid", "orderBy"},
		{"singleEvents not a bool", calURL("singleEvents", "yes please"), 400, "", "invalid", "singleEvents"},
		{"unknown timeZone", calURL("timeZone", "Mars/Olympus_Mons"), 400, "", "invalid", "timeZone"},
		{"garbage pageToken", calURL("pageToken", "not-a-token"), 400, msgBadPageToken, "invalid", "pageToken"},
		{"other user's calendar", "/calendar/v3/calendars/bob@example.com/events", 404, "Not Found", "notFound", ""},
		{"own calendar by email", "/calendar/v3/calendars/alice@example.com/events", 200, "", "", ""},
		{"maxResults above 2500 is capped", calURL("maxResults", "9999"), 200, "", "", ""},
		{"timeMin with fractional seconds", calURL("timeMin", "2026-03-10T10:00:00.123+01:00"), 200, "", "", ""},
		{"orderBy updated", calURL("orderBy", "updated"), 200, "", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := s.Get(c.target, tok)
			if c.code == 200 {
				if rec.Code != 200 {
					t.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
				return
			}
			status := map[int]string{400: "INVALID_ARGUMENT", 404: "NOT_FOUND"}[c.code]
			e := apitest.WantError(t, rec, c.code, status, c.message)
			if len(e.Error.Errors) != 1 || e.Error.Errors[0].Reason != c.reason || e.Error.Errors[0].Location != c.location {
				t.Errorf("errors[] = %+v, want reason %q location %q", e.Error.Errors, c.reason, c.location)
			}
		})
	}
}

func TestCalendarTimeZoneParameter(t *testing.T) {
	s := newDataEmu(t)
	tok := s.Token(apitest.Alice, calScope)
	l := apitest.JSON[calList](t, s.Get(calURL("timeMin", apitest.Now.Format(time.RFC3339), "timeZone", "Asia/Tokyo"), tok))
	ev, _ := findEvent(l.Items, "Design review: consent screens")
	if ev.Start["dateTime"] != "2026-03-10T21:00:00+09:00" || l.TimeZone != "Europe/London" {
		t.Errorf("with timeZone=Asia/Tokyo: start %v, calendar zone %q", ev.Start, l.TimeZone)
	}
}

func TestCalendarPaging(t *testing.T) {
	s := newDataEmu(t)
	tok := s.Tokens.Mint(apitest.Alice, 24*time.Hour, calScope) // outlives the clock moves below
	base := []string{"timeMin", apitest.Now.Add(-72 * time.Hour).Format(time.RFC3339), "singleEvents", "true", "orderBy", "startTime", "showDeleted", "true"}
	all := apitest.JSON[calList](t, s.Get(calURL(base...), tok))
	if all.NextPageToken != "" || len(all.Items) <= 25 {
		t.Fatalf("one page of %d (next %q): the seed must need paging at 10", len(all.Items), all.NextPageToken)
	}

	var got []string
	token, pages := "", 0
	for {
		params := append(slices.Clone(base), "maxResults", "10")
		if token != "" {
			params = append(params, "pageToken", token)
		}
		rec := s.Get(calURL(params...), tok)
		if rec.Code != 200 {
			t.Fatalf("page %d: %d %s", pages, rec.Code, rec.Body)
		}
		page := apitest.JSON[calList](t, rec)
		if len(page.Items) > 10 {
			t.Fatalf("page of %d > maxResults", len(page.Items))
		}
		for _, it := range page.Items {
			got = append(got, it.ID)
		}
		pages++
		// Moving the clock between pages must not shift events relative to
		// "now": the token remembers the first page's clock.
		s.Advance(45 * time.Minute)
		if token = page.NextPageToken; token == "" {
			break
		}
	}
	var want []string
	for _, it := range all.Items {
		want = append(want, it.ID)
	}
	if !slices.Equal(got, want) || pages != (len(want)+9)/10 {
		t.Errorf("paged IDs (%d pages) differ from the single page:\n got %v\nwant %v", pages, got, want)
	}

	t.Run("token is bound to its query", func(t *testing.T) {
		first := apitest.JSON[calList](t, s.Get(calURL(append(slices.Clone(base), "maxResults", "10")...), tok))
		rec := s.Get(calURL("timeMin", apitest.Now.Format(time.RFC3339), "pageToken", first.NextPageToken), tok)
		apitest.WantError(t, rec, 400, "INVALID_ARGUMENT", msgBadPageToken)
	})
}

func TestCalendarScopes(t *testing.T) {
	for _, scope := range calendarScopes {
		t.Run("accepts "+scope, func(t *testing.T) {
			s := newDataEmu(t)
			if rec := s.Get(calURL(), s.Token(apitest.Alice, scope)); rec.Code != 200 {
				t.Errorf("status %d: %s", rec.Code, rec.Body)
			}
		})
	}
	apitest.CheckAuthErrors(t, newDataEmu(t).Emu, "GET", calURL(), calScope, "https://www.googleapis.com/auth/documents.readonly")

	t.Run("legacy errors[] on 403", func(t *testing.T) {
		s := newDataEmu(t)
		rec := s.Get(calURL(), s.Token(apitest.Alice, "openid"))
		e := apitest.WantError(t, rec, 403, "PERMISSION_DENIED", "Request had insufficient authentication scopes.")
		if len(e.Error.Errors) != 1 || e.Error.Errors[0].Reason != "insufficientPermissions" {
			t.Errorf("errors[] = %+v", e.Error.Errors)
		}
	})
}

func TestCalendarPerAccount(t *testing.T) {
	s := newDataEmu(t)
	for _, c := range []struct{ email, only string }{
		{apitest.Alice, "Pick up dry cleaning"},
		{apitest.Bob, "Bike service"},
		{apitest.Carol, "Workspace admin training"},
	} {
		t.Run(c.email, func(t *testing.T) {
			l := apitest.JSON[calList](t, s.Get(calURL(), s.Token(c.email, calScope)))
			if l.Summary != c.email {
				t.Errorf("summary = %q", l.Summary)
			}
			if _, ok := findEvent(l.Items, c.only); !ok {
				t.Errorf("%s's calendar lacks %q", c.email, c.only)
			}
		})
	}
}

func TestCalendarSearch(t *testing.T) {
	s := newDataEmu(t)
	tok := s.Token(apitest.Alice, calScope)
	cases := []struct {
		name, q string
		want    []string
	}{
		{"summary, any case", "GYM", []string{"Gym"}},
		{"location", "Heathrow", []string{"Flight BA 117 LHR → JFK"}},
		{"description", "Left Hand of Darkness", []string{"Book club"}},
		{"no match", "zebra", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := apitest.JSON[calList](t, s.Get(calURL("q", c.q, "singleEvents", "true"), tok))
			var got []string
			for _, it := range l.Items {
				if !slices.Contains(got, it.Summary) {
					got = append(got, it.Summary)
				}
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("q=%q matched %v, want %v", c.q, got, c.want)
			}
		})
	}
}

// typedEvent is an event with its type's properties, raw, to check which
// properties object each type carries.
type typedEvent struct {
	Summary                   string          `json:"summary"`
	EventType                 string          `json:"eventType"`
	Transparency              string          `json:"transparency"`
	Visibility                string          `json:"visibility"`
	Recurrence                []string        `json:"recurrence"`
	RecurringEventID          string          `json:"recurringEventId"`
	ID                        string          `json:"id"`
	Start                     map[string]any  `json:"start"`
	BirthdayProperties        json.RawMessage `json:"birthdayProperties"`
	FocusTimeProperties       json.RawMessage `json:"focusTimeProperties"`
	OutOfOfficeProperties     json.RawMessage `json:"outOfOfficeProperties"`
	WorkingLocationProperties json.RawMessage `json:"workingLocationProperties"`
}

func listTyped(t *testing.T, s *testEmu, tok string, kv ...string) []typedEvent {
	t.Helper()
	rec := s.Get(calURL(append([]string{"timeMin", apitest.Now.Add(-48 * time.Hour).Format(time.RFC3339)}, kv...)...), tok)
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	return apitest.JSON[struct{ Items []typedEvent }](t, rec).Items
}

func TestCalendarEventTypes(t *testing.T) {
	s := newDataEmu(t)
	tok := s.Token(apitest.Alice, calScope)

	t.Run("every type is seeded, each with its properties", func(t *testing.T) {
		byType := map[string][]typedEvent{}
		for _, e := range listTyped(t, s, tok, "singleEvents", "true", "orderBy", "startTime") {
			byType[e.EventType] = append(byType[e.EventType], e)
		}
		for _, typ := range eventTypes {
			if len(byType[typ]) == 0 {
				t.Errorf("no %s event listed by default", typ)
			}
		}
		props := map[string]func(e typedEvent) json.RawMessage{
			"birthday":        func(e typedEvent) json.RawMessage { return e.BirthdayProperties },
			"focusTime":       func(e typedEvent) json.RawMessage { return e.FocusTimeProperties },
			"outOfOffice":     func(e typedEvent) json.RawMessage { return e.OutOfOfficeProperties },
			"workingLocation": func(e typedEvent) json.RawMessage { return e.WorkingLocationProperties },
		}
		for typ, evs := range byType {
			for _, e := range evs {
				for ptyp, get := range props {
					if has := len(get(e)) > 0; has != (ptyp == typ) {
						t.Errorf("%s event %q: %sProperties present = %v", typ, e.Summary, ptyp, has)
					}
				}
			}
		}
		b := byType["birthday"][0]
		var bp calBirthdayProperties
		json.Unmarshal(b.BirthdayProperties, &bp)
		if bp.Type != "birthday" || !strings.HasPrefix(bp.Contact, "people/c") || b.Transparency != "transparent" ||
			b.RecurringEventID == "" || b.Start["date"] == nil || !regexp.MustCompile(`_\d{8}$`).MatchString(b.ID) {
			t.Errorf("birthday = %+v, properties %+v", b, bp)
		}
		var wl []calWorkingLocationProperties
		for _, e := range byType["workingLocation"] {
			var p calWorkingLocationProperties
			json.Unmarshal(e.WorkingLocationProperties, &p)
			wl = append(wl, p)
		}
		if len(wl) != 2 || wl[0].Type != "homeOffice" || wl[0].HomeOffice == nil ||
			wl[1].Type != "officeLocation" || wl[1].OfficeLocation == nil || wl[1].OfficeLocation.Label == "" {
			t.Errorf("working locations = %+v", wl)
		}
		var ft calFocusTimeProperties
		json.Unmarshal(byType["focusTime"][0].FocusTimeProperties, &ft)
		if ft.ChatStatus != "doNotDisturb" || ft.AutoDeclineMode == "" {
			t.Errorf("focusTimeProperties = %+v", ft)
		}
		var oo calOutOfOfficeProperties
		json.Unmarshal(byType["outOfOffice"][0].OutOfOfficeProperties, &oo)
		if oo.AutoDeclineMode != "declineAllConflictingInvitations" || oo.DeclineMessage == "" {
			t.Errorf("outOfOfficeProperties = %+v", oo)
		}
	})

	t.Run("the birthday series recurs yearly", func(t *testing.T) {
		for _, e := range listTyped(t, s, tok, "eventTypes", "birthday") {
			if len(e.Recurrence) != 1 || e.Recurrence[0] != "RRULE:FREQ=YEARLY" {
				t.Errorf("birthday series recurrence = %v", e.Recurrence)
			}
		}
	})

	t.Run("eventTypes filters, repeated", func(t *testing.T) {
		got := map[string]int{}
		for _, e := range listTyped(t, s, tok, "singleEvents", "true", "eventTypes", "workingLocation", "eventTypes", "outOfOffice") {
			got[e.EventType]++
		}
		if len(got) != 2 || got["workingLocation"] != 2 || got["outOfOffice"] != 1 {
			t.Errorf("types listed = %v", got)
		}
		for _, e := range listTyped(t, s, tok, "singleEvents", "true", "eventTypes", "default") {
			if e.EventType != "default" {
				t.Errorf("eventTypes=default listed a %s event", e.EventType)
			}
		}
	})

	t.Run("an unknown type is refused", func(t *testing.T) {
		apitest.WantError(t, s.Get(calURL("eventTypes", "meeting"), tok), 400, "INVALID_ARGUMENT", "")
	})

	t.Run("a page token is tied to its eventTypes", func(t *testing.T) {
		rec := s.Get(calURL("maxResults", "1", "eventTypes", "default"), tok)
		next := apitest.JSON[struct{ NextPageToken string }](t, rec).NextPageToken
		if next == "" {
			t.Fatal("no next page")
		}
		apitest.WantError(t, s.Get(calURL("maxResults", "1", "eventTypes", "birthday", "pageToken", next), tok), 400, "INVALID_ARGUMENT", "")
	})
}
