package web

import (
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func multipartBody(t *testing.T, field, value string) (string, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	w.WriteField(field, value)
	w.Close()
	return w.FormDataContentType(), b.String()
}

// A token in the body beside the header's is refused whatever the body's
// encoding and the Content-Type's letter case; other bodies pass untouched.
func TestBearerTokenRefusesATokenInAnyBody(t *testing.T) {
	mpType, mpBody := multipartBody(t, "access_token", "abc")
	mpOtherType, mpOther := multipartBody(t, "document", "x")
	tests := []struct {
		name, ctype, body string
		wantErr           bool
	}{
		{"form", "application/x-www-form-urlencoded", "access_token=abc", true},
		{"form, Content-Type in capitals", "Application/X-WWW-Form-URLEncoded; charset=UTF-8", "access_token=abc", true},
		{"multipart", mpType, mpBody, true},
		{"multipart, Content-Type in capitals", strings.Replace(mpType, "multipart/form-data", "Multipart/Form-Data", 1), mpBody, true},
		{"json", "application/json", `{"access_token":"abc"}`, true},
		{"json, Content-Type in capitals", "Application/JSON; charset=utf-8", `{"access_token":"abc"}`, true},
		{"json, member in other case", "application/json", `{"Access_Token":"abc"}`, true},
		{"json suffix type", "application/merge-patch+json", `{"access_token":"abc"}`, true},
		{"form without a token", "application/x-www-form-urlencoded", "document=x", false},
		{"multipart without a token", mpOtherType, mpOther, false},
		{"json without a token", "application/json", `{"document":"x"}`, false},
		{"json that is not an object", "application/json", `["access_token"]`, false},
		{"bad Content-Type", "multipart/form-data; boundary", "x", true},
		{"broken multipart", "multipart/form-data; boundary=zz", "--zz\r\nbroken", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/docs/open", strings.NewReader(tt.body))
			r.Header.Set("Content-Type", tt.ctype)
			r.Header.Set("Authorization", "Bearer abc")
			got, err := BearerToken(r)
			if (err != nil) != tt.wantErr {
				t.Fatalf("BearerToken = %q, %v; want error %v", got, err, tt.wantErr)
			}
		})
	}
}

// A JSON body is put back for the handler after the check.
func TestBearerTokenKeepsAJSONBody(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/x", strings.NewReader(`{"document":"x"}`))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Authorization", "Bearer abc")
	if _, err := BearerToken(r); err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(r.Body); string(b) != `{"document":"x"}` {
		t.Fatalf("body after the check: %q", b)
	}
}

// A body that fails to read (the body limit) keeps its cause in the chain.
func TestBearerTokenPassesOnTheReadError(t *testing.T) {
	tooBig := errors.New("too big")
	r := httptest.NewRequest(http.MethodPost, "/x", nil)
	r.Body = io.NopCloser(io.MultiReader(strings.NewReader("a=b&"), errReader{tooBig}))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Authorization", "Bearer abc")
	if _, err := BearerToken(r); !errors.Is(err, tooBig) {
		t.Fatalf("err = %v, want the read error in the chain", err)
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
