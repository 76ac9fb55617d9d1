// Package cli is what the two commands (cmd/site, cmd/emulator) share at
// their edge: how run's error becomes an exit status and one line on stderr,
// and the main that runs run until a signal.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// UsageError is a bad flag, variable or configuration file: exit status 2.
type UsageError struct{ Err error }

func (e UsageError) Error() string { return e.Err.Error() }
func (e UsageError) Unwrap() error { return e.Err }

// ExitCode is the exit status for run's error, after writing its reason, once,
// to stderr as "name: reason": 0 for none or -h (run printed the usage), 2
// for a UsageError, 1 for anything else (a server that could not start).
func ExitCode(name string, err error, stderr io.Writer) int {
	var uerr UsageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &uerr):
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	default:
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 1
	}
}

// Main is a command's main: it runs run with a context that SIGINT or
// SIGTERM cancels, then exits with ExitCode's status for what run returned.
func Main(name string, run func(ctx context.Context) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := ExitCode(name, run(ctx), os.Stderr)
	stop()
	os.Exit(code)
}
