package apis

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/scopewise/scopewise/internal/timing"
)

// PickerScope is the one scope the Photos page asks for.
const PickerScope = "https://www.googleapis.com/auth/photospicker.mediaitems.readonly"

const (
	apiPicker = "Photos Picker API"
	// apiMedia names the server behind a media item's baseUrl for the user.
	apiMedia = "Google Photos media server"

	// maxPageSize is the most media items one list call asks for (Google's limit is 100).
	maxPageSize = 100
	// maxListPages bounds a listing whatever the pages say, so an upstream
	// that keeps answering a next page token with nothing cannot loop us.
	maxListPages = 50
	// MaxMediaBytes bounds the bytes read for one image.
	MaxMediaBytes = 4 << 20
)

// Picker drives the Photos Picker API: sessions, media items, media bytes.
type Picker struct {
	base  string // …/v1
	media string // origin of baseUrl media bytes; "" refuses every fetch
	hc    *http.Client
}

// NewPicker builds a client for the Photos Picker API at base. It fetches no
// media until given the media origin (WithMediaOrigin).
func NewPicker(base string, hc *http.Client) *Picker {
	return &Picker{base: strings.TrimRight(base, "/"), hc: hc}
}

// WithMediaOrigin is a copy of p that fetches media bytes from origin (e.g.
// "https://lh3.googleusercontent.com") and from nowhere else: a baseUrl comes
// from an upstream answer, and the bearer token goes with every media fetch,
// so a baseUrl naming any other host is refused rather than followed.
func (p *Picker) WithMediaOrigin(origin string) *Picker {
	cp := *p
	cp.media = strings.ToLower(strings.TrimRight(origin, "/"))
	return &cp
}

// PickingSession is a Picker session as the page needs it.
type PickingSession struct {
	ID        string
	PickerURI string
	// PollInterval and TimeoutIn are Google's pollingConfig: how often to ask
	// whether the user is done, and for how long from now that is worth it.
	// Zero when the answer carries no pollingConfig.
	PollInterval  time.Duration
	TimeoutIn     time.Duration
	ExpireTime    time.Time
	MediaItemsSet bool
}

// MediaItem is one picked photo or video.
type MediaItem struct {
	ID       string
	Type     string // "PHOTO", "VIDEO" or "TYPE_UNSPECIFIED"
	BaseURL  string // fetched with the bearer token, plus a size suffix
	Filename string
	Width    int
	Height   int
}

// Media is the bytes of one image and their type.
type Media struct {
	ContentType string
	Bytes       []byte
}

type sessionJSON struct {
	ID            string `json:"id"`
	PickerURI     string `json:"pickerUri"`
	PollingConfig *struct {
		PollInterval string `json:"pollInterval"`
		TimeoutIn    string `json:"timeoutIn"`
	} `json:"pollingConfig"`
	ExpireTime    string `json:"expireTime"`
	MediaItemsSet bool   `json:"mediaItemsSet"`
}

type mediaItemsJSON struct {
	MediaItems []struct {
		ID        string `json:"id"`
		Type      string `json:"type"`
		MediaFile struct {
			BaseURL           string `json:"baseUrl"`
			Filename          string `json:"filename"`
			MediaFileMetadata struct {
				Width  flexInt `json:"width"`
				Height flexInt `json:"height"`
			} `json:"mediaFileMetadata"`
		} `json:"mediaFile"`
	} `json:"mediaItems"`
	NextPageToken string `json:"nextPageToken"`
}

// flexInt reads a JSON number or a numeric string (Google's int64 fields
// arrive as strings); anything else reads as 0.
type flexInt int

func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	n, err := strconv.Atoi(s)
	if err == nil && n >= 0 {
		*f = flexInt(n)
	}
	return nil
}

// CreateSession starts a picking session: POST /v1/sessions {}.
func (p *Picker) CreateSession(ctx context.Context, token string) (PickingSession, error) {
	var s sessionJSON
	if err := getJSON(ctx, p.hc, apiPicker, http.MethodPost, withFields(p.base+"/sessions", nil, SessionFields), token, &s); err != nil {
		return PickingSession{}, err
	}
	return p.parseSession(s)
}

// GetSession asks whether the user is done picking: GET /v1/sessions/{id}.
func (p *Picker) GetSession(ctx context.Context, token, id string) (PickingSession, error) {
	var s sessionJSON
	if err := getJSON(ctx, p.hc, apiPicker, http.MethodGet, p.SessionURL(id), token, &s); err != nil {
		return PickingSession{}, err
	}
	return p.parseSession(s)
}

// SessionURL is the sessions.get call GetSession makes.
func (p *Picker) SessionURL(id string) string {
	return withFields(p.base+"/sessions/"+url.PathEscape(id), nil, SessionFields)
}

// MediaItemsURL is a mediaItems.list call ListMediaItems makes: up to
// size items of the page after pageToken ("" for the first).
func (p *Picker) MediaItemsURL(sessionID string, size int, pageToken string) string {
	q := url.Values{"sessionId": {sessionID}, "pageSize": {strconv.Itoa(min(size, maxPageSize))}}
	if pageToken != "" {
		q.Set("pageToken", pageToken)
	}
	return withFields(p.base+"/mediaItems", q, MediaItemsFields)
}

// DeleteSession ends a session once its items are read: DELETE /v1/sessions/{id}.
func (p *Picker) DeleteSession(ctx context.Context, token, id string) error {
	return getJSON(ctx, p.hc, apiPicker, http.MethodDelete, p.base+"/sessions/"+url.PathEscape(id), token, nil)
}

// ListMediaItems lists up to max picked items of a session, page by page,
// and reports whether more were picked than returned. Before the user is done
// picking Google answers FAILED_PRECONDITION (KindFailedPrecondition).
func (p *Picker) ListMediaItems(ctx context.Context, token, sessionID string, max int) (items []MediaItem, more bool, err error) {
	pageToken := ""
	for range maxListPages {
		var page mediaItemsJSON
		if err := getJSON(ctx, p.hc, apiPicker, http.MethodGet, p.MediaItemsURL(sessionID, max-len(items), pageToken), token, &page); err != nil {
			return nil, false, err
		}
		for _, it := range page.MediaItems {
			if len(items) == max {
				return items, true, nil
			}
			items = append(items, MediaItem{
				ID:       it.ID,
				Type:     it.Type,
				BaseURL:  it.MediaFile.BaseURL,
				Filename: it.MediaFile.Filename,
				Width:    int(it.MediaFile.MediaFileMetadata.Width),
				Height:   int(it.MediaFile.MediaFileMetadata.Height),
			})
		}
		if page.NextPageToken == "" || page.NextPageToken == pageToken {
			return items, false, nil
		}
		if len(items) >= max {
			return items, true, nil
		}
		pageToken = page.NextPageToken
	}
	return items, true, nil
}

// sizeSuffix is what may follow a baseUrl: "=w256-h256", "=w2048-h1024-c", "=d".
var sizeSuffix = regexp.MustCompile(`^=(w[1-9][0-9]{0,4}-h[1-9][0-9]{0,4}(-c)?|d)$`)

// mediaTypes are the image types the page may show. SVG is not among them:
// served from our origin it could carry script.
var mediaTypes = map[string]bool{
	"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true, "image/avif": true,
}

// ErrMediaOrigin means a baseUrl does not point at the configured media
// origin; the token was not sent.
var ErrMediaOrigin = errors.New("baseUrl is not on the media origin")

// FetchMedia reads the bytes at baseURL+size with the bearer token. The URL
// must be on the media origin, the answer an image of a known type and at
// most MaxMediaBytes long.
func (p *Picker) FetchMedia(ctx context.Context, token, baseURL, size string) (Media, error) {
	defer timing.Track(ctx, apiMedia)()
	if !sizeSuffix.MatchString(size) {
		return Media{}, &Error{API: apiMedia, Kind: KindBadRequest, Err: fmt.Errorf("size suffix %q", size)}
	}
	if err := p.onMediaOrigin(baseURL); err != nil {
		return Media{}, &Error{API: apiMedia, Kind: KindBadRequest, Err: err}
	}
	// Not retried: a missing thumbnail shows as missing, and retrying every
	// image of a carousel against a failing server doubles its load.
	resp, err := send(ctx, p.hc, apiMedia, false, func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+size, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept", "image/avif,image/webp,image/png,image/jpeg,image/gif")
		return req, nil
	})
	if err != nil {
		return Media{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		body, err := readCapped(apiMedia, resp, maxErrorBody)
		if err != nil {
			return Media{}, err
		}
		return Media{}, statusError(apiMedia, resp, body)
	}
	ct, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil || !mediaTypes[ct] {
		return Media{}, &Error{API: apiMedia, Kind: KindUnavailable, Status: resp.StatusCode, Err: fmt.Errorf("content type %q is not an image we show", resp.Header.Get("Content-Type"))}
	}
	if resp.ContentLength > MaxMediaBytes {
		return Media{}, &Error{API: apiMedia, Kind: KindUnavailable, Status: resp.StatusCode, Err: fmt.Errorf("image of %d bytes is over the limit", resp.ContentLength)}
	}
	var buf bytes.Buffer
	if resp.ContentLength > 0 {
		buf.Grow(int(resp.ContentLength))
	}
	n, err := buf.ReadFrom(io.LimitReader(resp.Body, MaxMediaBytes+1))
	if err != nil {
		return Media{}, transportError(apiMedia, err)
	}
	if n > MaxMediaBytes {
		return Media{}, &Error{API: apiMedia, Kind: KindUnavailable, Status: resp.StatusCode, Err: errors.New("image over the size limit")}
	}
	return Media{ContentType: ct, Bytes: buf.Bytes()}, nil
}

// onMediaOrigin checks that raw is an absolute URL on the media origin with a
// plain path: no user info, query or fragment for the size suffix to land in.
func (p *Picker) onMediaOrigin(raw string) error {
	if p.media == "" {
		return fmt.Errorf("%w: no media origin is configured", ErrMediaOrigin)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%w: unparsable", ErrMediaOrigin)
	}
	origin := strings.ToLower(u.Scheme + "://" + u.Host)
	switch {
	case u.Opaque != "" || u.User != nil || u.Host == "":
		return fmt.Errorf("%w: not a plain absolute URL", ErrMediaOrigin)
	case origin != p.media:
		return fmt.Errorf("%w: host %q", ErrMediaOrigin, u.Host)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#"):
		return fmt.Errorf("%w: has a query or fragment", ErrMediaOrigin)
	case len(u.Path) < 2:
		return fmt.Errorf("%w: no path", ErrMediaOrigin)
	}
	return nil
}

// parseSession reads a session answer. The pickerUri goes to the page, which
// opens it in a window: only https (or the Picker API's own origin, which is
// the emulator's in emulator mode) is accepted, never javascript: or data:.
func (p *Picker) parseSession(s sessionJSON) (PickingSession, error) {
	out := PickingSession{ID: s.ID, PickerURI: s.PickerURI, MediaItemsSet: s.MediaItemsSet}
	if s.ID == "" {
		return PickingSession{}, &Error{API: apiPicker, Kind: KindUnavailable, Err: errors.New("session without an id")}
	}
	if u, err := url.Parse(s.PickerURI); err != nil || u.Host == "" || u.User != nil ||
		(u.Scheme != "https" && !strings.EqualFold(u.Scheme+"://"+u.Host, originOf(p.base))) {
		return PickingSession{}, &Error{API: apiPicker, Kind: KindUnavailable, Err: fmt.Errorf("pickerUri %q is not an https URL", s.PickerURI)}
	}
	if s.PollingConfig != nil {
		var err1, err2 error
		out.PollInterval, err1 = parseProtoDuration(s.PollingConfig.PollInterval)
		out.TimeoutIn, err2 = parseProtoDuration(s.PollingConfig.TimeoutIn)
		if err := errors.Join(err1, err2); err != nil {
			return PickingSession{}, &Error{API: apiPicker, Kind: KindUnavailable, Err: err}
		}
	}
	if s.ExpireTime != "" {
		t, err := time.Parse(time.RFC3339Nano, s.ExpireTime)
		if err != nil {
			return PickingSession{}, &Error{API: apiPicker, Kind: KindUnavailable, Err: fmt.Errorf("expireTime: %w", err)}
		}
		out.ExpireTime = t
	}
	return out, nil
}

func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// parseProtoDuration reads a google.protobuf.Duration in JSON: seconds with
// up to nine fractional digits and an "s" ("5s", "0.500s", "1799s"). An
// empty string is zero.
func parseProtoDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	num, ok := strings.CutSuffix(s, "s")
	if !ok || num == "" || strings.ContainsAny(num, "+eE") {
		return 0, fmt.Errorf("duration %q: want seconds like \"5s\"", s)
	}
	d, err := time.ParseDuration(num + "s")
	if err != nil {
		return 0, fmt.Errorf("duration %q: %w", s, err)
	}
	return d, nil
}

// String keeps a Media's bytes out of any log that prints it.
func (m Media) String() string { return fmt.Sprintf("%s, %d bytes", m.ContentType, len(m.Bytes)) }
