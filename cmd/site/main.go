// Command site serves Scopewise and, unless GOOGLE_CLIENT_ID is set, the
// offline emulator of Google on its own listener. Bad flags or variables exit
// with status 2; a failure to start with 1.
package main

import (
	"context"
	"os"
	_ "time/tzdata" // calendars name IANA zones; the binary must not depend on the host's

	"github.com/scopewise/scopewise/internal/cli"
)

func main() {
	cli.Main("site", func(ctx context.Context) error {
		return run(ctx, os.Args[1:], os.Getenv, os.Stdout)
	})
}
