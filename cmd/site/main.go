// Command site serves Scopewise and, unless GOOGLE_CLIENT_ID is set, the
// offline emulator of Google on its own listener.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // calendars name IANA zones; the binary must not depend on the host's
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout)
	var uerr usageError
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.As(err, &uerr):
		fmt.Fprintln(os.Stderr, "site:", err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "site:", err)
		os.Exit(1)
	}
}
