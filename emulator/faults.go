package emulator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// fault is one injected failure: the next Remaining requests of its path are
// delayed and/or answered otherwise than by the real handler.
type fault struct {
	Path   string
	Status int     // 0: keep the real handler's answer (delay or drip only)
	Body   *string // nil: Google's error envelope for Status
	// Reason goes into the envelope's details (ErrorInfo), e.g. SERVICE_DISABLED.
	Reason string
	// Headers are set on the answer (Retry-After, Content-Type …).
	Headers map[string]string
	// Size, when set, is the length of a generated JSON body, streamed
	// rather than built in memory (a 50 MiB answer costs the emulator nothing).
	Size  int64
	Delay time.Duration // waited before answering; cut short if the caller gives up
	// Drip sends the answer's body one byte at a time with this pause
	// between bytes: a slow upstream whose headers came in time.
	Drip      time.Duration
	Remaining int
}

// faultRequest is the body of POST /_emu/faults.
type faultRequest struct {
	Path    string            `json:"path"`
	Status  int               `json:"status"`
	Count   *int              `json:"count"`
	Delay   string            `json:"delay"`
	Body    *string           `json:"body"`
	Reason  string            `json:"reason"`
	Headers map[string]string `json:"headers"`
	Size    int64             `json:"size"`
	Drip    string            `json:"drip"`
}

const (
	maxFaultCount   = 1000
	maxFaultDelay   = 5 * time.Minute
	maxFaultDrip    = 10 * time.Second
	maxFaultSize    = 1 << 30
	minFaultSize    = int64(len(sizedPrefix + sizedSuffix))
	maxFaultHeaders = 16
)

var (
	headerName = regexp.MustCompile(`^[A-Za-z0-9-]{1,64}$`)
	reasonName = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,63}$`)
)

// parse validates a fault request; the error text is shown to the caller.
func (fr faultRequest) parse() (*fault, error) {
	f := &fault{Path: fr.Path, Status: fr.Status, Body: fr.Body, Reason: fr.Reason, Size: fr.Size, Remaining: 1}
	switch {
	case !strings.HasPrefix(fr.Path, "/"):
		return nil, errors.New(`"path" must be an absolute path such as "/calendar/v3/calendars/primary/events"`)
	case strings.ContainsAny(fr.Path, "?#"):
		return nil, errors.New(`"path" is matched exactly and takes no query`)
	case isControlPath(fr.Path):
		return nil, errors.New("faults never apply to /_emu/ paths")
	}
	if fr.Count != nil {
		if *fr.Count < 1 || *fr.Count > maxFaultCount {
			return nil, fmt.Errorf(`"count" must be between 1 and %d`, maxFaultCount)
		}
		f.Remaining = *fr.Count
	}
	if fr.Delay != "" {
		d, err := time.ParseDuration(fr.Delay)
		if err != nil || d < 0 || d > maxFaultDelay {
			return nil, fmt.Errorf(`"delay" must be a Go duration between 0s and %s, such as "5s"`, maxFaultDelay)
		}
		f.Delay = d
	}
	if fr.Drip != "" {
		d, err := time.ParseDuration(fr.Drip)
		if err != nil || d <= 0 || d > maxFaultDrip {
			return nil, fmt.Errorf(`"drip" must be a Go duration above 0s and at most %s, such as "100ms"`, maxFaultDrip)
		}
		f.Drip = d
	}
	if err := f.parseHeaders(fr.Headers); err != nil {
		return nil, err
	}
	switch {
	case fr.Reason != "" && (fr.Status < 400 || fr.Body != nil || fr.Size != 0):
		return nil, errors.New(`"reason" goes into Google's error envelope: give it with a "status" of 400 or more, and no "body" or "size"`)
	case fr.Status == 0 && fr.Body == nil && fr.Size == 0 && f.Delay == 0 && f.Drip == 0:
		return nil, errors.New(`give at least one of "status", "body", "size", "delay" or "drip"`)
	case fr.Status != 0 && (fr.Status < 200 || fr.Status > 599):
		return nil, errors.New(`"status" must be an HTTP status between 200 and 599`)
	case fr.Body != nil && fr.Size != 0:
		return nil, errors.New(`give "body" or "size", not both`)
	case fr.Size != 0 && (fr.Size < minFaultSize || fr.Size > maxFaultSize):
		return nil, fmt.Errorf(`"size" must be between %d and %d bytes`, minFaultSize, maxFaultSize)
	case fr.Reason != "" && !reasonName.MatchString(fr.Reason):
		return nil, errors.New(`"reason" is an upper-case name such as "SERVICE_DISABLED"`)
	case fr.Status != 0 && fr.Status < 400 && fr.Body == nil && fr.Size == 0:
		return nil, errors.New(`a "status" below 400 needs a "body" or a "size"`)
	case fr.Status == 0 && (fr.Body != nil || fr.Size != 0):
		f.Status = http.StatusOK
	}
	return f, nil
}

// parseHeaders checks the answer's extra headers: plain names, values
// without control characters.
func (f *fault) parseHeaders(h map[string]string) error {
	if len(h) > maxFaultHeaders {
		return fmt.Errorf(`"headers" takes at most %d headers`, maxFaultHeaders)
	}
	for name, value := range h {
		if !headerName.MatchString(name) {
			return fmt.Errorf(`"headers": %q is not a header name`, name)
		}
		if len(value) > 1024 || strings.IndexFunc(value, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
			return fmt.Errorf(`"headers": the value of %s must be at most 1024 characters without control characters`, name)
		}
		if f.Headers == nil {
			f.Headers = map[string]string{}
		}
		f.Headers[http.CanonicalHeaderKey(name)] = value
	}
	return nil
}

func isControlPath(path string) bool {
	return path == "/_emu" || strings.HasPrefix(path, "/_emu/")
}

// addFault queues f behind any earlier faults of the same path.
func (s *Server) addFault(f *fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.faults[f.Path] = append(s.state.faults[f.Path], f)
}

// takeFault uses up one request of the oldest fault queued for path.
func (s *Server) takeFault(path string) (fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	queue := s.state.faults[path]
	if len(queue) == 0 {
		return fault{}, false
	}
	f := queue[0]
	f.Remaining--
	if f.Remaining <= 0 {
		queue = queue[1:]
	}
	if len(queue) == 0 {
		delete(s.state.faults, path)
	} else {
		s.state.faults[path] = queue
	}
	return *f, true
}

// applyFault serves an injected fault for the request's path, if one is
// queued. It reports whether it answered the request; a delay-only fault
// waits and then lets the real handler answer.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request) bool {
	if isControlPath(r.URL.Path) {
		return false
	}
	f, ok := s.takeFault(r.URL.Path)
	if !ok {
		return false
	}
	if f.Delay > 0 || f.Drip > 0 {
		// Only once a request's body is read does net/http watch the
		// connection, and so cancel the request when the caller hangs up:
		// read it now (it is small) and hand the real handler a copy.
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return true // the caller is gone, or sent too much
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	if f.Delay > 0 {
		timer := time.NewTimer(f.Delay)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-r.Context().Done():
			return true // the caller gave up; nobody reads an answer
		}
	}
	if f.Status == 0 && f.Drip == 0 {
		return false
	}
	var body io.Writer = w
	if f.Drip > 0 {
		body = &dripWriter{w: w, ctx: r.Context(), pause: f.Drip}
	}
	switch {
	case f.Status == 0: // drip only: the real handler's answer, slowly
		rec := &recorder{header: http.Header{}, status: http.StatusOK}
		s.mux.ServeHTTP(rec, r)
		maps.Copy(w.Header(), rec.header)
		w.Header().Del("Content-Length")
		f.writeHeader(w, rec.status)
		body.Write(rec.body.Bytes())
	case f.Size > 0:
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		f.writeHeader(w, f.Status)
		writeSized(body, f.Size)
	case f.Body != nil:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		f.writeHeader(w, f.Status)
		io.WriteString(body, *f.Body)
	default:
		a := apiForPath(r.URL.Path)
		status, message := faultStatus(f.Status)
		if f.Reason == reasonServiceDisabled {
			message = serviceDisabledMessage(a)
		}
		var env bytes.Buffer
		writeAPIError(&bufferWriter{header: w.Header(), buf: &env}, a, f.Status, status, message, f.Reason)
		f.writeHeader(w, f.Status)
		body.Write(env.Bytes())
	}
	return true
}

// writeHeader sets the fault's own headers (they win over the defaults)
// and sends the status.
func (f fault) writeHeader(w http.ResponseWriter, status int) {
	for name, value := range f.Headers {
		w.Header().Set(name, value)
	}
	w.WriteHeader(status)
}

const reasonServiceDisabled = "SERVICE_DISABLED"

// serviceDisabledMessage is what Google says when the caller's Cloud project
// has not enabled the API (403 PERMISSION_DENIED, reason SERVICE_DISABLED).
// The project number is made up.
func serviceDisabledMessage(a api) string {
	service := a.Service
	if service == "" {
		service = "oauth2.googleapis.com"
	}
	return fmt.Sprintf("%s API has not been used in project 1000000000001 before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/%s/overview?project=1000000000001 then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.", a.title(), service)
}

// The generated body of a sized fault: valid JSON of exactly the asked size
// once read to the end, so a client that does not cap its reads parses it.
const (
	sizedPrefix = `{"padding":"`
	sizedSuffix = `"}`
)

// writeSized streams a JSON body of exactly size bytes, and stops at the
// first failed write (the caller hung up).
func writeSized(w io.Writer, size int64) {
	if _, err := io.WriteString(w, sizedPrefix); err != nil {
		return
	}
	chunk := bytes.Repeat([]byte{'x'}, 32<<10)
	for left := size - minFaultSize; left > 0; {
		n := min(left, int64(len(chunk)))
		if _, err := w.Write(chunk[:n]); err != nil {
			return
		}
		left -= n
	}
	io.WriteString(w, sizedSuffix)
}

// dripWriter sends what is written one byte at a time, flushed, with a
// pause between bytes, until the caller gives up.
type dripWriter struct {
	w     http.ResponseWriter
	ctx   context.Context
	pause time.Duration
}

func (d *dripWriter) Write(p []byte) (int, error) {
	flusher, _ := d.w.(http.Flusher)
	timer := time.NewTimer(d.pause)
	defer timer.Stop()
	for i := range p {
		if i > 0 {
			timer.Reset(d.pause)
			select {
			case <-timer.C:
			case <-d.ctx.Done():
				return i, d.ctx.Err()
			}
		}
		if _, err := d.w.Write(p[i : i+1]); err != nil {
			return i, err
		}
		if flusher != nil {
			flusher.Flush()
		}
	}
	return len(p), nil
}

// recorder keeps the real handler's answer for a drip fault to send slowly.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	wrote  bool
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.body.Write(b)
}
func (r *recorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
}

// bufferWriter renders an envelope into buf, its headers onto header.
type bufferWriter struct {
	header http.Header
	buf    *bytes.Buffer
}

func (b *bufferWriter) Header() http.Header         { return b.header }
func (b *bufferWriter) Write(p []byte) (int, error) { return b.buf.Write(p) }
func (b *bufferWriter) WriteHeader(int)             {}

// faultStatus is the canonical status and message Google's front ends use
// for an HTTP status.
func faultStatus(code int) (status, message string) {
	switch code {
	case http.StatusBadRequest:
		return "INVALID_ARGUMENT", "Request contains an invalid argument."
	case http.StatusUnauthorized:
		return "UNAUTHENTICATED", msgInvalidToken
	case http.StatusForbidden:
		return "PERMISSION_DENIED", "The caller does not have permission"
	case http.StatusNotFound:
		return "NOT_FOUND", "Requested entity was not found."
	case http.StatusConflict:
		return "ABORTED", "The operation was aborted."
	case http.StatusTooManyRequests:
		return "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."
	case http.StatusNotImplemented:
		return "UNIMPLEMENTED", "Operation is not implemented, or supported, or enabled."
	case http.StatusServiceUnavailable:
		return "UNAVAILABLE", "The service is currently unavailable."
	case http.StatusGatewayTimeout:
		return "DEADLINE_EXCEEDED", "The request deadline was exceeded."
	case http.StatusInternalServerError:
		return "INTERNAL", "Internal error encountered."
	}
	if code >= 500 {
		return "INTERNAL", "Internal error encountered."
	}
	return "FAILED_PRECONDITION", http.StatusText(code)
}

// apiForPath says whose envelope a faulted path answers with (Calendar
// fills errors[] too).
func apiForPath(path string) api {
	switch {
	case strings.HasPrefix(path, "/calendar/"):
		return apiCalendar
	case strings.HasPrefix(path, "/v1/documents"):
		return apiDocs
	case strings.HasPrefix(path, "/v1/sessions"), strings.HasPrefix(path, "/v1/mediaItems"):
		return apiPicker
	}
	return api{Name: "emulator"}
}

// title is how Google names the API in its messages.
func (a api) title() string {
	switch a.Name {
	case "calendar":
		return "Google Calendar"
	case "docs":
		return "Google Docs"
	case "photospicker":
		return "Photos Picker"
	case "photoslibrary":
		return "Photos Library"
	}
	return "Google OAuth2"
}

func (s *Server) handleFaults(w http.ResponseWriter, r *http.Request) {
	var fr faultRequest
	if err := decodeControlJSON(r, &fr); err != nil {
		writeControlError(w, err)
		return
	}
	f, err := fr.parse()
	if err == nil {
		err = checkFaultTarget(f.Path, f.Headers)
	}
	if err != nil {
		writeControlError(w, err)
		return
	}
	s.addFault(f)
	writeJSON(w, http.StatusOK, faultView(*f))
}

// faultJSON is how /_emu/faults and /_emu/state show a fault.
type faultJSON struct {
	Path      string            `json:"path"`
	Status    int               `json:"status,omitempty"`
	Body      *string           `json:"body,omitempty"`
	Reason    string            `json:"reason,omitempty"`
	Headers   map[string]string `json:"headers,omitempty"`
	Size      int64             `json:"size,omitempty"`
	Delay     string            `json:"delay,omitempty"`
	Drip      string            `json:"drip,omitempty"`
	Remaining int               `json:"count"`
}

func faultView(f fault) faultJSON {
	v := faultJSON{Path: f.Path, Status: f.Status, Body: f.Body, Reason: f.Reason, Headers: maps.Clone(f.Headers), Size: f.Size, Remaining: f.Remaining}
	if f.Delay > 0 {
		v.Delay = f.Delay.String()
	}
	if f.Drip > 0 {
		v.Drip = f.Drip.String()
	}
	return v
}
