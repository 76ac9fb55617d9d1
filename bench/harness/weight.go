package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// pageWeight is what one page costs a first visit: its HTML and the site's
// own CSS and JS it loads (GIS, the emulator's script, is excluded), raw and
// as sent to a browser that takes br and gzip (HTML gzip, assets brotli).
type pageWeight struct {
	Path       string `json:"path"`
	HTMLRaw    int    `json:"html_raw"`
	HTMLGzip   int    `json:"html_gzip"`
	AssetsRaw  int    `json:"assets_raw"`
	AssetsBr   int    `json:"assets_br"`
	AssetsGzip int    `json:"assets_gzip"`
	TotalRaw   int    `json:"total_raw"`
	TotalSent  int    `json:"total_compressed"` // HTML gzip + assets brotli
	Assets     []string
}

// loadAsset finds what a page loads as it loads: stylesheets (href) and
// module scripts (src) of the site's own; importMap and staticImport then add
// the import map's modules that a loaded module imports statically,
// transitively (photos.js on /photos via token-sections.js... ). A module
// only imported with import() on first use, or named in a data attribute,
// is not loaded with the page and not counted.
var (
	loadAsset    = regexp.MustCompile(`(?:href|src)="(/assets/[^"]+)"`)
	importMap    = regexp.MustCompile(`<script type="importmap"[^>]*>(.*?)</script>`)
	staticImport = regexp.MustCompile(`(?:\bfrom|\bimport)\s*["']([^"']+)["']`)
)

func weighPages(v *visitor, paths []string) ([]pageWeight, error) {
	var out []pageWeight
	for _, path := range paths {
		raw, _, err := v.fetch(v.site+path, "")
		if err != nil {
			return nil, err
		}
		gz, enc, err := v.fetch(v.site+path, "gzip")
		if err != nil {
			return nil, err
		}
		if enc != "gzip" {
			gz = raw
		}
		var imap struct{ Imports map[string]string }
		if m := importMap.FindSubmatch(raw); m != nil {
			_ = json.Unmarshal(m[1], &imap)
		}
		w := pageWeight{Path: path, HTMLRaw: len(raw), HTMLGzip: len(gz)}
		var queue []string
		for _, m := range loadAsset.FindAllSubmatch(raw, -1) {
			queue = append(queue, string(m[1]))
		}
		for len(queue) > 0 {
			url := queue[0]
			queue = queue[1:]
			if slices.Contains(w.Assets, url) {
				continue
			}
			w.Assets = append(w.Assets, url)
			for _, e := range []struct {
				accept string
				n      *int
			}{{"", &w.AssetsRaw}, {"br", &w.AssetsBr}, {"gzip", &w.AssetsGzip}} {
				b, _, err := v.fetch(v.site+url, e.accept)
				if err != nil {
					return nil, err
				}
				*e.n += len(b)
				if e.accept == "" && strings.HasSuffix(url, ".js") {
					for _, m := range staticImport.FindAllSubmatch(b, -1) {
						if u, ok := imap.Imports[string(m[1])]; ok {
							queue = append(queue, u)
						}
					}
				}
			}
		}
		w.TotalRaw = w.HTMLRaw + w.AssetsRaw
		w.TotalSent = w.HTMLGzip + w.AssetsBr
		out = append(out, w)
	}
	return out, nil
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
	ws, err := weighPages(v, pagePaths)
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
