package main

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"

	"github.com/scopewise/scopewise/internal/cli"
)

// A port already taken is one line, "site: " once, then why.
func TestTakenPortSaysSiteOnce(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var out, stderr bytes.Buffer
	err = run(context.Background(), []string{"-addr", ln.Addr().String(), "-emulator-addr", "127.0.0.1:0"}, func(string) string { return "" }, &out)
	if code := cli.ExitCode("site", err, &stderr); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if msg := stderr.String(); strings.Count(msg, "site:") != 1 || !strings.Contains(msg, ln.Addr().String()) {
		t.Errorf("message %q: want \"site: \" once and the address", msg)
	}
}
