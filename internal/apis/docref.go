package apis

import (
	"net/url"
	"strings"
)

// Document IDs are URL-safe base64 characters. Google's are 44 long today;
// the bounds leave room for older and future shapes while refusing what
// cannot be an ID (a word, a sentence, a pasted paragraph). The upper bound
// also keeps the session cookie, which holds up to web.MaxRecentDocs IDs,
// under the 4,096 bytes browsers (and securecookie) accept: 20 IDs of 100
// characters would not fit.
const (
	MinDocumentIDLen = 25
	MaxDocumentIDLen = 64
	// maxRefLen bounds the whole input: a Docs URL with its query and
	// fragment is well under this.
	maxRefLen = 2048
)

// RefError says why a string is neither a Docs URL nor a document ID, in
// words the page can show as they are.
type RefError struct{ Reason string }

func (e *RefError) Error() string { return e.Reason }

func refErr(reason string) error { return &RefError{Reason: reason} }

// otherEditors are docs.google.com paths of other editors: a link to a
// spreadsheet is a common paste into a "document" field.
var otherEditors = map[string]string{
	"spreadsheets": "a Google Sheets spreadsheet",
	"presentation": "a Google Slides presentation",
	"forms":        "a Google Forms form",
	"drawings":     "a Google Drawings drawing",
	"file":         "a Drive file",
}

// ParseDocumentRef reads what a user pastes into "Document URL or ID" and
// returns the document ID. It accepts a bare ID, or a docs.google.com URL
// whose path is /document/d/<ID>[/…] — also with /u/<n>/ for a signed-in
// account, without a scheme, and with any query or fragment
// (?usp=sharing, #heading=h.…). Anything else is a *RefError.
func ParseDocumentRef(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", refErr("Enter a Google Docs link or a document ID.")
	case len(s) > maxRefLen:
		return "", refErr("That is far too long to be a Google Docs link or a document ID.")
	case isDocumentID(s):
		return s, nil
	case !strings.Contains(s, "/") && !strings.Contains(s, "."):
		return "", idProblem(s)
	}
	raw := s
	switch {
	case strings.HasPrefix(raw, "//"):
		raw = "https:" + raw
	case !strings.Contains(raw, "://"):
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" {
		return "", refErr("That is not a link we can read, nor a document ID.")
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return "", refErr("Only https:// links to Google Docs are accepted.")
	}
	if u.User != nil || !strings.EqualFold(u.Host, "docs.google.com") {
		return "", refErr("That link is not on docs.google.com. Paste a Google Docs link (https://docs.google.com/document/d/…) or a document ID.")
	}
	return idFromPath(u.EscapedPath())
}

// idFromPath finds the ID in /document/d/<ID>/…, /document/u/<n>/d/<ID>/…,
// /u/<n>/document/d/<ID>/… or a Workspace domain's /a/<domain>/document/d/<ID>/….
func idFromPath(p string) (string, error) {
	parts := strings.Split(strings.Trim(p, "/"), "/")
	switch {
	case len(parts) >= 2 && parts[0] == "u" && isAccountIndex(parts[1]):
		parts = parts[2:]
	case len(parts) >= 2 && parts[0] == "a" && parts[1] != "":
		parts = parts[2:]
	}
	if len(parts) == 0 || parts[0] != "document" {
		if len(parts) > 0 {
			if what, ok := otherEditors[parts[0]]; ok {
				return "", refErr("That link opens " + what + ", not a Google Docs document.")
			}
		}
		return "", refErr("That docs.google.com link does not point to a document: a document link looks like https://docs.google.com/document/d/<ID>/edit.")
	}
	parts = parts[1:]
	if len(parts) >= 2 && parts[0] == "u" && isAccountIndex(parts[1]) {
		parts = parts[2:]
	}
	if len(parts) < 2 || parts[0] != "d" {
		return "", refErr("That Docs link has no document ID: a document link looks like https://docs.google.com/document/d/<ID>/edit.")
	}
	id := parts[1]
	if id == "e" {
		return "", refErr("That is a “Publish to the web” link, which does not carry the document's ID. Use the link from the editor's address bar or its Share button.")
	}
	if !isDocumentID(id) {
		return "", idProblem(id)
	}
	return id, nil
}

func isAccountIndex(s string) bool {
	if s == "" || len(s) > 2 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isDocumentID: MinDocumentIDLen to MaxDocumentIDLen characters of [A-Za-z0-9_-].
func isDocumentID(s string) bool {
	if len(s) < MinDocumentIDLen || len(s) > MaxDocumentIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isIDChar(s[i]) {
			return false
		}
	}
	return true
}

func isIDChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

// idProblem says what is wrong with something that was meant as an ID.
func idProblem(s string) error {
	for i := 0; i < len(s); i++ {
		if !isIDChar(s[i]) {
			return refErr("A document ID has only letters, digits, - and _; that one has other characters.")
		}
	}
	if len(s) < MinDocumentIDLen {
		return refErr("That is too short to be a document ID (Google's are about 44 characters).")
	}
	return refErr("That is too long to be a document ID (Google's are about 44 characters).")
}
