// Package clitest runs a command's main in a child process for exit-status
// tests: the test binary runs itself again, and in the child the test calls
// main with the arguments the parent gave.
//
//	func TestExitStatus(t *testing.T) {
//		if clitest.Child("site") {
//			main()
//			return
//		}
//		code, out := clitest.Run(t, "TestExitStatus", "-nope")
//		…
//	}
package clitest

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

const (
	childVar = "CLITEST_CHILD"
	argsVar  = "CLITEST_ARGS"
)

// Child reports whether this process is the child Run started; if so it has
// set os.Args to name and the parent's arguments, and the caller runs main.
func Child(name string) bool {
	if os.Getenv(childVar) != "1" {
		return false
	}
	os.Args = append([]string{name}, strings.Fields(os.Getenv(argsVar))...)
	return true
}

// Run runs the test named test in a child process with args (split on
// spaces) and env added to this process's environment, and returns the
// child's exit status and what it wrote to stdout and stderr.
func Run(t testing.TB, test, args string, env ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$")
	cmd.Env = append(append(os.Environ(), childVar+"=1", argsVar+"="+args), env...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, string(out)
	case errors.As(err, &exit):
		return exit.ExitCode(), string(out)
	default:
		t.Fatalf("running %s %s: %v", test, args, err)
		return 0, ""
	}
}
