package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// A routed path asked with a method it does not serve is 405 with Allow,
// not the cross-site 403: no handler would run anyway.
func TestSameOriginPostbackLeavesUnroutedMethodsTo405(t *testing.T) {
	e := echo.New()
	e.HTTPErrorHandler = func(err error, c echo.Context) { c.NoContent(asProblem(err).Status) }
	e.Use(SameOriginPostback())
	e.GET("/docs", func(c echo.Context) error { return c.NoContent(http.StatusOK) })
	e.POST("/docs", func(c echo.Context) error { return c.NoContent(http.StatusOK) })
	for _, m := range []string{http.MethodTrace, http.MethodPut, http.MethodDelete, http.MethodPatch} {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(m, "/docs", nil))
		if rec.Code != http.StatusMethodNotAllowed || !strings.Contains(rec.Header().Get("Allow"), "POST") {
			t.Errorf("%s /docs: %d, Allow %q; want 405 with Allow", m, rec.Code, rec.Header().Get("Allow"))
		}
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/docs", nil))
	if rec.Code != http.StatusForbidden {
		t.Errorf("POST without the CSRF token: %d, want 403", rec.Code)
	}
}
