package emulator

// The emulator's configuration file (cmd/emulator -config): clients,
// accounts, token lifetime and extra seed data, as JSON. Everything in it
// can also be given to New as Options.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/scopewise/scopewise/emulator/seed"
)

// ClientConfig is a registered OAuth web client in the configuration file.
type ClientConfig struct {
	ID            string   `json:"id"`
	Name          string   `json:"name,omitempty"`
	Origins       []string `json:"origins"`
	Deleted       bool     `json:"deleted,omitempty"`
	Unverified    bool     `json:"unverified,omitempty"`
	PrivacyPolicy string   `json:"privacy_policy,omitempty"`
	Terms         string   `json:"terms,omitempty"`
}

// FileConfig is the configuration file's shape. Unknown fields are errors.
type FileConfig struct {
	Clients       []ClientConfig `json:"clients"`
	Accounts      []Account      `json:"accounts"`
	TokenLifetime string         `json:"token_lifetime"`
	Events        []SeedEvent    `json:"events"`
	Documents     []SeedDocument `json:"documents"`
}

// maxConfigBytes bounds a configuration file.
const maxConfigBytes = 4 << 20

// ParseConfig reads a configuration file into Options (clients, accounts,
// token lifetime, seed) and checks them with Validate.
func ParseConfig(r io.Reader) (Options, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxConfigBytes+1))
	if err != nil {
		return Options{}, err
	}
	if len(data) > maxConfigBytes {
		return Options{}, fmt.Errorf("larger than %d MiB", maxConfigBytes>>20)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var fc FileConfig
	if err := dec.Decode(&fc); err != nil {
		return Options{}, jsonError(data, err)
	}
	if dec.More() {
		return Options{}, errors.New("more than one JSON value")
	}
	opts := Options{Accounts: fc.Accounts, Events: fc.Events, Documents: fc.Documents}
	for _, c := range fc.Clients {
		opts.Clients = append(opts.Clients, Client(c))
	}
	if fc.TokenLifetime != "" {
		d, err := time.ParseDuration(fc.TokenLifetime)
		if err != nil {
			return Options{}, fmt.Errorf(`"token_lifetime": %q is not a Go duration such as "3599s"`, fc.TokenLifetime)
		}
		opts.TokenLifetime = d
	}
	return opts, opts.Validate()
}

// jsonError names the line of a syntax or type error.
func jsonError(data []byte, err error) error {
	var off int64 = -1
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		off = syn.Offset
	case errors.As(err, &typ):
		off = typ.Offset
	}
	if off < 0 {
		return err
	}
	line := 1 + bytes.Count(data[:min(int(off), len(data))], []byte("\n"))
	return fmt.Errorf("line %d: %w", line, err)
}

// Limits a configuration stays within.
const (
	minTokenLifetime = time.Second
	maxTokenLifetime = 24 * time.Hour
)

var (
	docIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,100}$`)
	subPattern   = regexp.MustCompile(`^[0-9]{1,30}$`)
)

// Validate checks Options the way a configuration file is checked: clients
// with IDs and well-formed origins, unique accounts with emails, a token
// lifetime within bounds, and seed data that names known accounts. New
// expects Options that pass it.
func (o Options) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }

	clientIDs := map[string]bool{}
	for i, c := range o.Clients {
		switch {
		case strings.TrimSpace(c.ID) == "" || strings.ContainsAny(c.ID, " \t\r\n,="):
			bad("client %d: id %q must be non-empty, without spaces, commas or '='", i+1, c.ID)
		case clientIDs[c.ID]:
			bad("client %q is registered twice", c.ID)
		}
		clientIDs[c.ID] = true
		if len(c.Origins) == 0 {
			bad("client %q: give at least one JavaScript origin, such as http://localhost:8080", c.ID)
		}
		for _, origin := range c.Origins {
			if err := checkOrigin(origin); err != nil {
				bad("client %q: %v", c.ID, err)
			}
		}
		for _, l := range [][2]string{{"privacy_policy", c.PrivacyPolicy}, {"terms", c.Terms}} {
			if u, err := url.Parse(l[1]); l[1] != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
				bad("client %q: %s %q: want an http or https URL", c.ID, l[0], l[1])
			}
		}
	}
	if o.TokenLifetime != 0 && (o.TokenLifetime < minTokenLifetime || o.TokenLifetime > maxTokenLifetime) {
		bad("token lifetime %s: want between %s and %s", o.TokenLifetime, minTokenLifetime, maxTokenLifetime)
	}

	emails := map[string]bool{}
	subs := map[string]bool{}
	for i, a := range o.Accounts {
		if _, err := mail.ParseAddress(a.Email); err != nil || !strings.Contains(a.Email, "@") || strings.ContainsAny(a.Email, "<> ") {
			bad("account %d: email %q is not an address like dana@example.com", i+1, a.Email)
			continue
		}
		key := strings.ToLower(a.Email)
		if emails[key] {
			bad("account %q is listed twice", a.Email)
		}
		emails[key] = true
		if a.Sub != "" {
			if !subPattern.MatchString(a.Sub) {
				bad("account %q: sub %q must be digits, like Google's", a.Email, a.Sub)
			} else if subs[a.Sub] {
				bad("account %q: sub %q is used twice", a.Email, a.Sub)
			}
			subs[a.Sub] = true
		}
	}
	known := func(email string) bool {
		if len(o.Accounts) == 0 {
			for _, a := range seed.Defaults() {
				if strings.EqualFold(a.Email, email) {
					return true
				}
			}
			return false
		}
		return emails[strings.ToLower(email)]
	}
	for i, e := range o.Events {
		if !known(e.Account) {
			bad("event %d: unknown account %q", i+1, e.Account)
		}
		if err := e.Validate(i); err != nil {
			bad("event %d (%q): %v", i+1, e.Summary, err)
		}
	}
	docIDs := map[string]bool{}
	for i, d := range o.Documents {
		where := fmt.Sprintf("document %d (%q)", i+1, d.Title)
		if !known(d.Owner) {
			bad("%s: unknown owner %q", where, d.Owner)
		}
		for _, e := range append(append([]string(nil), d.Readers...), d.Editors...) {
			if !known(e) {
				bad("%s: unknown reader or editor %q", where, e)
			}
		}
		if strings.TrimSpace(d.Title) == "" {
			bad("%s: a title is required", where)
		}
		if d.ID != "" && !docIDPattern.MatchString(d.ID) {
			bad("%s: id %q must be 1–100 characters of A-Z a-z 0-9 _ -", where, d.ID)
		}
		id := d.DocumentID()
		if docIDs[id] {
			bad("%s: id %q is used twice", where, id)
		}
		docIDs[id] = true
	}
	return errors.Join(errs...)
}

// checkOrigin accepts a JavaScript origin as Google's console does: a scheme
// (http or https), a host, an optional port, and nothing else.
func checkOrigin(origin string) error {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil || strings.HasSuffix(origin, "/") {
		return fmt.Errorf("origin %q: want scheme://host[:port], such as http://localhost:8080 (no path, no trailing slash)", origin)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("origin %q: bad port", origin)
		}
	}
	return nil
}
