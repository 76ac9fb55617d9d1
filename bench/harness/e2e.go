package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

// e2eMain times the Playwright suite (e2e/, against bin/site and
// bin/emulator as its config starts them) once per worker count in
// o.workers, and records each run in the results file's e2e_wall_time,
// replacing an earlier entry with the same worker count; then it prints
// the goals again as budgets does. A failed test is recorded, not hidden:
// the run's entry says how many failed, and the mode fails.
func e2eMain(o options) error {
	b, err := os.ReadFile(o.out)
	if err != nil {
		return fmt.Errorf("%s: %v (run the bench first)", o.out, err)
	}
	var res results
	if err := json.Unmarshal(b, &res); err != nil {
		return fmt.Errorf("%s: %v", o.out, err)
	}
	var failed error
	for _, n := range o.workers {
		run, err := timeE2E(n)
		if err != nil {
			return err
		}
		fmt.Printf("e2e, %d workers: %.0f s, %d tests, %d failed (load %s)\n", run.Workers, run.Seconds, run.Tests, run.Failed, run.Load)
		if run.Failed > 0 {
			failed = fmt.Errorf("%d e2e tests failed with %d workers", run.Failed, n)
		}
		kept := res.E2E[:0]
		for _, e := range res.E2E {
			if e.Workers != n {
				kept = append(kept, e)
			}
		}
		res.E2E = append(kept, run)
	}
	res.Budgets = budgets(res)
	printBench(res)
	out, _ := json.MarshalIndent(res, "", "  ")
	if err := os.WriteFile(o.out, append(out, '\n'), 0o644); err != nil {
		return err
	}
	return failed
}

// timeE2E runs the suite with n workers, no retries, and counts its tests
// from Playwright's JSON report.
func timeE2E(n int) (e2eRun, error) {
	dir, err := os.MkdirTemp("", "scopewise-e2e-")
	if err != nil {
		return e2eRun{}, err
	}
	defer os.RemoveAll(dir)
	report := filepath.Join(dir, "report.json")
	cmd := exec.Command("npx", "playwright", "test", "--workers="+strconv.Itoa(n), "--retries=0", "--reporter=dot,json")
	cmd.Dir = "e2e"
	cmd.Env = append(os.Environ(), "PLAYWRIGHT_JSON_OUTPUT_NAME="+report)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	run := e2eRun{When: time.Now().UTC().Truncate(time.Second), Workers: n, Load: loadAvg()}
	start := time.Now()
	runErr := cmd.Run()
	run.Seconds = time.Since(start).Seconds()
	b, err := os.ReadFile(report)
	if err != nil {
		return run, fmt.Errorf("playwright wrote no report (%v): %v", runErr, err)
	}
	var r struct {
		Stats struct {
			Expected   int `json:"expected"`
			Unexpected int `json:"unexpected"`
			Flaky      int `json:"flaky"`
			Skipped    int `json:"skipped"`
		} `json:"stats"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return run, fmt.Errorf("playwright's report: %v", err)
	}
	run.Tests = r.Stats.Expected + r.Stats.Unexpected + r.Stats.Flaky
	run.Failed = r.Stats.Unexpected + r.Stats.Flaky
	if runErr != nil && run.Failed == 0 {
		return run, fmt.Errorf("playwright failed with no failed test: %v", runErr)
	}
	return run, nil
}
