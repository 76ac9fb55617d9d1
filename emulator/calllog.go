package emulator

// The request log of /_emu/: what the emulator was asked and what it
// answered, per world, so a demo can show the traffic behind a click. It
// never holds a token: the Authorization header is kept as its scheme only,
// and every query, form and JSON value that is or looks like a token or an
// authorization code is replaced before the entry is stored. The log is
// bounded (calllog.MaxEntries entries, calllog.MaxBytes of text per world)
// and a reset clears it with the rest of the world's state.

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/scopewise/scopewise/emulator/internal/calllog"
)

// LoggedCall is one request in the log, as GET /_emu/log shows it.
type LoggedCall struct {
	Time     time.Time `json:"time"` // on the world's clock, when the request came
	World    string    `json:"world"`
	Method   string    `json:"method"`
	Path     string    `json:"path"`              // with its query, tokens redacted
	Auth     string    `json:"auth,omitempty"`    // the Authorization scheme ("Bearer (redacted)")
	Request  string    `json:"request,omitempty"` // the start of a form or JSON body, tokens redacted
	Status   int       `json:"status"`            // what the emulator answered
	Answer   string    `json:"answer,omitempty"`  // the start of a JSON answer, tokens redacted
	Note     string    `json:"note,omitempty"`    // what the popup showed or answered, in words
	Duration string    `json:"duration"`          // how long the answer took, e.g. "1.2ms"
}

func (c LoggedCall) size() int {
	return len(c.Path) + len(c.Auth) + len(c.Request) + len(c.Answer) + len(c.Note) + len(c.Method) + 64
}

// callLog is one world's log, newest last. Guarded by Server.mu.
type callLog = calllog.Log[LoggedCall]

// loggedKey is the context key of the *LoggedCall being recorded.
type loggedKey struct{}

// logged reports whether a request goes into the log: everything but the
// control API's reads (the log page would otherwise log itself, and
// /_emu/issued answers with token values).
func logged(r *http.Request) bool {
	return !(isControlPath(r.URL.Path) && (r.Method == http.MethodGet || r.Method == http.MethodHead))
}

// note adds words to the log entry of the request (what the popup showed or
// answered); a request that is not logged ignores it.
func note(r *http.Request, text string) {
	if c, ok := r.Context().Value(loggedKey{}).(*LoggedCall); ok {
		c.Note = calllog.RedactText(text)
	}
}

// serveLogged serves a request through next and records it in the world's
// log.
func (s *Server) serveLogged(wd *world, w http.ResponseWriter, r *http.Request, next func(http.ResponseWriter, *http.Request)) {
	if !logged(r) {
		next(w, r)
		return
	}
	entry := &LoggedCall{
		Time:   wd.clock.Now(),
		World:  wd.id,
		Method: r.Method,
		Path:   calllog.Truncate(calllog.RedactPath(r.URL), calllog.MaxPath),
	}
	if a := r.Header.Get("Authorization"); a != "" {
		scheme, _, _ := strings.Cut(strings.TrimSpace(a), " ")
		entry.Auth = calllog.Truncate(scheme, 20) + " (redacted)"
	}
	head := calllog.PeekBody(r) // before the handler, which may answer without reading it
	r = r.WithContext(context.WithValue(r.Context(), loggedKey{}, entry))
	lw := calllog.NewRecorder(w, !isControlPath(r.URL.Path))
	start := time.Now()
	next(lw, r)
	entry.Duration = time.Since(start).Round(10 * time.Microsecond).String()
	entry.Status = lw.Status()
	if entry.Status == 0 {
		entry.Status = http.StatusOK
	}
	entry.Request = calllog.RedactBody(r.Header.Get("Content-Type"), head)
	if lw.Captured() {
		entry.Answer = calllog.RedactBody(lw.Header().Get("Content-Type"), lw.Excerpt())
	}
	s.mu.Lock()
	wd.state.log.Add(*entry, entry.size())
	s.mu.Unlock()
}

// CallLog is the context's world's request log, oldest first.
func (s *Server) CallLog(ctx context.Context) []LoggedCall {
	wd := s.worldOf(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	return wd.state.log.Entries()
}
