package config

import (
	"strings"
	"testing"
	"time"
)

func TestParseLimit(t *testing.T) {
	for in, want := range map[string]Limit{"20/10s": {20, 10 * time.Second}, " 1/1m ": {1, time.Minute}, "off": {}} {
		if got, err := ParseLimit(in); err != nil || got != want {
			t.Errorf("ParseLimit(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "20", "0/1s", "-1/1s", "5/0s", "5/x", "x/1s", "5/-1s"} {
		if _, err := ParseLimit(in); err == nil {
			t.Errorf("ParseLimit(%q) accepted", in)
		}
	}
}

func TestLoadTokenCheckLimits(t *testing.T) {
	c, err := Load(nil, func(string) string { return "" }, nil)
	if err != nil || c.SessionTokenChecks != DefaultSessionLimit || c.AddressTokenChecks != DefaultAddressLimit {
		t.Fatalf("defaults: %v %v %v", c.SessionTokenChecks, c.AddressTokenChecks, err)
	}
	env := map[string]string{"TOKEN_CHECKS_PER_SESSION": "off", "TOKEN_CHECKS_PER_ADDRESS": "5/1s"}
	c, err = Load([]string{"-token-checks-per-session", "3/1m"}, func(k string) string { return env[k] }, nil)
	if err != nil || c.SessionTokenChecks != (Limit{3, time.Minute}) || c.AddressTokenChecks != (Limit{5, time.Second}) {
		t.Fatalf("flag and env: %v %v %v", c.SessionTokenChecks, c.AddressTokenChecks, err)
	}
	env = map[string]string{"TOKEN_CHECKS_PER_ADDRESS": "lots"}
	if _, err := Load(nil, func(k string) string { return env[k] }, nil); err == nil || !strings.Contains(err.Error(), "TOKEN_CHECKS_PER_ADDRESS") {
		t.Fatalf("bad env: %v", err)
	}
	if _, err := Load([]string{"-token-checks-per-session", "0/1s"}, func(string) string { return "" }, nil); err == nil {
		t.Fatal("bad flag accepted")
	}
}
