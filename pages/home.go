package pages

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/scopewise/scopewise/internal/grants"
	"github.com/scopewise/scopewise/internal/web"
	"github.com/scopewise/scopewise/views"
)

// HomeView is the home page's view model.
type HomeView struct {
	Page   views.Page
	Scopes []grants.Scope
	Facts  []ConsentFact
}

// Home renders GET /.
func (p *Pages) Home(c echo.Context) error {
	return web.Render(c, http.StatusOK, HomePage(HomeView{Page: p.Base(c, "Incremental authorization, page by page"), Scopes: grants.Catalog, Facts: consentFacts}))
}
