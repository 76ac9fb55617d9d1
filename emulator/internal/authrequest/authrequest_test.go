package authrequest

import "testing"

func TestParseStorageRelay(t *testing.T) {
	tests := []struct {
		raw, wantOrigin, wantID string
	}{
		{"storagerelay://http/localhost:8080?id=auth123456", "http://localhost:8080", "auth123456"},
		{"storagerelay://https/app.example.com?id=auth1", "https://app.example.com", "auth1"},
		{"storagerelay://http/[::1]:8080?id=auth7", "http://[::1]:8080", "auth7"},
		{"storagerelay://http/LOCALHOST:8080?id=auth7", "http://localhost:8080", "auth7"},
		{"storagerelay://ftp/localhost?id=auth1", "", ""},
		{"storagerelay://http/?id=auth1", "", ""},
		{"storagerelay://http/localhost:8080?id=auth1&id=auth2", "", ""},
		{"storagerelay://http/localhost:8080?id=auth1#frag", "", ""},
		{"postmessage", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			origin, id, ok := ParseStorageRelay(tt.raw)
			if ok != (tt.wantOrigin != "") || origin != tt.wantOrigin || id != tt.wantID {
				t.Errorf("got %q %q %v, want %q %q", origin, id, ok, tt.wantOrigin, tt.wantID)
			}
		})
	}
}
