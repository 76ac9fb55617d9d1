// Package grants is the site's grant ledger: per scope, what the user did and
// what the server verified, with no token anywhere. It is pure: the session
// glue stores it, the views show it.
package grants

import (
	"maps"
	"time"
)

// Scope is one of the scopes the site's pages ask for.
type Scope struct {
	ID    string // the full scope string
	Label string // "Calendar"
	Page  string // the page that asks for it, e.g. "/calendar"
	Title string // that page's heading, e.g. "Upcoming events"
	// Permission says in plain words what the scope lets the site do.
	Permission string
}

// Catalog lists the pages' scopes, in the order the site shows them.
var Catalog = []Scope{
	{ID: "https://www.googleapis.com/auth/documents.readonly", Label: "Docs", Page: "/docs", Title: "Docs to read", Permission: "see your Google Docs documents"},
	{ID: "https://www.googleapis.com/auth/calendar.readonly", Label: "Calendar", Page: "/calendar", Title: "Upcoming events", Permission: "see your calendar events"},
	{ID: "https://www.googleapis.com/auth/photospicker.mediaitems.readonly", Label: "Photos", Page: "/photos", Title: "Photo carousel", Permission: "see the photos you pick in Google Photos"},
}

// Lookup finds a catalog scope by its ID.
func Lookup(id string) (Scope, bool) {
	for _, s := range Catalog {
		if s.ID == id {
			return s, true
		}
	}
	return Scope{}, false
}

// State is where one scope stands.
type State string

const (
	NeverAsked State = ""
	Granted    State = "granted" // verified by the server, until Entry.Until
	Partial    State = "partial" // asked together with others; the user left this one unticked
	Denied     State = "denied"  // the user pressed Cancel
	Expired    State = "expired" // a postback's token was refused as expired or invalid
	Revoked    State = "revoked" // the user revoked the whole grant
)

// Entry is one scope's row. Times are UTC and second-precise to keep the
// cookie small.
type Entry struct {
	State State     `json:"s"`
	Until time.Time `json:"u,omitzero"` // Granted: the token's expiry
	At    time.Time `json:"a"`          // when the state was recorded
}

// Ledger maps scope IDs to entries. The zero value is an empty ledger.
type Ledger map[string]Entry

// Grant records a server-verified grant of scope until the token's expiry.
// Verifying the same grant again changes nothing: the entry keeps the time it
// was first recorded.
func (l Ledger) Grant(scope string, until, now time.Time) {
	until = until.UTC().Truncate(time.Second)
	if e := l[scope]; e.State == Granted && e.Until.Equal(until) {
		return
	}
	l[scope] = Entry{State: Granted, Until: until, At: now.UTC().Truncate(time.Second)}
}

// Set records a state without an expiry (partial, denied, expired).
func (l Ledger) Set(scope string, s State, now time.Time) {
	l[scope] = Entry{State: s, At: now.UTC().Truncate(time.Second)}
}

// RevokeAll marks every scope ever granted or asked as revoked: Google's
// revoke ends the whole grant, not one scope.
func (l Ledger) RevokeAll(now time.Time) {
	for scope, e := range l {
		if e.State != NeverAsked {
			l.Set(scope, Revoked, now)
		}
	}
}

// Current is the entry as of now: a grant past its expiry reads as expired.
func (l Ledger) Current(scope string, now time.Time) Entry {
	e := l[scope]
	if e.State == Granted && !now.Before(e.Until) {
		return Entry{State: Expired, Until: e.Until, At: e.Until}
	}
	return e
}

// Equal reports whether two ledgers hold the same entries.
func (l Ledger) Equal(other Ledger) bool {
	return maps.EqualFunc(l, other, func(a, b Entry) bool {
		return a.State == b.State && a.Until.Equal(b.Until) && a.At.Equal(b.At)
	})
}

// Clone copies the ledger.
func (l Ledger) Clone() Ledger { return maps.Clone(l) }

// Restore makes l equal to an earlier copy.
func (l Ledger) Restore(before Ledger) {
	clear(l)
	maps.Copy(l, before)
}
