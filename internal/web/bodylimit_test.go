package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// A body over the limit is 413 whether its length is declared or chunked;
// one within it reaches the handler whole.
func TestBodyLimit(t *testing.T) {
	e := echo.New()
	var got string
	e.Use(BodyLimit(16))
	e.POST("/", func(c echo.Context) error {
		b, _ := io.ReadAll(c.Request().Body)
		got = string(b)
		return c.NoContent(http.StatusNoContent)
	})
	for _, tt := range []struct {
		name    string
		body    string
		chunked bool
		want    int
	}{
		{"within, declared", "a=b", false, 204},
		{"within, chunked", "a=b", true, 204},
		{"exactly the limit, chunked", strings.Repeat("x", 16), true, 204},
		{"over, declared", strings.Repeat("x", 17), false, 413},
		{"over, chunked", strings.Repeat("x", 17), true, 413},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got = ""
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tt.body))
			if tt.chunked {
				req.ContentLength = -1
				req.Body = io.NopCloser(strings.NewReader(tt.body)) // no length known
			}
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d", rec.Code, tt.want)
			}
			if tt.want == 204 && got != tt.body {
				t.Errorf("handler read %q, want %q", got, tt.body)
			}
		})
	}
}
