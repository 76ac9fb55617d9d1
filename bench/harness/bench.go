package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/scopewise/scopewise/emulator"
	"github.com/scopewise/scopewise/internal/apis"
	"github.com/scopewise/scopewise/internal/pageweight"
	"github.com/scopewise/scopewise/pages"
)

var pagePaths = pageweight.Paths

// results is bench/results.json.
type results struct {
	When    time.Time  `json:"when"`
	CPUs    int        `json:"cpus"`
	Load    string     `json:"load_average"`     // /proc/loadavg at the start: how busy the machine was
	LoadEnd string     `json:"load_average_end"` // and at the end
	Serving comparison `json:"page_serving"`
	// Postback is the postback against the direct call at 1 connection;
	// OverheadMS what the site adds (postback p50 - direct p50, the median
	// round's), and Latency the same comparison with LatencyMS injected on
	// the emulator's events.list, as Google's own time.
	Postback      comparison      `json:"postback"`
	OverheadMS    float64         `json:"postback_overhead_ms"`
	Overheads     []float64       `json:"postback_overheads_ms"` // per round
	Latency       comparison      `json:"postback_with_latency"`
	LatencyMS     float64         `json:"injected_latency_ms"`
	Upstream      upstream        `json:"upstream_calls_per_postback"`
	UpstreamBytes []upstreamBytes `json:"upstream_bytes_per_postback"`
	Weight        []pageWeight    `json:"page_weight"`
	Click         *clickResult    `json:"click_to_data,omitempty"`
	StartupMS     float64         `json:"startup_ms"`
	RSSIdleMB     float64         `json:"rss_idle_mb"`
	RSSLoadMB     float64         `json:"rss_after_load_mb"`
	Peers         *peersResult    `json:"peers,omitempty"`
	// E2E is the Playwright suite's wall time per worker count. The bench
	// does not run the suite: whoever times it adds entries, and a bench run
	// keeps those of the file it replaces.
	E2E         []e2eRun `json:"e2e_wall_time"`
	Budgets     []budget `json:"budgets"`
	Environment []string `json:"notes"`
}

// e2eRun is one timed run of the Playwright suite.
type e2eRun struct {
	When    time.Time `json:"when"`
	Workers int       `json:"workers"`
	Seconds float64   `json:"seconds"`
	Tests   int       `json:"tests"`
	Failed  int       `json:"failed"`
	Load    string    `json:"load_average"`
}

// comparison is the site against its physical limit, in rounds run in turn.
type comparison struct {
	What   string      `json:"what"`
	Conns  int         `json:"connections"`
	Site   []wrkResult `json:"site"`
	Limit  []wrkResult `json:"limit"`
	Ratios []float64   `json:"ratios"` // per round: req/s site/limit (serving) or p50 site/limit (postback)
	Ratio  float64     `json:"ratio"`  // the median round's
}

type upstream struct {
	First  int     `json:"first"`
	Steady float64 `json:"steady"`
}

type budget struct {
	Goal  string `json:"goal"`
	Value string `json:"value"`
	Met   bool   `json:"met"`
}

func benchMain(o options) error {
	res := results{When: time.Now().UTC().Truncate(time.Second), CPUs: runtime.NumCPU(), Load: loadAvg()}
	tmp, site, done, err := setUp(o)
	if err != nil {
		return err
	}
	defer done()
	res.StartupMS = float64(site.startup.Microseconds()) / 1000
	time.Sleep(time.Second)
	res.RSSIdleMB = site.rssMiB() * 1.048576
	fmt.Printf("site %s, emulator %s: ready in %.1f ms, %.1f MB idle\n", site.site, site.emulator, res.StartupMS, res.RSSIdleMB)

	v, err := newVisitor(site.site, site.emulator)
	if err != nil {
		return err
	}

	// 1. Page serving: /calendar against a bare handler writing its bytes:
	// the same body and header lines (a fresh CSP nonce per answer aside),
	// so both put the same bytes on the wire in the same number of writes.
	page, header, err := v.fetchWithHeader(site.site+"/calendar", "")
	if err != nil {
		return err
	}
	bodyFile, headerFile := filepath.Join(tmp, "calendar.html"), filepath.Join(tmp, "calendar.headers")
	os.WriteFile(bodyFile, page, 0o644)
	var lines strings.Builder
	for k, vs := range header {
		if k != "Date" && k != "Content-Length" {
			for _, v := range vs {
				fmt.Fprintf(&lines, "%s: %s\n", k, v)
			}
		}
	}
	os.WriteFile(headerFile, []byte(lines.String()), 0o644)
	bare, bareURL, err := startBare(o.bare, bodyFile, headerFile)
	if err != nil {
		return err
	}
	defer func() { bare.Process.Kill(); bare.Wait() }()
	if b, h, err := v.fetchWithHeader(bareURL+"/calendar", ""); err != nil || len(b) != len(page) || len(h) != len(header) {
		return fmt.Errorf("bare handler answers %d bytes and %d headers, the site %d and %d (%v)", len(b), len(h), len(page), len(header), err)
	}
	siteLoad := load{base: site.site, paths: []string{"/calendar"}, headers: []string{"Cookie: " + v.cookie}, threads: 2, conns: o.conns, dur: o.dur}
	bareLoad := load{base: bareURL, paths: []string{"/calendar"}, threads: 2, conns: o.conns, dur: o.dur}
	res.Serving = comparison{What: fmt.Sprintf("GET /calendar (%d bytes) vs bare net/http answering the same header lines and body, req/s", len(page)), Conns: o.conns}
	fmt.Printf("page serving: %d rounds of %s each, %d connections\n", o.rounds, o.dur, o.conns)
	if err := interleave(o.rounds, siteLoad, bareLoad, &res.Serving, func(s, l wrkResult) float64 { return s.rps() / l.rps() }); err != nil {
		return err
	}

	// 2. Postback against the direct upstream call with the same token.
	token, err := v.mint(calendarScope)
	if err != nil {
		return err
	}
	before, _ := v.upstreamCalls()
	if err := v.postback("/calendar", token); err != nil {
		return err
	}
	after, _ := v.upstreamCalls()
	res.Upstream.First = after - before
	postConns := o.postConns
	postLoad := load{base: site.site, paths: []string{"/calendar"}, method: "POST", headers: v.postbackHeaders(token), threads: 1, conns: postConns, dur: o.dur}
	// The direct call is the very call the site makes (same query, same
	// field mask), so the difference is the site's own time.
	eventsPath := strings.TrimPrefix(apis.NewCalendar(site.emulator+"/calendar/v3", nil).UpcomingURL(time.Now(), pages.CalendarEvents), site.emulator)
	directLoad := load{base: site.emulator, paths: []string{eventsPath}, headers: []string{"Authorization: Bearer " + token}, threads: 1, conns: postConns, dur: o.dur}
	res.Postback = comparison{What: "POST /calendar (verified token) vs the same events.list call direct, p50", Conns: postConns}
	fmt.Printf("postback: %d rounds of %s each, %d connections\n", o.rounds, o.dur, postConns)
	var postbacks, calls int64
	err = interleave(o.rounds, postLoad, directLoad, &res.Postback, func(s, l wrkResult) float64 { return float64(s.P50US) / float64(l.P50US) },
		func(run func() (wrkResult, error)) (wrkResult, error) { // counts upstream calls of the site's runs
			// Postbacks are counted from the site's request log, not by wrk:
			// wrk leaves the last ones in flight when its time is up, and
			// the site still made their upstream calls.
			c0, s0 := upstreamCallsOr0(v), site.statusCounts()
			r, err := run()
			time.Sleep(100 * time.Millisecond) // the abandoned ones finish and are logged
			c1, s1 := upstreamCallsOr0(v), site.statusCounts()
			for code, n := range s1 {
				postbacks += int64(n - s0[code])
			}
			calls += int64(c1 - c0)
			return r, err
		})
	if err != nil {
		return err
	}
	if postbacks > 0 {
		res.Upstream.Steady = float64(calls) / float64(postbacks)
	}
	for i := range res.Postback.Site {
		res.Overheads = append(res.Overheads, float64(res.Postback.Site[i].P50US-res.Postback.Limit[i].P50US)/1000)
	}
	res.OverheadMS = median(res.Overheads)

	// 2b. The same with a Google-like latency: every events.list call
	// waits o.latency first, in a world of its own (faults are per world),
	// deleted after.
	if err := latencyComparison(o, v, site, eventsPath, &res); err != nil {
		return err
	}

	// 2c. Upstream bytes per postback, with the field masks and without.
	if res.UpstreamBytes, err = measureUpstreamBytes(v, site.emulator); err != nil {
		return err
	}

	// 3. Page weight.
	if res.Weight, err = weighPages(v, pagePaths); err != nil {
		return err
	}

	// 4. Click to data, in Chromium.
	if !o.noClick {
		fmt.Printf("click to data: %d runs in Chromium\n", o.clickRuns)
		if res.Click, err = clickToData(site.site, site.emulator, o.clickRuns); err != nil {
			return err
		}
	}

	// 5. Memory after all that.
	res.RSSLoadMB = site.rssMiB() * 1.048576
	if n := server5xx(map[int]int{}, site.statusCounts()); n > 0 {
		res.Environment = append(res.Environment, fmt.Sprintf("the site answered %d 5xx during the run", n))
		res.Environment = append(res.Environment, site.serverErrors()...)
	}

	// 6. The emulator alone against its peers.
	if !o.noPeers {
		if res.Peers, err = peersMain(o); err != nil {
			return err
		}
	}

	res.LoadEnd = loadAvg()
	res.E2E = previousE2E(o.out)
	res.Budgets = budgets(res)
	printBench(res)
	b, _ := json.MarshalIndent(res, "", "  ")
	if err := os.WriteFile(o.out, append(b, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Println("wrote", o.out)
	return nil
}

// latencyComparison runs the postback comparison again with o.latency
// injected on every events.list call of a world of its own.
func latencyComparison(o options, v *visitor, site *siteProc, eventsPath string, res *results) error {
	ctx := context.Background()
	id, err := v.emu.NewWorld(ctx)
	if err != nil {
		return err
	}
	defer v.emu.DeleteWorld(ctx, id)
	world := v.emu.World(id)
	tok, err := world.MintToken(ctx, emulator.TokenRequest{ClientID: clientID, Account: "alice@example.com", Scopes: []string{calendarScope}, TTL: time.Hour})
	if err != nil {
		return err
	}
	// Every run gets its own fault (at most 1000 calls each): at 1
	// connection and 30 ms a call, a run of o.dur makes far fewer.
	delay := func(run func() (wrkResult, error)) (wrkResult, error) {
		if err := world.InjectFault(ctx, emulator.Fault{Path: "/calendar/v3/calendars/primary/events", Delay: o.latency, Count: 1000}); err != nil {
			return wrkResult{}, err
		}
		return run()
	}
	if err := v.postback("/calendar", tok.AccessToken); err != nil { // the first: tokeninfo, then cached
		return err
	}
	res.LatencyMS = float64(o.latency.Microseconds()) / 1000
	postLoad := load{base: site.site, paths: []string{"/calendar"}, method: "POST", headers: v.postbackHeaders(tok.AccessToken), threads: 1, conns: o.postConns, dur: o.dur}
	directLoad := load{base: site.emulator, paths: []string{eventsPath}, headers: []string{"Authorization: Bearer " + tok.AccessToken}, threads: 1, conns: o.postConns, dur: o.dur}
	res.Latency = comparison{What: fmt.Sprintf("as postback, with %s injected on the emulator's events.list, p50", o.latency), Conns: o.postConns}
	fmt.Printf("postback with %s upstream latency: %d rounds of %s each, %d connections\n", o.latency, o.rounds, o.dur, o.postConns)
	return interleave(o.rounds, postLoad, directLoad, &res.Latency, func(s, l wrkResult) float64 { return float64(s.P50US) / float64(l.P50US) }, delay, delay)
}

// previousE2E keeps the e2e wall times of the results file being replaced.
func previousE2E(path string) []e2eRun {
	var old struct {
		E2E []e2eRun `json:"e2e_wall_time"`
	}
	if b, err := os.ReadFile(path); err == nil {
		_ = json.Unmarshal(b, &old)
	}
	if old.E2E == nil {
		return []e2eRun{}
	}
	return old.E2E
}

// setUp makes a scratch folder with the wrk script and starts the site;
// done stops the site and removes the folder.
func setUp(o options) (tmp string, site *siteProc, done func(), err error) {
	if tmp, err = os.MkdirTemp("", "scopewise-bench-"); err != nil {
		return "", nil, nil, err
	}
	if err = writeWrkScript(tmp); err == nil {
		site, err = startSite(o.site)
	}
	if err != nil {
		os.RemoveAll(tmp)
		return "", nil, nil, err
	}
	return tmp, site, func() { site.stop(); os.RemoveAll(tmp) }, nil
}

func upstreamCallsOr0(v *visitor) int {
	n, _ := v.upstreamCalls()
	return n
}

// interleave runs site and limit in turn, rounds times (the order swaps each
// round), and keeps every round's ratio; the result is the median ratio.
// wrap[0], when given, wraps each of the site's runs, and wrap[1] each of
// the limit's.
func interleave(rounds int, site, limit load, c *comparison, ratio func(s, l wrkResult) float64, wrap ...func(func() (wrkResult, error)) (wrkResult, error)) error {
	runSite := func() (wrkResult, error) { return runWrk(site) }
	runLimit := func() (wrkResult, error) { return runWrk(limit) }
	if len(wrap) > 0 {
		inner := runSite
		runSite = func() (wrkResult, error) { return wrap[0](inner) }
	}
	if len(wrap) > 1 {
		inner := runLimit
		runLimit = func() (wrkResult, error) { return wrap[1](inner) }
	}
	for i := range rounds {
		var s, l wrkResult
		var err error
		if i%2 == 0 {
			if s, err = runSite(); err == nil {
				l, err = runLimit()
			}
		} else {
			if l, err = runLimit(); err == nil {
				s, err = runSite()
			}
		}
		if err != nil {
			return err
		}
		if s.Requests == 0 || l.Requests == 0 || s.socketErrors()+s.Status+l.socketErrors()+l.Status > 0 {
			return fmt.Errorf("round %d: errors or no answers: site %+v, limit %+v", i+1, s, l)
		}
		c.Site, c.Limit = append(c.Site, s), append(c.Limit, l)
		c.Ratios = append(c.Ratios, ratio(s, l))
		fmt.Printf("  round %d: site %.0f req/s p50 %s p99 %s | limit %.0f req/s p50 %s p99 %s | ratio %.2f\n", i+1,
			s.rps(), us(s.P50US), us(s.P99US), l.rps(), us(l.P50US), us(l.P99US), c.Ratios[i])
	}
	sorted := slices.Clone(c.Ratios)
	slices.Sort(sorted)
	c.Ratio = sorted[len(sorted)/2]
	return nil
}

func startBare(bin, bodyFile, headerFile string) (*exec.Cmd, string, error) {
	cmd := exec.Command(bin, "-addr", "localhost:0", "-body", bodyFile, "-headers", headerFile)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "bare: ")
	if err != nil || !ok {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, "", errors.New("bare handler printed no address")
	}
	return cmd, addr, nil
}

func loadAvg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func us(v int64) string {
	if v >= 1000 {
		return fmt.Sprintf("%.2fms", float64(v)/1000)
	}
	return fmt.Sprintf("%dµs", v)
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func medianRPS(rs []wrkResult) float64 {
	var xs []float64
	for _, r := range rs {
		xs = append(xs, r.rps())
	}
	return median(xs)
}

func medianP(rs []wrkResult, p func(wrkResult) int64) int64 {
	var xs []float64
	for _, r := range rs {
		xs = append(xs, float64(p(r)))
	}
	return int64(median(xs))
}

// overheadBudget is the postback overhead's goal. A round whose postback
// was faster than the direct call it contains is noise (the machine gave
// the two runs very different shares of its cores), so a run with one is
// not counted as meeting the goal.
func overheadBudget(r results) budget {
	b := budget{"postback overhead (p50 - direct p50, 1 conn) <= 0.25 ms", fmt.Sprintf("%.3f ms (ratio %.2f)", r.OverheadMS, r.Postback.Ratio), r.OverheadMS <= 0.25}
	if len(r.Overheads) == 0 || slices.Min(r.Overheads) < 0 {
		b.Met = false
		b.Value += ": a round below zero, noise rather than a figure"
	}
	return b
}

// budgetsMain recomputes the budgets of a results file (after an e2e entry
// was added, or a goal changed), prints the table and writes the file back.
func budgetsMain(o options) error {
	b, err := os.ReadFile(o.out)
	if err != nil {
		return err
	}
	var res results
	if err := json.Unmarshal(b, &res); err != nil {
		return fmt.Errorf("%s: %v", o.out, err)
	}
	res.Budgets = budgets(res)
	printBench(res)
	b, _ = json.MarshalIndent(res, "", "  ")
	return os.WriteFile(o.out, append(b, '\n'), 0o644)
}

// budgets are the performance goals (docs/performance.md), each with what
// this run measured.
func budgets(r results) []budget {
	const kB = 1000
	out := []budget{
		{"page serving >= 0.50 x bare handler", fmt.Sprintf("%.2f", r.Serving.Ratio), r.Serving.Ratio >= 0.50},
		overheadBudget(r),
		{fmt.Sprintf("postback p50 with %.0f ms upstream latency <= 1.03 x direct", r.LatencyMS), fmt.Sprintf("%.3f", r.Latency.Ratio), r.Latency.Ratio > 0 && r.Latency.Ratio <= 1.03},
		{"upstream calls per postback: 2 first, 1 after", fmt.Sprintf("%d first, %.3f after", r.Upstream.First, r.Upstream.Steady), r.Upstream.First == 2 && r.Upstream.Steady > 0.999 && r.Upstream.Steady < 1.001},
	}
	for _, u := range r.UpstreamBytes {
		out = append(out, budget{
			fmt.Sprintf("%s: upstream bytes with masks < without", u.Postback),
			fmt.Sprintf("%d B, was %d B (%.0f %% less)", u.After, u.Before, 100*(1-float64(u.After)/float64(u.Before))),
			u.After < u.Before,
		})
	}
	for _, w := range r.Weight {
		b := pageweight.For(w.Path)
		out = append(out, budget{
			fmt.Sprintf("%s: HTML+CSS+JS <= %.1f kB raw, <= %.1f kB sent", w.Path, float64(b.Raw)/kB, float64(b.Sent)/kB),
			fmt.Sprintf("%.1f kB raw, %.1f kB sent", float64(w.TotalRaw)/kB, float64(w.TotalSent)/kB),
			w.Met(),
		})
	}
	if r.Click != nil {
		out = append(out, budget{"click to data median <= 300 ms", fmt.Sprintf("%.0f ms (p90 %.0f ms)", r.Click.MedianMS, r.Click.P90MS), r.Click.MedianMS <= 300})
	}
	out = append(out,
		budget{"start-up to /healthz <= 200 ms", fmt.Sprintf("%.1f ms", r.StartupMS), r.StartupMS <= 200},
		budget{"RSS idle <= 30 MB", fmt.Sprintf("%.1f MB", r.RSSIdleMB), r.RSSIdleMB <= 30},
		budget{"RSS after load <= 80 MB", fmt.Sprintf("%.1f MB", r.RSSLoadMB), r.RSSLoadMB <= 80},
	)
	if r.Peers != nil {
		for _, p := range r.Peers.Ratios {
			for _, f := range []struct {
				what string
				v    float64
			}{{"start-up", p.Startup}, {"RSS idle", p.RSSIdle}, {"RSS after load", p.RSSLoad}, {"tokens issued/s", p.TokensPS}, {"token checks/s", p.ChecksPS}} {
				out = append(out, budget{fmt.Sprintf("emulator vs %s, %s: leads >= %.0fx", p.Peer, f.what, peerGoal), fmt.Sprintf("%.1fx", f.v), f.v >= peerGoal})
			}
		}
	}
	for _, e := range r.E2E {
		out = append(out, budget{fmt.Sprintf("e2e suite, %d workers, no retries: 0 failed", e.Workers),
			fmt.Sprintf("%d of %d failed; %.0f s wall time at load %s", e.Failed, e.Tests, e.Seconds, e.Load), e.Failed == 0 && e.Tests > 0})
	}
	return out
}

func printBench(r results) {
	fmt.Printf("\nScopewise bench, %s, %d CPUs, load average %s at the start\n\n", r.When.Format(time.RFC3339), r.CPUs, r.Load)
	fmt.Printf("%-34s %12s %10s %10s %12s %10s %10s %7s\n", "comparison (median of rounds)", "site req/s", "site p50", "site p99", "limit req/s", "limit p50", "limit p99", "ratio")
	for _, c := range []comparison{r.Serving, r.Postback} {
		name := "page serving (GET /calendar)"
		if c.What != r.Serving.What {
			name = "postback vs events.list (p50)"
		}
		fmt.Printf("%-34s %12.0f %10s %10s %12.0f %10s %10s %7.2f   rounds %s\n", name,
			medianRPS(c.Site), us(medianP(c.Site, func(w wrkResult) int64 { return w.P50US })), us(medianP(c.Site, func(w wrkResult) int64 { return w.P99US })),
			medianRPS(c.Limit), us(medianP(c.Limit, func(w wrkResult) int64 { return w.P50US })), us(medianP(c.Limit, func(w wrkResult) int64 { return w.P99US })),
			c.Ratio, fmtRatios(c.Ratios))
	}
	fmt.Printf("postback overhead (site p50 - direct p50): %.3f ms, rounds %s\n", r.OverheadMS, fmtRatios(r.Overheads))
	fmt.Printf("with %.0f ms injected on events.list: site p50 %s, direct p50 %s, ratio %.3f, rounds %s\n", r.LatencyMS,
		us(medianP(r.Latency.Site, func(w wrkResult) int64 { return w.P50US })), us(medianP(r.Latency.Limit, func(w wrkResult) int64 { return w.P50US })), r.Latency.Ratio, fmtRatios(r.Latency.Ratios))
	fmt.Printf("upstream calls per postback: %d on the first, %.3f after\n", r.Upstream.First, r.Upstream.Steady)
	for _, u := range r.UpstreamBytes {
		fmt.Printf("upstream bytes, %-20s %8d before the masks, %7d with them  (%s)\n", u.Postback+":", u.Before, u.After, u.Calls)
	}
	fmt.Println()

	printWeight(r.Weight)
	if r.Click != nil {
		fmt.Printf("\nclick to data (%d runs): median %.0f ms, p90 %.0f ms, min %.0f ms, max %.0f ms\n", len(r.Click.RunsMS), r.Click.MedianMS, r.Click.P90MS, slices.Min(r.Click.RunsMS), slices.Max(r.Click.RunsMS))
	}
	fmt.Printf("start-up to /healthz: %.1f ms; RSS idle %.1f MB, after the load %.1f MB\n\n", r.StartupMS, r.RSSIdleMB, r.RSSLoadMB)
	if r.Peers != nil {
		printPeers(r.Peers)
		fmt.Println()
	}
	for _, e := range r.E2E {
		fmt.Printf("e2e wall time (%s, load %s): %d workers, %.0f s, %d tests, %d failed\n", e.When.Format(time.RFC3339), e.Load, e.Workers, e.Seconds, e.Tests, e.Failed)
	}
	if len(r.E2E) == 0 {
		fmt.Println("e2e wall time: not recorded (bench/results.json e2e_wall_time: task bench:e2e)")
	}
	fmt.Printf("load average at the start %s, at the end %s, %d CPUs\n\n", r.Load, r.LoadEnd, r.CPUs)
	for _, b := range r.Budgets {
		mark := "met"
		if !b.Met {
			mark = "MISSED"
		}
		fmt.Printf("  %-6s %-62s %s\n", mark, b.Goal, b.Value)
	}
	for _, n := range r.Environment {
		fmt.Println("note:", n)
	}
}

func fmtRatios(rs []float64) string {
	var s []string
	for _, r := range rs {
		s = append(s, fmt.Sprintf("%.2f", r))
	}
	return strings.Join(s, " ")
}
