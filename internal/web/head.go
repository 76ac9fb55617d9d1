package web

import "github.com/labstack/echo/v4"

// GetAndHead routes GET and HEAD of path to h: a HEAD is answered as the GET
// would be, without the body (RFC 9110 §9.3.2); net/http drops the body's
// bytes and keeps the headers, Content-Length included when it knows it.
func GetAndHead(e *echo.Echo, path string, h echo.HandlerFunc) {
	e.GET(path, h)
	e.HEAD(path, h)
}
