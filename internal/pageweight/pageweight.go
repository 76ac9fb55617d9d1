// Package pageweight weighs what a first visit to a page costs: its HTML and
// the site's own CSS and JS it loads as it loads, raw and as sent; and holds
// each page's budget. The bench harness prints the weights beside their
// budgets, and this package's test fails a page over its budget
// (docs/performance.md says why each budget is what it is).
package pageweight

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
)

// Budget is the most a page may weigh, in bytes (1 kB = 1000 bytes).
type Budget struct {
	Raw  int // HTML + CSS + JS as they are
	Sent int // as sent: HTML gzip, assets brotli
	// Why is the reason a page has a budget other than Default's.
	Why string
}

// Default is every page's budget unless Budgets names the page.
var Default = Budget{Raw: 20_000, Sent: 8_000}

// Budgets are the pages whose budget is not Default's, and why.
var Budgets = map[string]Budget{
	"/lab":  {Raw: 30_000, Sent: 10_500, Why: "the lab's first use is the whole form: every option labelled with what it does (scopes, prompt, include_granted_scopes, login_hint, where the API is called from), and lab.js keeps the timeline, the tokens' countdowns and the verdicts; the JSON export and the browser-side REST and gapi.client calls already load on first use"},
	"/ajax": {Raw: 21_500, Sent: 8_000, Why: "three sections, each with its own scope and answer region, and ajax.js to grow one token scope by scope; under the sent budget"},
}

// For is path's budget.
func For(path string) Budget {
	if b, ok := Budgets[path]; ok {
		return b
	}
	return Default
}

// Paths are the site's pages.
var Paths = []string{"/", "/docs", "/calendar", "/photos", "/ajax", "/lab"}

// Weight is what one page costs a first visit: its HTML and the site's own
// CSS and JS it loads (GIS, the emulator's script, is excluded), raw and as
// sent to a browser that takes br and gzip (HTML gzip, assets brotli).
type Weight struct {
	Path       string   `json:"path"`
	HTMLRaw    int      `json:"html_raw"`
	HTMLGzip   int      `json:"html_gzip"`
	AssetsRaw  int      `json:"assets_raw"`
	AssetsBr   int      `json:"assets_br"`
	AssetsGzip int      `json:"assets_gzip"`
	TotalRaw   int      `json:"total_raw"`
	TotalSent  int      `json:"total_compressed"` // HTML gzip + assets brotli
	Assets     []string `json:"assets"`
}

// Met reports whether w is within its page's budget.
func (w Weight) Met() bool {
	b := For(w.Path)
	return w.TotalRaw <= b.Raw && w.TotalSent <= b.Sent
}

// loadAsset finds what a page loads as it loads: stylesheets (href) and
// module scripts (src) of the site's own; importMap and staticImport then add
// the import map's modules that a loaded module imports statically,
// transitively. A module only imported with import() on first use, or named
// in a data attribute, is not loaded with the page and not counted.
var (
	loadAsset    = regexp.MustCompile(`(?:href|src)="(/assets/[^"]+)"`)
	importMap    = regexp.MustCompile(`<script type="importmap"[^>]*>(.*?)</script>`)
	staticImport = regexp.MustCompile(`(?:\bfrom|\bimport)\s*["']([^"']+)["']`)
)

// Fetch GETs a URL as sent with the given Accept-Encoding ("" for none): its
// client must not decompress (http.Transport's DisableCompression).
type Fetch func(url, acceptEncoding string) (body []byte, encoding string, err error)

// Client is a Fetch through hc, which must not decompress, sending cookie
// ("" for none).
func Client(hc *http.Client, cookie string) Fetch {
	return func(url, acceptEncoding string) ([]byte, string, error) {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			return nil, "", err
		}
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		if acceptEncoding != "" {
			req.Header.Set("Accept-Encoding", acceptEncoding)
		}
		res, err := hc.Do(req)
		if err != nil {
			return nil, "", err
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err == nil && res.StatusCode != http.StatusOK {
			err = fmt.Errorf("GET %s: %d", url, res.StatusCode)
		}
		return body, res.Header.Get("Content-Encoding"), err
	}
}

// Weigh weighs each page of the site at base.
func Weigh(fetch Fetch, base string, paths []string) ([]Weight, error) {
	var out []Weight
	for _, path := range paths {
		raw, _, err := fetch(base+path, "")
		if err != nil {
			return nil, err
		}
		gz, enc, err := fetch(base+path, "gzip")
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
		w := Weight{Path: path, HTMLRaw: len(raw), HTMLGzip: len(gz)}
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
				b, _, err := fetch(base+url, e.accept)
				if err != nil {
					return nil, err
				}
				*e.n += len(b)
				if e.accept == "" && len(url) > 3 && url[len(url)-3:] == ".js" {
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
