package apis

import (
	"errors"
	"strings"
	"testing"
)

// A Google-shaped document ID: "1" and 43 URL-safe characters.
const testDocID = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AbCdE"

func TestParseDocumentRef(t *testing.T) {
	if len(testDocID) != 44 {
		t.Fatalf("testDocID has %d characters, want 44", len(testDocID))
	}
	tests := []struct {
		name   string
		in     string
		want   string // the ID; "" when an error is expected
		reason string // part of the error's text
	}{
		{name: "bare ID", in: testDocID, want: testDocID},
		{name: "bare ID with spaces around", in: "  " + testDocID + "\n", want: testDocID},
		{name: "shortest ID", in: strings.Repeat("a", 25), want: strings.Repeat("a", 25)},
		{name: "longest ID", in: strings.Repeat("Z", 64), want: strings.Repeat("Z", 64)},
		{name: "edit URL", in: "https://docs.google.com/document/d/" + testDocID + "/edit", want: testDocID},
		{name: "edit URL with tab and heading", in: "https://docs.google.com/document/d/" + testDocID + "/edit?tab=t.0#heading=h.abc123", want: testDocID},
		{name: "sharing URL", in: "https://docs.google.com/document/d/" + testDocID + "/edit?usp=sharing", want: testDocID},
		{name: "view URL", in: "https://docs.google.com/document/d/" + testDocID + "/view", want: testDocID},
		{name: "no trailing path", in: "https://docs.google.com/document/d/" + testDocID, want: testDocID},
		{name: "trailing slash", in: "https://docs.google.com/document/d/" + testDocID + "/", want: testDocID},
		{name: "account index after document", in: "https://docs.google.com/document/u/0/d/" + testDocID + "/edit", want: testDocID},
		{name: "account index first", in: "https://docs.google.com/u/1/document/d/" + testDocID + "/edit", want: testDocID},
		{name: "Workspace domain path", in: "https://docs.google.com/a/example.com/document/d/" + testDocID + "/edit", want: testDocID},
		{name: "no scheme", in: "docs.google.com/document/d/" + testDocID + "/edit", want: testDocID},
		{name: "scheme-relative", in: "//docs.google.com/document/d/" + testDocID, want: testDocID},
		{name: "http", in: "http://docs.google.com/document/d/" + testDocID + "/edit", want: testDocID},
		{name: "host in capitals", in: "https://DOCS.Google.com/document/d/" + testDocID + "/edit", want: testDocID},

		{name: "empty", in: "   ", reason: "Enter a Google Docs link"},
		{name: "a word", in: "hello", reason: "too short"},
		{name: "a sentence", in: "my meeting notes from tuesday", reason: "other characters"},
		{name: "ID too short", in: strings.Repeat("a", 24), reason: "too short"},
		{name: "ID too long", in: strings.Repeat("a", 65), reason: "too long"},
		{name: "ID with a dot", in: testDocID[:30] + "." + testDocID[31:], reason: "not on docs.google.com"},
		{name: "ID with a plus", in: testDocID[:30] + "+" + testDocID[31:], reason: "other characters"},
		{name: "ID with non-ASCII", in: testDocID[:30] + "é" + testDocID[31:], reason: "other characters"},
		{name: "far too long", in: strings.Repeat("a", 5000), reason: "far too long"},
		{name: "other host", in: "https://evil.example/document/d/" + testDocID + "/edit", reason: "not on docs.google.com"},
		{name: "lookalike host", in: "https://docs.google.com.evil.example/document/d/" + testDocID, reason: "not on docs.google.com"},
		{name: "host in userinfo", in: "https://docs.google.com@evil.example/document/d/" + testDocID, reason: "not on docs.google.com"},
		{name: "userinfo on the right host", in: "https://user@docs.google.com/document/d/" + testDocID, reason: "not on docs.google.com"},
		{name: "port", in: "https://docs.google.com:8443/document/d/" + testDocID, reason: "not on docs.google.com"},
		{name: "drive link", in: "https://drive.google.com/file/d/" + testDocID + "/view", reason: "not on docs.google.com"},
		{name: "spreadsheet", in: "https://docs.google.com/spreadsheets/d/" + testDocID + "/edit#gid=0", reason: "Google Sheets"},
		{name: "presentation", in: "https://docs.google.com/presentation/d/" + testDocID + "/edit", reason: "Google Slides"},
		{name: "form", in: "https://docs.google.com/forms/d/" + testDocID + "/viewform", reason: "Google Forms"},
		{name: "published to the web", in: "https://docs.google.com/document/d/e/2PACX-1vQ" + testDocID + "/pub", reason: "Publish to the web"},
		{name: "document without d", in: "https://docs.google.com/document/" + testDocID, reason: "no document ID"},
		{name: "document list", in: "https://docs.google.com/document/u/0/", reason: "no document ID"},
		{name: "home", in: "https://docs.google.com/", reason: "does not point to a document"},
		{name: "ID in the query", in: "https://docs.google.com/open?id=" + testDocID, reason: "does not point to a document"},
		{name: "short ID in URL", in: "https://docs.google.com/document/d/abc/edit", reason: "too short"},
		{name: "escaped ID in URL", in: "https://docs.google.com/document/d/" + testDocID[:40] + "%2Fab/edit", reason: "other characters"},
		{name: "javascript URL", in: "javascript:alert(1)//docs.google.com/document/d/" + testDocID, reason: "not a link we can read"},
		{name: "ftp", in: "ftp://docs.google.com/document/d/" + testDocID, reason: "Only https://"},
		{name: "markup", in: `<script>alert(1)</script>`, reason: "not on docs.google.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDocumentRef(tt.in)
			if tt.want != "" {
				if err != nil || got != tt.want {
					t.Fatalf("ParseDocumentRef(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParseDocumentRef(%q) = %q, want an error", tt.in, got)
			}
			if got != "" {
				t.Errorf("ID %q returned with an error", got)
			}
			var re *RefError
			if !errors.As(err, &re) {
				t.Fatalf("error %T is not a *RefError", err)
			}
			if !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("error %q does not say %q", err, tt.reason)
			}
		})
	}
}

// FuzzParseDocumentRef: whatever the input, no panic, and an ID comes back
// only when it has the ID alphabet and length (so it is safe in a URL path,
// the session and the page).
func FuzzParseDocumentRef(f *testing.F) {
	for _, s := range []string{
		testDocID,
		"https://docs.google.com/document/d/" + testDocID + "/edit?usp=sharing#heading=h.x",
		"docs.google.com/document/u/0/d/" + testDocID,
		"https://docs.google.com/spreadsheets/d/" + testDocID,
		"https://docs.google.com@evil.example/document/d/" + testDocID,
		"%zz", "://", "//", "", " ", "\x00", "https://docs.google.com/document/d/e/x/pub",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		id, err := ParseDocumentRef(in)
		if (err == nil) == (id == "") {
			t.Fatalf("ParseDocumentRef(%q) = %q, %v: want exactly one of an ID and an error", in, id, err)
		}
		if err != nil {
			var re *RefError
			if !errors.As(err, &re) || re.Reason == "" {
				t.Fatalf("error %v is not a *RefError with a reason", err)
			}
			return
		}
		if !isDocumentID(id) {
			t.Fatalf("ParseDocumentRef(%q) returned %q, which is not an ID", in, id)
		}
		if !strings.Contains(in, id) {
			t.Fatalf("ParseDocumentRef(%q) returned %q, which is not in the input", in, id)
		}
	})
}
