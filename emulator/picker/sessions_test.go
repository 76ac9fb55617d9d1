package picker

import (
	"bytes"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/scopewise/scopewise/emulator/internal/apitest"
	"github.com/scopewise/scopewise/emulator/seed"
)

const (
	pickScope = "https://www.googleapis.com/auth/photospicker.mediaitems.readonly"
	libScope  = "https://www.googleapis.com/auth/photoslibrary.readonly"
)

type pickSession struct {
	ID            string `json:"id"`
	PickerURI     string `json:"pickerUri"`
	ExpireTime    string `json:"expireTime"`
	MediaItemsSet *bool  `json:"mediaItemsSet"`
	PollingConfig *struct {
		PollInterval string `json:"pollInterval"`
		TimeoutIn    string `json:"timeoutIn"`
	} `json:"pollingConfig"`
	PickingConfig *struct {
		MaxItemCount string `json:"maxItemCount"`
	} `json:"pickingConfig"`
}

type pickItems struct {
	MediaItems []struct {
		ID         string `json:"id"`
		CreateTime string `json:"createTime"`
		Type       string `json:"type"`
		MediaFile  struct {
			BaseURL           string `json:"baseUrl"`
			MimeType          string `json:"mimeType"`
			Filename          string `json:"filename"`
			MediaFileMetadata struct {
				Width         int    `json:"width"`
				Height        int    `json:"height"`
				CameraMake    string `json:"cameraMake"`
				PhotoMetadata *struct {
					ExposureTime string `json:"exposureTime"`
				} `json:"photoMetadata"`
			} `json:"mediaFileMetadata"`
		} `json:"mediaFile"`
	} `json:"mediaItems"`
	NextPageToken string `json:"nextPageToken"`
}

func createSession(t *testing.T, s *testEmu, token, body string) pickSession {
	t.Helper()
	rec := s.Do("POST", "/v1/sessions", token, body)
	if rec.Code != 200 {
		t.Fatalf("sessions.create: %d %s", rec.Code, rec.Body)
	}
	return apitest.JSON[pickSession](t, rec)
}

// pickerPath is the picking page's path for a session.
func pickerPath(ps pickSession) string { return strings.TrimPrefix(ps.PickerURI, apitest.Origin) }

// openPicker loads the picking page as the browser would.
func openPicker(t *testing.T, s *testEmu, path string) (*httptest.ResponseRecorder, *goquery.Document) {
	t.Helper()
	rec := s.Get(path, "")
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return rec, doc
}

// pressDone submits the page's form with the named items ticked.
func pressDone(t *testing.T, s *testEmu, path string, itemIDs ...string) (*httptest.ResponseRecorder, *goquery.Document) {
	t.Helper()
	form := url.Values{"item": itemIDs}
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	rec := httptest.NewRecorder()
	s.Mux.ServeHTTP(rec, req)
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return rec, doc
}

// pickerCheckboxes maps each checkbox's accessible name (its label's text,
// less aria-hidden parts) to its value.
func pickerCheckboxes(doc *goquery.Document) (names []string, values map[string]string) {
	values = map[string]string{}
	doc.Find(`label:has(input[type="checkbox"])`).Each(func(_ int, l *goquery.Selection) {
		name := strings.Join(strings.Fields(l.Clone().Find(`[aria-hidden="true"]`).Remove().End().Text()), " ")
		names = append(names, name)
		values[name] = l.Find("input").AttrOr("value", "")
	})
	return names, values
}

func TestPickerLifecycle(t *testing.T) {
	s := newDataEmu(t)
	tok := s.Token(apitest.Alice, pickScope)

	ps := createSession(t, s, tok, "{}")
	if !regexp.MustCompile(`^[0-9a-f-]{36}$`).MatchString(ps.ID) || ps.PickerURI != apitest.Origin+"/picker/"+ps.ID ||
		ps.MediaItemsSet == nil || *ps.MediaItemsSet || ps.PollingConfig == nil ||
		ps.PollingConfig.PollInterval != "5s" || ps.PollingConfig.TimeoutIn != "1799s" || ps.PickingConfig != nil {
		t.Fatalf("created session = %+v %+v", ps, ps.PollingConfig)
	}
	if exp, err := time.Parse(time.RFC3339, ps.ExpireTime); err != nil || !exp.After(apitest.Now) || !strings.HasSuffix(ps.ExpireTime, "Z") {
		t.Errorf("expireTime %q: %v", ps.ExpireTime, err)
	}

	list := "/v1/mediaItems?sessionId=" + ps.ID
	apitest.WantError(t, s.Get(list, tok), 400, "FAILED_PRECONDITION", msgPickingNotFinished)

	rec, page := openPicker(t, s, pickerPath(ps))
	if rec.Code != 200 {
		t.Fatalf("picker page: %d", rec.Code)
	}
	names, values := pickerCheckboxes(page)
	lib := s.Svc.photos[apitest.Alice]
	if len(names) != photosPerAccount+1 || names[0] != lib[0].Filename || names[len(names)-1] != lib[len(lib)-1].Filename {
		t.Fatalf("checkbox names = %v", names)
	}
	if page.Find(`button:contains("Done")`).Length() != 1 || page.Find("form").AttrOr("method", "") != "post" {
		t.Errorf("no Done button in a POST form")
	}

	// Still polling: nothing picked.
	s.Advance(90 * time.Second)
	mid := apitest.JSON[pickSession](t, s.Get("/v1/sessions/"+ps.ID, tok))
	if *mid.MediaItemsSet || mid.PollingConfig == nil || mid.PollingConfig.TimeoutIn != "1709s" {
		t.Errorf("while picking: %+v %+v", mid, mid.PollingConfig)
	}

	picks := []string{names[0], names[3], names[5]} // two JPEGs and a PNG
	rec, done := pressDone(t, s, pickerPath(ps), values[picks[0]], values[picks[1]], values[picks[2]])
	if rec.Code != 200 || !strings.Contains(done.Text(), "You can close this window") || done.Find("script").Length() != 0 {
		t.Fatalf("after Done: %d %s", rec.Code, rec.Body)
	}

	got := apitest.JSON[pickSession](t, s.Get("/v1/sessions/"+ps.ID, tok))
	if !*got.MediaItemsSet || got.PollingConfig != nil {
		t.Errorf("after Done: mediaItemsSet %v, pollingConfig %+v (only while picking)", *got.MediaItemsSet, got.PollingConfig)
	}

	items := apitest.JSON[pickItems](t, s.Get(list, tok))
	if len(items.MediaItems) != 3 || items.NextPageToken != "" {
		t.Fatalf("mediaItems = %+v", items)
	}
	for i, it := range items.MediaItems {
		mf := it.MediaFile
		if it.ID != values[picks[i]] || it.Type != "PHOTO" || mf.Filename != picks[i] ||
			!strings.HasPrefix(mf.BaseURL, apitest.Origin+"/media/") || mf.MediaFileMetadata.Width == 0 || mf.MediaFileMetadata.Height == 0 {
			t.Errorf("item %d = %+v", i, it)
		}
		if _, err := time.Parse(time.RFC3339, it.CreateTime); err != nil {
			t.Errorf("createTime %q: %v", it.CreateTime, err)
		}
		wantMime := map[bool]string{true: "image/png", false: "image/jpeg"}[strings.HasSuffix(mf.Filename, ".png")]
		if mf.MimeType != wantMime {
			t.Errorf("%s has mimeType %q", mf.Filename, mf.MimeType)
		}
		if mf.MediaFileMetadata.CameraMake != "" && !strings.HasSuffix(mf.MediaFileMetadata.PhotoMetadata.ExposureTime, "s") {
			t.Errorf("exposureTime %q is not a Duration string", mf.MediaFileMetadata.PhotoMetadata.ExposureTime)
		}
	}

	first := items.MediaItems[0].MediaFile
	bytesRec := s.Get(strings.TrimPrefix(first.BaseURL, apitest.Origin)+"=w256-h256", tok)
	if bytesRec.Code != 200 || bytesRec.Header().Get("Content-Type") != first.MimeType ||
		!strings.HasPrefix(bytesRec.Header().Get("Cache-Control"), "private, max-age=") {
		t.Fatalf("media bytes: %d %v", bytesRec.Code, bytesRec.Header())
	}
	img, _, err := image.Decode(bytes.NewReader(bytesRec.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); max(b.Dx(), b.Dy()) != 256 || b.Dx() > 256 || b.Dy() > 256 {
		t.Errorf("=w256-h256 of %dx%d gave %dx%d", first.MediaFileMetadata.Width, first.MediaFileMetadata.Height, b.Dx(), b.Dy())
	}

	if rec := s.Do("DELETE", "/v1/sessions/"+ps.ID, tok, ""); rec.Code != 200 || strings.TrimSpace(rec.Body.String()) != "{}" {
		t.Fatalf("delete: %d %s", rec.Code, rec.Body)
	}
	apitest.WantError(t, s.Get("/v1/sessions/"+ps.ID, tok), 404, "NOT_FOUND", msgNotFound)
	apitest.WantError(t, s.Get(list, tok), 404, "NOT_FOUND", msgNotFound)
	apitest.WantError(t, s.Get(strings.TrimPrefix(first.BaseURL, apitest.Origin)+"=s64", tok), 404, "NOT_FOUND", "")
	if rec, _ := openPicker(t, s, pickerPath(ps)); rec.Code != 404 {
		t.Errorf("picker page of a deleted session: %d", rec.Code)
	}
}

func TestPickerPollInterval(t *testing.T) {
	s := newDataEmu(t, func(o *Options) { o.PollInterval = 250 * time.Millisecond })
	ps := createSession(t, s, s.Token(apitest.Alice, pickScope), "")
	if ps.PollingConfig.PollInterval != "0.250s" {
		t.Errorf("pollInterval = %q, want a Duration string", ps.PollingConfig.PollInterval)
	}
}

func TestPickerPageSecurity(t *testing.T) {
	s := newDataEmu(t)
	ps := createSession(t, s, s.Token(apitest.Alice, pickScope), "")
	for _, path := range []string{pickerPath(ps), pickerPath(ps) + "/autoclose"} {
		t.Run(path, func(t *testing.T) {
			rec, page := openPicker(t, s, path)
			h := rec.Header()
			csp := h.Get("Content-Security-Policy")
			nonce := regexp.MustCompile(`'nonce-([^']+)'`).FindStringSubmatch(csp)
			if nonce == nil || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("CSP = %q", csp)
			}
			if h.Get("Cross-Origin-Opener-Policy") == "same-origin" || h.Get("Cache-Control") != "no-store" ||
				!strings.HasPrefix(h.Get("Content-Type"), "text/html") {
				t.Errorf("headers = %v", h)
			}
			if nonce != nil && page.Find("style").AttrOr("nonce", "") != nonce[1] {
				t.Errorf("style without the CSP nonce")
			}
			if page.Find("form").AttrOr("action", "") != path {
				t.Errorf("form posts to %q, want %q", page.Find("form").AttrOr("action", ""), path)
			}
		})
	}
}

func TestPickerAutoclose(t *testing.T) {
	s := newDataEmu(t)
	ps := createSession(t, s, s.Token(apitest.Alice, pickScope), "")
	_, values := pickerCheckboxes(pageOf(openPicker(t, s, pickerPath(ps)+"/autoclose")))
	var id string
	for _, v := range values {
		id = v
		break
	}
	rec, done := pressDone(t, s, pickerPath(ps)+"/autoclose", id)
	script := done.Find("script")
	nonce := regexp.MustCompile(`'nonce-([^']+)'`).FindStringSubmatch(rec.Header().Get("Content-Security-Policy"))
	if rec.Code != 200 || script.Length() != 1 || !strings.Contains(script.Text(), "window.close()") ||
		!strings.Contains(script.Text(), "setTimeout") || nonce == nil || script.AttrOr("nonce", "") != nonce[1] {
		t.Errorf("autoclose done page: %d %s", rec.Code, rec.Body)
	}
	if !strings.Contains(done.Text(), "You can close this window") {
		t.Errorf("the done page should still say the window can be closed")
	}
}

func pageOf[T any](_ *httptest.ResponseRecorder, v T) T { return v }

func TestPickerDoneProblems(t *testing.T) {
	s := newDataEmu(t)
	tok := s.Token(apitest.Alice, pickScope)
	bobsPhoto := s.Svc.photos[apitest.Bob][0].ID
	alicesPhotos := s.Svc.photos[apitest.Alice]
	limited := createSession(t, s, tok, `{"pickingConfig":{"maxItemCount":"2"}}`)
	cases := []struct {
		name  string
		path  string
		items []string
		code  int
		alert string
	}{
		{"nothing selected", pickerPath(createSession(t, s, tok, "")), nil, 422, "Select at least one photo"},
		{"another user's photo", pickerPath(createSession(t, s, tok, "")), []string{bobsPhoto}, 422, "not in your library"},
		{"over maxItemCount", pickerPath(limited), []string{alicesPhotos[0].ID, alicesPhotos[1].ID, alicesPhotos[2].ID}, 422, "up to 2 items"},
		{"unknown session", "/picker/00000000-0000-4000-8000-000000000000", []string{alicesPhotos[0].ID}, 404, "does not exist"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec, page := pressDone(t, s, c.path, c.items...)
			if rec.Code != c.code || !strings.Contains(page.Find(`[role="alert"]`).Text(), c.alert) {
				t.Errorf("%d, alert %q; want %d and %q", rec.Code, page.Find(`[role="alert"]`).Text(), c.code, c.alert)
			}
		})
	}
	id := strings.TrimPrefix(cases[0].path, "/picker/")
	if got := apitest.JSON[pickSession](t, s.Get("/v1/sessions/"+id, tok)); *got.MediaItemsSet {
		t.Errorf("a refused Done must not set mediaItemsSet")
	}

	t.Run("cross-site form post", func(t *testing.T) {
		req := httptest.NewRequest("POST", cases[0].path, strings.NewReader("item="+alicesPhotos[0].ID))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		rec := httptest.NewRecorder()
		s.Mux.ServeHTTP(rec, req)
		if rec.Code != http.StatusForbidden {
			t.Errorf("status %d", rec.Code)
		}
	})
}

func TestPickerSessionsAreTheirOwners(t *testing.T) {
	s := newDataEmu(t)
	aliceTok := s.Token(apitest.Alice, pickScope)
	ps := createSession(t, s, aliceTok, "")
	otherApp := s.Tokens.MintFor("data-other.apps.googleusercontent.com", apitest.Alice, time.Hour, pickScope)
	for _, c := range []struct{ name, token string }{
		{"another user", s.Token(apitest.Bob, pickScope)},
		{"same user, another client", otherApp},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, req := range []struct{ method, target string }{
				{"GET", "/v1/sessions/" + ps.ID},
				{"GET", "/v1/mediaItems?sessionId=" + ps.ID},
				{"DELETE", "/v1/sessions/" + ps.ID},
			} {
				apitest.WantError(t, s.Do(req.method, req.target, c.token, ""), 404, "NOT_FOUND", msgNotFound)
			}
		})
	}
	if rec := s.Get("/v1/sessions/"+ps.ID, aliceTok); rec.Code != 200 {
		t.Errorf("the owner's session is gone after others tried: %d", rec.Code)
	}
}

func TestPickerExpiry(t *testing.T) {
	s := newDataEmu(t)
	tok := s.Tokens.Mint(apitest.Alice, 3*time.Hour, pickScope)
	ps := createSession(t, s, tok, "")

	s.Advance(30 * time.Minute)
	got := apitest.JSON[pickSession](t, s.Get("/v1/sessions/"+ps.ID, tok))
	if got.PollingConfig == nil || got.PollingConfig.TimeoutIn != "0s" {
		t.Errorf("past the polling timeout: %+v", got.PollingConfig)
	}
	if rec, page := openPicker(t, s, pickerPath(ps)); rec.Code != http.StatusGone || !strings.Contains(page.Text(), "timed out") {
		t.Errorf("picker page after timeout: %d", rec.Code)
	}

	s.Advance(31 * time.Minute) // past expireTime
	// The session exists, but access to it has expired: PERMISSION_DENIED,
	// on every method, and again on a second call.
	for range 2 {
		apitest.WantError(t, s.Get("/v1/sessions/"+ps.ID, tok), 403, "PERMISSION_DENIED", msgPermissionDenied)
	}
	apitest.WantError(t, s.Get("/v1/mediaItems?sessionId="+ps.ID, tok), 403, "PERMISSION_DENIED", msgPermissionDenied)
	apitest.WantError(t, s.Do("DELETE", "/v1/sessions/"+ps.ID, tok, ""), 403, "PERMISSION_DENIED", msgPermissionDenied)
	// Someone else's expired session is still one that is not theirs.
	apitest.WantError(t, s.Get("/v1/sessions/"+ps.ID, s.Tokens.Mint(apitest.Bob, time.Hour, pickScope)), 404, "NOT_FOUND", msgNotFound)
	if rec, _ := openPicker(t, s, pickerPath(ps)); rec.Code != 404 {
		t.Errorf("picker page after expiry: %d", rec.Code)
	}
	// A reset forgets expired sessions too.
	s.Svc.Reset()
	apitest.WantError(t, s.Get("/v1/sessions/"+ps.ID, tok), 404, "NOT_FOUND", msgNotFound)
}

func TestPickerRequestID(t *testing.T) {
	s := newDataEmu(t)
	tok := s.Tokens.Mint(apitest.Alice, 3*time.Hour, pickScope)
	const rid = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"
	first := apitest.JSON[pickSession](t, s.Do("POST", "/v1/sessions?requestId="+rid, tok, ""))
	retry := apitest.JSON[pickSession](t, s.Do("POST", "/v1/sessions?requestId="+rid, tok, ""))
	if first.ID == "" || retry.ID != first.ID || retry.PickerURI != first.PickerURI {
		t.Errorf("a retry with the same requestId made a new session: %s, then %s", first.ID, retry.ID)
	}
	other := apitest.JSON[pickSession](t, s.Do("POST", "/v1/sessions?requestId=6f1c2a3b-4d5e-4f60-8a7b-000000000000", tok, ""))
	plain := apitest.JSON[pickSession](t, s.Do("POST", "/v1/sessions", tok, ""))
	if other.ID == first.ID || plain.ID == first.ID {
		t.Error("another requestId, or none, reused the session")
	}
	// The same requestId from another user is another request.
	bobs := apitest.JSON[pickSession](t, s.Do("POST", "/v1/sessions?requestId="+rid, s.Tokens.Mint(apitest.Bob, time.Hour, pickScope), ""))
	if bobs.ID == first.ID {
		t.Error("another user's requestId returned Alice's session")
	}
	// Once the session is deleted, the requestId makes a new one.
	s.Do("DELETE", "/v1/sessions/"+first.ID, tok, "")
	if again := apitest.JSON[pickSession](t, s.Do("POST", "/v1/sessions?requestId="+rid, tok, "")); again.ID == first.ID {
		t.Error("a deleted session came back")
	}
	for _, bad := range []string{"not-a-uuid", "6f1c2a3b4d5e4f608a7b9c0d1e2f3a4b", "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4"} {
		apitest.WantError(t, s.Do("POST", "/v1/sessions?requestId="+bad, tok, ""), 400, "INVALID_ARGUMENT", msgBadRequestID)
	}
}

func TestPickerNoPhotosAccount(t *testing.T) {
	s := newDataEmu(t, func(o *Options) {
		o.Accounts = seed.Defaults()
		o.Accounts[1].NoPhotos = true
	})
	apitest.WantError(t, s.Do("POST", "/v1/sessions", s.Tokens.Mint(apitest.Bob, time.Hour, pickScope), ""), 400, "FAILED_PRECONDITION", msgNoPhotosAccount)
	createSession(t, s, s.Tokens.Mint(apitest.Alice, time.Hour, pickScope), "")
}

func TestPickerTooManySessions(t *testing.T) {
	s := newDataEmu(t)
	tok := s.Tokens.Mint(apitest.Alice, 3*time.Hour, pickScope)
	var ids []string
	for range pickerMaxSessions {
		ids = append(ids, createSession(t, s, tok, "").ID)
	}
	apitest.WantError(t, s.Do("POST", "/v1/sessions", tok, ""), 429, "RESOURCE_EXHAUSTED", msgTooManySessions)
	// Another user is not limited by Alice's sessions.
	createSession(t, s, s.Tokens.Mint(apitest.Bob, time.Hour, pickScope), "")
	// Deleting one, as the reference advises, makes room.
	s.Do("DELETE", "/v1/sessions/"+ids[0], tok, "")
	createSession(t, s, tok, "")
	apitest.WantError(t, s.Do("POST", "/v1/sessions", tok, ""), 429, "RESOURCE_EXHAUSTED", msgTooManySessions)
	// Expired sessions do not count.
	s.Advance(61 * time.Minute)
	createSession(t, s, tok, "")
}

func TestPickerURIAfterDone(t *testing.T) {
	s := newDataEmu(t)
	tok := s.Tokens.Mint(apitest.Alice, time.Hour, pickScope)
	ps := createSession(t, s, tok, "")
	_, page := openPicker(t, s, pickerPath(ps))
	id := page.Find(`input[name="item"]`).First().AttrOr("value", "")
	if rec, _ := pressDone(t, s, pickerPath(ps), id); rec.Code != 200 {
		t.Fatalf("Done: %d", rec.Code)
	}
	rec, again := openPicker(t, s, pickerPath(ps))
	if rec.Code != http.StatusGone || !strings.Contains(again.Text(), "start a new selection") || again.Find(`input[name="item"]`).Length() != 0 {
		t.Errorf("pickerUri after Done: %d %q", rec.Code, again.Find("main").Text())
	}
	// A second Done does not change what was picked.
	other := page.Find(`input[name="item"]`).Eq(1).AttrOr("value", "")
	if rec, _ := pressDone(t, s, pickerPath(ps), other); rec.Code != http.StatusGone {
		t.Errorf("Done after Done: %d", rec.Code)
	}
	items := apitest.JSON[pickItems](t, s.Get("/v1/mediaItems?sessionId="+ps.ID, tok))
	if len(items.MediaItems) != 1 || items.MediaItems[0].ID != id {
		t.Errorf("picked items changed: %+v", items.MediaItems)
	}
}

func TestPickerCreateBody(t *testing.T) {
	s := newDataEmu(t)
	tok := s.Token(apitest.Alice, pickScope)
	cases := []struct {
		name, body string
		code       int
		maxItems   string
	}{
		{"empty", "", 200, ""},
		{"empty object", "{}", 200, ""},
		{"maxItemCount as a string", `{"pickingConfig":{"maxItemCount":"5"}}`, 200, "5"},
		{"maxItemCount as a number", `{"pickingConfig":{"maxItemCount":7}}`, 200, "7"},
		{"output-only fields ignored", `{"id":"mine","mediaItemsSet":true}`, 200, ""},
		{"unknown field", `{"colour":"blue"}`, 400, ""},
		{"maxItemCount zero", `{"pickingConfig":{"maxItemCount":"0"}}`, 400, ""},
		{"maxItemCount too large", `{"pickingConfig":{"maxItemCount":"2001"}}`, 400, ""},
		{"not JSON", `pick`, 400, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := s.Do("POST", "/v1/sessions", tok, c.body)
			if c.code != 200 {
				apitest.WantError(t, rec, c.code, "INVALID_ARGUMENT", "")
				return
			}
			ps := apitest.JSON[pickSession](t, rec)
			got := ""
			if ps.PickingConfig != nil {
				got = ps.PickingConfig.MaxItemCount
			}
			if rec.Code != 200 || got != c.maxItems || ps.ID == "mine" {
				t.Errorf("%d, maxItemCount %q, id %q", rec.Code, got, ps.ID)
			}
		})
	}
}

func TestPickerMediaItemsPaging(t *testing.T) {
	s := newDataEmu(t)
	tok := s.Token(apitest.Alice, pickScope)
	ps := createSession(t, s, tok, "")
	var all []string
	for _, p := range s.Svc.photos[apitest.Alice][:30] {
		all = append(all, p.ID)
	}
	if rec, _ := pressDone(t, s, pickerPath(ps), all...); rec.Code != 200 {
		t.Fatalf("done: %d", rec.Code)
	}
	list := "/v1/mediaItems?sessionId=" + ps.ID

	var got []string
	next := ""
	for pages := 0; ; pages++ {
		target := list + "&pageSize=12"
		if next != "" {
			target += "&pageToken=" + next
		}
		page := apitest.JSON[pickItems](t, s.Get(target, tok))
		for _, it := range page.MediaItems {
			got = append(got, it.ID)
		}
		if next = page.NextPageToken; next == "" {
			if pages != 2 {
				t.Errorf("30 items at 12 a page took %d pages", pages+1)
			}
			break
		}
	}
	if strings.Join(got, ",") != strings.Join(all, ",") {
		t.Errorf("paged items differ from the picked ones")
	}

	other := createSession(t, s, tok, "")
	firstPage := apitest.JSON[pickItems](t, s.Get(list+"&pageSize=5", tok))
	cases := []struct {
		name, query string
		code        int
		count       int
	}{
		{"default page size", "", 200, 25},
		{"page size above 100 is coerced", "&pageSize=500", 200, 30},
		{"negative page size", "&pageSize=-1", 400, 0},
		{"page size not a number", "&pageSize=many", 400, 0},
		{"garbage page token", "&pageToken=@@@", 400, 0},
		{"another session's token", "&pageToken=" + encodePickerPageToken(other.ID, 5), 400, 0},
		{"own token", "&pageToken=" + firstPage.NextPageToken, 200, 25},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := s.Get(list+c.query, tok)
			if c.code != 200 {
				apitest.WantError(t, rec, c.code, "INVALID_ARGUMENT", "")
				return
			}
			if n := len(apitest.JSON[pickItems](t, rec).MediaItems); rec.Code != 200 || n != c.count {
				t.Errorf("%d, %d items; want %d", rec.Code, n, c.count)
			}
		})
	}
}

func TestPickerScopes(t *testing.T) {
	apitest.CheckAuthErrors(t, newDataEmu(t).Emu, "POST", "/v1/sessions", pickScope, apitest.CalendarScope)
	apitest.CheckAuthErrors(t, newDataEmu(t).Emu, "GET", "/v1/sessions/some-id", pickScope, libScope)
	apitest.CheckAuthErrors(t, newDataEmu(t).Emu, "GET", "/v1/mediaItems?sessionId=some-id", pickScope, libScope)
	apitest.CheckAuthErrors(t, newDataEmu(t).Emu, "GET", "/media/some-ref=w256", pickScope, apitest.CalendarScope)
}

func TestLibraryAPIRetired(t *testing.T) {
	s := newDataEmu(t)
	t.Run("photoslibrary.readonly is refused", func(t *testing.T) {
		rec := s.Get("/v1/mediaItems?pageSize=10", s.Token(apitest.Alice, libScope))
		e := apitest.WantError(t, rec, 403, "PERMISSION_DENIED", "Request had insufficient authentication scopes.")
		if e.Reason() != "ACCESS_TOKEN_SCOPE_INSUFFICIENT" || !strings.Contains(rec.Header().Get("WWW-Authenticate"), `error="insufficient_scope"`) {
			t.Errorf("reason %q, header %q", e.Reason(), rec.Header().Get("WWW-Authenticate"))
		}
	})
	t.Run("the Picker scope is not a Library scope", func(t *testing.T) {
		apitest.WantError(t, s.Get("/v1/mediaItems", s.Token(apitest.Alice, pickScope)), 403, "PERMISSION_DENIED", "")
	})
	t.Run("no token", func(t *testing.T) {
		apitest.WantError(t, s.Get("/v1/mediaItems", ""), 401, "UNAUTHENTICATED", "")
	})
	t.Run("app-created data: nothing", func(t *testing.T) {
		rec := s.Get("/v1/mediaItems", s.Token(apitest.Alice, libraryAppDataScope))
		if rec.Code != 200 || strings.TrimSpace(rec.Body.String()) != "{}" {
			t.Errorf("%d %s", rec.Code, rec.Body)
		}
	})
}

func TestPickerThumbnails(t *testing.T) {
	s := newDataEmu(t)
	ps := createSession(t, s, s.Token(apitest.Alice, pickScope), "")
	_, page := openPicker(t, s, pickerPath(ps))
	src := page.Find("ul.grid img").First().AttrOr("src", "")
	rec := s.Get(src, "")
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "image/") {
		t.Fatalf("thumbnail %s: %d", src, rec.Code)
	}
	img, _, err := image.Decode(bytes.NewReader(rec.Body.Bytes()))
	if err != nil || max(img.Bounds().Dx(), img.Bounds().Dy()) != pickerThumbSize {
		t.Errorf("thumbnail: %v %v", err, img.Bounds())
	}
	for _, bad := range []string{
		"/picker/" + ps.ID + "/thumb/" + s.Svc.photos[apitest.Bob][0].ID,
		"/picker/no-such-session/thumb/" + s.Svc.photos[apitest.Alice][0].ID,
	} {
		if rec := s.Get(bad, ""); rec.Code != 404 {
			t.Errorf("%s: %d, want 404", bad, rec.Code)
		}
	}
}
