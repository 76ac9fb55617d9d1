package pages

import (
	"cmp"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/scopewise/scopewise/internal/apis"
	"github.com/scopewise/scopewise/internal/web"
	"github.com/scopewise/scopewise/views"
)

// CalendarEvents is how many upcoming events the page shows: enough for a
// week of a busy calendar, so that working locations, time off and
// birthdays show among the meetings.
const CalendarEvents = 25

var calendarPostback = postback{Scope: apis.CalendarScope, Target: "calendar-results", Button: "Show calendar info"}

// CalendarView is the Calendar page's view model.
type CalendarView struct {
	Page   views.Page
	Client views.TokenClient
}

// Calendar renders the page: GET /calendar.
func (p *Pages) Calendar(c echo.Context) error {
	v := CalendarView{
		Page:   p.withGIS(c, "Upcoming events"),
		Client: p.tokenClient("calendar", apis.CalendarScope, "/calendar", calendarPostback.Button),
	}
	return web.Render(c, http.StatusOK, CalendarPage(v))
}

// CalendarPostback verifies the page's token and lists the next events:
// POST /calendar with Authorization: Bearer.
func (p *Pages) CalendarPostback(c echo.Context) error {
	token, _, err := p.authorize(c, calendarPostback)
	if err != nil {
		return err
	}
	events, err := p.CalendarAPI.Upcoming(c.Request().Context(), token, p.Now(), CalendarEvents)
	if err != nil {
		return p.apiProblem(c, err, token, calendarPostback)
	}
	return web.Render(c, http.StatusOK, views.Fragment(calendarPostback.Target, p.LedgerRows(c), CalendarResults(events)))
}

// eventKind is what the page calls an event of a type other than a plain
// event ("" for one): a birthday is not a meeting, a working location is
// not an appointment.
func eventKind(e apis.Event) string {
	k := typeName(e.Type)
	if strings.EqualFold(strings.TrimSpace(e.Summary), k) {
		return "" // "Focus time: Focus time" says nothing more
	}
	return k
}

func typeName(t string) string {
	switch t {
	case "birthday":
		return "Birthday"
	case "focusTime":
		return "Focus time"
	case "outOfOffice":
		return "Out of office"
	case "workingLocation":
		return "Working location"
	case "fromGmail":
		return "From Gmail"
	}
	return ""
}

// eventNote is a short line on what the event does beyond its time: where
// the user works, whether invitations are declined.
func eventNote(e apis.Event) string {
	var parts []string
	if wl := e.WorkingLocation; wl != nil {
		switch wl.Kind {
		case "homeOffice":
			parts = append(parts, "Working from home")
		case "officeLocation":
			parts = append(parts, strings.TrimSpace("Working from the office "+wl.Label))
		default:
			parts = append(parts, strings.TrimSpace("Working from "+cmp.Or(wl.Label, "elsewhere")))
		}
	}
	if e.AutoDeclines {
		parts = append(parts, "declines clashing invitations")
	}
	if e.DoNotDisturb {
		parts = append(parts, "Chat set to do not disturb")
	}
	if e.Type == "fromGmail" {
		parts = append(parts, "added from an email in Gmail")
	}
	return strings.Join(parts, "; ")
}
