package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/scopewise/scopewise/internal/pageweight"
)

type pageWeight = pageweight.Weight

func weighPages(v *visitor, paths []string) ([]pageWeight, error) {
	return pageweight.Weigh(pageweight.Client(v.hc, v.cookie), v.site, paths)
}

func printWeight(ws []pageWeight) {
	fmt.Printf("%-10s %9s %9s %11s %11s %11s %10s %12s\n", "page", "HTML raw", "HTML gz", "CSS+JS raw", "CSS+JS br", "CSS+JS gz", "total raw", "total sent")
	for _, w := range ws {
		fmt.Printf("%-10s %9d %9d %11d %11d %11d %10d %12d\n", w.Path, w.HTMLRaw, w.HTMLGzip, w.AssetsRaw, w.AssetsBr, w.AssetsGzip, w.TotalRaw, w.TotalSent)
	}
	fmt.Println("(bytes; total sent = HTML gzip + CSS/JS brotli, as to a browser that takes both; GIS excluded)")
}

// weightMain is the quick check while working on the pages' weight: start-up
// (o.startups times: one start-up on a shared machine says little) and page
// weight, with each page's budget met or missed. It writes no results file.
func weightMain(o options) error {
	var startups []float64
	var site *siteProc
	for i := range max(o.startups, 1) {
		s, err := startSite(o.site)
		if err != nil {
			return err
		}
		startups = append(startups, float64(s.startup.Microseconds())/1000)
		if i == max(o.startups, 1)-1 {
			site = s
			break
		}
		s.stop()
	}
	defer site.stop()
	fmt.Printf("start-up to /healthz, %d runs: median %.1f ms (min %.1f, max %.1f)\n\n", len(startups), median(startups), slices.Min(startups), slices.Max(startups))
	v, err := newVisitor(site.site, site.emulator)
	if err != nil {
		return err
	}
	ws, err := weighPages(v, pageweight.Paths)
	if err != nil {
		return err
	}
	printWeight(ws)
	fmt.Println()
	for _, b := range budgets(results{Weight: ws}) {
		if strings.HasPrefix(b.Goal, "/") {
			mark := "met"
			if !b.Met {
				mark = "MISSED"
			}
			fmt.Printf("  %-6s %-56s %s\n", mark, b.Goal, b.Value)
		}
	}
	return nil
}
