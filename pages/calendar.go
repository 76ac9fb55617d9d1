package pages

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/scopewise/scopewise/internal/apis"
	"github.com/scopewise/scopewise/internal/web"
	"github.com/scopewise/scopewise/views"
)

// calendarEvents is how many upcoming events the page shows.
const calendarEvents = 10

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
	events, err := p.CalendarAPI.Upcoming(c.Request().Context(), token, p.Now(), calendarEvents)
	if err != nil {
		return p.apiProblem(c, err, token, calendarPostback)
	}
	return web.Render(c, http.StatusOK, views.Fragment(calendarPostback.Target, p.LedgerRows(c), CalendarResults(events)))
}
