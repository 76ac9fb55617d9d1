// Command emulator serves the offline emulator of Google (package emulator)
// on its own: the GIS library, the consent popup, tokeninfo, revoke, the
// Calendar, Docs and Photos Picker APIs, and the /_emu/ test controls. Point
// a page's <script src> at its /gsi/client instead of Google's and register
// the page's origin with -client.
//
//	go run ./cmd/emulator -client 'my-app.apps.googleusercontent.com=http://localhost:5173'
//
// Bad flags or configuration exit with status 2; a failure to listen with 1.
package main

import (
	"context"
	"os"
	_ "time/tzdata" // calendars name IANA zones; the binary must not depend on the host's

	"github.com/scopewise/scopewise/internal/cli"
)

func main() {
	cli.Main("emulator", func(ctx context.Context) error {
		return run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	})
}
