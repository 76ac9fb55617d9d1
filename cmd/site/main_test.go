package main

import (
	"strings"
	"testing"

	"github.com/scopewise/scopewise/internal/cli/clitest"
)

// The process itself: -h prints the flags and exits 0; a bad flag or
// variable exits 2 with its reason once, after "site: ".
func TestExitStatus(t *testing.T) {
	if clitest.Child("site") {
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
		env := []string{"GOOGLE_CLIENT_ID=", "SESSION_KEYS=", "UPSTREAM_TIMEOUT="}
		if tt.env != "" {
			env = append(env, tt.env)
		}
		code, out := clitest.Run(t, "TestExitStatus", tt.args, env...)
		if code != tt.code {
			t.Errorf("%q %s: exit %d, want %d\n%s", tt.args, tt.env, code, tt.code, out)
		}
		if tt.code == 2 && (strings.Count(out, tt.reason) != 1 || !strings.Contains(out, "site: "+tt.reason)) {
			t.Errorf("%q %s: want the reason %q once, after \"site: \":\n%s", tt.args, tt.env, tt.reason, out)
		}
		if tt.code == 0 && !strings.Contains(out, tt.reason) {
			t.Errorf("%q: the usage does not list %q:\n%s", tt.args, tt.reason, out)
		}
	}
}
