package emulatortest_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The emulator is importable from another module: a scratch module outside
// this repository, pointed at it by a replace directive, builds and vets a
// program and a test that use package emulator and package emulatortest.
func TestImportableFromAnotherModule(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH:", err)
	}
	gomod, err := exec.Command(goCmd, "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(gomod)))
	goVersion, err := exec.Command(goCmd, "list", "-m", "-f", "{{.GoVersion}}").Output()
	if err != nil {
		t.Fatalf("go list -m: %v", err)
	}

	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/scratch\n\ngo " + strings.TrimSpace(string(goVersion)) + "\n\n" +
			"require github.com/scopewise/scopewise v0.0.0\n\n" +
			"replace github.com/scopewise/scopewise => " + root + "\n",
		"main.go": `package main

import (
	"log"
	"net/http"

	"github.com/scopewise/scopewise/emulator"
)

func main() {
	emu := emulator.New(emulator.Options{Clients: []emulator.Client{{ID: "app.apps.googleusercontent.com", Origins: []string{"http://localhost:3000"}}}})
	log.Fatal(http.ListenAndServe("localhost:8081", emu))
}
`,
		"main_test.go": `package main

import (
	"net/http"
	"testing"
	"time"

	"github.com/scopewise/scopewise/emulator"
	"github.com/scopewise/scopewise/emulator/client"
	"github.com/scopewise/scopewise/emulator/emulatortest"
)

func TestCalendar(t *testing.T) {
	emu := emulatortest.Start(t, emulator.Options{})
	token := emu.Mint(t, emulator.TokenRequest{Scopes: []string{"https://www.googleapis.com/auth/calendar.readonly"}})
	req, _ := http.NewRequest(http.MethodGet, emu.URL+"/calendar/v3/calendars/primary/events", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := emu.Client.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatal(res, err)
	}
	res.Body.Close()
	var _ emulator.Control = client.New(emu.URL, emu.Client)

	// A world of its own, as a parallel test has.
	w := emu.NewWorld(t)
	w.Advance(t, time.Hour)
	if st := w.State(t); st.World != w.World || st.World == emulator.DefaultWorld {
		t.Fatalf("world %q, state of %q", w.World, st.World)
	}
}
`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// go test runs emulatortest.Start there: the package works, not only
	// compiles, from another module.
	for _, args := range [][]string{{"build", "./..."}, {"vet", "./..."}, {"test", "-count=1", "./..."}} {
		cmd := exec.Command(goCmd, args...)
		cmd.Dir = dir
		// Dependencies come from the module cache this repository already
		// filled; the scratch module writes its own go.sum.
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOSUMDB=off", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s in a scratch module: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}
