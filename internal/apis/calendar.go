package apis

import (
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
	Link     string
	Start    time.Time
	End      time.Time
	AllDay   bool // Start and End are dates; End is exclusive
}

type eventList struct {
	TimeZone string `json:"timeZone"`
	Items    []struct {
		ID       string        `json:"id"`
		Status   string        `json:"status"`
		HTMLLink string        `json:"htmlLink"`
		Summary  string        `json:"summary"`
		Location string        `json:"location"`
		Start    eventDateTime `json:"start"`
		End      eventDateTime `json:"end"`
	} `json:"items"`
}

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

// Upcoming lists up to max events that end after from, soonest first.
func (c *Calendar) Upcoming(ctx context.Context, token string, from time.Time, max int) ([]Event, error) {
	q := url.Values{
		"timeMin":      {from.UTC().Format(time.RFC3339)},
		"maxResults":   {strconv.Itoa(max)},
		"singleEvents": {"true"},
		"orderBy":      {"startTime"},
	}
	var list eventList
	if err := getJSON(ctx, c.hc, apiCalendar, http.MethodGet, c.base+"/calendars/primary/events?"+q.Encode(), token, &list); err != nil {
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
		events = append(events, Event{ID: it.ID, Summary: summary, Location: it.Location, Link: it.HTMLLink, Start: start, End: end, AllDay: allDay})
	}
	return events, nil
}
