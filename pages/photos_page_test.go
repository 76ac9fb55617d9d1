package pages_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/scopewise/scopewise/emulator"
	"github.com/scopewise/scopewise/internal/config"
	"github.com/scopewise/scopewise/internal/sitetest"
)

// startPhotos is the site with the Photos page loaded, its emulator
// advising a 200 ms poll, behind a tap on its media bytes.
func startPhotos(tb testing.TB, opts ...sitetest.Option) (*sitetest.Site, *sitetest.Tap) {
	tb.Helper()
	tap := &sitetest.Tap{}
	opts = append([]sitetest.Option{sitetest.WithEmulator(emulator.Options{PickerPollInterval: 200 * time.Millisecond}), sitetest.WithWrap(tap.Wrap)}, opts...)
	s := sitetest.Start(tb, opts...)
	s.Page("/photos")
	return s, tap
}

func TestPhotosPage(t *testing.T) {
	r, _ := startPhotos(t)
	body := r.Page("/photos").Body
	for _, want := range []string{
		"<h1>Photo carousel</h1>",
		`data-scope="` + sitetest.PhotosScope + `"`,
		`data-postback="/photos"`,
		`data-action="authorize" disabled>Display photos</button>`,
		"photoslibrary.readonly",
		`/assets/js/photos.`,
		`"scopewise/token-client"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("GET /photos lacks %q", want)
		}
	}
}

// TestPhotosPostbacks walks the Photos routes through each outcome. Every
// case starts from a reset emulator and its own session.
func TestPhotosPostbacks(t *testing.T) {
	r, tap := startPhotos(t)
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
			"Choose photos in Google Photos", `data-picker-uri="` + r.Emu.URL + `/picker/`,
			`data-poll-interval-ms="200"`, `data-timeout-ms="1799000"`, `id="photos-picker-alert"`, `role="status"`,
		}},
		{name: "start: no token", path: "/photos", token: func(*fixture) string { return "" }, status: 400, challenge: `Bearer error="invalid_request"`, want: []string{`role="alert"`}},
		{name: "start: lacks the picker scope", path: "/photos", token: func(f *fixture) string { return f.docsOnly }, status: 403,
			challenge: `Bearer error="insufficient_scope", scope="` + sitetest.PhotosScope + `"`, want: []string{"Permission missing"}},
		{name: "start: another app's token", path: "/photos", token: func(f *fixture) string { return f.other }, status: 401, challenge: `Bearer error="invalid_token"`},
		{name: "start: upstream 503", path: "/photos", setup: func(f *fixture) {
			r.Emu.Fault(t, emulator.Fault{Path: "/v1/sessions", Status: 503})
		}, status: 503, want: []string{"Photos Picker API", `role="alert"`, "Display photos"}},
		{name: "poll while picking", path: "/photos/session", status: 202, want: []string{`id="photos-poll"`, `data-poll-interval-ms="200"`, `id="ledger"`}, wantNot: []string{"data:image"}},
		{name: "poll once done: the carousel", path: "/photos/session", setup: func(f *fixture) { f.picked = r.Pick(f.pickerURI, 3) },
			status: 200, media: 3,
			want: []string{`aria-labelledby="photos-title"`, `<h2 id="photos-title">Photos</h2>`, `>1 of 3</p>`, `aria-live="polite"`, `src="data:image/`, ">Previous</button>", ">Next</button>", "Pick other photos"},
			after: func(t *testing.T, f *fixture) {
				res := r.PostForm("/photos/session", f.token, url.Values{"session": {f.session}})
				if res.StatusCode != http.StatusGone {
					t.Errorf("the session is still there after the carousel: poll answers %d, want 410", res.StatusCode)
				}
			}},
		{name: "poll: session timed out", path: "/photos/session", setup: func(*fixture) {
			r.Emu.Advance(t, 1800*time.Second)
		}, status: 410, want: []string{"Picking session expired", "Display photos", `id="photos-results"`}},
		{name: "poll: token expired mid-poll", path: "/photos/session", setup: func(*fixture) {
			r.Emu.Advance(t, 3600*time.Second)
		}, status: 401, challenge: `Bearer error="invalid_token"`, want: []string{"Access expired", "Display photos"}},
		{name: "poll: upstream 503", path: "/photos/session", setup: func(f *fixture) {
			r.Emu.Fault(t, emulator.Fault{Path: "/v1/sessions/" + f.session, Status: 503, Count: 2}) // the retry fails too
		}, status: 503, want: []string{"Photos Picker API"}},
		{name: "poll: unknown session", path: "/photos/session", form: func(*fixture) url.Values { return url.Values{"session": {"0f6a1b2c-0000-4000-8000-000000000000"}} }, status: 410, want: []string{"Picking session expired"}},
		{name: "poll: no session", path: "/photos/session", form: func(*fixture) url.Values { return nil }, status: 400},
		{name: "poll: a path for a session", path: "/photos/session", form: func(*fixture) url.Values { return url.Values{"session": {"../../_emu/reset"}} }, status: 400},
		{name: "poll: token in the form", path: "/photos/session", form: func(f *fixture) url.Values {
			return url.Values{"session": {f.session}, "access_token": {f.token}}
		}, status: 400, challenge: `Bearer error="invalid_request"`},
		{name: "list before Done: not done picking", path: "/photos/items", status: 409, want: []string{`id="photos-picker-alert"`, "Not done picking yet", "press Done"}},
		{name: "list after Done", path: "/photos/items", setup: func(f *fixture) { f.picked = r.Pick(f.pickerURI, 2) }, status: 200, media: 2, want: []string{">1 of 2</p>"}},
		{name: "list: images failing upstream show as missing", path: "/photos/items", setup: func(f *fixture) {
			r.Pick(f.pickerURI, 3)
			tap.FailMedia.Store(true)
		}, status: 200, media: 3, want: []string{">1 of 3</p>", "This image could not be loaded", "3 of the images could not be loaded"}, wantNot: []string{"data:image"},
			after: func(*testing.T, *fixture) { tap.FailMedia.Store(false) }},
		{name: "delete a session", path: "/photos/session/delete", status: 204, after: func(t *testing.T, f *fixture) {
			res := r.PostForm("/photos/session", f.token, url.Values{"session": {f.session}})
			if res.StatusCode != http.StatusGone {
				t.Errorf("after delete, poll answers %d, want 410", res.StatusCode)
			}
		}},
		{name: "delete: already gone", path: "/photos/session/delete", form: func(*fixture) url.Values { return url.Values{"session": {"0f6a1b2c-0000-4000-8000-000000000000"}} }, status: 204},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r.Emu.Reset(t)
			f := &fixture{
				token:    r.Mint(config.EmulatorClientID, sitetest.PhotosScope),
				other:    r.Mint(config.OtherClientID, sitetest.PhotosScope),
				docsOnly: r.Mint(config.EmulatorClientID, "https://www.googleapis.com/auth/documents.readonly"),
			}
			if tt.path != "/photos" {
				f.session, f.pickerURI = r.StartPicking(f.token)
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
			hits := tap.MediaHits.Load()
			res := r.PostForm(tt.path, token, form)
			body := res.Body
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
			if got := tap.MediaHits.Load() - hits; got != int64(tt.media) {
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

// TestPhotosNothingOutlivesARequest: polling is the browser's; on the server
// a poll, a listing or the image fetches stop with their request. When the
// client goes away mid-call or the session has timed out, no goroutine (and
// so no timer or upstream call) of the site is left, and the goroutine count
// does not grow with the number of abandoned requests.
func TestPhotosNothingOutlivesARequest(t *testing.T) {
	// One session mints a new token for each round within seconds: more new
	// tokens than the per-session limit lets a person check.
	r, tap := startPhotos(t, sitetest.WithConfig(func(c *config.Config) { c.SessionTokenChecks = config.Limit{} }))
	var token string
	reset := func() {
		r.Emu.Reset(t)
		tap.StallMedia.Store(false)
		token = r.Mint(config.EmulatorClientID, sitetest.PhotosScope)
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
			id, _ := r.StartPicking(token)
			r.Emu.Fault(t, emulator.Fault{Path: "/v1/sessions/" + id, Delay: 60 * time.Second})
			return "/photos/session", url.Values{"session": {id}}
		}},
		{name: "client leaves during the image fetches", leave: 150 * time.Millisecond, prepare: func() (string, url.Values) {
			id, uri := r.StartPicking(token)
			r.Pick(uri, 6)
			tap.StallMedia.Store(true)
			return "/photos/items", url.Values{"session": {id}}
		}},
		{name: "session timed out", status: http.StatusGone, prepare: func() (string, url.Values) {
			id, _ := r.StartPicking(token)
			r.Emu.Advance(t, 1800*time.Second)
			return "/photos/session", url.Values{"session": {id}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Warm up (pooled connections, lazily built seed images), then count.
			reset()
			r.StartPicking(token)
			r.Client.CloseIdleConnections()
			time.Sleep(50 * time.Millisecond)
			before := runtime.NumGoroutine()

			for range rounds {
				reset()
				path, form := tt.prepare()
				ctx, cancel := context.WithCancel(context.Background())
				if tt.leave > 0 {
					time.AfterFunc(tt.leave, cancel)
				}
				res, err := r.Try(r.NewPostback(ctx, path, token, form))
				cancel()
				switch {
				case tt.leave > 0 && err == nil:
					t.Fatalf("the call answered %d before the client left; the test needs it to hang", res.StatusCode)
				case tt.leave == 0 && err != nil:
					t.Fatal(err)
				case tt.leave == 0 && res.StatusCode != tt.status:
					t.Fatalf("status %d, want %d", res.StatusCode, tt.status)
				}
			}
			tap.StallMedia.Store(false)
			r.Client.CloseIdleConnections()

			deadline := time.Now().Add(5 * time.Second)
			for {
				left := sitetest.Lingering()
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
	r, tap := startPhotos(b)
	token := r.Mint(config.EmulatorClientID, sitetest.PhotosScope)
	var answerBytes, elapsed int64
	hits0, bytes0 := tap.MediaHits.Load(), tap.MediaBytes.Load()
	b.ResetTimer()
	b.StopTimer()
	for range b.N {
		id, uri := r.StartPicking(token)
		r.Pick(uri, perSession)
		start := time.Now()
		b.StartTimer()
		res := r.PostForm("/photos/items", token, url.Values{"session": {id}})
		body := res.Body
		b.StopTimer()
		elapsed += int64(time.Since(start))
		if res.StatusCode != 200 {
			b.Fatalf("status %d", res.StatusCode)
		}
		answerBytes += int64(len(body))
	}
	images := float64(b.N * perSession)
	b.ReportMetric(float64(elapsed)/images, "ns/image")
	b.ReportMetric(float64(tap.MediaBytes.Load()-bytes0)/images, "upstream-B/image")
	b.ReportMetric(float64(answerBytes)/images, "answer-B/image")
	b.ReportMetric(float64(tap.MediaHits.Load()-hits0)/images, "fetches/image")
}
