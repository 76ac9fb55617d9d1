package pages_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scopewise/scopewise/emulator"
	"github.com/scopewise/scopewise/internal/config"
	"github.com/scopewise/scopewise/internal/sitetest"
)

// maskTap stands in front of the emulator: it notes which calls came with
// a fields= mask and what their answers weighed, and while full is set it
// takes the mask off, so the emulator answers in full as if the site had
// asked for everything.
type maskTap struct {
	full atomic.Bool

	mu     sync.Mutex
	masked map[string]bool   // path → every call to it carried fields=
	bytes  map[bool]int64    // full? → answer bytes
	calls  map[bool][]string // full? → paths called
}

func (m *maskTap) wrap(emu http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// tokeninfo, the control API, media bytes and the picker window
		// are not API resources; a DELETE answers {} and takes no mask.
		if r.Method == http.MethodDelete || r.URL.Path == "/tokeninfo" || strings.HasPrefix(r.URL.Path, "/_emu/") || strings.HasPrefix(r.URL.Path, "/media/") || strings.HasPrefix(r.URL.Path, "/picker/") {
			emu.ServeHTTP(w, r)
			return
		}
		q := r.URL.Query()
		full := m.full.Load()
		m.mu.Lock()
		has, seen := m.masked[r.URL.Path]
		m.masked[r.URL.Path] = q.Get("fields") != "" && (has || !seen)
		m.calls[full] = append(m.calls[full], r.Method+" "+r.URL.Path)
		m.mu.Unlock()
		if full {
			q.Del("fields")
			r.URL.RawQuery = q.Encode()
		}
		cw := &sitetest.CountingWriter{ResponseWriter: w}
		emu.ServeHTTP(cw, r)
		m.mu.Lock()
		m.bytes[full] += cw.N
		m.mu.Unlock()
	})
}

var (
	sessionIDAttr = regexp.MustCompile(`data-session-id="([^"]+)"`)
	pickerURIAttr = regexp.MustCompile(`data-picker-uri="([^"]+)"`)
)

// sessionOf reads the picker panel's session ID and picker URI.
func sessionOf(t *testing.T, body string) (id, pickerURI string) {
	t.Helper()
	sm, pm := sessionIDAttr.FindStringSubmatch(body), pickerURIAttr.FindStringSubmatch(body)
	if sm == nil || pm == nil {
		t.Fatalf("no picker panel in:\n%.600s", body)
	}
	return sm[1], html.UnescapeString(pm[1])
}

// TestFieldMasksCoverWhatPagesRender proves the partial-response masks
// (apis.CalendarFields, DocumentFields, …) miss nothing a page shows: every
// postback is made twice, once as the site sends it (masked) and once with
// the mask taken off in front of the emulator (the full resource), and the
// two answers must be the same HTML. Each API call must carry a mask, and
// the masked answers must weigh less.
func TestFieldMasksCoverWhatPagesRender(t *testing.T) {
	tap := &maskTap{masked: map[string]bool{}, bytes: map[bool]int64{}, calls: map[bool][]string{}}
	s := sitetest.Start(t, sitetest.WithEmulator(emulator.Options{PickerPollInterval: 200 * time.Millisecond}), sitetest.WithWrap(tap.wrap))
	s.Page("/docs") // the session and its CSRF token, as the page script has them
	token := s.Mint(config.EmulatorClientID, sitetest.CalendarScope, sitetest.DocsScope, sitetest.PhotosScope)

	// twice runs do masked, then in full, and wants the same answer (with
	// what differs by nature, e.g. a new picking session's ID, normalized).
	twice := func(t *testing.T, do func() sitetest.Response, normalize func(string) string) {
		t.Helper()
		if normalize == nil {
			normalize = func(s string) string { return s }
		}
		tap.full.Store(false)
		masked := do()
		tap.full.Store(true)
		full := do()
		tap.full.Store(false)
		if masked.StatusCode != full.StatusCode || masked.StatusCode/100 != 2 {
			t.Fatalf("status masked %d, full %d\n%.600s", masked.StatusCode, full.StatusCode, masked.Body)
		}
		if a, b := normalize(masked.Body), normalize(full.Body); a != b {
			i := 0
			for i < len(a) && i < len(b) && a[i] == b[i] {
				i++
			}
			t.Errorf("the page renders differently from the masked answer; first difference at byte %d:\nmasked: %.300q\nfull:   %.300q", i, a[max(i-100, 0):], b[max(i-100, 0):])
		}
	}

	t.Run("calendar", func(t *testing.T) {
		twice(t, func() sitetest.Response { return s.Postback("/calendar", token) }, nil)
	})

	t.Run("docs", func(t *testing.T) {
		docs := s.Emu.Server.SampleDocuments(sitetest.Alice)
		if len(docs) < 3 {
			t.Fatalf("%d sample documents", len(docs))
		}
		for _, d := range docs {
			t.Run(d.Title, func(t *testing.T) {
				// The answer holds the document and the recent list, whose
				// titles are read with their own (title-only) mask.
				twice(t, func() sitetest.Response {
					return s.PostForm("/docs/open", token, url.Values{"document": {d.ID}})
				}, nil)
			})
		}
	})

	t.Run("photos", func(t *testing.T) {
		session := regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
		timeout := regexp.MustCompile(`data-timeout-ms="\d+"`) // counts down between the two calls
		norm := func(s string) string {
			return timeout.ReplaceAllString(session.ReplaceAllString(s, "SESSION"), "TIMEOUT")
		}
		var id, uri string
		twice(t, func() sitetest.Response {
			res := s.Postback("/photos", token)
			id, uri = sessionOf(t, res.Body)
			return res
		}, norm)
		poll := func() sitetest.Response {
			return s.PostForm("/photos/session", token, url.Values{"session": {id}})
		}
		twice(t, poll, norm) // still picking: 202
		// Done picking: each run has a session of its own, with the same
		// photos picked, and ends with the carousel.
		twice(t, func() sitetest.Response {
			res := s.Postback("/photos", token)
			id, uri = sessionOf(t, res.Body)
			s.Pick(uri, 4)
			return poll()
		}, norm)
	})

	tap.mu.Lock()
	defer tap.mu.Unlock()
	for path, masked := range tap.masked {
		if !masked {
			t.Errorf("%s was called without a fields= mask", path)
		}
	}
	for _, want := range []string{"/calendar/v3/calendars/primary/events", "/v1/sessions", "/v1/mediaItems"} {
		if _, ok := tap.masked[want]; !ok {
			t.Errorf("%s was never called (calls: %v)", want, tap.calls[false])
		}
	}
	if len(tap.calls[false]) != len(tap.calls[true]) {
		t.Errorf("masked runs called %v, full runs %v", tap.calls[false], tap.calls[true])
	}
	if tap.bytes[false] >= tap.bytes[true] {
		t.Errorf("masked answers weigh %d bytes, full ones %d: the masks save nothing", tap.bytes[false], tap.bytes[true])
	}
	t.Logf("upstream answer bytes over the same postbacks: %d masked, %d in full", tap.bytes[false], tap.bytes[true])
}
