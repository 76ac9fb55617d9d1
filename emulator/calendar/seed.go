package calendar

import (
	"strings"
	"time"
	_ "time/tzdata" // the seed's zones must resolve on machines without zoneinfo

	"github.com/scopewise/scopewise/emulator/seed"
)

// calendarZone is every fake account's calendar time zone.
const calendarZone = "Europe/London"

// eventSpec is one seed event, placed in time only when the calendar is read:
// relative to the current hour (hours) or to the start of today (day + at),
// both on the emulator's clock, so "in two hours" stays true as time moves.
type eventSpec struct {
	key         string // stable name the ID derives from
	summary     string
	description string
	location    string

	// When. Exactly one form is used:
	//   fixed:   fixedStart to fixedEnd (a configured event; with allDay, whole days)
	//   relHour: start = current hour (calendar zone) + hours
	//   allDay:  on day `day` (0 = today), lasting `days` days
	//   else:    on day `day` at `at` in `zone` (default the calendar's)
	fixed      bool
	fixedStart time.Time
	fixedEnd   time.Time
	relHour    bool
	hours      time.Duration
	day        int
	at         time.Duration
	allDay     bool
	days       int
	dur        time.Duration
	zone       string // the event's own time zone, when not the calendar's
	endZone    string // a different zone for the end (a flight)

	weekly      int    // > 0: a weekly series of that many occurrences
	yearly      bool   // a yearly series (birthdays); this year's and next year's occurrences
	cancelled   bool   // status "cancelled": hidden unless showDeleted=true
	transparent bool   // does not block time (holidays)
	organizer   string // email; "" means the calendar's owner
	attendees   []string

	// eventType is "" for "default", else one of Google's other types, with
	// the properties object that type carries (FIDELITY.md).
	eventType       string
	birthday        *calBirthdayProperties
	focusTime       *calFocusTimeProperties
	outOfOffice     *calOutOfOfficeProperties
	workingLocation *calWorkingLocationProperties
	visibility      string
}

func atHM(h, m int) time.Duration { return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute }

// calendarSeed is one account's events: about thirty across the past week and
// the next six, so a page of ten leaves more to fetch.
func calendarSeed(a seed.Account, all []seed.Account) []eventSpec {
	first := func(acc seed.Account) string { name, _, _ := strings.Cut(acc.Name, " "); return name }
	// Each account has a 1:1 with the next account, organised by that one.
	peer := all[0]
	for i, acc := range all {
		if acc.Email == a.Email {
			peer = all[(i+1)%len(all)]
		}
	}
	specs := []eventSpec{
		// In the past: listed only when timeMin reaches back.
		{key: "retro", summary: "Sprint retro", day: -2, at: atHM(16, 0), dur: time.Hour,
			description: "What went well, what did not, what we try next."},
		{key: "dentist", summary: "Dentist", day: -1, at: atHM(8, 30), dur: 45 * time.Minute,
			location: "12 High Street, London N1 9GU"},

		// Around now: started at the top of the hour, still going.
		{key: "focus", summary: "Focus time", relHour: true, hours: 0, dur: 90 * time.Minute,
			description: "Notifications off.", eventType: "focusTime",
			focusTime: &calFocusTimeProperties{AutoDeclineMode: "declineOnlyNewConflictingInvitations",
				DeclineMessage: "Declined because I am in focus time.", ChatStatus: "doNotDisturb"}},
		{key: "design-review", summary: "Design review: consent screens", relHour: true, hours: 2 * time.Hour, dur: time.Hour,
			location:    "Room 3.14 (second floor)",
			description: "Walk through the granular consent screens.\n\nAgenda:\n1. Checkboxes\n2. Partial grants\n3. Revocation"},
		{key: "one-on-one", summary: "1:1 with " + first(peer), relHour: true, hours: 4 * time.Hour, dur: 30 * time.Minute,
			organizer: peer.Email, attendees: []string{peer.Email, a.Email}},

		// A weekly series: expanded into instances with singleEvents=true.
		{key: "team-sync", summary: "Team sync", day: -7, at: atHM(9, 30), dur: 30 * time.Minute, weekly: 10,
			location: "Video call", description: "Weekly: blockers, demos, decisions."},

		{key: "lunch", summary: "Lunch with " + first(peer), day: 1, at: atHM(12, 30), dur: time.Hour,
			location: "Dishoom, 5 Stable St, London N1C 4AB"},
		{key: "qa", summary: `Q&A: <Tags> & "quotes"`, day: 2, at: atHM(14, 0), dur: 30 * time.Minute,
			description: `<b>Bring</b> questions &amp; ideas. <a href="https://example.com/agenda">Agenda</a>`},
		{key: "vendor-call", summary: "Vendor call", day: 2, at: atHM(11, 0), dur: 30 * time.Minute, cancelled: true,
			description: "Cancelled by the vendor."},
		{key: "offsite", summary: "Company offsite", allDay: true, day: 3, days: 2,
			location: "Brighton", description: "Two days by the sea. Trains leave at 08:10."},
		{key: "report-deadline", summary: "Deadline: quarterly report", allDay: true, day: 4, days: 1},
		{key: "flight", summary: "Flight BA 117 LHR → JFK", day: 5, at: atHM(10, 15), dur: 8*time.Hour + 5*time.Minute,
			zone: "Europe/London", endZone: "America/New_York", location: "Heathrow Terminal 5",
			eventType: "fromGmail", visibility: "private", description: "Added from a booking confirmation in Gmail."},
		{key: "ny-call", summary: "Call with the New York office", day: 6, at: atHM(10, 0), dur: 45 * time.Minute,
			zone: "America/New_York"},
		{key: "deploy", summary: "Late-night deploy", day: 6, at: atHM(23, 30), dur: 90 * time.Minute,
			description: "Crosses midnight."},
		{key: "tokyo", summary: "会議 — Tokyo team sync", day: 8, at: atHM(8, 0), dur: 45 * time.Minute,
			description: "議題: 四半期の計画 🗾"},
		{key: "dinner", summary: "Dinner with friends", day: 9, at: atHM(19, 30), dur: 2 * time.Hour,
			location: "Padella, 6 Southwark St, London SE1 1TQ"},
		{key: "bank-holiday", summary: "Bank holiday", allDay: true, day: 10, days: 1, transparent: true},
		{key: "parents-evening", summary: "Parents' evening", day: 11, at: atHM(18, 0), dur: time.Hour},
		{key: "birthday", summary: first(peer) + "'s birthday", allDay: true, day: 2, days: 1, transparent: true,
			yearly: true, eventType: "birthday", visibility: "private",
			birthday: &calBirthdayProperties{Type: "birthday", Contact: "people/c" + seed.Hex(19, "contact", a.Email, peer.Email)}},
		// Working locations: all-day, transparent, one per weekday set.
		{key: "wl-home", summary: "Home", allDay: true, day: 1, days: 1, transparent: true, visibility: "public",
			eventType: "workingLocation", workingLocation: &calWorkingLocationProperties{Type: "homeOffice", HomeOffice: &struct{}{}}},
		{key: "wl-office", summary: "London office", allDay: true, day: 2, days: 1, transparent: true, visibility: "public",
			eventType: "workingLocation", workingLocation: &calWorkingLocationProperties{Type: "officeLocation",
				OfficeLocation: &calOfficeLocation{BuildingID: "LON-KX1", FloorID: "3", Label: "London office"}}},
		{key: "ooo", summary: "Out of office", day: 4, at: 0, dur: 48 * time.Hour,
			eventType: "outOfOffice", outOfOffice: &calOutOfOfficeProperties{AutoDeclineMode: "declineAllConflictingInvitations",
				DeclineMessage: "I am away for two days and will reply when I am back."}},
		{key: "book-club", summary: "Book club", day: 14, at: atHM(19, 0), dur: 90 * time.Minute,
			location: "The London Library, 14 St James's Square", description: "This month: The Left Hand of Darkness."},
		{key: "planning", summary: "Quarterly planning", day: 15, at: atHM(9, 0), dur: 8 * time.Hour,
			location: "Room 1.01"},
		{key: "conference", summary: "Conference: GopherCon EU", allDay: true, day: 20, days: 3, location: "Berlin"},
		{key: "checkup", summary: "Dentist check-up", day: 30, at: atHM(9, 0), dur: 30 * time.Minute,
			location: "12 High Street, London N1 9GU"},
		{key: "holiday", summary: "Holiday 🏖️", allDay: true, day: 40, days: 7, transparent: true},
	}
	for i, d := range []int{1, 3, 5, 8, 10, 12, 15, 17} {
		specs = append(specs, eventSpec{key: "gym-" + string(rune('a'+i)), summary: "Gym", day: d, at: atHM(7, 0),
			dur: 45 * time.Minute, location: "Better Gym, King's Cross"})
	}
	switch first(a) {
	case "Alice":
		specs = append(specs, eventSpec{key: "dry-cleaning", summary: "Pick up dry cleaning", day: 1, at: atHM(17, 30), dur: 15 * time.Minute})
	case "Bob":
		specs = append(specs, eventSpec{key: "bike", summary: "Bike service", day: 2, at: atHM(8, 0), dur: time.Hour, location: "Brick Lane Bikes"})
	default:
		specs = append(specs, eventSpec{key: "admin-training", summary: "Workspace admin training", day: 3, at: atHM(15, 0), dur: 2 * time.Hour})
	}
	return specs
}
