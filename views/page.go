// Package views holds the layout and the components every page shares. It is
// pure: view models in, HTML out; no I/O and no echo.
package views

import (
	"context"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
)

// Page is what the layout needs from every page.
type Page struct {
	Title string // "Upcoming events"
	// Description is the page's meta description; empty on error pages.
	Description string
	Path        string // the current path, to mark the nav link
	CSRF        string // rendered for the page script's postbacks
	Ledger      LedgerView
	Assets      Assets
	// GIS is set on pages with a token client.
	GIS *GIS
	// EmulatorURL is the emulator's origin in emulator mode; empty with Google.
	EmulatorURL string
}

// Assets are content-hashed URLs of the site's static files.
type Assets struct {
	CSS string
	// PageCSS are a page's own stylesheets, loaded after CSS: rules only
	// some pages use (a section's, a page's) stay off the others.
	PageCSS []string
	// Script is the shared module, token-client.js, that every page module
	// imports as "scopewise/token-client" through ImportMap. Its own tag has
	// the browser fetch it alongside the page modules, not after them.
	Script string
	// PageScripts are the page's own modules, in order.
	PageScripts []string
	// TraceCSS is the stylesheet of the "What just happened" region, which
	// its script loads on first use.
	TraceCSS string
	// ImportMap is the import map's JSON (bare module names → hashed URLs),
	// made once by NewImportMap: a page only splices in the nonce.
	ImportMap ImportMap
}

// ImportMap is an import map's JSON, safe inside a script element.
type ImportMap string

// NewImportMap encodes an import map. json.Marshal escapes <, > and &, so no
// value can end the script element it goes in; a map of strings always
// encodes (invalid UTF-8 becomes U+FFFD), so there is no error to return.
func NewImportMap(modules map[string]string) ImportMap {
	b, _ := json.Marshal(map[string]map[string]string{"imports": modules})
	return ImportMap(b)
}

// GIS is what a page needs to load Google's (or the emulator's) library.
type GIS struct {
	ScriptURL string
	ClientID  string
	// Integrity is the script's Subresource Integrity value when the site
	// knows its bytes (the emulator's); empty for Google's, which changes.
	Integrity string
}

// LedgerView is the "Your grants" ledger: a row per scope, and the clock
// its times are on.
type LedgerView struct {
	Rows  []LedgerRow
	Clock Clock
}

// LedgerRow is one scope in the "Your grants" ledger.
type LedgerRow struct {
	Label  string // "Calendar"
	Scope  string // the full scope string
	Page   string // where it is asked for
	State  string // "never asked", "granted", "not granted", "denied", "expired", "revoked"
	Detail string // e.g. "until 16:05:00 UTC, verified by the server"
	// Until is a grant's expiry as the page shows times ("16:05:00 UTC");
	// empty for other states. Page scripts quote it.
	Until string
}

// Clock is the clock the site's times are on: in emulator mode the
// emulator's, which its control API (or the lab's Expire now) can move
// ahead of the wall clock.
type Clock struct {
	Emulator bool
	// Moved is how far the emulator's clock is ahead of the wall clock.
	Moved time.Duration
	Now   time.Time
}

// Of is t, a time on the site's (wall) clock, on this clock.
func (c Clock) Of(t time.Time) time.Time { return t.Add(c.Moved) }

// TimeFormat is the one way the site writes a time of day; page scripts
// write it the same way (utc in token-client.js).
const TimeFormat = "15:04:05 UTC"

// ClockTime writes t as the site writes times: "16:05:00 UTC".
func ClockTime(t time.Time) string { return t.UTC().Format(TimeFormat) }

// Note says which clock the times are on, when that needs saying: only an
// emulator clock that was moved differs from the wall clock.
func (c Clock) Note() string {
	if !c.Emulator || c.Moved <= 0 {
		return ""
	}
	return "Times are on the emulator's clock, moved " + Duration(c.Moved) + " ahead of real time: it now reads " + ClockTime(c.Now) + "."
}

// Duration writes d to the second in words: "1 h 2 min 5 s", "90 days 1 h".
func Duration(d time.Duration) string {
	d = d.Round(time.Second)
	if d <= 0 {
		return "0 s"
	}
	days, rest := d/(24*time.Hour), d%(24*time.Hour)
	parts := []string{}
	if days == 1 {
		parts = append(parts, "1 day")
	} else if days > 1 {
		parts = append(parts, strconv.FormatInt(int64(days), 10)+" days")
	}
	for _, u := range []struct {
		d    time.Duration
		name string
	}{{time.Hour, "h"}, {time.Minute, "min"}, {time.Second, "s"}} {
		if n := rest / u.d; n > 0 {
			parts = append(parts, strconv.FormatInt(int64(n), 10)+" "+u.name)
		}
		rest %= u.d
	}
	return strings.Join(parts, " ")
}

// Problem is an alert: what happened and what to do next.
type Problem struct {
	Title  string
	Detail string
	// Retry, when set, names the page button that starts over; the alert says so.
	Retry string
}

// importMap renders the import map with the request's nonce.
func importMap(m ImportMap) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := io.WriteString(w, `<script type="importmap" nonce="`+templ.EscapeString(templ.GetNonce(ctx))+`">`+string(m)+`</script>`)
		return err
	})
}
