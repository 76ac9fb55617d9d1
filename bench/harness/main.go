// Command harness measures Scopewise against the physical limit on the same
// machine, in the same run, as ratios against the performance goals
// (docs/performance.md), or holds it under a bounded load. It is run by the
// Taskfile's bench, bench:weight, load and lighthouse tasks, which build
// bin/site and bin/bare first.
//
//	harness -mode bench   page serving vs a bare handler, postback vs a direct
//	                      upstream call (as is, and with a Google-like latency
//	                      injected), upstream bytes per postback with and
//	                      without the field masks, page weight, click to
//	                      data, start-up and memory, and cmd/emulator against
//	                      its peers; a table, and bench/results.json
//	harness -mode load    30 s at 64 connections on pages and postbacks:
//	                      socket errors, 5xx, RSS after warm-up and after
//	harness -mode lighthouse
//	                      bench/lighthouse.mjs on every page; bench/lighthouse.json
//	harness -mode budgets the goals of bench/results.json again (after an
//	                      e2e_wall_time entry was added); prints, rewrites it
//	harness -mode e2e     the Playwright suite's wall time with 1 worker and
//	                      with one per CPU (-workers); recorded in
//	                      bench/results.json's e2e_wall_time
//	harness -mode weight  page weight and start-up only (-startups runs), in
//	                      seconds; prints, writes nothing
//
// It needs wrk, and for click to data and the peers Node.js with
// bench/node_modules (and Debian's Chromium for click to data).
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

type options struct {
	mode      string
	site      string
	bare      string
	out       string
	rounds    int
	dur       time.Duration
	conns     int
	postConns int
	loadDur   time.Duration
	warmDur   time.Duration
	clickRuns int
	noClick   bool
	startups  int

	workers workerCounts

	emulatorBin string
	noPeers     bool
	latency     time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.mode, "mode", "bench", "bench, budgets, e2e, load, lighthouse or weight")
	flag.StringVar(&o.site, "site", "bin/site", "the site binary")
	flag.StringVar(&o.bare, "bare", "bin/bare", "the bare handler binary (bench/bare)")
	flag.StringVar(&o.out, "out", "", "where to write the results as JSON (bench: default bench/results.json)")
	flag.IntVar(&o.rounds, "rounds", 3, "bench: interleaved rounds of each comparison")
	flag.DurationVar(&o.dur, "dur", 5*time.Second, "bench: length of one wrk run")
	flag.IntVar(&o.conns, "conns", 64, "connections: bench page serving, and load in all (split between pages and postbacks)")
	flag.IntVar(&o.postConns, "post-conns", 1, "bench: connections for the postback comparison (latency, not throughput)")
	flag.DurationVar(&o.loadDur, "load-dur", 30*time.Second, "load: length of the measured run")
	flag.DurationVar(&o.warmDur, "warm-dur", 10*time.Second, "load: length of the warm-up")
	flag.IntVar(&o.clickRuns, "click-runs", 20, "bench: click-to-data runs")
	flag.BoolVar(&o.noClick, "no-click", false, "bench: skip click to data (no browser)")
	flag.StringVar(&o.emulatorBin, "emulator", "bin/emulator", "bench: the emulator binary (cmd/emulator), measured against its peers")
	flag.BoolVar(&o.noPeers, "no-peers", false, "bench: skip the emulator against its peers")
	flag.DurationVar(&o.latency, "latency", 30*time.Millisecond, "bench: the delay injected on the emulator for the postback with a Google-like latency")
	flag.IntVar(&o.startups, "startups", 5, "weight: start the site this many times for the start-up figure")
	o.workers = workerCounts{1, runtime.NumCPU()}
	flag.Var(&o.workers, "workers", "e2e: the worker counts to time the suite with, comma-separated (default 1 and the number of CPUs)")
	flag.Parse()

	var err error
	switch o.mode {
	case "bench":
		if o.out == "" {
			o.out = "bench/results.json"
		}
		err = benchMain(o)
	case "budgets":
		if o.out == "" {
			o.out = "bench/results.json"
		}
		err = budgetsMain(o)
	case "e2e":
		if o.out == "" {
			o.out = "bench/results.json"
		}
		err = e2eMain(o)
	case "load":
		err = loadMain(o)
	case "lighthouse":
		if o.out == "" {
			o.out = "bench/lighthouse.json"
		}
		err = lighthouseMain(o)
	case "weight":
		err = weightMain(o)
	default:
		err = fmt.Errorf("unknown -mode %q: bench, budgets, e2e, load, lighthouse or weight", o.mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "harness:", err)
		os.Exit(1)
	}
}

// workerCounts is a comma-separated list of worker counts.
type workerCounts []int

func (w *workerCounts) String() string {
	s := make([]string, len(*w))
	for i, n := range *w {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

func (w *workerCounts) Set(v string) error {
	var out workerCounts
	for f := range strings.SplitSeq(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return fmt.Errorf("%q is not a worker count (a whole number from 1)", f)
		}
		out = append(out, n)
	}
	*w = out
	return nil
}
