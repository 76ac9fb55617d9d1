package main

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// The process itself: -h prints the flags and exits 0; a bad flag or
// variable exits 2 with its reason once, after "site: ".
func TestExitStatus(t *testing.T) {
	if os.Getenv("SITE_TEST_MAIN") == "1" {
		os.Args = append([]string{"site"}, strings.Fields(os.Getenv("SITE_TEST_ARGS"))...)
		main()
		return
	}
	for _, tt := range []struct {
		args   string
		env    string
		code   int
		reason string // printed once, after "site: "; for -h, in the usage
	}{
		{"-nope", "", 2, "flag provided but not defined: -nope"},
		{"-addr bad", "", 2, `-addr "bad": want host:port`},
		{"-upstream-timeout 1h", "", 2, "upstream timeout 1h0m0s: want a duration above 0s and at most 15s"},
		{"", "UPSTREAM_TIMEOUT=soon", 2, `UPSTREAM_TIMEOUT: time: invalid duration "soon"`},
		{"-google-client-id x.apps.googleusercontent.com", "", 2, "SESSION_KEYS is required with GOOGLE_CLIENT_ID"},
		{"-h", "", 0, "-upstream-timeout duration"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestExitStatus$")
		cmd.Env = append(os.Environ(), "SITE_TEST_MAIN=1", "SITE_TEST_ARGS="+tt.args, "GOOGLE_CLIENT_ID=", "SESSION_KEYS=", "UPSTREAM_TIMEOUT=")
		if tt.env != "" {
			cmd.Env = append(cmd.Env, tt.env)
		}
		out, err := cmd.CombinedOutput()
		code := 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		}
		if code != tt.code {
			t.Errorf("%q %s: exit %d, want %d\n%s", tt.args, tt.env, code, tt.code, out)
		}
		if tt.code == 2 && (strings.Count(string(out), tt.reason) != 1 || !strings.Contains(string(out), "site: "+tt.reason)) {
			t.Errorf("%q %s: want the reason %q once, after \"site: \":\n%s", tt.args, tt.env, tt.reason, out)
		}
		if tt.code == 0 && !strings.Contains(string(out), tt.reason) {
			t.Errorf("%q: the usage does not list %q:\n%s", tt.args, tt.reason, out)
		}
	}
}
