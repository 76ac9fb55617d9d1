// Package observatory scores one HTTP answer by the MDN HTTP Observatory's
// tests and score table.
// It follows the Observatory's analyzer (mdn/mdn-http-observatory,
// src/analyzer/tests/*.js and src/grader/charts.js): every site starts at
// 100, penalties are taken off, and bonuses are added only when the result
// is still 90 or more. Where the Observatory needs facts of the network —
// whether the scan was over HTTPS with a valid certificate, whether plain
// HTTP answers and where it redirects, whether the host is HSTS-preloaded —
// the scan says so (Scan).
//
// Deliberate narrowings: one CSP policy only (the Observatory intersects
// several; this scorer fails a second one), and the "same second-level
// domain" of SRI is the last two labels of the host (the Observatory uses
// the public-suffix list; no host here needs more).
package observatory

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/html"
)

// Scan is one retrieval as the Observatory makes it.
type Scan struct {
	URL      *url.URL // the URL scanned; its scheme says HTTPS or not
	Verified bool     // a valid certificate chain
	// HTTPRoute is what plain http:// answered: nil when nothing listens on
	// HTTP, else the redirect route, starting with the http:// URL itself.
	HTTPRoute []*url.URL
	Header    http.Header // the answer to a plain GET
	Body      string
	// CORSHeader is the answer to the same GET sent with an Origin header.
	CORSHeader http.Header
	CORSOrigin string
}

// Origin is the Origin header the Observatory sends to test CORS.
const Origin = "https://http-observatory.security.mozilla.org"

// Result is one test's outcome and what it adds to or takes off the score.
type Result struct {
	Test     string
	Result   string
	Modifier int
}

// Score scores a scan: the final score, its grade, every test's result.
func Score(s Scan) (int, string, []Result) {
	csp := obsCSP(s)
	hsts := obsHSTS(s)
	results := []Result{
		csp,
		obsCookies(s, hsts.Modifier >= 0),
		obsCORS(s),
		obsRedirection(s),
		obsReferrer(s),
		hsts,
		obsSRI(s),
		obsXCTO(s),
		obsXFO(s),
		obsCORP(s),
	}
	withBonus, uncurved := 100, 100
	for _, r := range results {
		withBonus += r.Modifier
		if r.Modifier < 0 {
			uncurved += r.Modifier
		}
	}
	score := uncurved
	if uncurved >= 90 {
		score = withBonus
	}
	score = max(score, 0)
	return score, grade(score), results
}

func grade(score int) string {
	chart := map[int]string{100: "A+", 95: "A", 90: "A", 85: "A-", 80: "B+", 75: "B", 70: "B", 65: "B-", 60: "C+", 55: "C", 50: "C", 45: "C-", 40: "D+", 35: "D", 30: "D", 25: "D-"}
	if g, ok := chart[min(score-score%5, 100)]; ok {
		return g
	}
	return "F"
}

// --- Content-Security-Policy ---

var (
	obsBroad       = []string{"ftp:", "http:", "https:", "*", "http://*", "http://*.*", "https://*", "https://*.*"}
	obsUnsafeInl   = []string{"'unsafe-inline'", "data:"}
	obsNonceHashes = []string{"'sha256-", "'sha384-", "'sha512-", "'nonce-"}
)

// obsParseCSP parses one policy into directive → sources, lower-cased; a
// repeated directive (but report-uri/report-to) is an invalid policy.
func obsParseCSP(policy string) (map[string][]string, bool) {
	policy = strings.TrimSpace(strings.NewReplacer("\r", "", "\n", "").Replace(policy))
	if len(policy) < len("img-src")-1 {
		return nil, false
	}
	csp := map[string][]string{}
	for entry := range strings.SplitSeq(policy, ";") {
		f := strings.Fields(entry)
		if len(f) == 0 {
			continue
		}
		d := strings.ToLower(f[0])
		if _, dup := csp[d]; dup {
			if d == "report-uri" || d == "report-to" {
				continue
			}
			return nil, false
		}
		var sources []string
		for _, src := range f[1:] {
			sources = append(sources, strings.ToLower(src))
		}
		if len(sources) == 0 && strings.HasSuffix(d, "-src") {
			sources = []string{"'none'"}
		}
		csp[d] = sources
	}
	return csp, true
}

func anyIn(sources, set []string) bool {
	return slices.ContainsFunc(sources, func(s string) bool { return slices.Contains(set, s) })
}

func anyPrefix(sources, prefixes []string) bool {
	return slices.ContainsFunc(sources, func(s string) bool {
		return slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(s, p) })
	})
}

// obsPolicy is the parsed CSP header (nil when none, or invalid).
func obsPolicy(s Scan) (map[string][]string, string) {
	var policies []string
	for _, v := range s.Header.Values("Content-Security-Policy") {
		for p := range strings.SplitSeq(v, ",") {
			policies = append(policies, strings.TrimSpace(p))
		}
	}
	policies = append(policies, metaHTTPEquiv(s.Body, "content-security-policy")...)
	switch {
	case len(policies) == 0:
		return nil, "csp-not-implemented"
	case len(policies) > 1:
		return nil, "csp-header-invalid (more than one policy: not scored here)"
	}
	csp, ok := obsParseCSP(policies[0])
	if !ok {
		return nil, "csp-header-invalid"
	}
	return csp, ""
}

func obsCSP(s Scan) Result {
	csp, failure := obsPolicy(s)
	if csp == nil {
		mod := -25
		return Result{"content-security-policy", failure, mod}
	}
	get := func(names ...string) []string {
		for _, n := range names {
			if v, ok := csp[n]; ok {
				return slices.Clone(v)
			}
		}
		return []string{"*"}
	}
	objectSrc := get("object-src", "default-src")
	scriptSrc := get("script-src", "default-src")
	styleSrc := get("style-src", "default-src")
	// A nonce or hash makes 'unsafe-inline' ignored.
	for _, list := range []*[]string{&scriptSrc, &styleSrc} {
		if anyPrefix(*list, obsNonceHashes) {
			*list = slices.DeleteFunc(*list, func(s string) bool { return s == "'unsafe-inline'" })
		}
	}
	result := ""
	set := func(r string) {
		if result == "" {
			result = r
		}
	}
	if slices.Contains(scriptSrc, "'strict-dynamic'") {
		if anyPrefix(scriptSrc, obsNonceHashes) {
			scriptSrc = slices.DeleteFunc(scriptSrc, func(s string) bool {
				return anyPrefix([]string{s}, obsBroad) || s == "'self'" || s == "'unsafe-inline'"
			})
		} else {
			set("csp-header-invalid")
		}
	}
	var active, passive []string
	for d, v := range csp {
		if d != "img-src" && d != "media-src" && d != "script-src" {
			active = append(active, v...)
		}
	}
	active = append(active, scriptSrc...)
	for _, d := range []string{"img-src", "media-src"} {
		if v, ok := csp[d]; ok {
			passive = append(passive, v...)
		} else {
			passive = append(passive, csp["default-src"]...)
		}
	}
	https := s.URL.Scheme == "https"
	if anyIn(scriptSrc, append(slices.Clone(obsBroad), obsUnsafeInl...)) || anyIn(objectSrc, obsBroad) {
		set("csp-implemented-with-unsafe-inline")
	}
	if https && anyPrefix(active, []string{"http:", "ftp:"}) {
		set("csp-implemented-with-insecure-scheme")
	}
	if slices.Contains(scriptSrc, "'unsafe-eval'") || slices.Contains(styleSrc, "'unsafe-eval'") {
		set("csp-implemented-with-unsafe-eval")
	}
	if https && anyPrefix(passive, []string{"http:", "ftp:"}) {
		set("csp-implemented-with-insecure-scheme-in-passive-content-only")
	}
	if anyIn(styleSrc, append(slices.Clone(obsBroad), obsUnsafeInl...)) {
		set("csp-implemented-with-unsafe-inline-in-style-src-only")
	}
	if d := csp["default-src"]; len(d) == 1 && d[0] == "'none'" {
		set("csp-implemented-with-no-unsafe-default-src-none")
	}
	set("csp-implemented-with-no-unsafe")
	mods := map[string]int{
		"csp-implemented-with-no-unsafe-default-src-none":              10,
		"csp-implemented-with-no-unsafe":                               5,
		"csp-implemented-with-unsafe-inline-in-style-src-only":         0,
		"csp-implemented-with-insecure-scheme-in-passive-content-only": -10,
		"csp-implemented-with-unsafe-eval":                             -10,
		"csp-implemented-with-unsafe-inline":                           -20,
		"csp-implemented-with-insecure-scheme":                         -20,
		"csp-header-invalid":                                           -25,
	}
	return Result{"content-security-policy", result, mods[result]}
}

// worseOf returns a function that keeps in *result the worst result it
// is given, by its place in goodness (best first).
func worseOf(goodness []string, result *string) func(string) {
	return func(r string) {
		if *result == "" || slices.Index(goodness, r) > slices.Index(goodness, *result) {
			*result = r
		}
	}
}

// --- Cookies ---

func obsCookies(s Scan, hsts bool) Result {
	goodness := []string{
		"cookies-without-secure-flag-but-protected-by-hsts",
		"cookies-without-secure-flag",
		"cookies-session-without-secure-flag-but-protected-by-hsts",
		"cookies-samesite-flag-invalid",
		"cookies-anticsrf-without-samesite-flag",
		"cookies-session-without-httponly-flag",
		"cookies-session-without-secure-flag",
	}
	result := ""
	worse := worseOf(goodness, &result)
	raw := s.Header.Values("Set-Cookie")
	for _, line := range raw {
		for p := range strings.SplitSeq(line, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(strings.TrimSpace(k), "samesite") && !slices.Contains([]string{"lax", "strict", "none"}, strings.ToLower(strings.TrimSpace(v))) {
				worse("cookies-samesite-flag-invalid")
			}
		}
	}
	cookies := (&http.Response{Header: s.Header}).Cookies()
	if len(cookies) == 0 {
		return Result{"cookies", "cookies-not-found", 0}
	}
	missingSameSite := false
	for _, c := range cookies {
		name := strings.ToLower(c.Name)
		session := strings.Contains(name, "login") || strings.Contains(name, "sess")
		csrf := strings.Contains(name, "csrf")
		// A cookie set over plain HTTP is not secure, whatever its flags.
		secure := c.Secure && s.URL.Scheme == "https"
		sameSite := c.SameSite != http.SameSiteDefaultMode
		if !secure && c.SameSite == http.SameSiteNoneMode {
			worse("cookies-samesite-flag-invalid")
		}
		switch {
		case !secure && hsts:
			worse("cookies-without-secure-flag-but-protected-by-hsts")
		case !secure:
			worse("cookies-without-secure-flag")
		}
		if csrf && !sameSite {
			worse("cookies-anticsrf-without-samesite-flag")
		}
		switch {
		case session && !secure && hsts:
			worse("cookies-session-without-secure-flag-but-protected-by-hsts")
		case session && !secure:
			worse("cookies-session-without-secure-flag")
		}
		if session && !c.HttpOnly {
			worse("cookies-session-without-httponly-flag")
		}
		missingSameSite = missingSameSite || !sameSite
	}
	if result == "" {
		result = "cookies-secure-with-httponly-sessions-and-samesite"
		if missingSameSite {
			result = "cookies-secure-with-httponly-sessions"
		}
	}
	mods := map[string]int{
		"cookies-secure-with-httponly-sessions-and-samesite":        5,
		"cookies-secure-with-httponly-sessions":                     0,
		"cookies-without-secure-flag-but-protected-by-hsts":         -5,
		"cookies-session-without-secure-flag-but-protected-by-hsts": -10,
		"cookies-without-secure-flag":                               -20,
		"cookies-samesite-flag-invalid":                             -20,
		"cookies-anticsrf-without-samesite-flag":                    -20,
		"cookies-session-without-httponly-flag":                     -30,
		"cookies-session-without-secure-flag":                       -40,
	}
	return Result{"cookies", result, mods[result]}
}

// --- CORS, redirection, Referrer-Policy ---

func obsCORS(s Scan) Result {
	acao := strings.ToLower(strings.TrimSpace(s.CORSHeader.Get("Access-Control-Allow-Origin")))
	switch {
	case acao == "":
		return Result{"cross-origin-resource-sharing", "cross-origin-resource-sharing-not-implemented", 0}
	case acao == "*":
		return Result{"cross-origin-resource-sharing", "cross-origin-resource-sharing-implemented-with-public-access", 0}
	case acao == strings.ToLower(s.CORSOrigin) && strings.EqualFold(strings.TrimSpace(s.CORSHeader.Get("Access-Control-Allow-Credentials")), "true"):
		return Result{"cross-origin-resource-sharing", "cross-origin-resource-sharing-implemented-with-universal-access", -50}
	}
	return Result{"cross-origin-resource-sharing", "cross-origin-resource-sharing-implemented-with-restricted-access", 0}
}

func obsRedirection(s Scan) Result {
	route := s.HTTPRoute
	r := func(result string, mod int) Result { return Result{"redirection", result, mod} }
	switch {
	case route == nil:
		return r("redirection-not-needed-no-http", 0)
	case len(route) == 1:
		return r("redirection-missing", -20)
	case route[len(route)-1].Scheme != "https":
		return r("redirection-not-to-https", -20)
	case route[1].Scheme == "http":
		return r("redirection-not-to-https-on-initial-redirection", -10)
	case route[0].Hostname() != route[1].Hostname():
		return r("redirection-off-host-from-http", -5)
	}
	return r("redirection-to-https", 0)
}

func obsReferrer(s Scan) Result {
	values := append(slices.Clone(s.Header.Values("Referrer-Policy")), metaHTTPEquiv(s.Body, "referrer-policy")...)
	if len(values) == 0 {
		return Result{"referrer-policy", "referrer-policy-not-implemented", 0}
	}
	good := []string{"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
	bad := []string{"origin", "origin-when-cross-origin", "unsafe-url", "no-referrer-when-downgrade"}
	policy := ""
	for v := range strings.SplitSeq(strings.Join(values, ","), ",") {
		if v = strings.ToLower(strings.TrimSpace(v)); slices.Contains(good, v) || slices.Contains(bad, v) {
			policy = v // the last valid one wins
		}
	}
	switch {
	case slices.Contains(good, policy):
		return Result{"referrer-policy", "referrer-policy-private", 5}
	case slices.Contains(bad, policy):
		return Result{"referrer-policy", "referrer-policy-unsafe", -5}
	}
	return Result{"referrer-policy", "referrer-policy-header-invalid", -5}
}

// --- HSTS ---

func obsHSTS(s Scan) Result {
	r := func(result string, mod int) Result { return Result{"strict-transport-security", result, mod} }
	if s.URL.Scheme != "https" {
		return r("hsts-not-implemented-no-https", -20)
	}
	if !s.Verified {
		return r("hsts-invalid-cert", -20)
	}
	v := s.Header.Values("Strict-Transport-Security")
	if len(v) == 0 {
		return r("hsts-not-implemented", -20)
	}
	h := v[0]
	if strings.Contains(h, ",") {
		return r("hsts-header-invalid", -20)
	}
	maxAge := -1
	for p := range strings.SplitSeq(h, ";") {
		if a, ok := strings.CutPrefix(strings.ToLower(strings.TrimSpace(p)), "max-age="); ok {
			n, err := strconv.Atoi(a)
			if err != nil {
				return r("hsts-header-invalid", -20)
			}
			maxAge = n
		}
	}
	switch {
	case maxAge < 0:
		return r("hsts-header-invalid", -20)
	case maxAge < 15552000:
		return r("hsts-implemented-max-age-less-than-six-months", -10)
	}
	return r("hsts-implemented-max-age-at-least-six-months", 0)
}

// --- Subresource integrity ---

// siteOf is the "second-level domain" of a host: none for IP addresses and
// single labels (as the public-suffix list gives none), else the last two labels.
func siteOf(host string) string {
	if net.ParseIP(host) != nil || !strings.Contains(host, ".") {
		return ""
	}
	labels := strings.Split(host, ".")
	return strings.Join(labels[len(labels)-2:], ".")
}

func obsSRI(s Scan) Result {
	r := func(result string, mod int) Result { return Result{"subresource-integrity", result, mod} }
	if ct, _, _ := strings.Cut(s.Header.Get("Content-Type"), ";"); ct != "" && ct != "text/html" && ct != "application/xhtml+xml" {
		return r("sri-not-implemented-response-not-html", 0)
	}
	goodness := []string{
		"sri-implemented-and-all-scripts-loaded-securely",
		"sri-implemented-and-external-scripts-loaded-securely",
		"sri-implemented-but-external-scripts-not-loaded-securely",
		"sri-not-implemented-but-external-scripts-loaded-securely",
		"sri-not-implemented-and-external-scripts-not-loaded-securely",
		"sri-not-implemented-response-not-html",
	}
	result := ""
	worse := worseOf(goodness, &result)
	scripts, foreign := 0, false
	for _, tag := range StartTags(s.Body, "script") {
		scripts++
		src, ok := tag["src"]
		if !ok || src == "" {
			continue
		}
		integrity := tag["integrity"] != ""
		relativeProtocol := strings.HasPrefix(src, "//") && !strings.HasPrefix(src, "///")
		full := strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://")
		relativeOrigin := !relativeProtocol && !full
		sameSite := true
		if full {
			u, err := url.Parse(src)
			sameSite = err == nil && siteOf(u.Hostname()) == siteOf(s.URL.Hostname())
		}
		secureOrigin := relativeOrigin || (sameSite && !relativeProtocol)
		secureScheme := strings.HasPrefix(src, "https://") || (relativeOrigin && s.URL.Scheme == "https")
		if secureOrigin {
			if integrity && secureScheme && result == "" {
				result = "sri-implemented-and-all-scripts-loaded-securely"
			}
			continue
		}
		foreign = true
		switch {
		case integrity && !secureScheme:
			worse("sri-implemented-but-external-scripts-not-loaded-securely")
		case !integrity && secureScheme:
			worse("sri-not-implemented-but-external-scripts-loaded-securely")
		case !integrity:
			worse("sri-not-implemented-and-external-scripts-not-loaded-securely")
		}
	}
	switch {
	case scripts == 0:
		result = "sri-not-implemented-but-no-scripts-loaded"
	case result == "" && foreign:
		result = "sri-implemented-and-external-scripts-loaded-securely"
	case result == "":
		result = "sri-not-implemented-but-all-scripts-loaded-from-secure-origin"
	}
	mods := map[string]int{
		"sri-implemented-and-all-scripts-loaded-securely":               5,
		"sri-implemented-and-external-scripts-loaded-securely":          5,
		"sri-not-implemented-but-no-scripts-loaded":                     0,
		"sri-not-implemented-but-all-scripts-loaded-from-secure-origin": 0,
		"sri-not-implemented-but-external-scripts-loaded-securely":      -5,
		"sri-implemented-but-external-scripts-not-loaded-securely":      -20,
		"sri-not-implemented-and-external-scripts-not-loaded-securely":  -50,
	}
	return r(result, mods[result])
}

// --- X-Content-Type-Options, X-Frame-Options, CORP ---

func obsXCTO(s Scan) Result {
	switch v := s.Header.Get("X-Content-Type-Options"); {
	case v == "":
		return Result{"x-content-type-options", "x-content-type-options-not-implemented", -5}
	case strings.ToLower(strings.TrimSpace(v)) == "nosniff":
		return Result{"x-content-type-options", "x-content-type-options-nosniff", 0}
	}
	return Result{"x-content-type-options", "x-content-type-options-header-invalid", -5}
}

func obsXFO(s Scan) Result {
	if csp, _ := obsPolicy(s); csp != nil {
		if _, ok := csp["frame-ancestors"]; ok && len(s.Header.Values("Content-Security-Policy")) > 0 {
			return Result{"x-frame-options", "x-frame-options-implemented-via-csp", 5}
		}
	}
	switch v := strings.ToLower(strings.TrimSpace(s.Header.Get("X-Frame-Options"))); {
	case v == "":
		return Result{"x-frame-options", "x-frame-options-not-implemented", -20}
	case v == "deny" || v == "sameorigin":
		return Result{"x-frame-options", "x-frame-options-sameorigin-or-deny", 0}
	case strings.HasPrefix(v, "allow-from"):
		return Result{"x-frame-options", "x-frame-options-allow-from-origin", 0}
	}
	return Result{"x-frame-options", "x-frame-options-header-invalid", -20}
}

func obsCORP(s Scan) Result {
	v := strings.ToLower(strings.TrimSpace(s.Header.Get("Cross-Origin-Resource-Policy")))
	if v == "" {
		if m := metaHTTPEquiv(s.Body, "cross-origin-resource-policy"); len(m) > 0 {
			v = strings.ToLower(strings.TrimSpace(m[len(m)-1]))
		}
	}
	switch v {
	case "":
		return Result{"cross-origin-resource-policy", "corp-not-implemented", 0}
	case "same-site", "same-origin":
		return Result{"cross-origin-resource-policy", "corp-implemented-with-" + v, 10}
	case "cross-origin":
		return Result{"cross-origin-resource-policy", "corp-implemented-with-cross-origin", 0}
	}
	return Result{"cross-origin-resource-policy", "corp-header-invalid", -5}
}

// --- HTML helpers ---

// StartTags lists the attributes of every start tag named name.
func StartTags(body, name string) []map[string]string {
	var tags []map[string]string
	z := html.NewTokenizer(strings.NewReader(body))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return tags
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		if tok.Data != name {
			continue
		}
		attrs := map[string]string{}
		for _, a := range tok.Attr {
			attrs[a.Key] = a.Val
		}
		tags = append(tags, attrs)
	}
}

// metaHTTPEquiv lists the content of <meta http-equiv=name> elements.
func metaHTTPEquiv(body, name string) []string {
	var out []string
	for _, m := range StartTags(body, "meta") {
		if strings.EqualFold(m["http-equiv"], name) {
			out = append(out, m["content"])
		}
	}
	return out
}

func (r Result) String() string { return fmt.Sprintf("%+d %s", r.Modifier, r.Result) }
