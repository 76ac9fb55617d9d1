package main

import (
	"fmt"
	"sync"
	"time"
)

// loadMain is the load check: pages and postbacks at once, half the
// connections each, a warm-up and then the measured run, with the site's
// memory after each.
func loadMain(o options) error {
	_, site, done, err := setUp(o)
	if err != nil {
		return err
	}
	defer done()
	v, err := newVisitor(site.site, site.emulator)
	if err != nil {
		return err
	}
	token, err := v.mint(calendarScope, docsScope)
	if err != nil {
		return err
	}
	for _, path := range []string{"/calendar", "/docs"} {
		if err := v.postback(path, token); err != nil {
			return err
		}
	}
	idle := site.rssMiB() * 1.048576
	pages := load{base: site.site, paths: pagePaths, headers: []string{"Cookie: " + v.cookie}, threads: 1, conns: o.conns / 2}
	posts := load{base: site.site, paths: []string{"/calendar", "/docs"}, method: "POST", headers: v.postbackHeaders(token), threads: 1, conns: o.conns - o.conns/2}

	fmt.Printf("load: site %s; pages %v and postbacks POST /calendar, /docs; %d connections each\n", site.site, pagePaths, pages.conns)
	fmt.Printf("RSS at start %.1f MB; warm-up %s\n", idle, o.warmDur)
	if _, _, err := both(pages, posts, o.warmDur); err != nil {
		return err
	}
	warm := site.rssMiB() * 1.048576
	before := site.statusCounts()
	fmt.Printf("RSS after warm-up %.1f MB; measured run %s\n", warm, o.loadDur)
	pr, br, err := both(pages, posts, o.loadDur)
	if err != nil {
		return err
	}
	time.Sleep(200 * time.Millisecond) // the last log lines
	after := site.rssMiB() * 1.048576
	fives := server5xx(before, site.statusCounts())

	fmt.Printf("\n%-28s %10s %10s %10s %14s %12s\n", "target", "req/s", "p50", "p99", "socket errors", "non-2xx/3xx")
	for _, t := range []struct {
		name string
		r    wrkResult
	}{{"pages (6, in turn)", pr}, {"postbacks (calendar, docs)", br}} {
		fmt.Printf("%-28s %10.0f %10s %10s %14d %12d\n", t.name, t.r.rps(), us(t.r.P50US), us(t.r.P99US), t.r.socketErrors(), t.r.Status)
	}
	growth := (after - warm) / warm * 100
	fmt.Printf("5xx answers (from the site's request log): %d\n", fives)
	fmt.Printf("RSS: %.1f MB after warm-up, %.1f MB after the run (%+.1f %%)\n\n", warm, after, growth)

	ok := true
	check := func(goal string, met bool, value string) {
		mark := "met"
		if !met {
			mark, ok = "MISSED", false
		}
		fmt.Printf("  %-6s %-44s %s\n", mark, goal, value)
	}
	check("0 socket errors", pr.socketErrors()+br.socketErrors() == 0, fmt.Sprint(pr.socketErrors()+br.socketErrors()))
	check("0 5xx", fives == 0, fmt.Sprint(fives))
	check("RSS after the run within 10 % of warm-up", growth <= 10 && growth >= -10, fmt.Sprintf("%+.1f %%", growth))
	if !ok {
		return fmt.Errorf("a load goal was missed")
	}
	return nil
}

// both runs the pages and postbacks loads at the same time for d.
func both(pages, posts load, d time.Duration) (wrkResult, wrkResult, error) {
	pages.dur, posts.dur = d, d
	var wg sync.WaitGroup
	var pr, br wrkResult
	var perr, berr error
	wg.Go(func() { pr, perr = runWrk(pages) })
	wg.Go(func() { br, berr = runWrk(posts) })
	wg.Wait()
	if perr != nil {
		return pr, br, perr
	}
	return pr, br, berr
}
