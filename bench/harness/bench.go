package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

var pagePaths = []string{"/", "/docs", "/calendar", "/photos", "/ajax", "/lab"}

// results is bench/results.json.
type results struct {
	When        time.Time    `json:"when"`
	CPUs        int          `json:"cpus"`
	Load        string       `json:"load_average"` // /proc/loadavg at the start: how busy the machine was
	Serving     comparison   `json:"page_serving"`
	Postback    comparison   `json:"postback"`
	Upstream    upstream     `json:"upstream_calls_per_postback"`
	Weight      []pageWeight `json:"page_weight"`
	Click       *clickResult `json:"click_to_data,omitempty"`
	StartupMS   float64      `json:"startup_ms"`
	RSSIdleMB   float64      `json:"rss_idle_mb"`
	RSSLoadMB   float64      `json:"rss_after_load_mb"`
	Budgets     []budget     `json:"budgets"`
	Environment []string     `json:"notes"`
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
	q := url.Values{"timeMin": {time.Now().UTC().Format(time.RFC3339)}, "maxResults": {"10"}, "singleEvents": {"true"}, "orderBy": {"startTime"}}
	directLoad := load{base: site.emulator, paths: []string{"/calendar/v3/calendars/primary/events?" + q.Encode()}, headers: []string{"Authorization: Bearer " + token}, threads: 1, conns: postConns, dur: o.dur}
	res.Postback = comparison{What: "POST /calendar (verified token) vs direct events.list, p50", Conns: postConns}
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

	res.Budgets = budgets(res)
	printBench(res)
	b, _ := json.MarshalIndent(res, "", "  ")
	if err := os.WriteFile(o.out, append(b, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Println("wrote", o.out)
	return nil
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
func interleave(rounds int, site, limit load, c *comparison, ratio func(s, l wrkResult) float64, wrapSite ...func(func() (wrkResult, error)) (wrkResult, error)) error {
	runSite := func() (wrkResult, error) { return runWrk(site) }
	if len(wrapSite) > 0 {
		inner := runSite
		runSite = func() (wrkResult, error) { return wrapSite[0](inner) }
	}
	for i := range rounds {
		var s, l wrkResult
		var err error
		if i%2 == 0 {
			if s, err = runSite(); err == nil {
				l, err = runWrk(limit)
			}
		} else {
			if l, err = runWrk(limit); err == nil {
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

// budgets are the performance goals (docs/performance.md), each with what
// this run measured.
func budgets(r results) []budget {
	const kB = 1000
	out := []budget{
		{"page serving >= 0.45 x bare handler", fmt.Sprintf("%.2f", r.Serving.Ratio), r.Serving.Ratio >= 0.45},
		{"postback p50 <= 1.15 x direct upstream call", fmt.Sprintf("%.2f", r.Postback.Ratio), r.Postback.Ratio <= 1.15},
		{"upstream calls per postback: 2 first, 1 after", fmt.Sprintf("%d first, %.3f after", r.Upstream.First, r.Upstream.Steady), r.Upstream.First == 2 && r.Upstream.Steady > 0.999 && r.Upstream.Steady < 1.001},
	}
	for _, w := range r.Weight {
		out = append(out, budget{
			fmt.Sprintf("%s: HTML+CSS+JS <= 20 kB raw, <= 8 kB compressed", w.Path),
			fmt.Sprintf("%.1f kB raw, %.1f kB compressed", float64(w.TotalRaw)/kB, float64(w.TotalSent)/kB),
			w.TotalRaw <= 20*kB && w.TotalSent <= 8*kB,
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
	fmt.Printf("upstream calls per postback: %d on the first, %.3f after\n\n", r.Upstream.First, r.Upstream.Steady)

	printWeight(r.Weight)
	if r.Click != nil {
		fmt.Printf("\nclick to data (%d runs): median %.0f ms, p90 %.0f ms, min %.0f ms, max %.0f ms\n", len(r.Click.RunsMS), r.Click.MedianMS, r.Click.P90MS, slices.Min(r.Click.RunsMS), slices.Max(r.Click.RunsMS))
	}
	fmt.Printf("start-up to /healthz: %.1f ms; RSS idle %.1f MB, after the load %.1f MB\n\n", r.StartupMS, r.RSSIdleMB, r.RSSLoadMB)
	for _, b := range r.Budgets {
		mark := "met"
		if !b.Met {
			mark = "MISSED"
		}
		fmt.Printf("  %-6s %-56s %s\n", mark, b.Goal, b.Value)
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
