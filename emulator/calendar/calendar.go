// Package calendar is the emulator's Calendar API v3: events.list on each
// fake account's primary calendar, over generated seed events placed
// relative to the emulator's clock (FIDELITY.md).
package calendar

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/scopewise/scopewise/emulator/internal/clock"
	"github.com/scopewise/scopewise/emulator/internal/googleapi"
	"github.com/scopewise/scopewise/emulator/seed"
)

// Service serves the Calendar API. Its data never changes after New, so a
// reset has nothing to forget here.
type Service struct {
	accounts []seed.Account
	events   map[string][]eventSpec // by account email
	clock    *clock.Clock
	tokens   googleapi.Tokens
}

// New builds every account's events and adds extra, which must pass
// Validate.
func New(accounts []seed.Account, extra []Event, c *clock.Clock, tokens googleapi.Tokens) *Service {
	s := &Service{accounts: accounts, events: map[string][]eventSpec{}, clock: c, tokens: tokens}
	for _, a := range accounts {
		s.events[a.Email] = calendarSeed(a, accounts)
	}
	for i, e := range extra {
		if spec, err := e.spec(i); err == nil {
			email := strings.ToLower(e.Account)
			s.events[email] = append(s.events[email], spec)
		}
	}
	return s
}

// Event is a calendar event added to an account's generated ones. Give
// exactly one of: Start and End (RFC 3339 with an offset); Date (all day,
// "2026-12-24", lasting Days days, default 1); or In (a Go duration from the
// start of the emulator clock's current hour, so "in two hours" stays true
// as the clock moves) with Duration.
type Event struct {
	Account     string `json:"account"` // email
	Summary     string `json:"summary"`
	Description string `json:"description,omitempty"`
	Location    string `json:"location,omitempty"`
	Start       string `json:"start,omitempty"`
	End         string `json:"end,omitempty"`
	Date        string `json:"date,omitempty"`
	Days        int    `json:"days,omitempty"`
	In          string `json:"in,omitempty"`
	Duration    string `json:"duration,omitempty"`
}

// Validate checks the i-th configured event (the index keeps IDs unique).
func (e Event) Validate(i int) error {
	_, err := e.spec(i)
	return err
}

// spec turns a configured event into a seed event spec; i keeps keys unique.
func (e Event) spec(i int) (eventSpec, error) {
	sp := eventSpec{key: "config-" + strconv.Itoa(i), summary: e.Summary, description: e.Description, location: e.Location}
	if strings.TrimSpace(e.Summary) == "" {
		return sp, errors.New("a summary is required")
	}
	forms := 0
	for _, set := range []bool{e.Start != "" || e.End != "", e.Date != "", e.In != ""} {
		if set {
			forms++
		}
	}
	if forms != 1 {
		return sp, errors.New(`give exactly one of "start"+"end", "date" (all day) or "in"+"duration"`)
	}
	cal, err := time.LoadLocation(calendarZone)
	if err != nil {
		return sp, err
	}
	switch {
	case e.Start != "":
		start, err1 := time.Parse(time.RFC3339, e.Start)
		end, err2 := time.Parse(time.RFC3339, e.End)
		if err1 != nil || err2 != nil {
			return sp, errors.New(`"start" and "end" must both be RFC 3339 times with an offset, such as 2026-12-01T10:00:00+01:00`)
		}
		if !end.After(start) {
			return sp, errors.New(`"end" must be after "start"`)
		}
		sp.fixed, sp.fixedStart, sp.fixedEnd = true, start, end
	case e.Date != "":
		day, err := time.ParseInLocation(time.DateOnly, e.Date, cal)
		if err != nil {
			return sp, errors.New(`"date" must look like 2026-12-24`)
		}
		days := e.Days
		if days == 0 {
			days = 1
		}
		if days < 1 || days > 366 {
			return sp, errors.New(`"days" must be between 1 and 366`)
		}
		sp.fixed, sp.allDay, sp.days, sp.fixedStart = true, true, days, day
		sp.fixedEnd = day.AddDate(0, 0, days)
	default:
		in, err1 := time.ParseDuration(e.In)
		dur, err2 := time.ParseDuration(e.Duration)
		if err1 != nil || err2 != nil || dur <= 0 {
			return sp, errors.New(`"in" and "duration" must be Go durations such as "2h" and "30m" (duration > 0)`)
		}
		if in < -24*366*time.Hour || in > 24*366*time.Hour {
			return sp, errors.New(`"in" must be within a year of now`)
		}
		sp.relHour, sp.hours, sp.dur = true, in, dur
	}
	if e.Days != 0 && e.Date == "" {
		return sp, errors.New(`"days" goes with "date"`)
	}
	return sp, nil
}
