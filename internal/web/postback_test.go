package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestBearerToken(t *testing.T) {
	tests := []struct {
		name    string
		header  string
		query   string
		form    string
		want    string
		wantErr bool
	}{
		{name: "bearer", header: "Bearer ya29.a0Ab-_~+/x==", want: "ya29.a0Ab-_~+/x=="},
		{name: "scheme is case-insensitive", header: "bearer abc", want: "abc"},
		{name: "missing", wantErr: true},
		{name: "basic", header: "Basic dXNlcjpwYXNz", wantErr: true},
		{name: "no space", header: "Bearerabc", wantErr: true},
		{name: "empty token", header: "Bearer ", wantErr: true},
		{name: "space inside", header: "Bearer abc def", wantErr: true},
		{name: "bad character", header: "Bearer abc\"def", wantErr: true},
		{name: "padding in the middle", header: "Bearer ab=c", wantErr: true},
		{name: "only padding", header: "Bearer ==", wantErr: true},
		{name: "too long", header: "Bearer " + strings.Repeat("a", maxTokenLen+1), wantErr: true},
		{name: "longest allowed", header: "Bearer " + strings.Repeat("a", maxTokenLen), want: strings.Repeat("a", maxTokenLen)},
		{name: "token in query", header: "Bearer abc", query: "access_token=abc", wantErr: true},
		{name: "token in form", header: "Bearer abc", form: "access_token=abc", wantErr: true},
		{name: "other form fields are fine", header: "Bearer abc", form: "document=x", want: "abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/calendar?"+tt.query, strings.NewReader(tt.form))
			if tt.form != "" {
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			if tt.header != "" {
				r.Header.Set("Authorization", tt.header)
			}
			got, err := BearerToken(r)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("BearerToken = %q, %v; want %q, err %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// FuzzBearerToken: any header either yields a token of RFC 6750's b64token
// alphabet within the length bound, or an error; never a panic.
func FuzzBearerToken(f *testing.F) {
	for _, s := range []string{"Bearer abc", "Bearer ", "bearer a==", "Basic x", "Bearer a b", "Bearer \x00", "Bearer ☃"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		r.Header["Authorization"] = []string{header}
		tok, err := BearerToken(r)
		if err != nil {
			return
		}
		if tok == "" || len(tok) > maxTokenLen || !isB64Token(tok) {
			t.Fatalf("accepted %q", tok)
		}
		if strings.ContainsAny(tok, " \t\r\n\"") {
			t.Fatalf("accepted a token with separators: %q", tok)
		}
	})
}
