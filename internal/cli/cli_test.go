package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"testing"
)

func TestExitCode(t *testing.T) {
	for _, tt := range []struct {
		err  error
		code int
		out  string
	}{
		{nil, 0, ""},
		{flag.ErrHelp, 0, ""},
		{UsageError{errors.New(`-addr "bad": want host:port`)}, 2, "site: -addr \"bad\": want host:port\n"},
		{fmt.Errorf("config: %w", UsageError{errors.New("no client")}), 2, "site: config: no client\n"},
		{errors.New("listen tcp: address in use"), 1, "site: listen tcp: address in use\n"},
	} {
		var stderr bytes.Buffer
		if code := ExitCode("site", tt.err, &stderr); code != tt.code || stderr.String() != tt.out {
			t.Errorf("%v: exit %d, printed %q; want %d, %q", tt.err, code, stderr.String(), tt.code, tt.out)
		}
	}
}
