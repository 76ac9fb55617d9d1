package apis

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// CalendarScope is the one scope the Calendar page asks for.
const CalendarScope = "https://www.googleapis.com/auth/calendar.readonly"

// Calendar reads events with Calendar v3 events.list.
type Calendar struct {
	base string // …/calendar/v3
	hc   *http.Client
}

// NewCalendar builds a client for the Calendar API at base.
func NewCalendar(base string, hc *http.Client) *Calendar {
	return &Calendar{base: strings.TrimRight(base, "/"), hc: hc}
}

// Event is one calendar event, as the page shows it.
type Event struct {
	ID       string
	Summary  string
	Location string
	Start    time.Time
	End      time.Time
	AllDay   bool // Start and End are dates; End is exclusive

	// Type is Google's eventType: "default", "birthday", "focusTime",
	// "outOfOffice", "workingLocation" or "fromGmail" (another value is
	// kept as sent).
	Type string
	// WorkingLocation is set for a workingLocation event.
	WorkingLocation *WorkingLocation
	// AutoDeclines: a focus time or out-of-office event declines
	// invitations that clash with it.
	AutoDeclines bool
	// DoNotDisturb: a focus time that mutes Chat.
	DoNotDisturb bool
}

// WorkingLocation is where the user works that day: Kind is "homeOffice",
// "officeLocation" or "customLocation"; Label names the office or place.
type WorkingLocation struct {
	Kind  string
	Label string
}

// EventTypes are the event types the Calendar page asks for: all of them,
// named rather than left to the API's default, which has changed before.
var EventTypes = []string{"default", "birthday", "focusTime", "outOfOffice", "workingLocation", "fromGmail"}

type eventList struct {
	TimeZone string `json:"timeZone"`
	Items    []struct {
		ID       string        `json:"id"`
		Status   string        `json:"status"`
		Summary  string        `json:"summary"`
		Location string        `json:"location"`
		Start    eventDateTime `json:"start"`
		End      eventDateTime `json:"end"`

		EventType           string `json:"eventType"`
		FocusTimeProperties *struct {
			AutoDeclineMode string `json:"autoDeclineMode"`
			ChatStatus      string `json:"chatStatus"`
		} `json:"focusTimeProperties"`
		OutOfOfficeProperties *struct {
			AutoDeclineMode string `json:"autoDeclineMode"`
		} `json:"outOfOfficeProperties"`
		WorkingLocationProperties *struct {
			Type           string `json:"type"`
			CustomLocation *struct {
				Label string `json:"label"`
			} `json:"customLocation"`
			OfficeLocation *struct {
				Label      string `json:"label"`
				BuildingID string `json:"buildingId"`
			} `json:"officeLocation"`
		} `json:"workingLocationProperties"`
	} `json:"items"`
}

// declines says whether an autoDeclineMode declines anything.
func declines(mode string) bool { return mode != "" && mode != "declineNone" }

type eventDateTime struct {
	Date     string `json:"date"`
	DateTime string `json:"dateTime"`
	TimeZone string `json:"timeZone"`
}

// parse reads a start or end. All-day dates are read in loc, the calendar's
// time zone.
func (d eventDateTime) parse(loc *time.Location) (t time.Time, allDay bool, ok bool) {
	if d.DateTime != "" {
		t, err := time.Parse(time.RFC3339, d.DateTime)
		return t, false, err == nil
	}
	t, err := time.ParseInLocation(time.DateOnly, d.Date, loc)
	return t, true, err == nil
}

const apiCalendar = "Calendar API"

// UpcomingURL is the events.list call Upcoming makes.
func (c *Calendar) UpcomingURL(from time.Time, max int) string {
	q := url.Values{
		"timeMin":      {from.UTC().Format(time.RFC3339)},
		"maxResults":   {strconv.Itoa(max)},
		"singleEvents": {"true"},
		"orderBy":      {"startTime"},
		"eventTypes":   EventTypes,
	}
	return withFields(c.base+"/calendars/primary/events", q, CalendarFields)
}

// Upcoming lists up to max events that end after from, soonest first.
func (c *Calendar) Upcoming(ctx context.Context, token string, from time.Time, max int) ([]Event, error) {
	var list eventList
	if err := getJSON(ctx, c.hc, apiCalendar, http.MethodGet, c.UpcomingURL(from, max), token, &list); err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(list.TimeZone)
	if err != nil || list.TimeZone == "" {
		loc = time.UTC
	}
	events := make([]Event, 0, len(list.Items))
	for _, it := range list.Items {
		if it.Status == "cancelled" {
			continue
		}
		start, allDay, ok1 := it.Start.parse(loc)
		end, _, ok2 := it.End.parse(loc)
		if !ok1 || !ok2 {
			continue // an event we cannot place in time is not shown
		}
		summary := it.Summary
		if summary == "" {
			summary = "(No title)"
		}
		e := Event{ID: it.ID, Summary: summary, Location: it.Location, Start: start, End: end, AllDay: allDay, Type: it.EventType}
		if e.Type == "" {
			e.Type = "default"
		}
		if p := it.FocusTimeProperties; p != nil {
			e.AutoDeclines, e.DoNotDisturb = declines(p.AutoDeclineMode), p.ChatStatus == "doNotDisturb"
		}
		if p := it.OutOfOfficeProperties; p != nil {
			e.AutoDeclines = declines(p.AutoDeclineMode)
		}
		if p := it.WorkingLocationProperties; p != nil {
			wl := &WorkingLocation{Kind: p.Type}
			switch {
			case p.OfficeLocation != nil:
				wl.Label = cmp.Or(p.OfficeLocation.Label, p.OfficeLocation.BuildingID)
			case p.CustomLocation != nil:
				wl.Label = p.CustomLocation.Label
			}
			e.WorkingLocation = wl
		}
		events = append(events, e)
	}
	return events, nil
}
