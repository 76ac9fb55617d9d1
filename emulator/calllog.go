package emulator

// The request log of /_emu/: what the emulator was asked and what it
// answered, per world, so a demo can show the traffic behind a click. It
// never holds a token: the Authorization header is kept as its scheme only,
// and every query, form and JSON value that is or looks like a token or an
// authorization code is replaced before the entry is stored. The log is
// bounded (maxLogEntries entries, maxLogBytes of text per world) and a reset
// clears it with the rest of the world's state.

import (
	"bytes"
	"context"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Bounds of one world's request log.
const (
	maxLogEntries = 200
	maxLogBytes   = 64 << 10 // the text of every entry together
	maxLogExcerpt = 512      // of a request or answer body
	maxLogPath    = 1024     // of a path with its query
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
type callLog struct {
	calls []LoggedCall
	bytes int
}

func (l *callLog) add(c LoggedCall) {
	l.calls = append(l.calls, c)
	l.bytes += c.size()
	drop := 0
	for len(l.calls)-drop > maxLogEntries || (l.bytes > maxLogBytes && len(l.calls)-drop > 1) {
		l.bytes -= l.calls[drop].size()
		drop++
	}
	l.calls = slices.Delete(l.calls, 0, drop)
}

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
		c.Note = redactText(text)
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
		Path:   truncate(redactPath(r.URL), maxLogPath),
	}
	if a := r.Header.Get("Authorization"); a != "" {
		scheme, _, _ := strings.Cut(strings.TrimSpace(a), " ")
		entry.Auth = truncate(scheme, 20) + " (redacted)"
	}
	// The start of a form or JSON body, read now (a handler may answer
	// without reading it) and put back in front of the rest.
	var head []byte
	if bodyKind(r.Header.Get("Content-Type")) != "" {
		head = make([]byte, maxLogExcerpt)
		n, err := io.ReadFull(r.Body, head)
		head = head[:n]
		rest := r.Body
		if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
			rest = io.NopCloser(errReader{err}) // the handler meets the same error
		}
		r.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(head), rest), r.Body}
	}
	r = r.WithContext(context.WithValue(r.Context(), loggedKey{}, entry))
	lw := &logWriter{ResponseWriter: w, capture: !isControlPath(r.URL.Path)}
	start := time.Now()
	next(lw, r)
	entry.Duration = time.Since(start).Round(10 * time.Microsecond).String()
	entry.Status = lw.status
	if entry.Status == 0 {
		entry.Status = http.StatusOK
	}
	entry.Request = redactBody(r.Header.Get("Content-Type"), head)
	if lw.capture {
		entry.Answer = redactBody(lw.Header().Get("Content-Type"), lw.buf)
	}
	s.mu.Lock()
	wd.state.log.add(*entry)
	s.mu.Unlock()
}

// CallLog is the context's world's request log, oldest first.
func (s *Server) CallLog(ctx context.Context) []LoggedCall {
	wd := s.worldOf(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(wd.state.log.calls)
}

// logWriter notes the status and keeps the start of the answer.
type logWriter struct {
	http.ResponseWriter
	status  int
	capture bool
	buf     []byte
}

func (w *logWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *logWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if room := maxLogExcerpt - len(w.buf); w.capture && room > 0 {
		w.buf = append(w.buf, p[:min(len(p), room)]...)
	}
	return w.ResponseWriter.Write(p)
}

// Flush lets a dripping fault flush through the log.
func (w *logWriter) Flush() { http.NewResponseController(w.ResponseWriter).Flush() }

// Unwrap gives http.ResponseController the real writer.
func (w *logWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Token shapes: Google's access tokens (ya29.…) and authorization codes
// (4/0A…), and the names tokens travel under.
var (
	tokenShape  = regexp.MustCompile(`ya29\.[A-Za-z0-9._~+/=-]*|4/0A[A-Za-z0-9._~+/=-]*`)
	secretNames = []string{"access_token", "token", "code", "id_token", "refresh_token", "client_secret", "assertion"}
	jsonSecret  = regexp.MustCompile(`"(access_token|token|code|id_token|refresh_token|client_secret|assertion)"(\s*:\s*)"(?:[^"\\]|\\.)*("|$)`)
)

const redacted = "(redacted)"

// redactText replaces anything shaped like a token or a code.
func redactText(s string) string {
	return tokenShape.ReplaceAllStringFunc(s, func(m string) string {
		if strings.HasPrefix(m, "ya29.") {
			return "ya29." + redacted
		}
		return "4/0A" + redacted
	})
}

// redactValues replaces the values of token parameters, and any value
// shaped like a token.
func redactValues(v url.Values) string {
	for _, k := range secretNames {
		for i := range v[k] {
			v[k][i] = redacted
		}
	}
	// url.Values.Encode would escape "(redacted)"; keep the log readable.
	enc := strings.NewReplacer("%28redacted%29", redacted).Replace(v.Encode())
	return redactText(enc)
}

// redactPath is the request's path and query with tokens replaced.
func redactPath(u *url.URL) string {
	if u.RawQuery == "" {
		return redactText(u.EscapedPath())
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return redactText(u.EscapedPath()) + "?" + redacted + " (unreadable query)"
	}
	return redactText(u.EscapedPath()) + "?" + redactValues(q)
}

// bodyKind is "form" or "json" for bodies the log shows, "" otherwise.
func bodyKind(contentType string) string {
	mt, _, _ := mime.ParseMediaType(contentType)
	switch {
	case mt == "application/x-www-form-urlencoded":
		return "form"
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		return "json"
	}
	return ""
}

// redactBody is the start of a form or JSON body, tokens replaced; other
// bodies are not shown.
func redactBody(contentType string, b []byte) string {
	if len(b) == 0 {
		return ""
	}
	var out string
	switch bodyKind(contentType) {
	case "form":
		q, err := url.ParseQuery(string(b))
		if err != nil && len(b) < maxLogExcerpt {
			return redacted + " (unreadable form)"
		}
		out = redactValues(q) // a form cut at the excerpt's end loses its last value's tail
	case "json":
		out = jsonSecret.ReplaceAllString(string(b), `"$1"$2"`+redacted+`"`)
		out = redactText(out)
	default:
		return ""
	}
	if len(b) >= maxLogExcerpt {
		out += " …"
	}
	return strings.ToValidUTF8(out, "�")
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
