package config

import (
	"io"
	"strings"
	"testing"
	"time"
)

func TestLoad(t *testing.T) {
	key32 := strings.Repeat("ab", 32)
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr string
		check   func(t *testing.T, c Config)
	}{
		{name: "defaults: emulator mode", check: func(t *testing.T, c Config) {
			if c.Addr != "localhost:8080" || c.EmulatorAddr != "localhost:8081" || !c.EmulatorMode() {
				t.Errorf("got %+v", c)
			}
			if c.ClientID() != EmulatorClientID || len(c.SessionKeys) != 2 {
				t.Errorf("client %q keys %d", c.ClientID(), len(c.SessionKeys))
			}
		}},
		{name: "env", env: map[string]string{"ADDR": "127.0.0.1:0", "EMULATOR_ADDR": "127.0.0.1:0"}, check: func(t *testing.T, c Config) {
			if c.Addr != "127.0.0.1:0" || c.EmulatorAddr != "127.0.0.1:0" {
				t.Errorf("got %+v", c)
			}
		}},
		{name: "flag wins over env", args: []string{"-addr", ":9000"}, env: map[string]string{"ADDR": ":8000"}, check: func(t *testing.T, c Config) {
			if c.Addr != ":9000" {
				t.Errorf("Addr = %q", c.Addr)
			}
		}},
		{name: "google mode", env: map[string]string{"GOOGLE_CLIENT_ID": "1-x.apps.googleusercontent.com", "SESSION_KEYS": key32 + "," + key32}, check: func(t *testing.T, c Config) {
			if c.EmulatorMode() || c.ClientID() != "1-x.apps.googleusercontent.com" {
				t.Errorf("got %+v", c)
			}
			if c.Endpoints.TokenInfo != "https://oauth2.googleapis.com/tokeninfo" || c.Endpoints.GISScript != "https://accounts.google.com/gsi/client" {
				t.Errorf("endpoints %+v", c.Endpoints)
			}
		}},
		{name: "session keys: current pair, then an old one", env: map[string]string{"SESSION_KEYS": key32 + "," + key32 + ", " + strings.Repeat("cd", 64) + "," + strings.Repeat("ef", 32)}, check: func(t *testing.T, c Config) {
			if len(c.SessionKeys) != 4 || len(c.SessionKeys[2]) != 64 || c.SessionKeys[3][0] != 0xef {
				t.Errorf("SessionKeys = %x", c.SessionKeys)
			}
		}},
		{name: "session keys: an old pair's short hash key", env: map[string]string{"SESSION_KEYS": key32 + "," + key32 + ",abcd," + key32}, wantErr: "hash key 2"},
		{name: "picker poll interval", env: map[string]string{"PICKER_POLL_INTERVAL": "250ms"}, check: func(t *testing.T, c Config) {
			if c.PickerPollInterval.Milliseconds() != 250 {
				t.Errorf("got %v", c.PickerPollInterval)
			}
		}},
		{name: "upstream timeout: default", check: func(t *testing.T, c Config) {
			if c.UpstreamTimeout != DefaultUpstreamTimeout {
				t.Errorf("got %v", c.UpstreamTimeout)
			}
		}},
		{name: "upstream timeout: env", env: map[string]string{"UPSTREAM_TIMEOUT": "300ms"}, check: func(t *testing.T, c Config) {
			if c.UpstreamTimeout != 300*time.Millisecond {
				t.Errorf("got %v", c.UpstreamTimeout)
			}
		}},
		{name: "upstream timeout: flag wins", env: map[string]string{"UPSTREAM_TIMEOUT": "300ms"}, args: []string{"-upstream-timeout", "2s"}, check: func(t *testing.T, c Config) {
			if c.UpstreamTimeout != 2*time.Second {
				t.Errorf("got %v", c.UpstreamTimeout)
			}
		}},
		{name: "upstream timeout: unreadable", env: map[string]string{"UPSTREAM_TIMEOUT": "soon"}, wantErr: "UPSTREAM_TIMEOUT"},
		{name: "upstream timeout: zero", env: map[string]string{"UPSTREAM_TIMEOUT": "0s"}, wantErr: "upstream timeout"},
		{name: "upstream timeout: past the request deadline", args: []string{"-upstream-timeout", "30s"}, wantErr: "at most 15s"},
		{name: "google mode needs session keys", env: map[string]string{"GOOGLE_CLIENT_ID": "1-x.apps.googleusercontent.com"}, wantErr: "SESSION_KEYS is required"},
		{name: "client id shape", env: map[string]string{"GOOGLE_CLIENT_ID": "not-a-client"}, wantErr: "does not look like"},
		{name: "odd key count", env: map[string]string{"SESSION_KEYS": key32}, wantErr: "pairs"},
		{name: "non-hex key", env: map[string]string{"SESSION_KEYS": "zz," + key32}, wantErr: "not hex"},
		{name: "short block key", env: map[string]string{"SESSION_KEYS": key32 + ",abcd"}, wantErr: "block key 1"},
		{name: "bad address", args: []string{"-addr", "8080"}, wantErr: "want host:port"},
		{name: "bad duration", env: map[string]string{"PICKER_POLL_INTERVAL": "soon"}, wantErr: "PICKER_POLL_INTERVAL"},
		{name: "stray argument", args: []string{"serve"}, wantErr: "unexpected arguments"},
		{name: "unknown flag", args: []string{"-nope"}, wantErr: "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(tt.args, func(k string) string { return tt.env[k] }, io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

func TestEmulatorEndpoints(t *testing.T) {
	e := EmulatorEndpoints("http://localhost:8081/")
	for name, got := range map[string]string{"gis": e.GISScript, "tokeninfo": e.TokenInfo, "calendar": e.Calendar, "docs": e.Docs, "picker": e.Picker} {
		if !strings.HasPrefix(got, "http://localhost:8081/") || strings.Contains(got, "//"+"/") {
			t.Errorf("%s = %q", name, got)
		}
	}
}
