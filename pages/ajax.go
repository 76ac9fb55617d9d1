package pages

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/scopewise/scopewise/internal/apis"
	"github.com/scopewise/scopewise/internal/grants"
	"github.com/scopewise/scopewise/internal/web"
	"github.com/scopewise/scopewise/views"
)

// The Ajax page: the three pages' features on one page, with ONE token client.
// Opening a section is the user gesture that calls
// requestAccessToken({scope: <the section's scope>}); the answer goes to the
// section's own page postback (POST /docs, /calendar, /photos), whose
// fragments replace elements of the same id here. With include_granted_scopes
// (the default) the one token grows section by section. assets/js/ajax.js
// does the work; this server only renders the sections.

// AjaxView is the Ajax page's view model.
type AjaxView struct {
	Page     views.Page
	ClientID string
	Sections []AjaxSection
	// DocSamples are documents to open from the Docs section (emulator mode).
	DocSamples DocSamples
}

// AjaxSection is one collapsed section, with the page button's name.
type AjaxSection struct {
	Key        string // "docs": prefixes element ids
	Title      string // the section's heading
	Button     string // the disclosure button's name: the page button's, which page tests rely on
	Scope      string
	Permission string
	Postback   string // the page route its token is posted to
	// Module is the module its answers need, imported with its first
	// postback (views.TokenClient.Module).
	Module string
}

// PanelID is the id of the element the disclosure button shows and hides.
func (s AjaxSection) PanelID() string { return "ajax-" + s.Key + "-panel" }

// TitleID is the id of the section's heading.
func (s AjaxSection) TitleID() string { return "ajax-" + s.Key + "-title" }

// ajaxSections are the page's sections, in the order the seed shows them.
func ajaxSections() []AjaxSection {
	sections := []AjaxSection{
		{Key: "docs", Title: "Docs to read", Button: docsPostback.Button, Scope: apis.DocsScope, Postback: "/docs"},
		{Key: "calendar", Title: "Upcoming events", Button: calendarPostback.Button, Scope: apis.CalendarScope, Postback: "/calendar"},
		{Key: "photos", Title: "Display photos", Button: photosPostback.Button, Scope: apis.PickerScope, Postback: "/photos", Module: photosModuleName},
	}
	for i := range sections {
		s, _ := grants.Lookup(sections[i].Scope)
		sections[i].Permission = s.Permission
	}
	return sections
}

// Ajax renders the page: GET /ajax.
func (p *Pages) Ajax(c echo.Context) error {
	page := p.withGIS(c, "All three on one page")
	page.Assets = p.assets.ajax
	v := AjaxView{Page: page, ClientID: p.Config.ClientID(), Sections: ajaxSections()}
	if p.Config.EmulatorMode() {
		v.DocSamples = p.DocSamples
	}
	return web.Render(c, http.StatusOK, AjaxPage(v))
}
