package emulator

// Helpers for the browser-side tests (popup, tokeninfo, revoke, faults,
// control). Names are prefixed so they stay clear of the data-API tests'.

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/scopewise/scopewise/emulator/internal/authrequest"
)

const (
	siteClientID  = "test-client.apps.googleusercontent.com"
	otherClientID = "other-client.apps.googleusercontent.com"
	siteOrigin    = "http://localhost:8080"
	emuOrigin     = "http://localhost:8081"
	siteRelay     = "storagerelay://http/localhost:8080?id=auth123456"
)

// tscope names the scopes the tests ask for.
var tscope = struct{ Cal, Docs, Photos, OpenID, Email, Profile string }{
	Cal:     "https://www.googleapis.com/auth/calendar.readonly",
	Docs:    "https://www.googleapis.com/auth/documents.readonly",
	Photos:  "https://www.googleapis.com/auth/photospicker.mediaitems.readonly",
	OpenID:  "openid",
	Email:   "email",
	Profile: "profile",
}

var browserTestNow = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func newBrowserEmu(t *testing.T) *Server {
	t.Helper()
	return New(Options{
		Clients: []Client{
			{ID: siteClientID, Name: "Scopewise", Origins: []string{siteOrigin}},
			{ID: otherClientID, Name: "Other App", Origins: []string{"http://localhost:9090"}},
		},
		PublicURL: emuOrigin,
		Now:       func() time.Time { return browserTestNow },
	})
}

// deleteParam, as a value in authQuery, removes the parameter.
const deleteParam = "\x00delete"

// authQuery is the popup query GIS sends for scope, with changes as
// name/value pairs.
func authQuery(scope string, changes ...string) url.Values {
	v := url.Values{
		"gsiwebsdk":               {"3"},
		"client_id":               {siteClientID},
		"scope":                   {scope},
		"redirect_uri":            {siteRelay},
		"response_type":           {"token"},
		"include_granted_scopes":  {"true"},
		"enable_granular_consent": {"true"},
	}
	for i := 0; i+1 < len(changes); i += 2 {
		if changes[i+1] == deleteParam {
			v.Del(changes[i])
		} else {
			v.Set(changes[i], changes[i+1])
		}
	}
	return v
}

func spaced(s ...string) string { return strings.Join(s, " ") }

// serve runs one request through the emulator.
func serveEmu(s *Server, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, asServed(s, req))
	return rec
}

// controlRequest builds a control-API request.
func controlRequest(method, target, body string) *http.Request {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return req
}

func decodeJSONBody[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("body is not the expected JSON: %v\n%s", err, rec.Body.String())
	}
	return v
}

// popupBrowser is a browser tab on the emulator's origin: it keeps the
// emulator's cookies and submits the popup's forms as a user would.
type popupBrowser struct {
	t       *testing.T
	s       *Server
	cookies map[string]*http.Cookie
}

func newPopupBrowser(t *testing.T, s *Server) *popupBrowser {
	return &popupBrowser{t: t, s: s, cookies: map[string]*http.Cookie{}}
}

// popupPage is one response shown in the popup.
type popupPage struct {
	b    *popupBrowser
	rec  *httptest.ResponseRecorder
	html string
	doc  *goquery.Document
}

func (b *popupBrowser) open(q url.Values) *popupPage {
	b.t.Helper()
	return b.do(httptest.NewRequest(http.MethodGet, "/o/oauth2/v2/auth?"+q.Encode(), nil))
}

func (b *popupBrowser) post(form url.Values) *popupPage {
	b.t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/o/oauth2/v2/auth", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", emuOrigin)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

func (b *popupBrowser) do(req *http.Request) *popupPage {
	b.t.Helper()
	for _, c := range b.cookies {
		req.AddCookie(c)
	}
	rec := serveEmu(b.s, req)
	for _, c := range rec.Result().Cookies() {
		b.cookies[c.Name] = c
	}
	html := rec.Body.String()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		b.t.Fatalf("popup page is not HTML: %v", err)
	}
	return &popupPage{b: b, rec: rec, html: html, doc: doc}
}

// signIn goes through the chooser as email, leaving the browser signed in.
func (b *popupBrowser) signIn(email string) {
	b.t.Helper()
	p := b.open(authQuery(tscope.Cal, "prompt", "select_account"))
	p.press(email)
	if _, ok := b.cookies[signInCookie]; !ok {
		b.t.Fatalf("choosing %s set no sign-in cookie", email)
	}
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// text is what the page shows (the body, without scripts).
func (p *popupPage) text() string {
	body := p.doc.Find("body").Clone()
	body.Find("script").Remove()
	return collapse(body.Text())
}

func (p *popupPage) heading() string { return collapse(p.doc.Find("h1").First().Text()) }

// kind says which screen this is: chooser, consent, result or error.
func (p *popupPage) kind() string {
	switch {
	case p.doc.Find("script#relay").Length() > 0:
		return "result"
	case p.heading() == "Choose an account":
		return "chooser"
	case p.doc.Find(`button[value="continue"]`).Length() > 0:
		return "consent"
	}
	return "error"
}

func (p *popupPage) mustBe(kind string) *popupPage {
	p.b.t.Helper()
	if got := p.kind(); got != kind {
		p.b.t.Fatalf("popup shows a %s page (%q), want %s\n%s", got, p.heading(), kind, p.html)
	}
	return p
}

// press submits the form of the button whose text contains label, ticking
// the checkboxes of the given scopes, as a browser would.
func (p *popupPage) press(label string, tick ...string) *popupPage {
	p.b.t.Helper()
	btn := p.doc.Find("form button").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.Contains(collapse(s.Text()), label)
	}).First()
	if btn.Length() == 0 {
		p.b.t.Fatalf("no button %q on the %s page\n%s", label, p.kind(), p.html)
	}
	form := btn.Closest("form")
	if form.AttrOr("method", "") != "post" || form.AttrOr("action", "") != "/o/oauth2/v2/auth" {
		p.b.t.Fatalf("form posts to %q %q", form.AttrOr("method", ""), form.AttrOr("action", ""))
	}
	values := url.Values{}
	form.Find(`input[type="hidden"]`).Each(func(_ int, in *goquery.Selection) {
		values.Add(in.AttrOr("name", ""), in.AttrOr("value", ""))
	})
	for _, sc := range tick {
		box := form.Find(`input[type="checkbox"][value="` + sc + `"]`)
		if box.Length() != 1 {
			p.b.t.Fatalf("no checkbox for %s\n%s", sc, p.html)
		}
		values.Add(box.AttrOr("name", ""), sc)
	}
	if name, ok := btn.Attr("name"); ok {
		values.Add(name, btn.AttrOr("value", ""))
	}
	return p.b.post(values)
}

// relay is the answer the result page posts to the opener.
func (p *popupPage) relay() authrequest.Envelope {
	p.b.t.Helper()
	p.mustBe("result")
	var env authrequest.Envelope
	if err := json.Unmarshal([]byte(p.doc.Find("script#relay").Text()), &env); err != nil {
		p.b.t.Fatalf("relay JSON: %v", err)
	}
	return env
}

// response is the relay's response as the app's callback sees it (a
// generic map, so field presence and JSON types can be checked).
func (p *popupPage) response() map[string]any {
	p.b.t.Helper()
	p.mustBe("result")
	var env struct {
		Message struct {
			Response map[string]any `json:"response"`
		} `json:"message"`
	}
	if err := json.Unmarshal([]byte(p.doc.Find("script#relay").Text()), &env); err != nil {
		p.b.t.Fatalf("relay JSON: %v", err)
	}
	return env.Message.Response
}

// checkboxes returns the accessible names (label text) of the scope
// checkboxes, failing if any starts ticked.
func (p *popupPage) checkboxes() []string {
	p.b.t.Helper()
	var names []string
	p.doc.Find(`input[type="checkbox"][name="grant"]`).Each(func(_ int, box *goquery.Selection) {
		if _, ticked := box.Attr("checked"); ticked {
			p.b.t.Errorf("checkbox %s starts ticked", box.AttrOr("value", ""))
		}
		label := p.doc.Find(`label[for="` + box.AttrOr("id", "") + `"]`)
		names = append(names, collapse(label.Text()))
	})
	return names
}
