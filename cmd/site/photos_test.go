package main

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scopewise/scopewise/emulator"
	"github.com/scopewise/scopewise/internal/config"
)

const pickerScope = "https://www.googleapis.com/auth/photospicker.mediaitems.readonly"

// photosRig is the site's handler and the emulator, each on an httptest
// server, with a tap on the emulator's media bytes: how many fetches, how
// many bytes, and a switch that makes them hang until the caller gives up.
type photosRig struct {
	tb       testing.TB
	site     string
	emulator string
	client   *http.Client
	csrf     string
	logs     *syncBuffer

	mediaHits  atomic.Int64
	mediaBytes atomic.Int64
	stallMedia atomic.Bool
	failMedia  atomic.Bool
	tokens     []string

	// upstream counts the calls of every emulator path and the bytes its
	// answers got out (the fault suite's retry and size checks).
	upstreamMu sync.Mutex
	calls      map[string]int
	written    map[string]int64
	inflight   atomic.Int32 // emulator handlers running

	// answers are the URLs, headers and bodies the site answered, for the
	// leak check.
	answersMu sync.Mutex
	answers   []output
}

func newPhotosRig(tb testing.TB, configure ...func(*config.Config)) *photosRig {
	tb.Helper()
	r := &photosRig{tb: tb, logs: &syncBuffer{}, calls: map[string]int{}, written: map[string]int64{}}
	r.site, r.emulator = emulatedSite(tb, emulator.Options{PickerPollInterval: 200 * time.Millisecond}, func(emu http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if !strings.HasPrefix(req.URL.Path, "/media/") {
				r.inflight.Add(1)
				defer r.inflight.Add(-1)
				r.upstreamMu.Lock()
				r.calls[req.URL.Path]++
				r.upstreamMu.Unlock()
				cw := &countingWriter{ResponseWriter: w}
				emu.ServeHTTP(cw, req)
				r.upstreamMu.Lock()
				r.written[req.URL.Path] += cw.n
				r.upstreamMu.Unlock()
				return
			}
			r.mediaHits.Add(1)
			if r.stallMedia.Load() {
				<-req.Context().Done()
				return
			}
			if r.failMedia.Load() {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusServiceUnavailable)
				io.WriteString(w, `{"error":{"code":503,"message":"The service is currently unavailable.","status":"UNAVAILABLE"}}`)
				return
			}
			cw := &countingWriter{ResponseWriter: w}
			emu.ServeHTTP(cw, req)
			r.mediaBytes.Add(cw.n)
		})
	}, r.logs, configure...)

	jar, _ := cookiejar.New(nil)
	r.client = &http.Client{Jar: jar, Timeout: 15 * time.Second}
	r.loadPage()
	if t, ok := tb.(*testing.T); ok {
		t.Cleanup(r.checkNoTokenLeaked)
	}
	return r
}

type countingWriter struct {
	http.ResponseWriter
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.ResponseWriter.Write(b)
	c.n += int64(n)
	return n, err
}

// Flush lets a dripping answer through byte by byte.
func (c *countingWriter) Flush() {
	if f, ok := c.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// upstream reads and clears what the emulator's path saw: calls, bytes out.
// It waits for the emulator's handlers to end first (one the site hung up
// on ends when it notices).
func (r *photosRig) upstream(path string) (calls int, written int64) {
	for deadline := time.Now().Add(15 * time.Second); r.inflight.Load() > 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			r.tb.Fatalf("an emulator handler still runs 15 s after its answer was due")
		}
	}
	r.upstreamMu.Lock()
	defer r.upstreamMu.Unlock()
	calls, written = r.calls[path], r.written[path]
	delete(r.calls, path)
	delete(r.written, path)
	return calls, written
}

// loadPage loads /photos and keeps its CSRF token, as the browser does.
func (r *photosRig) loadPage() string {
	r.tb.Helper()
	res, body := r.do(context.Background(), http.MethodGet, "/photos", "", nil)
	m := csrfMeta.FindStringSubmatch(body)
	if res.StatusCode != 200 || m == nil {
		r.tb.Fatalf("GET /photos: %d, no csrf meta", res.StatusCode)
	}
	r.csrf = m[1]
	return body
}

// do sends a request like the page script: same origin, CSRF header, the
// token in the Authorization header, form fields in the body.
func (r *photosRig) do(ctx context.Context, method, path, token string, form url.Values) (*http.Response, string) {
	r.tb.Helper()
	res, body, err := r.try(ctx, method, path, token, form)
	if err != nil {
		r.tb.Fatalf("%s %s: %v", method, path, err)
	}
	return res, body
}

func (r *photosRig) try(ctx context.Context, method, path, token string, form url.Values) (*http.Response, string, error) {
	req, _ := http.NewRequestWithContext(ctx, method, r.site+path, strings.NewReader(form.Encode()))
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-CSRF-Token", r.csrf)
		req.Header.Set("Origin", r.site)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := r.client.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	r.answersMu.Lock()
	r.answers = append(r.answers, answerOutputs(req, res, b)...)
	r.answersMu.Unlock()
	return res, string(b), err
}

// emu calls the emulator's control API.
func (r *photosRig) emu(path string, body any, out any) {
	r.tb.Helper()
	emuControl(r.tb, r.emulator, path, body, out)
}

func (r *photosRig) mint(client string, scopes ...string) string {
	r.tb.Helper()
	tok := mintToken(r.tb, r.emulator, client, scopes...)
	r.tokens = append(r.tokens, tok)
	return tok
}

var (
	sessionAttr   = regexp.MustCompile(`data-session-id="([^"]+)"`)
	pickerURIAttr = regexp.MustCompile(`data-picker-uri="([^"]+)"`)
	pickerItem    = regexp.MustCompile(`name="item" value="([^"]+)"`)
	pickerName    = regexp.MustCompile(`<span class="name">([^<]+)</span>`)
)

// startSession posts the token to /photos and reads the panel's session.
func (r *photosRig) startSession(token string) (id, pickerURI string) {
	r.tb.Helper()
	res, body := r.do(context.Background(), http.MethodPost, "/photos", token, nil)
	sm, pm := sessionAttr.FindStringSubmatch(body), pickerURIAttr.FindStringSubmatch(body)
	if res.StatusCode != 200 || sm == nil || pm == nil {
		r.tb.Fatalf("POST /photos: %d\n%.600s", res.StatusCode, body)
	}
	return sm[1], html.UnescapeString(pm[1])
}

// pick is the user in the picker window: select the first n photos, Done.
// It returns their filenames.
func (r *photosRig) pick(pickerURI string, n int) []string {
	r.tb.Helper()
	res, err := http.Get(pickerURI + "/autoclose")
	if err != nil {
		r.tb.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	items, names := pickerItem.FindAllStringSubmatch(string(page), -1), pickerName.FindAllStringSubmatch(string(page), -1)
	if len(items) < n || len(names) < n {
		r.tb.Fatalf("picker page: %d items, %d names; want %d\n%.500s", len(items), len(names), n, page)
	}
	form := url.Values{}
	var picked []string
	for i := range n {
		form.Add("item", items[i][1])
		picked = append(picked, html.UnescapeString(names[i][1]))
	}
	res, err = http.PostForm(pickerURI+"/autoclose", form)
	if err != nil {
		r.tb.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		r.tb.Fatalf("Done: %d", res.StatusCode)
	}
	return picked
}

// checkNoTokenLeaked looks for every token the emulator issued in the
// site's log and in every URL, header and body it answered.
func (r *photosRig) checkNoTokenLeaked() {
	tokens := append(issuedTokens(r.tb, r.emulator), r.tokens...)
	r.answersMu.Lock()
	outputs := append([]output{{"the site's log", r.logs.String()}}, r.answers...)
	r.answersMu.Unlock()
	checkCanary(r.tb, tokens, outputs)
}

func TestPhotosPage(t *testing.T) {
	r := newPhotosRig(t)
	body := r.loadPage()
	for _, want := range []string{
		"<h1>Photo carousel</h1>",
		`data-scope="` + pickerScope + `"`,
		`data-postback="/photos"`,
		`data-action="authorize" disabled>Display photos</button>`,
		"photoslibrary.readonly",
		`/assets/js/photos.`,
		`"github.com/scopewise/scopewise/token-client"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("GET /photos lacks %q", want)
		}
	}
}

// TestPhotosPostbacks walks the Photos routes through each outcome. Every
// case starts from a reset emulator and its own session.
func TestPhotosPostbacks(t *testing.T) {
	r := newPhotosRig(t)
	type fixture struct {
		token, other, docsOnly string
		session, pickerURI     string
		picked                 []string
	}
	tests := []struct {
		name      string
		setup     func(f *fixture) // after the session starts
		path      string
		token     func(f *fixture) string
		form      func(f *fixture) url.Values
		status    int
		challenge string
		want      []string // in the answer
		wantNot   []string
		media     int // upstream media fetches during the call
		after     func(t *testing.T, f *fixture)
	}{
		{name: "start a session", path: "/photos", status: 200, want: []string{
			"Choose photos in Google Photos", `data-picker-uri="` + r.emulator + `/picker/`,
			`data-poll-interval-ms="200"`, `data-timeout-ms="1799000"`, `id="photos-picker-alert"`, `role="status"`,
		}},
		{name: "start: no token", path: "/photos", token: func(*fixture) string { return "" }, status: 400, challenge: `Bearer error="invalid_request"`, want: []string{`role="alert"`}},
		{name: "start: lacks the picker scope", path: "/photos", token: func(f *fixture) string { return f.docsOnly }, status: 403,
			challenge: `Bearer error="insufficient_scope", scope="` + pickerScope + `"`, want: []string{"Permission missing"}},
		{name: "start: another app's token", path: "/photos", token: func(f *fixture) string { return f.other }, status: 401, challenge: `Bearer error="invalid_token"`},
		{name: "start: upstream 503", path: "/photos", setup: func(f *fixture) {
			r.emu("/_emu/faults", map[string]any{"path": "/v1/sessions", "status": 503}, nil)
		}, status: 503, want: []string{"Photos Picker API", `role="alert"`, "Display photos"}},
		{name: "poll while picking", path: "/photos/session", status: 202, want: []string{`id="photos-poll"`, `data-poll-interval-ms="200"`, `id="ledger"`}, wantNot: []string{"data:image"}},
		{name: "poll once done: the carousel", path: "/photos/session", setup: func(f *fixture) { f.picked = r.pick(f.pickerURI, 3) },
			status: 200, media: 3,
			want: []string{`aria-labelledby="photos-title"`, `<h2 id="photos-title">Photos</h2>`, `>1 of 3</p>`, `aria-live="polite"`, `src="data:image/`, ">Previous</button>", ">Next</button>", "Pick other photos"},
			after: func(t *testing.T, f *fixture) {
				res, _ := r.do(context.Background(), http.MethodPost, "/photos/session", f.token, url.Values{"session": {f.session}})
				if res.StatusCode != http.StatusGone {
					t.Errorf("the session is still there after the carousel: poll answers %d, want 410", res.StatusCode)
				}
			}},
		{name: "poll: session timed out", path: "/photos/session", setup: func(*fixture) {
			r.emu("/_emu/clock", map[string]any{"advance": "1800s"}, nil)
		}, status: 410, want: []string{"Picking session expired", "Display photos", `id="photos-results"`}},
		{name: "poll: token expired mid-poll", path: "/photos/session", setup: func(*fixture) {
			r.emu("/_emu/clock", map[string]any{"advance": "3600s"}, nil)
		}, status: 401, challenge: `Bearer error="invalid_token"`, want: []string{"Access expired", "Display photos"}},
		{name: "poll: upstream 503", path: "/photos/session", setup: func(f *fixture) {
			r.emu("/_emu/faults", map[string]any{"path": "/v1/sessions/" + f.session, "status": 503, "count": 2}, nil) // the retry fails too
		}, status: 503, want: []string{"Photos Picker API"}},
		{name: "poll: unknown session", path: "/photos/session", form: func(*fixture) url.Values { return url.Values{"session": {"0f6a1b2c-0000-4000-8000-000000000000"}} }, status: 410, want: []string{"Picking session expired"}},
		{name: "poll: no session", path: "/photos/session", form: func(*fixture) url.Values { return nil }, status: 400},
		{name: "poll: a path for a session", path: "/photos/session", form: func(*fixture) url.Values { return url.Values{"session": {"../../_emu/reset"}} }, status: 400},
		{name: "poll: token in the form", path: "/photos/session", form: func(f *fixture) url.Values {
			return url.Values{"session": {f.session}, "access_token": {f.token}}
		}, status: 400, challenge: `Bearer error="invalid_request"`},
		{name: "list before Done: not done picking", path: "/photos/items", status: 409, want: []string{`id="photos-picker-alert"`, "Not done picking yet", "press Done"}},
		{name: "list after Done", path: "/photos/items", setup: func(f *fixture) { f.picked = r.pick(f.pickerURI, 2) }, status: 200, media: 2, want: []string{">1 of 2</p>"}},
		{name: "list: images failing upstream show as missing", path: "/photos/items", setup: func(f *fixture) {
			r.pick(f.pickerURI, 3)
			r.failMedia.Store(true)
		}, status: 200, media: 3, want: []string{">1 of 3</p>", "This image could not be loaded", "3 of the images could not be loaded"}, wantNot: []string{"data:image"},
			after: func(*testing.T, *fixture) { r.failMedia.Store(false) }},
		{name: "delete a session", path: "/photos/session/delete", status: 204, after: func(t *testing.T, f *fixture) {
			res, _ := r.do(context.Background(), http.MethodPost, "/photos/session", f.token, url.Values{"session": {f.session}})
			if res.StatusCode != http.StatusGone {
				t.Errorf("after delete, poll answers %d, want 410", res.StatusCode)
			}
		}},
		{name: "delete: already gone", path: "/photos/session/delete", form: func(*fixture) url.Values { return url.Values{"session": {"0f6a1b2c-0000-4000-8000-000000000000"}} }, status: 204},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r.emu("/_emu/reset", map[string]any{}, nil)
			f := &fixture{
				token:    r.mint(config.EmulatorClientID, pickerScope),
				other:    r.mint(config.OtherClientID, pickerScope),
				docsOnly: r.mint(config.EmulatorClientID, "https://www.googleapis.com/auth/documents.readonly"),
			}
			if tt.path != "/photos" {
				f.session, f.pickerURI = r.startSession(f.token)
			}
			if tt.setup != nil {
				tt.setup(f)
			}
			token := f.token
			if tt.token != nil {
				token = tt.token(f)
			}
			form := url.Values{"session": {f.session}}
			if tt.form != nil {
				form = tt.form(f)
			}
			hits := r.mediaHits.Load()
			res, body := r.do(context.Background(), http.MethodPost, tt.path, token, form)
			if res.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d\n%.800s", res.StatusCode, tt.status, body)
			}
			if got := res.Header.Get("WWW-Authenticate"); got != tt.challenge {
				t.Errorf("WWW-Authenticate = %q, want %q", got, tt.challenge)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("answer lacks %q\n%.1200s", w, body)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(body, w) {
					t.Errorf("answer has %q", w)
				}
			}
			for _, name := range f.picked {
				if !strings.Contains(body, `alt="`+name+`"`) {
					t.Errorf("no image with alt %q", name)
				}
			}
			if got := r.mediaHits.Load() - hits; got != int64(tt.media) {
				t.Errorf("%d upstream media fetches, want %d (one per image)", got, tt.media)
			}
			for _, tok := range []string{f.token, f.other, f.docsOnly} {
				if strings.Contains(body, tok) || strings.Contains(fmt.Sprint(res.Header), tok) {
					t.Errorf("the answer holds a token")
				}
			}
			if tt.status >= 400 && !strings.Contains(body, `role="alert"`) {
				t.Errorf("no alert in the answer\n%.600s", body)
			}
			if tt.after != nil {
				tt.after(t, f)
			}
		})
	}
}

// ourFrames are functions of the site that must not run once every request
// has ended: a poll, a wait or an image fetch left behind.
var ourFrames = []string{"github.com/scopewise/scopewise/pages.", "github.com/scopewise/scopewise/internal/apis.", "github.com/scopewise/scopewise/internal/web."}

// lingering lists the goroutines that run the site's code.
func lingering() []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		for _, f := range ourFrames {
			if strings.Contains(g, f) {
				out = append(out, g)
				break
			}
		}
	}
	return out
}

// TestPhotosNothingOutlivesARequest: polling is the browser's; on the server
// a poll, a listing or the image fetches stop with their request. When the
// client goes away mid-call or the session has timed out, no goroutine (and
// so no timer or upstream call) of the site is left, and the goroutine count
// does not grow with the number of abandoned requests.
func TestPhotosNothingOutlivesARequest(t *testing.T) {
	// One session mints a new token for each of its 30-odd rounds within
	// seconds: more new tokens than the per-session limit lets a person check.
	r := newPhotosRig(t, func(c *config.Config) { c.SessionTokenChecks = config.Limit{} })
	var token string
	reset := func() {
		r.emu("/_emu/reset", map[string]any{}, nil)
		r.stallMedia.Store(false)
		token = r.mint(config.EmulatorClientID, pickerScope)
	}
	const rounds = 10

	tests := []struct {
		name string
		// prepare returns the request to make; leave says after how long the
		// client gives up (0: it waits for the answer).
		prepare func() (path string, form url.Values)
		leave   time.Duration
		status  int // the answer when the client waits
	}{
		{name: "client leaves during a slow poll", leave: 150 * time.Millisecond, prepare: func() (string, url.Values) {
			id, _ := r.startSession(token)
			r.emu("/_emu/faults", map[string]any{"path": "/v1/sessions/" + id, "delay": "60s"}, nil)
			return "/photos/session", url.Values{"session": {id}}
		}},
		{name: "client leaves during the image fetches", leave: 150 * time.Millisecond, prepare: func() (string, url.Values) {
			id, uri := r.startSession(token)
			r.pick(uri, 6)
			r.stallMedia.Store(true)
			return "/photos/items", url.Values{"session": {id}}
		}},
		{name: "session timed out", status: http.StatusGone, prepare: func() (string, url.Values) {
			id, _ := r.startSession(token)
			r.emu("/_emu/clock", map[string]any{"advance": "1800s"}, nil)
			return "/photos/session", url.Values{"session": {id}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Warm up (pooled connections, lazily built seed images), then count.
			reset()
			r.startSession(token)
			r.client.CloseIdleConnections()
			time.Sleep(50 * time.Millisecond)
			before := runtime.NumGoroutine()

			for range rounds {
				reset()
				path, form := tt.prepare()
				ctx, cancel := context.WithCancel(context.Background())
				if tt.leave > 0 {
					time.AfterFunc(tt.leave, cancel)
				}
				start := time.Now()
				res, _, err := r.try(ctx, http.MethodPost, path, token, form)
				cancel()
				switch {
				case tt.leave > 0 && err == nil:
					t.Fatalf("the call answered %d before the client left; the test needs it to hang", res.StatusCode)
				case tt.leave == 0 && err != nil:
					t.Fatal(err)
				case tt.leave == 0 && res.StatusCode != tt.status:
					t.Fatalf("status %d, want %d", res.StatusCode, tt.status)
				case time.Since(start) > 5*time.Second:
					t.Fatalf("the call took %v", time.Since(start))
				}
			}
			r.stallMedia.Store(false)
			r.client.CloseIdleConnections()

			deadline := time.Now().Add(5 * time.Second)
			for {
				left := lingering()
				// Pooled upstream connections may stay; a leak grows with the rounds.
				grown := runtime.NumGoroutine() - before
				if len(left) == 0 && grown < rounds {
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("after %d abandoned requests: %d more goroutines, %d running the site's code:\n%s",
						rounds, grown, len(left), strings.Join(left, "\n\n"))
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}

// BenchmarkThumbnail serves picked photos through the server: POST
// /photos/items for a session of 12 picked photos, which lists them, fetches
// each 256-px thumbnail once with the token and answers the carousel with
// the images inline. Reported per image: time, upstream bytes, bytes of the
// answer, and upstream fetches (1 is the requirement).
func BenchmarkThumbnail(b *testing.B) {
	const perSession = 12
	r := newPhotosRig(b)
	token := r.mint(config.EmulatorClientID, pickerScope)
	var answerBytes, elapsed int64
	hits0, bytes0 := r.mediaHits.Load(), r.mediaBytes.Load()
	b.ResetTimer()
	b.StopTimer()
	for range b.N {
		id, uri := r.startSession(token)
		r.pick(uri, perSession)
		start := time.Now()
		b.StartTimer()
		res, body := r.do(context.Background(), http.MethodPost, "/photos/items", token, url.Values{"session": {id}})
		b.StopTimer()
		elapsed += int64(time.Since(start))
		if res.StatusCode != 200 {
			b.Fatalf("status %d", res.StatusCode)
		}
		answerBytes += int64(len(body))
	}
	images := float64(b.N * perSession)
	b.ReportMetric(float64(elapsed)/images, "ns/image")
	b.ReportMetric(float64(r.mediaBytes.Load()-bytes0)/images, "upstream-B/image")
	b.ReportMetric(float64(answerBytes)/images, "answer-B/image")
	b.ReportMetric(float64(r.mediaHits.Load()-hits0)/images, "fetches/image")
}
