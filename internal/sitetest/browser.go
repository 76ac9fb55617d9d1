package sitetest

import (
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"

	"github.com/scopewise/scopewise/internal/pagescript"
)

// Browser is one browser session on the site: a cookie jar, and the CSRF
// token of the last page it loaded. Every answer it gets goes to the canary.
type Browser struct {
	site   *Site
	Client *http.Client
	// CSRF is the token of the last page loaded, sent by Postback.
	CSRF string
}

// NewBrowser is a fresh browser session (its own cookie jar).
func (s *Site) NewBrowser() *Browser {
	jar, _ := cookiejar.New(nil)
	return &Browser{site: s, Client: &http.Client{Jar: jar, Transport: s.Transport, Timeout: 15 * time.Second}}
}

// Response is an answer, read whole.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       string
	TLS        *tls.ConnectionState // nil over plain HTTP
}

// Cookie is the value of the cookie named name the answer sets ("" if none).
func (r Response) Cookie(name string) string {
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// Try sends req and reads the answer.
func (b *Browser) Try(req *http.Request) (Response, error) {
	return b.send(b.Client, req)
}

// Do is Try, failing the test on a transport error.
func (b *Browser) Do(req *http.Request) Response {
	b.site.tb.Helper()
	res, err := b.Try(req)
	if err != nil {
		b.site.tb.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	return res
}

// DoWithCookie sends req with this raw Cookie header instead of the jar's.
func (b *Browser) DoWithCookie(req *http.Request, cookie string) Response {
	b.site.tb.Helper()
	req.Header.Set("Cookie", cookie)
	res, err := b.send(&http.Client{Transport: b.Client.Transport, Timeout: b.Client.Timeout}, req)
	if err != nil {
		b.site.tb.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	return res
}

func (b *Browser) send(c *http.Client, req *http.Request) (Response, error) {
	res, err := c.Do(req)
	if err != nil {
		return Response{}, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	b.site.recordAnswer(req, res, body)
	return Response{res.StatusCode, res.Header, string(body), res.TLS}, err
}

// NewRequest is a request for the site's path.
func (b *Browser) NewRequest(ctx context.Context, method, path string, body io.Reader) *http.Request {
	b.site.tb.Helper()
	req, err := http.NewRequestWithContext(ctx, method, b.site.URL+path, body)
	if err != nil {
		b.site.tb.Fatal(err)
	}
	return req
}

// Get loads path.
func (b *Browser) Get(path string) Response {
	b.site.tb.Helper()
	return b.Do(b.NewRequest(context.Background(), http.MethodGet, path, nil))
}

// CSRFToken is the CSRF token a page carries ("" if none).
func CSRFToken(html string) string { return pagescript.CSRFToken(html) }

// Page loads a page and keeps its CSRF token, as a browser would.
func (b *Browser) Page(path string) Response {
	b.site.tb.Helper()
	res := b.Get(path)
	if b.CSRF = CSRFToken(res.Body); b.CSRF == "" {
		b.site.tb.Fatalf("GET %s: no csrf meta (status %d)", path, res.StatusCode)
	}
	return res
}

// NewPostback is a postback as the page script sends it: same origin, the
// CSRF header, the token (when not "") in the Authorization header, and
// form (when not nil) as the body.
func (b *Browser) NewPostback(ctx context.Context, path, token string, form url.Values) *http.Request {
	b.site.tb.Helper()
	req, err := pagescript.NewPostback(ctx, b.site.URL, path, b.CSRF, token, form)
	if err != nil {
		b.site.tb.Fatal(err)
	}
	return req
}

// Postback posts like the page script; mutate changes the request first.
func (b *Browser) Postback(path, token string, mutate ...func(*http.Request)) Response {
	b.site.tb.Helper()
	req := b.NewPostback(context.Background(), path, token, nil)
	for _, m := range mutate {
		m(req)
	}
	return b.Do(req)
}

// PostForm is Postback with form fields, as the page's forms send them.
func (b *Browser) PostForm(path, token string, form url.Values) Response {
	b.site.tb.Helper()
	return b.Do(b.NewPostback(context.Background(), path, token, form))
}

// Form sets a form body on a request (for Postback's mutate).
func Form(body string) func(*http.Request) {
	return func(r *http.Request) { SetBody(r, "application/x-www-form-urlencoded", body) }
}

// SetBody replaces a request's body.
func SetBody(r *http.Request, contentType, body string) {
	r.Header.Set("Content-Type", contentType)
	r.Body, r.ContentLength = http.NoBody, 0
	if body != "" {
		r.Body = io.NopCloser(strings.NewReader(body))
		r.ContentLength = int64(len(body))
	}
}
