package main

import (
	"regexp"
	"slices"
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

var ownAsset = regexp.MustCompile(`(?:href|src)="(/assets/[^"]+)"`)

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
		w := pageWeight{Path: path, HTMLRaw: len(raw), HTMLGzip: len(gz)}
		for _, m := range ownAsset.FindAllSubmatch(raw, -1) {
			url := string(m[1])
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
			}
		}
		w.TotalRaw = w.HTMLRaw + w.AssetsRaw
		w.TotalSent = w.HTMLGzip + w.AssetsBr
		out = append(out, w)
	}
	return out, nil
}
