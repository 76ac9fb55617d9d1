// Package config builds the one Config value the site runs with, from flags
// and environment variables of the same meaning (the README's Configuration).
package config

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// EmulatorClientID is the OAuth client the site uses in emulator mode; the
// emulator registers it with the site's origins.
const EmulatorClientID = "1000000000001-scopewise.apps.googleusercontent.com"

// OtherClientID is a second client registered in the emulator, so tokens
// issued to another app can be minted to show the audience check working.
const OtherClientID = "2000000000002-otherapp.apps.googleusercontent.com"

// DefaultUpstreamTimeout and MaxUpstreamTimeout bound UPSTREAM_TIMEOUT. The
// most stays under the site's 20-second request deadline.
const (
	DefaultUpstreamTimeout = 10 * time.Second
	MaxUpstreamTimeout     = 15 * time.Second
)

// Config is loaded once in run and passed down. It holds no secrets but the
// session keys.
type Config struct {
	Addr           string // where the site listens
	EmulatorAddr   string // where the emulator listens (emulator mode only)
	GoogleClientID string // empty: emulator mode
	SessionKeys    [][]byte
	SecureCookies  bool
	// PickerPollInterval overrides the emulator's Picker pollInterval ("5s",
	// like Google) so demos and tests need not wait; zero keeps Google's.
	PickerPollInterval time.Duration
	// UpstreamTimeout bounds each call to Google (or the emulator), answer
	// body included: a hung or dripping upstream becomes a 504 by then.
	UpstreamTimeout time.Duration
	// SessionTokenChecks and AddressTokenChecks bound the postbacks with a
	// token the site does not know yet (each a tokeninfo call), per browser
	// session and per client address; see web.LimitTokenChecks.
	SessionTokenChecks Limit
	AddressTokenChecks Limit

	// PublicURL is the site's origin as browsers reach it (behind a proxy,
	// e.g. https://scopewise.example); empty: the listening address.
	PublicURL string
	// EmulatorPublicURL is the embedded emulator's origin as browsers reach
	// it; empty: its listening address.
	EmulatorPublicURL string
	// EmulatorURL is an external, running cmd/emulator to use instead of the
	// embedded one (emulator mode); the site's client and origins must be
	// registered there. Empty: the site embeds its own.
	EmulatorURL string
	// TrustedProxies are the peers whose X-Forwarded-For names the client;
	// empty: the client is the peer, whatever the headers say.
	TrustedProxies []*net.IPNet

	// Endpoints are Google's base URLs, or the emulator's once it listens.
	Endpoints Endpoints
}

// Endpoints are every base URL the site and its pages talk to. Nothing else in
// the site knows whether it talks to Google or to the emulator.
type Endpoints struct {
	// AccountsOrigin serves the GIS script and the consent popup.
	AccountsOrigin string
	GISScript      string
	// GISIntegrity is the GIS script's Subresource Integrity value, set in
	// emulator mode (the emulator knows its bytes); empty with Google.
	GISIntegrity string
	TokenInfo    string
	Revoke       string
	Calendar     string // …/calendar/v3
	Docs         string // …/v1
	Picker       string // …/v1
	// Media is the origin of the Picker's baseUrl media bytes.
	Media string
	// GAPIScript is the API client library for JavaScript (gapi), and
	// CalendarDiscovery and DocsDiscovery the discovery documents its
	// gapi.client generates methods from (the lab loads them on first use).
	GAPIScript        string
	CalendarDiscovery string
	DocsDiscovery     string
	// GAPIOrigins are further origins Google's gapi.client uses beside the
	// APIs' own (its calls' host); none on the emulator.
	GAPIOrigins []string
}

// GoogleEndpoints are real Google's.
func GoogleEndpoints() Endpoints {
	return Endpoints{
		AccountsOrigin: "https://accounts.google.com",
		GISScript:      "https://accounts.google.com/gsi/client",
		TokenInfo:      "https://oauth2.googleapis.com/tokeninfo",
		Revoke:         "https://oauth2.googleapis.com/revoke",
		Calendar:       "https://www.googleapis.com/calendar/v3",
		Docs:           "https://docs.googleapis.com/v1",
		Picker:         "https://photospicker.googleapis.com/v1",
		Media:          "https://lh3.googleusercontent.com",

		GAPIScript:        "https://apis.google.com/js/api.js",
		CalendarDiscovery: "https://www.googleapis.com/discovery/v1/apis/calendar/v3/rest",
		DocsDiscovery:     "https://docs.googleapis.com/$discovery/rest?version=v1",
		GAPIOrigins:       []string{"https://content.googleapis.com"},
	}
}

// EmulatorEndpoints are the emulator's, at base like "http://localhost:8081".
func EmulatorEndpoints(base string) Endpoints {
	base = strings.TrimRight(base, "/")
	return Endpoints{
		AccountsOrigin: base,
		GISScript:      base + "/gsi/client",
		TokenInfo:      base + "/tokeninfo",
		Revoke:         base + "/revoke",
		Calendar:       base + "/calendar/v3",
		Docs:           base + "/v1",
		Picker:         base + "/v1",
		Media:          base,

		GAPIScript:        base + "/js/api.js",
		CalendarDiscovery: base + "/discovery/v1/apis/calendar/v3/rest",
		DocsDiscovery:     base + "/$discovery/rest?version=v1",
	}
}

// EmulatorMode reports whether the site runs against the embedded emulator.
func (c Config) EmulatorMode() bool { return c.GoogleClientID == "" }

// ClientID is the OAuth client the pages use.
func (c Config) ClientID() string {
	if c.EmulatorMode() {
		return EmulatorClientID
	}
	return c.GoogleClientID
}

// Load reads flags from args (without the program name) and variables through
// getenv. A flag wins over its variable. With -h it writes the usage to
// usage and returns flag.ErrHelp; any other error is one line for the user.
func Load(args []string, getenv func(string) string, usage io.Writer) (Config, error) {
	fs := flag.NewFlagSet("site", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // the caller prints the error, once
	fs.Usage = func() {}
	cfg := Config{}
	fs.StringVar(&cfg.Addr, "addr", orDefault(getenv("ADDR"), "localhost:8080"), "where the site listens (ADDR)")
	fs.StringVar(&cfg.EmulatorAddr, "emulator-addr", orDefault(getenv("EMULATOR_ADDR"), "localhost:8081"), "where the emulator listens in emulator mode (EMULATOR_ADDR)")
	fs.StringVar(&cfg.GoogleClientID, "google-client-id", getenv("GOOGLE_CLIENT_ID"), "real Google's OAuth web client ID; empty runs the emulator (GOOGLE_CLIENT_ID)")
	keys := fs.String("session-keys", getenv("SESSION_KEYS"), "session hash/block key pairs, hex, comma-separated, newest first (SESSION_KEYS)")
	secure := fs.Bool("secure-cookies", getenv("SECURE_COOKIES") == "true", "mark cookies Secure; use behind HTTPS (SECURE_COOKIES)")
	poll := fs.Duration("picker-poll-interval", 0, "emulator only: the Picker's pollInterval (PICKER_POLL_INTERVAL, default Google's 5s)")
	if v := getenv("PICKER_POLL_INTERVAL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return Config{}, fmt.Errorf("PICKER_POLL_INTERVAL: %w", err)
		}
		*poll = d
	}
	upstream := fs.Duration("upstream-timeout", DefaultUpstreamTimeout, "bound on each call to Google, answer included (UPSTREAM_TIMEOUT)")
	if v := getenv("UPSTREAM_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return Config{}, fmt.Errorf("UPSTREAM_TIMEOUT: %w", err)
		}
		*upstream = d
	}
	fs.StringVar(&cfg.PublicURL, "public-url", getenv("PUBLIC_URL"), "the site's origin as browsers reach it, e.g. https://scopewise.example (PUBLIC_URL)")
	fs.StringVar(&cfg.EmulatorPublicURL, "emulator-public-url", getenv("EMULATOR_PUBLIC_URL"), "the embedded emulator's origin as browsers reach it (EMULATOR_PUBLIC_URL)")
	fs.StringVar(&cfg.EmulatorURL, "emulator-url", getenv("EMULATOR_URL"), "an external running cmd/emulator to use instead of the embedded one (EMULATOR_URL)")
	proxies := fs.String("trusted-proxies", getenv("TRUSTED_PROXIES"), "CIDRs of proxies whose X-Forwarded-For names the client, comma-separated (TRUSTED_PROXIES)")
	limits := map[string]*Limit{"TOKEN_CHECKS_PER_SESSION": &cfg.SessionTokenChecks, "TOKEN_CHECKS_PER_ADDRESS": &cfg.AddressTokenChecks}
	cfg.SessionTokenChecks, cfg.AddressTokenChecks = DefaultSessionLimit, DefaultAddressLimit
	for name, dst := range limits {
		if v := getenv(name); v != "" {
			l, err := ParseLimit(v)
			if err != nil {
				return Config{}, fmt.Errorf("%s: %w", name, err)
			}
			*dst = l
		}
	}
	fs.Func("token-checks-per-session", "new tokens checked with tokeninfo per browser session, N/DURATION or off (TOKEN_CHECKS_PER_SESSION, default "+DefaultSessionLimit.String()+")", limitFlag(&cfg.SessionTokenChecks))
	fs.Func("token-checks-per-address", "new tokens checked with tokeninfo per client address, N/DURATION or off (TOKEN_CHECKS_PER_ADDRESS, default "+DefaultAddressLimit.String()+")", limitFlag(&cfg.AddressTokenChecks))
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			fmt.Fprintln(usage, "Usage: site [flags]\n\nScopewise: the pages, and in emulator mode (no GOOGLE_CLIENT_ID) the embedded emulator. Flags (and variables):")
			fs.SetOutput(usage)
			fs.PrintDefaults()
			return Config{}, err
		}
		return Config{}, fmt.Errorf("%w (site -h lists the flags)", err)
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	cfg.SecureCookies = *secure
	cfg.PickerPollInterval = *poll
	cfg.UpstreamTimeout = *upstream
	if cfg.UpstreamTimeout <= 0 || cfg.UpstreamTimeout > MaxUpstreamTimeout {
		return Config{}, fmt.Errorf("upstream timeout %s: want a duration above 0s and at most %s", cfg.UpstreamTimeout, MaxUpstreamTimeout)
	}
	cfg.GoogleClientID = strings.TrimSpace(cfg.GoogleClientID)

	for name, addr := range map[string]string{"addr": cfg.Addr, "emulator-addr": cfg.EmulatorAddr} {
		if _, _, err := net.SplitHostPort(addr); err != nil {
			return Config{}, fmt.Errorf("-%s %q: want host:port (port 0 picks a free one)", name, addr)
		}
	}
	if cfg.GoogleClientID != "" && !strings.HasSuffix(cfg.GoogleClientID, ".apps.googleusercontent.com") {
		return Config{}, fmt.Errorf("GOOGLE_CLIENT_ID %q does not look like a web client ID (…apps.googleusercontent.com)", cfg.GoogleClientID)
	}

	var err error
	for _, u := range []struct {
		name string
		v    *string
	}{{"PUBLIC_URL", &cfg.PublicURL}, {"EMULATOR_PUBLIC_URL", &cfg.EmulatorPublicURL}, {"EMULATOR_URL", &cfg.EmulatorURL}} {
		if *u.v, err = parseOrigin(u.name, *u.v); err != nil {
			return Config{}, err
		}
	}
	if !cfg.EmulatorMode() && (cfg.EmulatorURL != "" || cfg.EmulatorPublicURL != "") {
		return Config{}, errors.New("EMULATOR_URL and EMULATOR_PUBLIC_URL are for emulator mode: unset GOOGLE_CLIENT_ID or them")
	}
	if cfg.EmulatorURL != "" && cfg.EmulatorPublicURL != "" {
		return Config{}, errors.New("EMULATOR_PUBLIC_URL is the embedded emulator's; with EMULATOR_URL the external emulator's own -public-url says it")
	}
	if cfg.TrustedProxies, err = parseCIDRs(*proxies); err != nil {
		return Config{}, err
	}
	switch {
	case *keys != "":
		cfg.SessionKeys, err = parseSessionKeys(*keys)
		if err != nil {
			return Config{}, err
		}
	case cfg.EmulatorMode():
		cfg.SessionKeys = randomSessionKeys()
	default:
		return Config{}, errors.New("SESSION_KEYS is required with GOOGLE_CLIENT_ID: run `openssl rand -hex 32` twice and set SESSION_KEYS=<hash>,<block>")
	}
	switch {
	case cfg.EmulatorURL != "":
		cfg.Endpoints = EmulatorEndpoints(cfg.EmulatorURL)
	case cfg.EmulatorMode():
		cfg.Endpoints = Endpoints{} // filled in once the emulator listens
	default:
		cfg.Endpoints = GoogleEndpoints()
	}
	return cfg, nil
}

// parseOrigin checks that v (named name) is an origin, http(s)://host[:port]
// with nothing after it but an optional slash, and returns it without that
// slash. Empty stays empty.
func parseOrigin(name, v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" {
		return "", fmt.Errorf("%s %q: want an origin like https://host[:port]", name, v)
	}
	if u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return "", fmt.Errorf("%s %q: want an origin only, https://host[:port], with no user, path, query or fragment", name, v)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "", fmt.Errorf("%s %q: port %q is not 1-65535", name, v, p)
		}
	}
	return u.Scheme + "://" + strings.ToLower(u.Host), nil
}

// parseCIDRs reads comma-separated CIDRs; a bare IP is a one-address range.
func parseCIDRs(s string) ([]*net.IPNet, error) {
	var nets []*net.IPNet
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !strings.Contains(p, "/") {
			ip := net.ParseIP(p)
			if ip == nil {
				return nil, fmt.Errorf("TRUSTED_PROXIES: %q is not a CIDR like 10.0.0.0/8 or an IP", p)
			}
			bits := 128
			if ip.To4() != nil {
				ip, bits = ip.To4(), 32
			}
			nets = append(nets, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			continue
		}
		_, n, err := net.ParseCIDR(p)
		if err != nil {
			return nil, fmt.Errorf("TRUSTED_PROXIES: %q is not a CIDR like 10.0.0.0/8 or an IP", p)
		}
		nets = append(nets, n)
	}
	return nets, nil
}

// parseSessionKeys reads "hash,block[,hash,block…]" in hex. Hash keys are 32
// or 64 bytes, block keys 32 bytes (AES-256).
func parseSessionKeys(s string) ([][]byte, error) {
	parts := strings.Split(s, ",")
	if len(parts)%2 != 0 {
		return nil, errors.New("SESSION_KEYS: want hash,block pairs (an even number of hex keys)")
	}
	keys := make([][]byte, 0, len(parts))
	for i, p := range parts {
		k, err := hex.DecodeString(strings.TrimSpace(p))
		if err != nil {
			return nil, fmt.Errorf("SESSION_KEYS: key %d is not hex", i+1)
		}
		if i%2 == 0 && len(k) != 32 && len(k) != 64 {
			return nil, fmt.Errorf("SESSION_KEYS: hash key %d has %d bytes, want 32 or 64", i/2+1, len(k))
		}
		if i%2 == 1 && len(k) != 32 {
			return nil, fmt.Errorf("SESSION_KEYS: block key %d has %d bytes, want 32", i/2+1, len(k))
		}
		keys = append(keys, k)
	}
	return keys, nil
}

func randomSessionKeys() [][]byte {
	hash, block := make([]byte, 32), make([]byte, 32)
	rand.Read(hash)
	rand.Read(block)
	return [][]byte{hash, block}
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
