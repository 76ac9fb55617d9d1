// Package calllog is the emulator's request log without its wiring: the
// bounds of one world's log, the writer that notes a request's status and
// the start of its answer, and the redaction that keeps every token and
// authorization code out of what the log stores. The emulator's Server
// records entries with it (package emulator, calllog.go).
package calllog

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Bounds of one world's request log.
const (
	MaxEntries = 200
	MaxBytes   = 64 << 10 // the text of every entry together
	MaxExcerpt = 512      // of a request or answer body
	MaxPath    = 1024     // of a path with its query
)

// Log is one world's log, newest last: at most MaxEntries entries and
// MaxBytes of text, the newest entry always kept. Not safe for concurrent
// use; its zero value is empty.
type Log[T any] struct {
	entries []T
	sizes   []int
	bytes   int
}

// Add appends an entry of size bytes of text, dropping the oldest entries
// beyond the bounds.
func (l *Log[T]) Add(e T, size int) {
	l.entries = append(l.entries, e)
	l.sizes = append(l.sizes, size)
	l.bytes += size
	drop := 0
	for len(l.entries)-drop > MaxEntries || (l.bytes > MaxBytes && len(l.entries)-drop > 1) {
		l.bytes -= l.sizes[drop]
		drop++
	}
	l.entries = slices.Delete(l.entries, 0, drop)
	l.sizes = slices.Delete(l.sizes, 0, drop)
}

// Entries is a copy of the log, oldest first.
func (l *Log[T]) Entries() []T { return slices.Clone(l.entries) }

// PeekBody is the start of a form or JSON request body (at most
// MaxExcerpt bytes), read now and put back in front of the rest; nil for
// other bodies. A read error other than the body's end is met again by
// whoever reads the body next.
func PeekBody(r *http.Request) []byte {
	if BodyKind(r.Header.Get("Content-Type")) == "" {
		return nil
	}
	head := make([]byte, MaxExcerpt)
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
	return head
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// Recorder is a ResponseWriter that notes the status and, when capturing,
// keeps the first MaxExcerpt bytes of the answer.
type Recorder struct {
	http.ResponseWriter
	status  int
	capture bool
	buf     []byte
}

// NewRecorder records what is written to w; capture keeps the answer's
// start as well.
func NewRecorder(w http.ResponseWriter, capture bool) *Recorder {
	return &Recorder{ResponseWriter: w, capture: capture}
}

// Status is the status written so far, 0 before anything was.
func (w *Recorder) Status() int { return w.status }

// Captured reports whether the recorder keeps the answer's start.
func (w *Recorder) Captured() bool { return w.capture }

// Excerpt is the start of the answer, when captured.
func (w *Recorder) Excerpt() []byte { return w.buf }

func (w *Recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *Recorder) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if room := MaxExcerpt - len(w.buf); w.capture && room > 0 {
		w.buf = append(w.buf, p[:min(len(p), room)]...)
	}
	return w.ResponseWriter.Write(p)
}

// Flush lets a dripping fault flush through the log.
func (w *Recorder) Flush() { http.NewResponseController(w.ResponseWriter).Flush() }

// Unwrap gives http.ResponseController the real writer.
func (w *Recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Token shapes: Google's access tokens (ya29.…) and authorization codes
// (4/0A…), and the names tokens travel under.
var (
	tokenShape  = regexp.MustCompile(`ya29\.[A-Za-z0-9._~+/=-]*|4/0A[A-Za-z0-9._~+/=-]*`)
	secretNames = []string{"access_token", "token", "code", "id_token", "refresh_token", "client_secret", "assertion"}
	jsonSecret  = regexp.MustCompile(`"(access_token|token|code|id_token|refresh_token|client_secret|assertion)"(\s*:\s*)"(?:[^"\\]|\\.)*("|$)`)
)

const redacted = "(redacted)"

// RedactText replaces anything shaped like a token or a code.
func RedactText(s string) string {
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
	return RedactText(enc)
}

// RedactPath is the request's path and query with tokens replaced.
func RedactPath(u *url.URL) string {
	if u.RawQuery == "" {
		return RedactText(u.EscapedPath())
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return RedactText(u.EscapedPath()) + "?" + redacted + " (unreadable query)"
	}
	return RedactText(u.EscapedPath()) + "?" + redactValues(q)
}

// BodyKind is "form" or "json" for bodies the log shows, "" otherwise.
func BodyKind(contentType string) string {
	mt, _, _ := mime.ParseMediaType(contentType)
	switch {
	case mt == "application/x-www-form-urlencoded":
		return "form"
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		return "json"
	}
	return ""
}

// RedactBody is the start of a form or JSON body, tokens replaced; other
// bodies are not shown.
func RedactBody(contentType string, b []byte) string {
	if len(b) == 0 {
		return ""
	}
	var out string
	switch BodyKind(contentType) {
	case "form":
		q, err := url.ParseQuery(string(b))
		if err != nil && len(b) < MaxExcerpt {
			return redacted + " (unreadable form)"
		}
		out = redactValues(q) // a form cut at the excerpt's end loses its last value's tail
	case "json":
		out = jsonSecret.ReplaceAllString(string(b), `"$1"$2"`+redacted+`"`)
		out = RedactText(out)
	default:
		return ""
	}
	if len(b) >= MaxExcerpt {
		out += " …"
	}
	return strings.ToValidUTF8(out, "�")
}

// Truncate cuts s to at most n bytes on a rune boundary.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
