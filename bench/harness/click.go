package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
)

// clickResult is bench/click.mjs's measurement: click on "Show calendar
// info" (grant held) to the events being visible, per run.
type clickResult struct {
	RunsMS   []float64 `json:"runs_ms"`
	MedianMS float64   `json:"median_ms"`
	P90MS    float64   `json:"p90_ms"`
}

func clickToData(site, emu string, runs int) (*clickResult, error) {
	cmd := exec.Command("node", "bench/click.mjs", site, emu, strconv.Itoa(runs))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("bench/click.mjs: %v (needs bench/node_modules: go tool task bench:deps)", err)
	}
	var r clickResult
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &r); err != nil || len(r.RunsMS) == 0 {
		return nil, fmt.Errorf("bench/click.mjs printed %q: %v", out, err)
	}
	r.MedianMS = median(r.RunsMS)
	s := slices.Clone(r.RunsMS)
	slices.Sort(s)
	r.P90MS = s[(len(s)*9+9)/10-1]
	return &r, nil
}

// lighthouseMain starts the site and runs bench/lighthouse.mjs on it.
func lighthouseMain(o options) error {
	site, err := startSite(o.site)
	if err != nil {
		return err
	}
	defer site.stop()
	cmd := exec.Command("node", "bench/lighthouse.mjs", site.site, o.out)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("bench/lighthouse.mjs: %v", err)
	}
	fmt.Println("wrote", o.out)
	return nil
}
