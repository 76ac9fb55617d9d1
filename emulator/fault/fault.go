// Package fault injects failures into the emulator's answers: the next
// calls of a path are delayed, dripped, or answered with a status, a body,
// a huge body or Google's error envelope. A Queue owns the pending faults.
package fault

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/scopewise/scopewise/emulator/internal/googleapi"
)

// Fault is one injected failure: the next Count calls of Path are delayed
// and/or answered otherwise than by the real handler. Its JSON is the body of
// POST /_emu/faults and an entry of State.Faults.
type Fault struct {
	Path   string // matched exactly, e.g. "/calendar/v3/calendars/primary/events"
	Status int    // 0: keep the real handler's answer (delay or drip only)
	// Body nil: Google's error envelope for Status; else this literal body.
	Body *string
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
	Drip time.Duration
	// Count is how many calls the fault applies to, up to 1000; 0 is one.
	// In State, the calls it has left.
	Count int
}

// Wire is a Fault in JSON (the body of POST /_emu/faults): durations as Go
// duration strings.
type Wire struct {
	Path    string            `json:"path"`
	Status  int               `json:"status,omitempty"`
	Body    *string           `json:"body,omitempty"`
	Reason  string            `json:"reason,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`
	Size    int64             `json:"size,omitempty"`
	Delay   string            `json:"delay,omitempty"`
	Drip    string            `json:"drip,omitempty"`
	Count   *int              `json:"count,omitempty"`
}

// MarshalJSON writes the fault as POST /_emu/faults takes it.
func (f Fault) MarshalJSON() ([]byte, error) {
	w := Wire{Path: f.Path, Status: f.Status, Body: f.Body, Reason: f.Reason, Headers: f.Headers, Size: f.Size}
	if f.Delay != 0 {
		w.Delay = f.Delay.String()
	}
	if f.Drip != 0 {
		w.Drip = f.Drip.String()
	}
	if f.Count != 0 {
		w.Count = &f.Count
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads what MarshalJSON writes.
func (f *Fault) UnmarshalJSON(data []byte) error {
	var w Wire
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	v, err := w.Fault()
	if err != nil {
		return err
	}
	*f = v
	return nil
}

// Fault reads the wire's durations; the error text is shown to the caller.
func (w Wire) Fault() (Fault, error) {
	f := Fault{Path: w.Path, Status: w.Status, Body: w.Body, Reason: w.Reason, Headers: w.Headers, Size: w.Size}
	if w.Count != nil {
		if *w.Count < 1 {
			return Fault{}, fmt.Errorf(`"count" must be between 1 and %d`, maxFaultCount)
		}
		f.Count = *w.Count
	}
	var err error
	if f.Delay, err = parseFaultDuration(w.Delay); err != nil {
		return Fault{}, errFaultDelay
	}
	if f.Drip, err = parseFaultDuration(w.Drip); err != nil || (w.Drip != "" && f.Drip == 0) {
		return Fault{}, errFaultDrip
	}
	return f, nil
}

func parseFaultDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	return time.ParseDuration(s)
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

	errFaultDelay = fmt.Errorf(`"delay" must be a Go duration between 0s and %s, such as "5s"`, maxFaultDelay)
	errFaultDrip  = fmt.Errorf(`"drip" must be a Go duration above 0s and at most %s, such as "100ms"`, maxFaultDrip)
)

// check validates a fault and returns it as it is queued: Count at least
// one, a body without a status is a 200, header names canonical. The error
// text is shown to the caller.
func (f Fault) check() (Fault, error) {
	headers := f.Headers
	f.Headers = nil
	switch {
	case !strings.HasPrefix(f.Path, "/"):
		return Fault{}, errors.New(`"path" must be an absolute path such as "/calendar/v3/calendars/primary/events"`)
	case strings.ContainsAny(f.Path, "?#"):
		return Fault{}, errors.New(`"path" is matched exactly and takes no query`)
	case isControlPath(f.Path):
		return Fault{}, errors.New("faults never apply to /_emu/ paths")
	case f.Count < 0 || f.Count > maxFaultCount:
		return Fault{}, fmt.Errorf(`"count" must be between 1 and %d`, maxFaultCount)
	case f.Delay < 0 || f.Delay > maxFaultDelay:
		return Fault{}, errFaultDelay
	case f.Drip < 0 || f.Drip > maxFaultDrip:
		return Fault{}, errFaultDrip
	}
	if f.Count == 0 {
		f.Count = 1
	}
	if f.Body != nil {
		body := *f.Body
		f.Body = &body
	}
	if err := f.parseHeaders(headers); err != nil {
		return Fault{}, err
	}
	switch {
	case f.Reason != "" && (f.Status < 400 || f.Body != nil || f.Size != 0):
		return Fault{}, errors.New(`"reason" goes into Google's error envelope: give it with a "status" of 400 or more, and no "body" or "size"`)
	case f.Status == 0 && f.Body == nil && f.Size == 0 && f.Delay == 0 && f.Drip == 0:
		return Fault{}, errors.New(`give at least one of "status", "body", "size", "delay" or "drip"`)
	case f.Status != 0 && (f.Status < 200 || f.Status > 599):
		return Fault{}, errors.New(`"status" must be an HTTP status between 200 and 599`)
	case f.Body != nil && f.Size != 0:
		return Fault{}, errors.New(`give "body" or "size", not both`)
	case f.Size != 0 && (f.Size < minFaultSize || f.Size > maxFaultSize):
		return Fault{}, fmt.Errorf(`"size" must be between %d and %d bytes`, minFaultSize, maxFaultSize)
	case f.Reason != "" && !reasonName.MatchString(f.Reason):
		return Fault{}, errors.New(`"reason" is an upper-case name such as "SERVICE_DISABLED"`)
	case f.Status != 0 && f.Status < 400 && f.Body == nil && f.Size == 0:
		return Fault{}, errors.New(`a "status" below 400 needs a "body" or a "size"`)
	case f.Status == 0 && (f.Body != nil || f.Size != 0):
		f.Status = http.StatusOK
	}
	return f, nil
}

// clone copies the fault's body and headers, so a copy shares nothing.
func (f Fault) clone() Fault {
	if f.Body != nil {
		body := *f.Body
		f.Body = &body
	}
	f.Headers = maps.Clone(f.Headers)
	return f
}

// parseHeaders checks the answer's extra headers: plain names, values
// without control characters.
func (f *Fault) parseHeaders(h map[string]string) error {
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

// Queue holds the pending faults by path. Safe for concurrent use.
type Queue struct {
	mu     sync.Mutex
	byPath map[string][]*Fault
}

// NewQueue is an empty queue.
func NewQueue() *Queue { return &Queue{byPath: map[string][]*Fault{}} }

// Add checks f and queues it behind any earlier faults of the same path; it
// returns the fault as queued. The error text is meant for the caller.
func (q *Queue) Add(f Fault) (Fault, error) {
	f, err := f.check()
	if err != nil {
		return Fault{}, err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.byPath[f.Path] = append(q.byPath[f.Path], &f)
	return f.clone(), nil
}

// Pending lists the queued faults by path, each with the calls it has left.
func (q *Queue) Pending() []Fault {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := []Fault{}
	for _, queue := range q.byPath {
		for _, f := range queue {
			out = append(out, f.clone())
		}
	}
	slices.SortStableFunc(out, func(a, b Fault) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// Reset forgets every pending fault.
func (q *Queue) Reset() {
	q.mu.Lock()
	q.byPath = map[string][]*Fault{}
	q.mu.Unlock()
}

// take uses up one request of the oldest fault queued for path.
func (q *Queue) take(path string) (Fault, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	queue := q.byPath[path]
	if len(queue) == 0 {
		return Fault{}, false
	}
	f := queue[0]
	f.Count--
	if f.Count <= 0 {
		queue = queue[1:]
	}
	if len(queue) == 0 {
		delete(q.byPath, path)
	} else {
		q.byPath[path] = queue
	}
	return *f, true
}

// Apply serves an injected fault for the request's path, if one is queued.
// It reports whether it answered the request; a delay-only fault waits and
// then lets the caller's handler answer. next is that handler: a drip fault
// records its answer to send slowly.
func (q *Queue) Apply(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
	if isControlPath(r.URL.Path) {
		return false
	}
	f, ok := q.take(r.URL.Path)
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
		next.ServeHTTP(rec, r)
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
		googleapi.WriteError(&bufferWriter{header: w.Header(), buf: &env}, a, f.Status, status, message, f.Reason)
		f.writeHeader(w, f.Status)
		body.Write(env.Bytes())
	}
	return true
}

// writeHeader sets the fault's own headers (they win over the defaults)
// and sends the status.
func (f Fault) writeHeader(w http.ResponseWriter, status int) {
	for name, value := range f.Headers {
		w.Header().Set(name, value)
	}
	w.WriteHeader(status)
}

const reasonServiceDisabled = "SERVICE_DISABLED"

// serviceDisabledMessage is what Google says when the caller's Cloud project
// has not enabled the API (403 PERMISSION_DENIED, reason SERVICE_DISABLED).
// The project number is made up.
func serviceDisabledMessage(a googleapi.API) string {
	service := a.Service
	if service == "" {
		service = "oauth2.googleapis.com"
	}
	return fmt.Sprintf("%s API has not been used in project 1000000000001 before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/%s/overview?project=1000000000001 then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.", title(a), service)
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

// faultStatuses are the canonical status and message Google's front ends
// use for an HTTP status.
var faultStatuses = map[int][2]string{
	http.StatusBadRequest:          {"INVALID_ARGUMENT", "Request contains an invalid argument."},
	http.StatusUnauthorized:        {"UNAUTHENTICATED", googleapi.MsgInvalidToken},
	http.StatusForbidden:           {"PERMISSION_DENIED", "The caller does not have permission"},
	http.StatusNotFound:            {"NOT_FOUND", "Requested entity was not found."},
	http.StatusConflict:            {"ABORTED", "The operation was aborted."},
	http.StatusTooManyRequests:     {"RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."},
	http.StatusNotImplemented:      {"UNIMPLEMENTED", "Operation is not implemented, or supported, or enabled."},
	http.StatusServiceUnavailable:  {"UNAVAILABLE", "The service is currently unavailable."},
	http.StatusGatewayTimeout:      {"DEADLINE_EXCEEDED", "The request deadline was exceeded."},
	http.StatusInternalServerError: {"INTERNAL", "Internal error encountered."},
}

// faultStatus is the canonical status and message for an HTTP status: one
// of faultStatuses, else INTERNAL for any other 5xx and FAILED_PRECONDITION
// with the status text for the rest.
func faultStatus(code int) (status, message string) {
	if sm, ok := faultStatuses[code]; ok {
		return sm[0], sm[1]
	}
	if code >= 500 {
		return faultStatuses[http.StatusInternalServerError][0], faultStatuses[http.StatusInternalServerError][1]
	}
	return "FAILED_PRECONDITION", http.StatusText(code)
}

// apiForPath says whose envelope a faulted path answers with (Calendar
// fills errors[] too).
func apiForPath(path string) googleapi.API {
	switch {
	case strings.HasPrefix(path, "/calendar/"):
		return googleapi.Calendar
	case strings.HasPrefix(path, "/v1/documents"):
		return googleapi.Docs
	case strings.HasPrefix(path, "/v1/sessions"), strings.HasPrefix(path, "/v1/mediaItems"):
		return googleapi.Picker
	}
	return googleapi.API{Name: "emulator"}
}

// title is how Google names the API in its messages.
func title(a googleapi.API) string {
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
