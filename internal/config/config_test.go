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
		{name: "public URLs: origins, trailing slash dropped", env: map[string]string{"PUBLIC_URL": "https://Scopewise.Example/", "EMULATOR_PUBLIC_URL": "https://emu.example:8443"}, check: func(t *testing.T, c Config) {
			if c.PublicURL != "https://scopewise.example" || c.EmulatorPublicURL != "https://emu.example:8443" {
				t.Errorf("PublicURL %q EmulatorPublicURL %q", c.PublicURL, c.EmulatorPublicURL)
			}
			if c.EmulatorURL != "" || c.Endpoints.TokenInfo != "" {
				t.Errorf("embedded emulator expected: %+v", c)
			}
		}},
		{name: "public URL flag wins", args: []string{"-public-url", "https://b.example"}, env: map[string]string{"PUBLIC_URL": "https://a.example"}, check: func(t *testing.T, c Config) {
			if c.PublicURL != "https://b.example" {
				t.Errorf("PublicURL %q", c.PublicURL)
			}
		}},
		{name: "public URL: a path", env: map[string]string{"PUBLIC_URL": "https://a.example/app"}, wantErr: "PUBLIC_URL \"https://a.example/app\": want an origin only"},
		{name: "public URL: no scheme", env: map[string]string{"PUBLIC_URL": "a.example:8080"}, wantErr: "PUBLIC_URL \"a.example:8080\": want an origin like https://host[:port]"},
		{name: "public URL: ftp", env: map[string]string{"PUBLIC_URL": "ftp://a.example"}, wantErr: "want an origin like"},
		{name: "public URL: bad port", env: map[string]string{"PUBLIC_URL": "https://a.example:99999"}, wantErr: "port \"99999\" is not 1-65535"},
		{name: "emulator public URL: a query", env: map[string]string{"EMULATOR_PUBLIC_URL": "https://e.example/?x=1"}, wantErr: "EMULATOR_PUBLIC_URL"},
		{name: "external emulator: its endpoints", env: map[string]string{"EMULATOR_URL": "https://emu.example"}, check: func(t *testing.T, c Config) {
			if !c.EmulatorMode() || c.EmulatorURL != "https://emu.example" {
				t.Errorf("got %+v", c)
			}
			if c.Endpoints.TokenInfo != "https://emu.example/tokeninfo" || c.Endpoints.GISScript != "https://emu.example/gsi/client" || c.Endpoints.AccountsOrigin != "https://emu.example" {
				t.Errorf("endpoints %+v", c.Endpoints)
			}
		}},
		{name: "external emulator with Google", env: map[string]string{"EMULATOR_URL": "https://emu.example", "GOOGLE_CLIENT_ID": "1-x.apps.googleusercontent.com", "SESSION_KEYS": key32 + "," + key32}, wantErr: "EMULATOR_URL and EMULATOR_PUBLIC_URL are for emulator mode"},
		{name: "external emulator and an embedded one's public URL", env: map[string]string{"EMULATOR_URL": "https://emu.example", "EMULATOR_PUBLIC_URL": "https://e2.example"}, wantErr: "EMULATOR_PUBLIC_URL is the embedded emulator's"},
		{name: "trusted proxies", env: map[string]string{"TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1,::1"}, check: func(t *testing.T, c Config) {
			if len(c.TrustedProxies) != 3 || c.TrustedProxies[0].String() != "10.0.0.0/8" || c.TrustedProxies[1].String() != "127.0.0.1/32" || c.TrustedProxies[2].String() != "::1/128" {
				t.Errorf("TrustedProxies = %v", c.TrustedProxies)
			}
		}},
		{name: "trusted proxies: none by default", check: func(t *testing.T, c Config) {
			if len(c.TrustedProxies) != 0 {
				t.Errorf("TrustedProxies = %v", c.TrustedProxies)
			}
		}},
		{name: "trusted proxies: a name", env: map[string]string{"TRUSTED_PROXIES": "10.0.0.0/8,proxy.local"}, wantErr: "TRUSTED_PROXIES: \"proxy.local\" is not a CIDR"},
		{name: "trusted proxies: a bad mask", args: []string{"-trusted-proxies", "10.0.0.0/33"}, wantErr: "TRUSTED_PROXIES: \"10.0.0.0/33\""},
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
