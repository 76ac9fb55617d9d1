package picker

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/scopewise/scopewise/emulator/internal/googleapi"
	"github.com/scopewise/scopewise/emulator/internal/page"
	"github.com/scopewise/scopewise/emulator/seed"
)

// Photos Picker API (FIDELITY.md): sessions, the picking page at pickerUri,
// mediaItems.list, and — on the same path without sessionId — the Library
// API that no longer answers photoslibrary.readonly.

const (
	pickerScope = "https://www.googleapis.com/auth/photospicker.mediaitems.readonly"
	// libraryAppDataScope is the one Library API scope mediaItems.list still
	// accepts (app-created items only). photoslibrary.readonly is not it.
	libraryAppDataScope = "https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata"

	// pickerPollTimeout is pollingConfig.timeoutIn at creation: how long the
	// app should poll and the user may pick.
	pickerPollTimeout = 1799 * time.Second
	// pickerSessionTTL is how long the session and its picked items (their
	// baseUrls) live: expireTime.
	pickerSessionTTL = time.Hour

	pickerMaxItemCount     = 2000
	pickerDefaultPageSize  = 25
	pickerMaxPageSize      = 100
	msgNotFound            = "Requested entity was not found."
	msgPickingNotFinished  = "The user has not finished picking media items yet."
	msgPickerBadPageToken  = "The page token is invalid."
	msgPickerPageTokenSwap = "When using a page token, you must use the same parameters as the previous request."

	// pickerMaxSessions is how many live sessions one user may hold with one
	// client before sessions.create answers RESOURCE_EXHAUSTED. Google
	// documents the error, not the number (FIDELITY.md).
	pickerMaxSessions = 20
	// pickerExpiredMemory is how long an expired session is remembered, so
	// that its owner gets PERMISSION_DENIED rather than NOT_FOUND.
	pickerExpiredMemory = 24 * time.Hour

	msgPermissionDenied = "The caller does not have permission"
	msgNoPhotosAccount  = "The user does not have an active Google Photos account."
	msgTooManySessions  = "Too many picking sessions for this user. Delete finished sessions with sessions.delete."
	msgBadRequestID     = "requestId must be a UUID (version 4) string: 32 hexadecimal characters in five groups, 8-4-4-4-12."
)

// expiredSession is what is remembered of a session past its expireTime:
// whose it was, and when it expired.
type expiredSession struct {
	Account, ClientID string
	Expire            time.Time
}

// requestKey scopes a sessions.create requestId to its user and client.
type requestKey struct{ account, clientID, requestID string }

// requestIDPattern is a UUID string, 8-4-4-4-12 hexadecimal digits.
var requestIDPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// sessionLookup is why a session cannot be used.
type sessionLookup int

const (
	sessionOK       sessionLookup = iota
	sessionNotFound               // never existed, deleted, or not this user's
	sessionExpired                // this user's, but past its expireTime
)

// writeSessionError answers a failed lookup as the reference says:
// NOT_FOUND for a session that does not exist or is not the user's,
// PERMISSION_DENIED when access to it has expired.
func writeSessionError(w http.ResponseWriter, l sessionLookup) {
	if l == sessionExpired {
		googleapi.WriteError(w, googleapi.Picker, http.StatusForbidden, "PERMISSION_DENIED", msgPermissionDenied, "")
		return
	}
	googleapi.WriteError(w, googleapi.Picker, http.StatusNotFound, "NOT_FOUND", msgNotFound, "")
}

// pickerSession is one picking session. Picked is nil until the user
// presses Done; Refs maps each picked item's baseUrl ref to the item.
type pickerSession struct {
	ID        string
	Account   string
	ClientID  string
	Created   time.Time
	PollUntil time.Time
	Expire    time.Time
	MaxItems  int
	MaxAsked  bool // pickingConfig.maxItemCount was sent, so it is echoed
	Picked    []*seedPhoto
	Refs      map[string]*seedPhoto
}

type pickerSessionJSON struct {
	ID            string             `json:"id"`
	PickerURI     string             `json:"pickerUri"`
	PollingConfig *pickerPollingJSON `json:"pollingConfig,omitempty"`
	ExpireTime    string             `json:"expireTime"`
	PickingConfig *pickingConfigJSON `json:"pickingConfig,omitempty"`
	MediaItemsSet bool               `json:"mediaItemsSet"`
}

type pickerPollingJSON struct {
	PollInterval string `json:"pollInterval"`
	TimeoutIn    string `json:"timeoutIn"`
}

type pickingConfigJSON struct {
	MaxItemCount string `json:"maxItemCount,omitempty"` // int64: a string in JSON
}

type pickedMediaItemJSON struct {
	ID         string        `json:"id"`
	CreateTime string        `json:"createTime"`
	Type       string        `json:"type"`
	MediaFile  mediaFileJSON `json:"mediaFile"`
}

type mediaFileJSON struct {
	BaseURL           string                `json:"baseUrl"`
	MimeType          string                `json:"mimeType"`
	Filename          string                `json:"filename"`
	MediaFileMetadata mediaFileMetadataJSON `json:"mediaFileMetadata"`
}

type mediaFileMetadataJSON struct {
	Width         int                `json:"width"`
	Height        int                `json:"height"`
	CameraMake    string             `json:"cameraMake,omitempty"`
	CameraModel   string             `json:"cameraModel,omitempty"`
	PhotoMetadata *photoMetadataJSON `json:"photoMetadata,omitempty"`
	VideoMetadata *videoMetadataJSON `json:"videoMetadata,omitempty"`
}

type photoMetadataJSON struct {
	FocalLength     float64 `json:"focalLength,omitempty"`
	ApertureFNumber float64 `json:"apertureFNumber,omitempty"`
	ISOEquivalent   int     `json:"isoEquivalent,omitempty"`
	ExposureTime    string  `json:"exposureTime,omitempty"`
}

type videoMetadataJSON struct {
	FPS              float64 `json:"fps"`
	ProcessingStatus string  `json:"processingStatus"`
}

// sessionJSON is the PickingSession resource as of now. pollingConfig is
// only there while nothing has been picked; timeoutIn counts down to 0.
func (s *Service) sessionJSON(r *http.Request, ps *pickerSession, now time.Time) pickerSessionJSON {
	out := pickerSessionJSON{
		ID:            ps.ID,
		PickerURI:     page.PublicURL(s.publicURL, r) + "/picker/" + ps.ID,
		ExpireTime:    googleapi.ProtoTime(ps.Expire),
		MediaItemsSet: ps.Picked != nil,
	}
	if ps.Picked == nil {
		left := max(ps.PollUntil.Sub(now), 0).Truncate(time.Millisecond)
		out.PollingConfig = &pickerPollingJSON{
			PollInterval: googleapi.ProtoDuration(s.pollInterval),
			TimeoutIn:    googleapi.ProtoDuration(left),
		}
	}
	if ps.MaxAsked {
		out.PickingConfig = &pickingConfigJSON{MaxItemCount: strconv.Itoa(ps.MaxItems)}
	}
	return out
}

// Create is sessions.create (POST /v1/sessions).
func (s *Service) Create(w http.ResponseWriter, r *http.Request) {
	tok, ok := googleapi.Authorize(w, r, s.tokens, googleapi.Picker, pickerScope)
	if !ok {
		return
	}
	maxItems, asked, msg := parsePickerCreate(r.Body)
	if msg != "" {
		googleapi.WriteError(w, googleapi.Picker, http.StatusBadRequest, "INVALID_ARGUMENT", msg, "")
		return
	}
	requestID := r.URL.Query().Get("requestId")
	if requestID != "" && !requestIDPattern.MatchString(requestID) {
		googleapi.WriteError(w, googleapi.Picker, http.StatusBadRequest, "INVALID_ARGUMENT", msgBadRequestID, "")
		return
	}
	if a, ok := seed.Find(s.accounts, tok.Account); ok && a.NoPhotos {
		googleapi.WriteError(w, googleapi.Picker, http.StatusBadRequest, "FAILED_PRECONDITION", msgNoPhotosAccount, "")
		return
	}
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	key := requestKey{tok.Account, tok.ClientID, strings.ToLower(requestID)}
	if requestID != "" {
		// A retry with the same requestId is the same request: its session.
		if ps, ok := s.liveSessionLocked(s.requests[key], now); ok {
			googleapi.WriteJSON(w, http.StatusOK, s.sessionJSON(r, ps, now))
			return
		}
	}
	live := 0
	for id, ps := range s.sessions {
		if _, ok := s.liveSessionLocked(id, now); ok && ps.Account == tok.Account && ps.ClientID == tok.ClientID {
			live++
		}
	}
	if live >= pickerMaxSessions {
		googleapi.WriteError(w, googleapi.Picker, http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", msgTooManySessions, "")
		return
	}
	ps := &pickerSession{
		ID:        newPickerID(),
		Account:   tok.Account,
		ClientID:  tok.ClientID,
		Created:   now,
		PollUntil: now.Add(pickerPollTimeout),
		Expire:    now.Add(pickerSessionTTL),
		MaxItems:  maxItems,
		MaxAsked:  asked,
	}
	s.sessions[ps.ID] = ps
	if requestID != "" {
		s.requests[key] = ps.ID
	}
	googleapi.WriteJSON(w, http.StatusOK, s.sessionJSON(r, ps, now))
}

// parsePickerCreate reads the optional PickingSession body ("", "{}" or
// {"pickingConfig":{"maxItemCount":"10"}}). Output-only fields are
// accepted and ignored; unknown ones are refused, as Google's JSON
// transcoding does.
func parsePickerCreate(body io.Reader) (maxItems int, asked bool, msg string) {
	raw, err := io.ReadAll(body)
	if err != nil {
		return 0, false, "Request payload is too large."
	}
	maxItems = pickerMaxItemCount
	if len(bytes.TrimSpace(raw)) == 0 {
		return maxItems, false, ""
	}
	var req struct {
		ID            json.RawMessage `json:"id"`
		PickerURI     json.RawMessage `json:"pickerUri"`
		PollingConfig json.RawMessage `json:"pollingConfig"`
		ExpireTime    json.RawMessage `json:"expireTime"`
		MediaItemsSet json.RawMessage `json:"mediaItemsSet"`
		PickingConfig *struct {
			MaxItemCount json.Number `json:"maxItemCount"`
		} `json:"pickingConfig"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		if _, field, ok := strings.Cut(err.Error(), "unknown field "); ok {
			return 0, false, fmt.Sprintf("Invalid JSON payload received. Unknown name %s: Cannot find field.", field)
		}
		return 0, false, "Invalid JSON payload received."
	}
	if req.PickingConfig != nil && req.PickingConfig.MaxItemCount != "" {
		n, err := strconv.Atoi(string(req.PickingConfig.MaxItemCount))
		if err != nil || n < 1 || n > pickerMaxItemCount {
			return 0, false, fmt.Sprintf("pickingConfig.maxItemCount must be between 1 and %d.", pickerMaxItemCount)
		}
		return n, true, ""
	}
	return maxItems, false, ""
}

// Get is sessions.get (GET /v1/sessions/{sessionId}).
func (s *Service) Get(w http.ResponseWriter, r *http.Request) {
	tok, ok := googleapi.Authorize(w, r, s.tokens, googleapi.Picker, pickerScope)
	if !ok {
		return
	}
	now := s.clock.Now()
	ps, l := s.ownSession(tok, r.PathValue("sessionId"), now)
	if l != sessionOK {
		writeSessionError(w, l)
		return
	}
	googleapi.WriteFields(w, r, googleapi.Picker, s.sessionJSON(r, &ps, now))
}

// Delete is sessions.delete (DELETE /v1/sessions/{sessionId}).
func (s *Service) Delete(w http.ResponseWriter, r *http.Request) {
	tok, ok := googleapi.Authorize(w, r, s.tokens, googleapi.Picker, pickerScope)
	if !ok {
		return
	}
	ps, l := s.ownSession(tok, r.PathValue("sessionId"), s.clock.Now())
	if l != sessionOK {
		writeSessionError(w, l)
		return
	}
	s.mu.Lock()
	delete(s.sessions, ps.ID)
	s.mu.Unlock()
	googleapi.WriteJSON(w, http.StatusOK, struct{}{})
}

// MediaItems is two APIs on one path: with sessionId, the Picker's
// mediaItems.list; without, the retired Library API's, which refuses
// photoslibrary.readonly as Google now does.
func (s *Service) MediaItems(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !q.Has("sessionId") {
		s.handleLibraryMediaItems(w, r)
		return
	}
	tok, ok := googleapi.Authorize(w, r, s.tokens, googleapi.Picker, pickerScope)
	if !ok {
		return
	}
	pageSize := pickerDefaultPageSize
	if raw := q.Get("pageSize"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 0 {
			googleapi.WriteError(w, googleapi.Picker, http.StatusBadRequest, "INVALID_ARGUMENT",
				fmt.Sprintf("Invalid value at 'page_size' (TYPE_INT32), %q", raw), "")
			return
		}
		if n > 0 {
			pageSize = min(n, pickerMaxPageSize) // values above 100 are coerced to 100
		}
	}
	sid := q.Get("sessionId")
	if sid == "" {
		googleapi.WriteError(w, googleapi.Picker, http.StatusBadRequest, "INVALID_ARGUMENT", "sessionId is required.", "")
		return
	}
	offset := 0
	if raw := q.Get("pageToken"); raw != "" {
		tokSID, off, err := decodePickerPageToken(raw)
		switch {
		case err != nil:
			googleapi.WriteError(w, googleapi.Picker, http.StatusBadRequest, "INVALID_ARGUMENT", msgPickerBadPageToken, "")
			return
		case tokSID != sid:
			googleapi.WriteError(w, googleapi.Picker, http.StatusBadRequest, "INVALID_ARGUMENT", msgPickerPageTokenSwap, "")
			return
		}
		offset = off
	}
	ps, l := s.ownSession(tok, sid, s.clock.Now())
	if l != sessionOK {
		writeSessionError(w, l)
		return
	}
	if ps.Picked == nil {
		googleapi.WriteError(w, googleapi.Picker, http.StatusBadRequest, "FAILED_PRECONDITION", msgPickingNotFinished, "")
		return
	}
	if offset > len(ps.Picked) {
		googleapi.WriteError(w, googleapi.Picker, http.StatusBadRequest, "INVALID_ARGUMENT", msgPickerBadPageToken, "")
		return
	}
	refOf := map[string]string{}
	for ref, p := range ps.Refs {
		refOf[p.ID] = ref
	}
	type listJSON struct {
		MediaItems    []pickedMediaItemJSON `json:"mediaItems"`
		NextPageToken string                `json:"nextPageToken,omitempty"`
	}
	end := min(offset+pageSize, len(ps.Picked))
	out := listJSON{MediaItems: []pickedMediaItemJSON{}}
	for _, p := range ps.Picked[offset:end] {
		out.MediaItems = append(out.MediaItems, pickedItemJSON(p, page.PublicURL(s.publicURL, r)+"/media/"+refOf[p.ID]))
	}
	if end < len(ps.Picked) {
		out.NextPageToken = encodePickerPageToken(sid, end)
	}
	googleapi.WriteFields(w, r, googleapi.Picker, out)
}

func pickedItemJSON(p *seedPhoto, baseURL string) pickedMediaItemJSON {
	meta := mediaFileMetadataJSON{Width: p.Width, Height: p.Height, CameraMake: p.CameraMake, CameraModel: p.CameraModel}
	switch {
	case p.Type == "VIDEO":
		meta.VideoMetadata = &videoMetadataJSON{FPS: 30, ProcessingStatus: "READY"}
	case p.CameraMake != "":
		meta.PhotoMetadata = &photoMetadataJSON{
			FocalLength: p.FocalLength, ApertureFNumber: p.Aperture, ISOEquivalent: p.ISO,
			ExposureTime: googleapi.ProtoDuration(p.Exposure.Truncate(time.Microsecond)),
		}
	}
	return pickedMediaItemJSON{
		ID:         p.ID,
		CreateTime: googleapi.ProtoTime(p.Created),
		Type:       p.Type,
		MediaFile:  mediaFileJSON{BaseURL: baseURL, MimeType: p.MimeType, Filename: p.Filename, MediaFileMetadata: meta},
	}
}

// handleLibraryMediaItems is the Library API's mediaItems.list after
// 2025-03-31: photoslibrary.readonly no longer reaches it (403, insufficient
// scopes); the app-created-data scope does, and the emulator's apps have
// created nothing.
func (s *Service) handleLibraryMediaItems(w http.ResponseWriter, r *http.Request) {
	if _, ok := googleapi.Authorize(w, r, s.tokens, googleapi.Library, libraryAppDataScope); !ok {
		return
	}
	googleapi.WriteJSON(w, http.StatusOK, struct{}{})
}

// ownSession is the live session with that ID, if it belongs to the token's
// user and client; else whether it is unknown or its access has expired.
func (s *Service) ownSession(tok googleapi.Bearer, id string, now time.Time) (pickerSession, sessionLookup) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ps, ok := s.liveSessionLocked(id, now)
	if !ok {
		if e, ok := s.expired[id]; ok && e.Account == tok.Account && e.ClientID == tok.ClientID {
			return pickerSession{}, sessionExpired
		}
		return pickerSession{}, sessionNotFound
	}
	if ps.Account != tok.Account || ps.ClientID != tok.ClientID {
		return pickerSession{}, sessionNotFound
	}
	return *ps, sessionOK
}

// liveSessionLocked looks a session up by ID alone (the picking page has no
// token). A session past its expireTime is moved to the expired ones, which
// are remembered for pickerExpiredMemory. Callers hold s.mu.
func (s *Service) liveSessionLocked(id string, now time.Time) (*pickerSession, bool) {
	ps, ok := s.sessions[id]
	if !ok {
		return nil, false
	}
	if !now.Before(ps.Expire) {
		delete(s.sessions, id)
		for eid, e := range s.expired {
			if now.Sub(e.Expire) > pickerExpiredMemory {
				delete(s.expired, eid)
			}
		}
		s.expired[id] = expiredSession{Account: ps.Account, ClientID: ps.ClientID, Expire: ps.Expire}
		return nil, false
	}
	return ps, true
}

func encodePickerPageToken(sid string, offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(sid + "/" + strconv.Itoa(offset)))
}

func decodePickerPageToken(raw string) (string, int, error) {
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil {
		return "", 0, err
	}
	sid, off, ok := strings.Cut(string(b), "/")
	n, err := strconv.Atoi(off)
	if !ok || err != nil || n < 0 {
		return "", 0, fmt.Errorf("bad page token")
	}
	return sid, n, nil
}

// newPickerID is a random session ID shaped like a UUID.
func newPickerID() string {
	b := make([]byte, 16)
	rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// newMediaRef is an unguessable baseUrl path for one picked item.
func newMediaRef() string {
	b := make([]byte, 48)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// The picking page: GET/POST /picker/{sessionId}[/autoclose], what Google
// shows at pickerUri. It has no token: the session ID in the URL is the
// capability, as the user is "signed in" to the emulator by construction.

// pickerThumbSize is the grid thumbnails' bounding square.
const pickerThumbSize = 200

// Page is the picking page at pickerUri.
func (s *Service) Page(w http.ResponseWriter, r *http.Request) {
	s.servePicker(w, r, nil)
}

// Done is the picking page's Done button.
func (s *Service) Done(w http.ResponseWriter, r *http.Request) {
	// A form post from another site is not the user pressing Done.
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		s.renderPickerPage(w, r, http.StatusForbidden, pickerView{State: pickerStateRefused})
		return
	}
	if err := r.ParseForm(); err != nil {
		s.renderPickerPage(w, r, http.StatusBadRequest, pickerView{State: pickerStateRefused})
		return
	}
	chosen := r.PostForm["item"]
	s.servePicker(w, r, &chosen)
}

// servePicker shows the session's page; with chosen (a Done press) it
// first records the pick, or says why it cannot.
func (s *Service) servePicker(w http.ResponseWriter, r *http.Request, chosen *[]string) {
	now := s.clock.Now()
	id := r.PathValue("sessionId")
	v := pickerView{
		Action:    r.URL.Path,
		AutoClose: strings.HasSuffix(r.URL.Path, "/autoclose"),
	}
	s.mu.Lock()
	ps, ok := s.liveSessionLocked(id, now)
	if !ok {
		s.mu.Unlock()
		v.State = pickerStateNotFound
		s.renderPickerPage(w, r, http.StatusNotFound, v)
		return
	}
	status := http.StatusOK
	library := s.photos[ps.Account]
	switch {
	case ps.Picked != nil:
		// Once the user has pressed Done, pickerUri no longer works: the
		// app must create a new session for more.
		v.State = pickerStateFinished
		status = http.StatusGone
	case !now.Before(ps.PollUntil):
		v.State = pickerStateTimedOut
		status = http.StatusGone
	case chosen != nil:
		picked, problem := pickFrom(library, *chosen, ps.MaxItems)
		if problem != "" {
			v.State, v.Error = pickerStatePicking, problem
			status = http.StatusUnprocessableEntity
			break
		}
		ps.Picked, ps.Refs = picked, map[string]*seedPhoto{}
		for _, p := range picked {
			ps.Refs[newMediaRef()] = p
		}
		v.State = pickerStateDone
	default:
		v.State = pickerStatePicking
	}
	v.Account, v.Picked, v.MaxItems = ps.Account, len(ps.Picked), ps.MaxItems
	s.mu.Unlock()

	if v.State == pickerStatePicking {
		selected := map[string]bool{}
		if chosen != nil {
			for _, c := range *chosen {
				selected[c] = true
			}
		}
		for _, p := range library {
			v.Photos = append(v.Photos, pickerPhotoView{
				ID:       p.ID,
				Filename: p.Filename,
				Thumb:    "/picker/" + id + "/thumb/" + p.ID,
				Width:    mediaParams{s: pickerThumbSize}.layout(p.Width, p.Height).w,
				Height:   mediaParams{s: pickerThumbSize}.layout(p.Width, p.Height).h,
				Taken:    p.Created.Format("2 January 2006"),
				Video:    p.Type == "VIDEO",
				Checked:  selected[p.ID],
			})
		}
	}
	s.renderPickerPage(w, r, status, v)
}

// pickFrom checks a Done press: at least one item, no more than allowed,
// all from the user's library. Items keep the library's order.
func pickFrom(library []*seedPhoto, chosen []string, maxItems int) ([]*seedPhoto, string) {
	var picked []*seedPhoto
	for _, p := range library {
		if slices.Contains(chosen, p.ID) {
			picked = append(picked, p)
		}
	}
	switch {
	case len(chosen) == 0:
		return nil, "Select at least one photo, then press Done."
	case len(picked) != len(compactStrings(chosen)):
		return nil, "Some of the selected items are not in your library. Select again."
	case len(picked) > maxItems:
		return nil, fmt.Sprintf("You can select up to %d items.", maxItems)
	}
	return picked, ""
}

func compactStrings(ss []string) []string {
	out := slices.Clone(ss)
	slices.Sort(out)
	return slices.Compact(out)
}

func (s *Service) renderPickerPage(w http.ResponseWriter, r *http.Request, status int, v pickerView) {
	nonce := page.NewNonce()
	page.SetHeaders(w, nonce)
	page.Render(w, r, s.log, status, nonce, pickerPage(v))
}

// Thumb serves a grid thumbnail for the picking page. Like the page it
// needs no token, only a live session whose user owns the item.
func (s *Service) Thumb(w http.ResponseWriter, r *http.Request) {
	now := s.clock.Now()
	s.mu.Lock()
	ps, ok := s.liveSessionLocked(r.PathValue("sessionId"), now)
	var owner string
	if ok {
		owner = ps.Account
	}
	s.mu.Unlock()
	p := s.photoByID[r.PathValue("itemId")]
	if !ok || p == nil || p.Owner != owner {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	serveImage(w, s.images.get(p, mediaParams{s: pickerThumbSize}.layout(p.Width, p.Height)), p.imageMime(), "private, max-age=300")
}

// pickerView is the picking page's view model.
type pickerView struct {
	State     string
	Account   string
	Action    string // the form's own URL
	AutoClose bool
	Photos    []pickerPhotoView
	Error     string
	Picked    int
	MaxItems  int
}

type pickerPhotoView struct {
	ID, Filename, Thumb, Taken string
	Width, Height              int
	Video, Checked             bool
}

const (
	pickerStatePicking  = "picking"
	pickerStateDone     = "done"
	pickerStateFinished = "finished" // pickerUri opened again after Done
	pickerStateTimedOut = "timed-out"
	pickerStateNotFound = "not-found"
	pickerStateRefused  = "refused"
)

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
