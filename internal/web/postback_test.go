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
		second  string // a second Authorization header
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
		{name: "two Authorization headers", header: "Bearer abc", second: "Bearer def", wantErr: true},
		{name: "two identical Authorization headers", header: "Bearer abc", second: "Bearer abc", wantErr: true},
		{name: "two tokens in one header", header: "Bearer abc, Bearer def", wantErr: true},
		{name: "tab instead of space", header: "Bearer\tabc", wantErr: true},
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
			if tt.second != "" {
				r.Header.Add("Authorization", tt.second)
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
