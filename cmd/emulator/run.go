package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/scopewise/scopewise/emulator"
	"github.com/scopewise/scopewise/internal/cli"
	"github.com/scopewise/scopewise/internal/httpserve"
)

// settings are the command's flags and variables, before the file is read.
type settings struct {
	addr          string
	publicURL     string
	configPath    string
	clients       clientFlags
	unverified    []string // client IDs the popup warns about
	tokenLifetime time.Duration
	pollInterval  time.Duration
	quiet         bool
	strictPopups  bool
}

// clientFlags collect repeated -client ID=ORIGIN[,ORIGIN…] values.
type clientFlags []emulator.Client

func (c *clientFlags) String() string {
	parts := make([]string, len(*c))
	for i, cl := range *c {
		parts[i] = cl.ID + "=" + strings.Join(cl.Origins, ",")
		if cl.Name != "" {
			parts[i] += ";name=" + cl.Name
		}
	}
	return strings.Join(parts, " ")
}

func (c *clientFlags) Set(v string) error {
	id, rest, ok := strings.Cut(strings.TrimSpace(v), "=")
	origins, name, named := strings.Cut(rest, ";")
	if named {
		var hasName bool
		name, hasName = strings.CutPrefix(name, "name=")
		name = strings.TrimSpace(name)
		if !hasName || name == "" {
			return fmt.Errorf("%q: after the origins, want ;name=APP NAME (the name the consent screen shows)", v)
		}
	}
	if !ok || id == "" || strings.TrimSpace(origins) == "" {
		return fmt.Errorf("%q: want CLIENT_ID=ORIGIN[,ORIGIN…][;name=APP NAME], such as my-app.apps.googleusercontent.com=http://localhost:5173;name=My App", v)
	}
	cl := emulator.Client{ID: id, Name: name}
	for o := range strings.SplitSeq(origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			cl.Origins = append(cl.Origins, o)
		}
	}
	*c = append(*c, cl)
	return nil
}

// parse reads flags from args and variables through getenv; a flag wins
// over its variable.
func parse(args []string, getenv func(string) string, stderr io.Writer) (settings, error) {
	var st settings
	fs := flag.NewFlagSet("emulator", flag.ContinueOnError)
	// The flag package prints nothing itself: a bad flag is one line from
	// main ("emulator: …"), and -h prints the usage below.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&st.addr, "addr", orDefault(getenv("EMULATOR_ADDR"), "localhost:8081"), "where to listen; port 0 picks a free one (EMULATOR_ADDR)")
	fs.StringVar(&st.publicURL, "public-url", getenv("EMULATOR_PUBLIC_URL"), "the origin browsers reach the emulator at, when not the listening address (EMULATOR_PUBLIC_URL)")
	fs.StringVar(&st.configPath, "config", getenv("EMULATOR_CONFIG"), "JSON file with clients, accounts, token_lifetime, events, documents (EMULATOR_CONFIG)")
	fs.Var(&st.clients, "client", "register an OAuth client: CLIENT_ID=ORIGIN[,ORIGIN…][;name=APP NAME] (the name the consent screen shows; default \"Your app\"); repeatable, adds to EMULATOR_CLIENTS (space-separated, so a name there has no spaces) and the file's")
	fs.Func("unverified", "show \"Google hasn't verified this app\" before consent for this client ID; repeatable (EMULATOR_UNVERIFIED, space-separated; \"unverified\": true in -config)", func(v string) error {
		if v = strings.TrimSpace(v); v == "" {
			return fmt.Errorf("want a client ID")
		}
		st.unverified = append(st.unverified, v)
		return nil
	})
	st.unverified = append(st.unverified, strings.Fields(getenv("EMULATOR_UNVERIFIED"))...)
	fs.DurationVar(&st.tokenLifetime, "token-lifetime", 0, "access token lifetime, 1s–24h (EMULATOR_TOKEN_LIFETIME; default Google's 3599s)")
	fs.DurationVar(&st.pollInterval, "picker-poll-interval", 0, "the Photos Picker's pollInterval (PICKER_POLL_INTERVAL; default Google's 5s)")
	fs.BoolVar(&st.strictPopups, "strict-popup-gestures", getenv("EMULATOR_STRICT_POPUP_GESTURES") == "true", "every world starts with strict popup gestures: a token request without a fresh user activation fails with popup_failed_to_open, as in Safari; POST /_emu/options changes one world's (EMULATOR_STRICT_POPUP_GESTURES=true)")
	fs.BoolVar(&st.quiet, "quiet", getenv("EMULATOR_QUIET") == "true", "log nothing but the start-up lines (EMULATOR_QUIET=true)")
	for v := range strings.FieldsSeq(getenv("EMULATOR_CLIENTS")) {
		if err := st.clients.Set(v); err != nil {
			return st, fmt.Errorf("EMULATOR_CLIENTS: %w", err)
		}
	}
	for name, dst := range map[string]*time.Duration{"EMULATOR_TOKEN_LIFETIME": &st.tokenLifetime, "PICKER_POLL_INTERVAL": &st.pollInterval} {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				return st, fmt.Errorf("%s: %q is not a Go duration such as \"3599s\"", name, v)
			}
			*dst = d
		}
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			fmt.Fprintln(stderr, "Usage: emulator [flags]\n\nThe offline emulator of Google's sign-in popup, tokeninfo and APIs. Flags (and variables):")
			fs.SetOutput(stderr)
			fs.PrintDefaults()
			return st, err
		}
		return st, fmt.Errorf("%w (emulator -h lists the flags)", err)
	}
	if fs.NArg() > 0 {
		return st, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if _, _, err := net.SplitHostPort(st.addr); err != nil {
		return st, fmt.Errorf("-addr %q: want host:port (port 0 picks a free one)", st.addr)
	}
	if st.pollInterval < 0 {
		return st, fmt.Errorf("-picker-poll-interval %s: must not be negative", st.pollInterval)
	}
	return st, nil
}

// options merges the configuration file (if any) with the flags: flags add
// clients and override the token lifetime.
func (st settings) options() (emulator.Options, error) {
	var opts emulator.Options
	if st.configPath != "" {
		f, err := os.Open(st.configPath)
		if err != nil {
			return opts, fmt.Errorf("-config: %w", err)
		}
		defer f.Close()
		opts, err = emulator.ParseConfig(f)
		if err != nil {
			return opts, fmt.Errorf("-config %s: %w", st.configPath, err)
		}
	}
	opts.Clients = append(opts.Clients, st.clients...)
	for i := range opts.Clients {
		if opts.Clients[i].Name == "" {
			opts.Clients[i].Name = "Your app"
		}
		for j, o := range opts.Clients[i].Origins {
			norm, err := browserOrigin(o)
			if err != nil {
				return opts, fmt.Errorf("client %q: %w", opts.Clients[i].ID, err)
			}
			opts.Clients[i].Origins[j] = norm
		}
	}
	for _, id := range st.unverified {
		i := slices.IndexFunc(opts.Clients, func(c emulator.Client) bool { return c.ID == id })
		if i < 0 {
			return opts, fmt.Errorf("-unverified %q: no such client (register it with -client, EMULATOR_CLIENTS or -config)", id)
		}
		opts.Clients[i].Unverified = true
	}
	if st.tokenLifetime != 0 {
		opts.TokenLifetime = st.tokenLifetime
	}
	opts.PickerPollInterval = st.pollInterval
	opts.StrictPopupGestures = st.strictPopups
	if len(opts.Clients) == 0 {
		return opts, fmt.Errorf("no OAuth client registered: pass -client CLIENT_ID=ORIGIN (your page's origin, such as http://localhost:5173), set EMULATOR_CLIENTS, or list \"clients\" in -config")
	}
	if st.publicURL != "" {
		u, err := url.Parse(st.publicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.TrimRight(u.Path, "/") != "" || u.RawQuery != "" {
			return opts, fmt.Errorf("-public-url %q: want an origin such as http://localhost:8081", st.publicURL)
		}
	}
	if err := opts.Validate(); err != nil {
		return opts, err
	}
	return opts, nil
}

// run is the whole program; tests call it with their own args and env. It
// returns when ctx ends (after a graceful shutdown) or the server fails.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	st, err := parse(args, getenv, stderr)
	if err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return cli.UsageError{Err: err}
	}
	opts, err := st.options()
	if err != nil {
		return cli.UsageError{Err: err}
	}
	level := slog.LevelInfo
	if st.quiet {
		level = slog.LevelError + 1
	}
	log := slog.New(slog.NewTextHandler(stdout, &slog.HandlerOptions{Level: level}))
	ln, err := net.Listen("tcp", st.addr)
	if err != nil {
		return err
	}
	origin := httpserve.PublicURL(st.addr, ln.Addr())
	if st.publicURL != "" {
		origin = strings.TrimRight(st.publicURL, "/")
	}
	opts.PublicURL = origin
	opts.Logger = log.With("component", "emulator")
	emu := emulator.New(opts)
	fmt.Fprintf(stdout, "emulator: %s\n", origin)
	fmt.Fprintln(stdout, hint(origin, opts.Clients))
	return httpserve.Run(ctx, []*http.Server{httpserve.New(emu)}, []net.Listener{ln}, log)
}

// hint is the one line on how pages reach the emulator.
func hint(origin string, clients []emulator.Client) string {
	regs := make([]string, len(clients))
	for i, c := range clients {
		regs[i] = c.ID + " (" + strings.Join(c.Origins, ", ") + ")"
	}
	return fmt.Sprintf("pages keep Google's URLs: the Playwright fixture (@scopewise/gis-emulator, GIS_EMULATOR_URL=%s) routes https://accounts.google.com/gsi/client and Google's API hosts here (without it, load %s/gsi/client); client_id %s; controls at %s/_emu/",
		origin, origin, strings.Join(regs, " or "), origin)
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
