package main

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/scopewise/scopewise/emulator"
	"github.com/scopewise/scopewise/internal/apis"
	"github.com/scopewise/scopewise/pages"
)

// upstreamBytes is what one postback's upstream calls answer, in bytes, as
// the site asks them (with its field masks) and as it asked before the
// masks (the same calls without fields=).
type upstreamBytes struct {
	Postback string `json:"postback"`
	Calls    string `json:"calls"`
	Before   int64  `json:"before"` // no fields=: the whole resources
	After    int64  `json:"after"`  // the site's masks
}

// unmasked is u without its fields= parameter.
func unmasked(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	q := p.Query()
	q.Del("fields")
	p.RawQuery = q.Encode()
	return p.String()
}

// answerBytes makes one call with token and counts its answer's body as
// sent (no transparent decompression).
func answerBytes(method, u, token string, body url.Values) (int64, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = strings.NewReader(body.Encode())
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		return 0, nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := rawClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err == nil && res.StatusCode/100 != 2 {
		err = fmt.Errorf("%s %s: %d %.300s", method, u, res.StatusCode, b)
	}
	return int64(len(b)), b, err
}

var rawClient = &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{DisableCompression: true}}

// beforeAfter calls u as the site does and without its mask.
func beforeAfter(method, u, token string, ub *upstreamBytes) ([]byte, error) {
	after, b, err := answerBytes(method, u, token, nil)
	if err != nil {
		return nil, err
	}
	before, _, err := answerBytes(method, unmasked(u), token, nil)
	if err != nil {
		return nil, err
	}
	ub.After += after
	ub.Before += before
	return b, nil
}

var (
	pickerItem = regexp.MustCompile(`name="item" value="([^"]+)"`)
)

// measureUpstreamBytes makes each page's upstream calls against the emulator
// with a token for all three scopes, masked and unmasked.
func measureUpstreamBytes(v *visitor, emu string) ([]upstreamBytes, error) {
	token, err := v.mint(calendarScope, docsScope, pickerScope)
	if err != nil {
		return nil, err
	}
	var out []upstreamBytes

	cal := upstreamBytes{Postback: "POST /calendar", Calls: fmt.Sprintf("events.list, %d events", pages.CalendarEvents)}
	if _, err := beforeAfter(http.MethodGet, apis.NewCalendar(emu+"/calendar/v3", nil).UpcomingURL(time.Now(), pages.CalendarEvents), token, &cal); err != nil {
		return nil, err
	}
	out = append(out, cal)

	// The Docs page opens a document: documents.get with every tab, and the
	// recent list's titles (one here). Per document, the mean over the
	// seed's sample documents.
	docs := emulator.New(emulator.Options{}).SampleDocuments("alice@example.com")
	dc := apis.NewDocs(emu+"/v1", nil)
	var sum upstreamBytes
	for _, d := range docs {
		if _, err := beforeAfter(http.MethodGet, dc.DocumentURL(d.ID), token, &sum); err != nil {
			return nil, err
		}
		if _, err := beforeAfter(http.MethodGet, dc.TitleURL(d.ID), token, &sum); err != nil {
			return nil, err
		}
	}
	if len(docs) > 0 {
		out = append(out, upstreamBytes{Postback: "POST /docs/open", Calls: fmt.Sprintf("documents.get (all tabs) + one title read; mean of %d sample documents", len(docs)),
			Before: sum.Before / int64(len(docs)), After: sum.After / int64(len(docs))})
	}

	// The Photos page: sessions.create, the poll once done (sessions.get),
	// and mediaItems.list of the picked photos.
	pk := apis.NewPicker(emu+"/v1", nil)
	ph := upstreamBytes{Postback: "POST /photos + poll", Calls: "sessions.create, sessions.get, mediaItems.list of 4 picked"}
	created, err := beforeAfter(http.MethodPost, emu+"/v1/sessions?fields="+url.QueryEscape(apis.SessionFields), token, &ph)
	if err != nil {
		return nil, err
	}
	var s struct {
		ID        string `json:"id"`
		PickerURI string `json:"pickerUri"`
	}
	if err := json.Unmarshal(created, &s); err != nil || s.ID == "" {
		return nil, fmt.Errorf("sessions.create answered %.200s", created)
	}
	if err := pick(s.PickerURI, 4); err != nil {
		return nil, err
	}
	if _, err := beforeAfter(http.MethodGet, pk.SessionURL(s.ID), token, &ph); err != nil {
		return nil, err
	}
	if _, err := beforeAfter(http.MethodGet, pk.MediaItemsURL(s.ID, 10, ""), token, &ph); err != nil {
		return nil, err
	}
	out = append(out, ph)
	return out, nil
}

// pick is the user in the emulator's picker window: the first n photos, Done.
func pick(pickerURI string, n int) error {
	_, page, err := answerBytes(http.MethodGet, pickerURI+"/autoclose", "", nil)
	if err != nil {
		return err
	}
	items := pickerItem.FindAllSubmatch(page, -1)
	if len(items) < n {
		return fmt.Errorf("the picker page lists %d items", len(items))
	}
	form := url.Values{}
	for _, it := range items[:n] {
		form.Add("item", html.UnescapeString(string(it[1])))
	}
	_, _, err = answerBytes(http.MethodPost, pickerURI+"/autoclose", "", form)
	return err
}
