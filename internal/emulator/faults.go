package emulator

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// fault is one injected failure: the next Remaining requests of its path are
// delayed and/or answered with Status and Body instead of the real handler.
type fault struct {
	Path      string
	Status    int           // 0: keep the real handler's answer (delay-only fault)
	Body      *string       // nil: Google's error envelope for Status
	Delay     time.Duration // waited before answering; cut short if the caller gives up
	Remaining int
}

// faultRequest is the body of POST /_emu/faults.
type faultRequest struct {
	Path   string  `json:"path"`
	Status int     `json:"status"`
	Count  *int    `json:"count"`
	Delay  string  `json:"delay"`
	Body   *string `json:"body"`
}

const (
	maxFaultCount = 1000
	maxFaultDelay = 5 * time.Minute
)

// parse validates a fault request; the error text is shown to the caller.
func (fr faultRequest) parse() (*fault, error) {
	f := &fault{Path: fr.Path, Status: fr.Status, Body: fr.Body, Remaining: 1}
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
	switch {
	case fr.Status == 0 && fr.Body == nil && f.Delay == 0:
		return nil, errors.New(`give at least one of "status", "body" or "delay"`)
	case fr.Status != 0 && (fr.Status < 200 || fr.Status > 599):
		return nil, errors.New(`"status" must be an HTTP status between 200 and 599`)
	case fr.Status != 0 && fr.Status < 400 && fr.Body == nil:
		return nil, errors.New(`a "status" below 400 needs a "body"`)
	case fr.Status == 0 && fr.Body != nil:
		f.Status = http.StatusOK
	}
	return f, nil
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
	if f.Delay > 0 {
		timer := time.NewTimer(f.Delay)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-r.Context().Done():
			return true // the caller gave up; nobody reads an answer
		}
	}
	switch {
	case f.Status == 0:
		return false
	case f.Body != nil:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(f.Status)
		fmt.Fprint(w, *f.Body)
	default:
		status, message := faultStatus(f.Status)
		writeAPIError(w, apiForPath(r.URL.Path), f.Status, status, message, "")
	}
	return true
}

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

func (s *Server) handleFaults(w http.ResponseWriter, r *http.Request) {
	var fr faultRequest
	if err := decodeControlJSON(r, &fr); err != nil {
		writeControlError(w, err)
		return
	}
	f, err := fr.parse()
	if err != nil {
		writeControlError(w, err)
		return
	}
	s.addFault(f)
	writeJSON(w, http.StatusOK, faultView(*f))
}

// faultJSON is how /_emu/faults and /_emu/state show a fault.
type faultJSON struct {
	Path      string  `json:"path"`
	Status    int     `json:"status,omitempty"`
	Body      *string `json:"body,omitempty"`
	Delay     string  `json:"delay,omitempty"`
	Remaining int     `json:"count"`
}

func faultView(f fault) faultJSON {
	v := faultJSON{Path: f.Path, Status: f.Status, Body: f.Body, Remaining: f.Remaining}
	if f.Delay > 0 {
		v.Delay = f.Delay.String()
	}
	return v
}
