package calendar

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/scopewise/scopewise/emulator/internal/googleapi"
	"github.com/scopewise/scopewise/emulator/seed"
)

// Calendar v3 events.list (FIDELITY.md):
// GET /calendar/v3/calendars/{calendarId}/events

// calendarScopes are the scopes events.list accepts, in the order Google's
// 403 header names them.
var calendarScopes = []string{
	"https://www.googleapis.com/auth/calendar.readonly",
	"https://www.googleapis.com/auth/calendar",
	"https://www.googleapis.com/auth/calendar.events.readonly",
	"https://www.googleapis.com/auth/calendar.events",
}

const (
	calendarDefaultMaxResults = 250
	calendarMaxMaxResults     = 2500
)

// calEvents is the events.list response.
type calEvents struct {
	Kind             string        `json:"kind"`
	Etag             string        `json:"etag"`
	Summary          string        `json:"summary"`
	Description      string        `json:"description"`
	Updated          string        `json:"updated"`
	TimeZone         string        `json:"timeZone"`
	AccessRole       string        `json:"accessRole"`
	DefaultReminders []calReminder `json:"defaultReminders"`
	NextPageToken    string        `json:"nextPageToken,omitempty"`
	Items            []calEvent    `json:"items"`
}

type calEvent struct {
	Kind              string         `json:"kind"`
	Etag              string         `json:"etag"`
	ID                string         `json:"id"`
	Status            string         `json:"status"`
	HTMLLink          string         `json:"htmlLink"`
	Created           string         `json:"created"`
	Updated           string         `json:"updated"`
	Summary           string         `json:"summary,omitempty"`
	Description       string         `json:"description,omitempty"`
	Location          string         `json:"location,omitempty"`
	Creator           calPerson      `json:"creator"`
	Organizer         calPerson      `json:"organizer"`
	Start             calTime        `json:"start"`
	End               calTime        `json:"end"`
	Recurrence        []string       `json:"recurrence,omitempty"`
	RecurringEventID  string         `json:"recurringEventId,omitempty"`
	OriginalStartTime *calTime       `json:"originalStartTime,omitempty"`
	Transparency      string         `json:"transparency,omitempty"`
	Visibility        string         `json:"visibility,omitempty"`
	ICalUID           string         `json:"iCalUID"`
	Sequence          int            `json:"sequence"`
	Attendees         []calAttendee  `json:"attendees,omitempty"`
	Reminders         calReminderUse `json:"reminders"`
	EventType         string         `json:"eventType"`

	BirthdayProperties        *calBirthdayProperties        `json:"birthdayProperties,omitempty"`
	FocusTimeProperties       *calFocusTimeProperties       `json:"focusTimeProperties,omitempty"`
	OutOfOfficeProperties     *calOutOfOfficeProperties     `json:"outOfOfficeProperties,omitempty"`
	WorkingLocationProperties *calWorkingLocationProperties `json:"workingLocationProperties,omitempty"`

	// For filtering and ordering; not part of the JSON.
	start, end, updated time.Time
}

// The properties each event type carries (Event resource reference).
type calBirthdayProperties struct {
	Contact        string `json:"contact,omitempty"` // "people/c…": the People API contact
	Type           string `json:"type"`              // birthday, anniversary, custom, other, self
	CustomTypeName string `json:"customTypeName,omitempty"`
}

type calFocusTimeProperties struct {
	AutoDeclineMode string `json:"autoDeclineMode"`
	DeclineMessage  string `json:"declineMessage,omitempty"`
	ChatStatus      string `json:"chatStatus"`
}

type calOutOfOfficeProperties struct {
	AutoDeclineMode string `json:"autoDeclineMode"`
	DeclineMessage  string `json:"declineMessage,omitempty"`
}

type calWorkingLocationProperties struct {
	Type           string             `json:"type"` // homeOffice, officeLocation, customLocation
	HomeOffice     *struct{}          `json:"homeOffice,omitempty"`
	CustomLocation *calCustomLocation `json:"customLocation,omitempty"`
	OfficeLocation *calOfficeLocation `json:"officeLocation,omitempty"`
}

type calCustomLocation struct {
	Label string `json:"label"`
}

type calOfficeLocation struct {
	BuildingID string `json:"buildingId,omitempty"`
	FloorID    string `json:"floorId,omitempty"`
	Label      string `json:"label,omitempty"`
}

// eventTypes are events.list's eventTypes values, in the reference's order.
var eventTypes = []string{"birthday", "default", "focusTime", "fromGmail", "outOfOffice", "workingLocation"}

type calPerson struct {
	Email string `json:"email"`
	Self  bool   `json:"self,omitempty"`
}

type calAttendee struct {
	Email          string `json:"email"`
	Organizer      bool   `json:"organizer,omitempty"`
	Self           bool   `json:"self,omitempty"`
	ResponseStatus string `json:"responseStatus"`
}

// calTime is an event's start or end: dateTime for timed events, date for
// all-day ones (the end date is exclusive).
type calTime struct {
	Date     string `json:"date,omitempty"`
	DateTime string `json:"dateTime,omitempty"`
	TimeZone string `json:"timeZone,omitempty"`
}

type calReminder struct {
	Method  string `json:"method"`
	Minutes int    `json:"minutes"`
}

type calReminderUse struct {
	UseDefault bool `json:"useDefault"`
}

// eventsQuery is events.list's parameters, checked.
type eventsQuery struct {
	timeMin, timeMax time.Time // zero: unbounded
	maxResults       int
	singleEvents     bool
	orderBy          string
	showDeleted      bool
	q                string
	types            []string       // eventTypes; empty: every type
	out              *time.Location // timeZone parameter, else the calendar's
	page             *eventsPageToken
	fingerprint      string
}

// eventsPageToken is what nextPageToken carries: where the next page starts,
// the clock reading the first page was placed at (so events relative to "now"
// do not shift between pages), and a fingerprint of the query it belongs to.
type eventsPageToken struct {
	Offset int    `json:"o"`
	Anchor int64  `json:"a"` // UnixNano
	Query  string `json:"q"`
}

func (t eventsPageToken) encode() string {
	b, _ := json.Marshal(t)
	return base64.RawURLEncoding.EncodeToString(b)
}

// calendarBadRequest is a 400 in Calendar's envelope.
type calendarBadRequest struct {
	message, reason, domain, location string
}

// Events is events.list.
func (s *Service) Events(w http.ResponseWriter, r *http.Request) {
	tok, ok := googleapi.Authorize(w, r, s.tokens, googleapi.Calendar, calendarScopes...)
	if !ok {
		return
	}
	calID := r.PathValue("calendarId")
	if calID != "primary" && !strings.EqualFold(calID, tok.Account) {
		// Another user's calendar, or one that does not exist: Google does not
		// say which.
		googleapi.WriteError(w, googleapi.Calendar, http.StatusNotFound, "NOT_FOUND", "Not Found", "")
		return
	}
	cal, _ := time.LoadLocation(calendarZone)
	q, bad := parseEventsQuery(r.URL.Query(), tok.Account, cal)
	if bad != nil {
		googleapi.WriteErrorItem(w, googleapi.Calendar, http.StatusBadRequest, "INVALID_ARGUMENT", bad.message, "",
			googleapi.ErrorItem{Reason: bad.reason, Domain: bad.domain, Location: bad.location, LocationType: locationType(bad.location)})
		return
	}
	anchor := s.clock.Now()
	offset := 0
	if q.page != nil {
		anchor, offset = time.Unix(0, q.page.Anchor), q.page.Offset
	}
	all := s.calendarEvents(tok.Account, anchor, cal, q.out)
	items := selectEvents(all, q)
	if offset > len(items) {
		googleapi.WriteErrorItem(w, googleapi.Calendar, http.StatusBadRequest, "INVALID_ARGUMENT", msgBadPageToken, "",
			googleapi.ErrorItem{Reason: "invalid", Location: "pageToken", LocationType: "parameter"})
		return
	}
	resp := calEvents{
		Kind:             "calendar#events",
		Summary:          tok.Account,
		Description:      "",
		TimeZone:         calendarZone,
		AccessRole:       "owner", // the account's own primary calendar
		DefaultReminders: []calReminder{{Method: "popup", Minutes: 10}},
		Items:            items[offset:min(offset+q.maxResults, len(items))],
	}
	if end := offset + q.maxResults; end < len(items) {
		resp.NextPageToken = eventsPageToken{Offset: end, Anchor: anchor.UnixNano(), Query: q.fingerprint}.encode()
	}
	var updated time.Time
	for _, e := range all {
		if e.updated.After(updated) {
			updated = e.updated
		}
	}
	resp.Updated = formatCalendarStamp(updated)
	resp.Etag = `"p3` + seed.Hex(14, "calendar-etag", tok.Account, resp.Updated) + `"`
	googleapi.WriteFields(w, r, googleapi.Calendar, resp)
}

const msgBadPageToken = "Invalid page token value."

func locationType(location string) string {
	if location == "" {
		return ""
	}
	return "parameter"
}

// parseEventsQuery checks events.list's parameters as Google does.
func parseEventsQuery(v url.Values, account string, cal *time.Location) (eventsQuery, *calendarBadRequest) {
	q := eventsQuery{maxResults: calendarDefaultMaxResults, out: cal}
	// timeMin/timeMax must be RFC 3339 with an offset; Google answers a bare
	// "2026-01-01T10:00:00" with a plain "Bad Request".
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"timeMin", &q.timeMin}, {"timeMax", &q.timeMax}} {
		if raw := v.Get(p.name); raw != "" {
			t, err := time.Parse(time.RFC3339Nano, raw)
			if err != nil {
				return q, &calendarBadRequest{message: "Bad Request", reason: "badRequest"}
			}
			*p.dst = t
		}
	}
	if !q.timeMin.IsZero() && !q.timeMax.IsZero() && !q.timeMax.After(q.timeMin) {
		return q, &calendarBadRequest{message: "The specified time range is empty.", reason: "timeRangeEmpty", domain: "calendar", location: "timeMax"}
	}
	if raw := v.Get("maxResults"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			return q, &calendarBadRequest{
				message:  fmt.Sprintf("Invalid value '%s'. Values must be within the range: [1, %d]", raw, calendarMaxMaxResults),
				reason:   "invalid",
				location: "maxResults",
			}
		}
		q.maxResults = min(n, calendarMaxMaxResults) // "can never be larger than 2500"
	}
	for _, p := range []struct {
		name string
		dst  *bool
	}{{"singleEvents", &q.singleEvents}, {"showDeleted", &q.showDeleted}} {
		if raw := v.Get(p.name); raw != "" {
			b, err := strconv.ParseBool(raw)
			if err != nil {
				return q, &calendarBadRequest{message: fmt.Sprintf("Invalid value '%s'. Values must be true or false.", raw), reason: "invalid", location: p.name}
			}
			*p.dst = b
		}
	}
	switch q.orderBy = v.Get("orderBy"); q.orderBy {
	case "", "updated":
	case "startTime":
		if !q.singleEvents {
			return q, &calendarBadRequest{message: "The requested ordering is not available for the particular query.", reason: "invalid", location: "orderBy"}
		}
	default:
		return q, &calendarBadRequest{message: fmt.Sprintf("Invalid value '%s'. Values must be one of: startTime, updated", q.orderBy), reason: "invalid", location: "orderBy"}
	}
	if tz := v.Get("timeZone"); tz != "" {
		loc, err := time.LoadLocation(tz)
		if err != nil || tz == "Local" {
			return q, &calendarBadRequest{message: "Invalid time zone definition.", reason: "invalid", location: "timeZone"}
		}
		q.out = loc
	}
	q.q = strings.TrimSpace(v.Get("q"))
	// eventTypes is repeatable; without it every type is listed.
	for _, t := range v["eventTypes"] {
		if !slices.Contains(eventTypes, t) {
			return q, &calendarBadRequest{
				message:  fmt.Sprintf("Invalid value '%s'. Values must be one of: %s", t, strings.Join(eventTypes, ", ")),
				reason:   "invalid",
				location: "eventTypes",
			}
		}
		if !slices.Contains(q.types, t) {
			q.types = append(q.types, t)
		}
	}
	sortedTypes := slices.Sorted(slices.Values(q.types))
	// The page token is only good for the query that made it.
	q.fingerprint = seed.Hex(16, "events", account, v.Get("timeMin"), v.Get("timeMax"),
		strconv.FormatBool(q.singleEvents), q.orderBy, strconv.FormatBool(q.showDeleted), q.q, q.out.String(),
		strings.Join(sortedTypes, ","))
	if raw := v.Get("pageToken"); raw != "" {
		b, err := base64.RawURLEncoding.DecodeString(raw)
		var t eventsPageToken
		if err != nil || json.Unmarshal(b, &t) != nil || t.Query != q.fingerprint || t.Offset < 0 || t.Anchor <= 0 {
			return q, &calendarBadRequest{message: msgBadPageToken, reason: "invalid", location: "pageToken"}
		}
		q.page = &t
	}
	return q, nil
}

// selectEvents filters, expands and orders the calendar as the query asks.
func selectEvents(all []calEvent, q eventsQuery) []calEvent {
	var out []calEvent
	for _, e := range all {
		if e.Status == "cancelled" && !q.showDeleted {
			continue
		}
		if q.q != "" && !matchesText(e, q.q) {
			continue
		}
		if len(q.types) > 0 && !slices.Contains(q.types, e.EventType) {
			continue
		}
		if len(e.Recurrence) > 0 && q.singleEvents {
			continue // instances stand in for the series
		}
		if e.RecurringEventID != "" && !q.singleEvents {
			continue // the series stands in for its instances
		}
		if len(e.Recurrence) > 0 {
			// A series is listed when any of its instances is in range.
			if !seriesInRange(all, e.ID, q) {
				continue
			}
		} else if !inRange(e, q) {
			continue
		}
		out = append(out, e)
	}
	// Without orderBy Google promises only "an unspecified, stable order".
	byID := func(a, b calEvent) int { return strings.Compare(a.ID, b.ID) }
	switch q.orderBy {
	case "startTime":
		slices.SortFunc(out, func(a, b calEvent) int { return cmp.Or(a.start.Compare(b.start), byID(a, b)) })
	case "updated":
		slices.SortFunc(out, func(a, b calEvent) int { return cmp.Or(a.updated.Compare(b.updated), byID(a, b)) })
	default:
		slices.SortFunc(out, byID)
	}
	return out
}

// inRange: timeMin bounds the end and timeMax the start, both exclusive.
func inRange(e calEvent, q eventsQuery) bool {
	return (q.timeMin.IsZero() || e.end.After(q.timeMin)) && (q.timeMax.IsZero() || e.start.Before(q.timeMax))
}

func seriesInRange(all []calEvent, seriesID string, q eventsQuery) bool {
	for _, e := range all {
		if e.RecurringEventID == seriesID && inRange(e, q) {
			return true
		}
	}
	return false
}

func matchesText(e calEvent, q string) bool {
	q = strings.ToLower(q)
	fields := []string{e.Summary, e.Description, e.Location}
	if wl := e.WorkingLocationProperties; wl != nil {
		if wl.OfficeLocation != nil {
			fields = append(fields, wl.OfficeLocation.BuildingID, wl.OfficeLocation.Label)
		}
		if wl.CustomLocation != nil {
			fields = append(fields, wl.CustomLocation.Label)
		}
	}
	for _, f := range fields {
		if strings.Contains(strings.ToLower(f), q) {
			return true
		}
	}
	return false
}

// calendarEvents places an account's seed events relative to anchor (the
// emulator's clock): each single event, each series, and each series'
// instances. Times are written in out's zone.
func (s *Service) calendarEvents(email string, anchor time.Time, cal, out *time.Location) []calEvent {
	local := anchor.In(cal)
	y, m, d := local.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, cal)
	hour := local.Truncate(time.Hour)
	var evs []calEvent
	for _, spec := range s.events[email] {
		base := spec.base(email, today)
		occ := spec.occurrences(y, m, d, hour, cal)
		if spec.weekly == 0 && !spec.yearly {
			ev := base
			ev.ID = spec.id(email)
			spec.setTimes(&ev, occ[0], out, cal)
			evs = append(evs, finishEvent(ev, email))
			continue
		}
		series := base
		series.ID = spec.id(email)
		series.Recurrence = []string{fmt.Sprintf("RRULE:FREQ=WEEKLY;COUNT=%d", spec.weekly)}
		if spec.yearly {
			series.Recurrence = []string{"RRULE:FREQ=YEARLY"}
		}
		spec.setTimes(&series, occ[0], out, cal)
		evs = append(evs, finishEvent(series, email))
		for _, o := range occ {
			inst := base
			// An all-day instance's ID ends in its date, a timed one's in its UTC start.
			inst.ID = series.ID + "_" + o.start.UTC().Format("20060102T150405Z")
			if spec.allDay {
				inst.ID = series.ID + "_" + o.start.In(cal).Format("20060102")
			}
			inst.RecurringEventID = series.ID
			spec.setTimes(&inst, o, out, cal)
			orig := inst.Start
			inst.OriginalStartTime = &orig
			evs = append(evs, finishEvent(inst, email))
		}
	}
	return evs
}

type occurrence struct{ start, end time.Time }

// occurrences is when the spec happens, given today's date and the current
// hour in the calendar's zone. time.Date keeps wall-clock times across DST.
func (e eventSpec) occurrences(y int, m time.Month, d int, hour time.Time, cal *time.Location) []occurrence {
	n, years := max(e.weekly, 1), 0
	if e.yearly {
		n = 2 // this year's and next year's: the series itself has no end
	}
	out := make([]occurrence, 0, n)
	for k := range n {
		day := d + e.day + 7*k
		if e.yearly {
			day, years = d+e.day, k
		}
		var o occurrence
		switch {
		case e.fixed:
			o.start, o.end = e.fixedStart, e.fixedEnd
		case e.relHour:
			o.start = hour.Add(e.hours).AddDate(0, 0, 7*k)
			o.end = o.start.Add(e.dur)
		case e.allDay:
			o.start = time.Date(y+years, m, day, 0, 0, 0, 0, cal)
			o.end = time.Date(y+years, m, day+e.days, 0, 0, 0, 0, cal)
		default:
			zone := cal
			if e.zone != "" {
				zone, _ = time.LoadLocation(e.zone)
			}
			o.start = time.Date(y, m, day, int(e.at/time.Hour), int(e.at%time.Hour/time.Minute), 0, 0, zone)
			o.end = o.start.Add(e.dur)
		}
		out = append(out, o)
	}
	return out
}

// base is the event's fields that do not depend on which occurrence it is.
// created/updated are fixed offsets before today, so they are stable all day.
func (e eventSpec) base(email string, today time.Time) calEvent {
	created := today.AddDate(0, 0, -21).Add(time.Duration(seed.Uint(600, "created", email, e.key)) * time.Minute)
	updated := created.Add(time.Duration(1+seed.Uint(48, "updated", email, e.key)) * time.Hour)
	ev := calEvent{
		Kind:        "calendar#event",
		Status:      "confirmed",
		Summary:     e.summary,
		Description: e.description,
		Location:    e.location,
		Creator:     calPerson{Email: email, Self: true},
		Organizer:   calPerson{Email: email, Self: true},
		ICalUID:     e.id(email) + "@google.com",
		Reminders:   calReminderUse{UseDefault: true},
		EventType:   cmp.Or(e.eventType, "default"),
		Visibility:  e.visibility,

		BirthdayProperties:        e.birthday,
		FocusTimeProperties:       e.focusTime,
		OutOfOfficeProperties:     e.outOfOffice,
		WorkingLocationProperties: e.workingLocation,
	}
	if e.cancelled {
		ev.Status = "cancelled"
		ev.Sequence = 1
		updated = today.AddDate(0, 0, -1).Add(9 * time.Hour)
	}
	if e.transparent {
		ev.Transparency = "transparent"
	}
	if e.organizer != "" && e.organizer != email {
		ev.Creator = calPerson{Email: e.organizer}
		ev.Organizer = calPerson{Email: e.organizer}
		for _, a := range e.attendees {
			ev.Attendees = append(ev.Attendees, calAttendee{
				Email: a, Organizer: a == e.organizer, Self: a == email, ResponseStatus: "accepted",
			})
		}
	}
	ev.Created, ev.Updated = formatCalendarStamp(created), formatCalendarStamp(updated)
	ev.updated = updated
	return ev
}

func (e eventSpec) setTimes(ev *calEvent, o occurrence, out, cal *time.Location) {
	ev.start, ev.end = o.start, o.end
	if e.allDay {
		ev.Start = calTime{Date: o.start.In(cal).Format(time.DateOnly)}
		ev.End = calTime{Date: o.end.In(cal).Format(time.DateOnly)}
		return
	}
	zone := cmp.Or(e.zone, calendarZone)
	ev.Start = calTime{DateTime: o.start.In(out).Format(time.RFC3339), TimeZone: zone}
	ev.End = calTime{DateTime: o.end.In(out).Format(time.RFC3339), TimeZone: cmp.Or(e.endZone, zone)}
}

// finishEvent fills what derives from the final ID.
func finishEvent(ev calEvent, email string) calEvent {
	ev.HTMLLink = "https://www.google.com/calendar/event?eid=" + base64.RawURLEncoding.EncodeToString([]byte(ev.ID+" "+email))
	// Google's event etags are the update time in microseconds, doubled.
	ev.Etag = `"` + strconv.FormatInt(ev.updated.UnixMicro()*2, 10) + `"`
	return ev
}

// id is shaped like Google's: base32hex characters (hex is a subset). An
// event someone else organised takes its ID from the organiser.
func (e eventSpec) id(email string) string {
	return seed.Hex(26, "event", cmp.Or(e.organizer, email), e.key)
}

// formatCalendarStamp is Calendar's created/updated form: UTC, milliseconds.
func formatCalendarStamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
