package apis

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const pickerToken = "ya29.picker-test-token"

// pickerStub serves Google-shaped Picker answers: each handler gets the
// request after the bearer check.
func pickerStub(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("Authorization"); got != "Bearer "+pickerToken {
			w.Header().Set("WWW-Authenticate", `Bearer realm="https://accounts.google.com/", error="invalid_token"`)
			writeEnvelope(w, 401, "UNAUTHENTICATED", "")
			return
		}
		if r.URL.Query().Has("access_token") {
			t.Errorf("token in the query: %s", r.URL.RawQuery)
		}
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func writeEnvelope(w http.ResponseWriter, code int, status, reason string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	details := ""
	if reason != "" {
		details = `,"details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"` + reason + `"}]`
	}
	fmt.Fprintf(w, `{"error":{"code":%d,"message":"m","status":%q%s}}`, code, status, details)
}

const sessionBody = `{"id":"0f6a1b2c-aaaa-bbbb-cccc-1234567890ab","pickerUri":"https://photos.google.com/picker/0f6a1b2c",` +
	`"pollingConfig":{"pollInterval":"5s","timeoutIn":"1799s"},"expireTime":"2026-01-02T15:04:05.123456Z","mediaItemsSet":false}`

func TestPickerSessions(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		token  string
		want   PickingSession
		kind   Kind
	}{
		{name: "created", status: 200, body: sessionBody, want: PickingSession{
			ID: "0f6a1b2c-aaaa-bbbb-cccc-1234567890ab", PickerURI: "https://photos.google.com/picker/0f6a1b2c",
			PollInterval: 5 * time.Second, TimeoutIn: 1799 * time.Second,
			ExpireTime: time.Date(2026, 1, 2, 15, 4, 5, 123456000, time.UTC),
		}},
		{name: "fractional durations", status: 200, body: `{"id":"s1","pickerUri":"https://photos.google.com/picker/s1","pollingConfig":{"pollInterval":"0.250s","timeoutIn":"12.5s"}}`,
			want: PickingSession{ID: "s1", PickerURI: "https://photos.google.com/picker/s1", PollInterval: 250 * time.Millisecond, TimeoutIn: 12500 * time.Millisecond}},
		{name: "done, no polling config", status: 200, body: `{"id":"s1","pickerUri":"STUB/picker/s1","mediaItemsSet":true}`,
			want: PickingSession{ID: "s1", PickerURI: "STUB/picker/s1", MediaItemsSet: true}},
		{name: "javascript pickerUri", status: 200, body: `{"id":"s1","pickerUri":"javascript:alert(1)"}`, kind: KindUnavailable},
		{name: "http pickerUri elsewhere", status: 200, body: `{"id":"s1","pickerUri":"http://photos.example/picker/s1"}`, kind: KindUnavailable},
		{name: "relative pickerUri", status: 200, body: `{"id":"s1","pickerUri":"/picker/s1"}`, kind: KindUnavailable},
		{name: "bad duration", status: 200, body: `{"id":"s1","pollingConfig":{"pollInterval":"5 seconds"}}`, kind: KindUnavailable},
		{name: "no id", status: 200, body: `{"pickerUri":"u"}`, kind: KindUnavailable},
		{name: "garbage", status: 200, body: `<html>`, kind: KindUnavailable},
		{name: "expired token", token: "ya29.other", kind: KindInvalidToken},
		{name: "scope missing", status: 403, body: "PERMISSION_DENIED/ACCESS_TOKEN_SCOPE_INSUFFICIENT", kind: KindInsufficientScope},
		{name: "unavailable", status: 503, body: "UNAVAILABLE/", kind: KindUnavailable},
		{name: "not found", status: 404, body: "NOT_FOUND/", kind: KindNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var method, path string
			srv := pickerStub(t, func(w http.ResponseWriter, r *http.Request) {
				method, path = r.Method, r.URL.Path
				if status, reason, ok := strings.Cut(tt.body, "/"); ok && tt.status >= 400 {
					writeEnvelope(w, tt.status, status, reason)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				w.Write([]byte(strings.ReplaceAll(tt.body, "STUB", "http://"+r.Host)))
			})
			p := NewPicker(srv.URL+"/v1/", NewHTTPClient())
			token := pickerToken
			if tt.token != "" {
				token = tt.token
			}
			for _, call := range []struct {
				name, method, path string
				do                 func() (PickingSession, error)
			}{
				{"create", "POST", "/v1/sessions", func() (PickingSession, error) { return p.CreateSession(context.Background(), token) }},
				{"get", "GET", "/v1/sessions/s 1", func() (PickingSession, error) { return p.GetSession(context.Background(), token, "s 1") }},
			} {
				got, err := call.do()
				if tt.kind != 0 {
					if KindOf(err) != tt.kind {
						t.Fatalf("%s: err = %v, want kind %v", call.name, err, tt.kind)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%s: %v", call.name, err)
				}
				if method != call.method || path != call.path {
					t.Errorf("%s called %s %s, want %s %s", call.name, method, path, call.method, call.path)
				}
				tt.want.PickerURI = strings.ReplaceAll(tt.want.PickerURI, "STUB", srv.URL)
				if got != tt.want {
					t.Errorf("%s = %+v, want %+v", call.name, got, tt.want)
				}
			}
		})
	}
}

func TestPickerDeleteSession(t *testing.T) {
	tests := []struct {
		name   string
		status int
		kind   Kind
	}{
		{name: "deleted", status: 200},
		{name: "already gone", status: 404, kind: KindNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := pickerStub(t, func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodDelete || r.URL.Path != "/v1/sessions/abc" {
					t.Errorf("called %s %s", r.Method, r.URL.Path)
				}
				if tt.status != 200 {
					writeEnvelope(w, tt.status, "NOT_FOUND", "")
					return
				}
				w.Write([]byte(`{}`))
			})
			err := NewPicker(srv.URL+"/v1", NewHTTPClient()).DeleteSession(context.Background(), pickerToken, "abc")
			if KindOf(err) != tt.kind || (tt.kind == 0 && err != nil) {
				t.Fatalf("err = %v, want kind %v", err, tt.kind)
			}
		})
	}
}

// itemsPage is one page of n items starting at first, Google-shaped.
func itemsPage(first, n int, next string) string {
	var b strings.Builder
	b.WriteString(`{"mediaItems":[`)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id":"item-%d","createTime":"2025-05-01T10:00:00Z","type":"PHOTO","mediaFile":{"baseUrl":"https://lh3.googleusercontent.com/ppa/item-%d","mimeType":"image/jpeg","filename":"IMG_%04d.jpg","mediaFileMetadata":{"width":%d,"height":"768"}}}`, first+i, first+i, first+i, 1024)
	}
	b.WriteString(`]`)
	if next != "" {
		fmt.Fprintf(&b, `,"nextPageToken":%q`, next)
	}
	b.WriteString(`}`)
	return b.String()
}

func TestPickerListMediaItems(t *testing.T) {
	tests := []struct {
		name      string
		pages     []string // by page number; a page links to the next by "p<N>"
		max       int
		wantN     int
		wantMore  bool
		wantCalls int
		kind      Kind
	}{
		{name: "one page", pages: []string{itemsPage(0, 3, "")}, max: 50, wantN: 3, wantCalls: 1},
		{name: "two pages", pages: []string{itemsPage(0, 2, "p1"), itemsPage(2, 2, "")}, max: 50, wantN: 4, wantCalls: 2},
		{name: "capped mid page", pages: []string{itemsPage(0, 5, "")}, max: 3, wantN: 3, wantMore: true, wantCalls: 1},
		{name: "capped at page end", pages: []string{itemsPage(0, 3, "p1"), itemsPage(3, 3, "")}, max: 3, wantN: 3, wantMore: true, wantCalls: 1},
		{name: "empty pages forever", pages: []string{"EMPTY"}, max: 5, wantN: 0, wantMore: true, wantCalls: maxListPages},
		{name: "same token again", pages: []string{itemsPage(0, 1, "p1"), itemsPage(1, 1, "p1")}, max: 5, wantN: 2, wantCalls: 2},
		{name: "not done picking", pages: []string{"FAILED_PRECONDITION"}, max: 5, kind: KindFailedPrecondition},
		{name: "upstream 500", pages: []string{"INTERNAL"}, max: 5, kind: KindUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := pickerStub(t, func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				q := r.URL.Query()
				if r.URL.Path != "/v1/mediaItems" || q.Get("sessionId") != "sess-1" {
					t.Errorf("called %s?%s", r.URL.Path, r.URL.RawQuery)
				}
				if n, _ := strconv.Atoi(q.Get("pageSize")); n < 1 || n > maxPageSize {
					t.Errorf("pageSize %q", q.Get("pageSize"))
				}
				page := 0
				if pt := q.Get("pageToken"); pt != "" {
					page, _ = strconv.Atoi(strings.TrimPrefix(pt, "p"))
				}
				body := tt.pages[min(page, len(tt.pages)-1)]
				switch body {
				case "FAILED_PRECONDITION":
					writeEnvelope(w, 400, body, "")
				case "INTERNAL":
					writeEnvelope(w, 500, body, "")
				case "EMPTY":
					fmt.Fprintf(w, `{"nextPageToken":"p%d"}`, page+1)
				default:
					w.Write([]byte(body))
				}
			})
			items, more, err := NewPicker(srv.URL+"/v1", NewHTTPClient()).ListMediaItems(context.Background(), pickerToken, "sess-1", tt.max)
			if KindOf(err) != tt.kind || (tt.kind == 0 && err != nil) {
				t.Fatalf("err = %v, want kind %v", err, tt.kind)
			}
			if len(items) != tt.wantN || more != tt.wantMore || int(calls.Load()) != tt.wantCalls && tt.kind == 0 {
				t.Fatalf("got %d items, more=%v, %d calls; want %d, %v, %d", len(items), more, calls.Load(), tt.wantN, tt.wantMore, tt.wantCalls)
			}
			if tt.wantN > 0 {
				want := MediaItem{ID: "item-0", Type: "PHOTO",
					BaseURL: "https://lh3.googleusercontent.com/ppa/item-0", Filename: "IMG_0000.jpg", Width: 1024, Height: 768}
				if items[0] != want {
					t.Errorf("item 0 = %+v, want %+v", items[0], want)
				}
			}
		})
	}
}

// png1x1 is a valid tiny PNG.
var png1x1 = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

func TestPickerFetchMedia(t *testing.T) {
	var hits atomic.Int32
	var lastPath atomic.Value
	media := pickerStub(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		lastPath.Store(r.URL.Path)
		switch {
		case strings.HasPrefix(r.URL.Path, "/media/svg"):
			w.Header().Set("Content-Type", "image/svg+xml")
			w.Write([]byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`))
		case strings.HasPrefix(r.URL.Path, "/media/html"):
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte(`<p>not an image</p>`))
		case strings.HasPrefix(r.URL.Path, "/media/huge"):
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write(make([]byte, MaxMediaBytes+10)) // no Content-Length up front: chunked
		case strings.HasPrefix(r.URL.Path, "/media/redirect"):
			http.Redirect(w, r, "https://attacker.example/steal", http.StatusFound)
		case strings.HasPrefix(r.URL.Path, "/media/gone"):
			writeEnvelope(w, 404, "NOT_FOUND", "")
		default:
			w.Header().Set("Content-Type", "image/png")
			w.Write(png1x1)
		}
	})
	// Another server that must never see a request: the token would leak.
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere.Add(1) }))
	t.Cleanup(other.Close)

	p := NewPicker(media.URL+"/v1", NewHTTPClient()).WithMediaOrigin(media.URL)
	tests := []struct {
		name     string
		picker   *Picker
		baseURL  string
		size     string
		wantPath string // the path the media server saw; "" when it must see nothing
		kind     Kind
		origin   bool // refused as off the media origin
	}{
		{name: "thumbnail", baseURL: media.URL + "/media/abc", size: "=w256-h256", wantPath: "/media/abc=w256-h256"},
		{name: "crop", baseURL: media.URL + "/media/abc", size: "=w512-h512-c", wantPath: "/media/abc=w512-h512-c"},
		{name: "origin is case-blind", baseURL: strings.ToUpper(media.URL[:4]) + media.URL[4:] + "/media/abc", size: "=d", wantPath: "/media/abc=d"},
		{name: "other host", baseURL: other.URL + "/media/abc", size: "=w256-h256", kind: KindBadRequest, origin: true},
		{name: "other port same host", baseURL: strings.Replace(other.URL, "127.0.0.1", "127.0.0.1", 1) + "/x", size: "=d", kind: KindBadRequest, origin: true},
		{name: "user info trick", baseURL: "http://" + strings.TrimPrefix(media.URL, "http://") + "@" + strings.TrimPrefix(other.URL, "http://") + "/x", size: "=d", kind: KindBadRequest, origin: true},
		{name: "https downgrade", baseURL: strings.Replace(media.URL, "http://", "https://", 1) + "/x", size: "=d", kind: KindBadRequest, origin: true},
		{name: "query", baseURL: media.URL + "/media/abc?x=1", size: "=d", kind: KindBadRequest, origin: true},
		{name: "fragment", baseURL: media.URL + "/media/abc#f", size: "=d", kind: KindBadRequest, origin: true},
		{name: "relative", baseURL: "/media/abc", size: "=d", kind: KindBadRequest, origin: true},
		{name: "scheme relative", baseURL: "//" + strings.TrimPrefix(other.URL, "http://") + "/x", size: "=d", kind: KindBadRequest, origin: true},
		{name: "javascript", baseURL: "javascript:alert(1)", size: "=d", kind: KindBadRequest, origin: true},
		{name: "no media origin configured", picker: NewPicker(media.URL+"/v1", NewHTTPClient()), baseURL: media.URL + "/media/abc", size: "=d", kind: KindBadRequest, origin: true},
		{name: "bad size suffix", baseURL: media.URL + "/media/abc", size: "/../../x", kind: KindBadRequest},
		{name: "svg refused", baseURL: media.URL + "/media/svg", size: "=d", wantPath: "/media/svg=d", kind: KindUnavailable},
		{name: "not an image", baseURL: media.URL + "/media/html", size: "=d", wantPath: "/media/html=d", kind: KindUnavailable},
		{name: "too large", baseURL: media.URL + "/media/huge", size: "=d", wantPath: "/media/huge=d", kind: KindUnavailable},
		{name: "redirect not followed", baseURL: media.URL + "/media/redirect", size: "=d", wantPath: "/media/redirect=d", kind: KindUnavailable},
		{name: "gone", baseURL: media.URL + "/media/gone", size: "=d", wantPath: "/media/gone=d", kind: KindNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits.Store(0)
			lastPath.Store("")
			picker := p
			if tt.picker != nil {
				picker = tt.picker
			}
			m, err := picker.FetchMedia(context.Background(), pickerToken, tt.baseURL, tt.size)
			if KindOf(err) != tt.kind || (tt.kind == 0 && err != nil) {
				t.Fatalf("err = %v, want kind %v", err, tt.kind)
			}
			if got := errors.Is(err, ErrMediaOrigin); got != tt.origin {
				t.Errorf("refused as off the media origin = %v, want %v (%v)", got, tt.origin, err)
			}
			if err != nil && strings.Contains(err.Error(), pickerToken) {
				t.Errorf("the error holds the token: %v", err)
			}
			if got := lastPath.Load().(string); got != tt.wantPath {
				t.Errorf("media server saw path %q, want %q", got, tt.wantPath)
			}
			if tt.kind == 0 && (m.ContentType != "image/png" || string(m.Bytes) != string(png1x1)) {
				t.Errorf("got %v", m)
			}
		})
	}
	if n := elsewhere.Load(); n != 0 {
		t.Fatalf("another host got %d requests (with the bearer token)", n)
	}
}

func TestParseProtoDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{in: "", want: 0},
		{in: "5s", want: 5 * time.Second},
		{in: "1799s", want: 1799 * time.Second},
		{in: "0.500s", want: 500 * time.Millisecond},
		{in: "0.000000001s", want: 1},
		{in: "-1s", want: -time.Second},
		{in: "5", err: true},
		{in: "5m", err: true},
		{in: "1e3s", err: true},
		{in: "s", err: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseProtoDuration(tt.in)
			if (err != nil) != tt.err || got != tt.want {
				t.Fatalf("parseProtoDuration(%q) = %v, %v; want %v, err %v", tt.in, got, err, tt.want, tt.err)
			}
		})
	}
}
