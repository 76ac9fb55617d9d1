package grants

import (
	"testing"
	"time"
)

func TestLedgerTransitions(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	cal := "https://www.googleapis.com/auth/calendar.readonly"
	docs := "https://www.googleapis.com/auth/documents.readonly"
	tests := []struct {
		name  string
		steps func(l Ledger)
		at    time.Time
		want  map[string]State
	}{
		{"empty", func(Ledger) {}, now, map[string]State{cal: NeverAsked, docs: NeverAsked}},
		{"granted", func(l Ledger) { l.Grant(cal, now.Add(time.Hour), now) }, now, map[string]State{cal: Granted, docs: NeverAsked}},
		{"granted reads as expired after its expiry", func(l Ledger) { l.Grant(cal, now.Add(time.Hour), now) }, now.Add(time.Hour), map[string]State{cal: Expired}},
		{"revoke ends every scope asked", func(l Ledger) {
			l.Grant(cal, now.Add(time.Hour), now)
			l.Set(docs, Denied, now)
			l.RevokeAll(now)
		}, now, map[string]State{cal: Revoked, docs: Revoked}},
		{"revoke leaves never-asked scopes alone", func(l Ledger) {
			l.Grant(cal, now.Add(time.Hour), now)
			l.RevokeAll(now)
		}, now, map[string]State{docs: NeverAsked}},
		{"restore undoes later changes", func(l Ledger) {
			l.Set(cal, Revoked, now)
			before := l.Clone()
			l.Grant(cal, now.Add(time.Hour), now)
			l.Grant(docs, now.Add(time.Hour), now)
			l.Restore(before)
		}, now, map[string]State{cal: Revoked, docs: NeverAsked}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := Ledger{}
			tt.steps(l)
			for scope, want := range tt.want {
				if got := l.Current(scope, tt.at).State; got != want {
					t.Errorf("%s = %q, want %q", scope, got, want)
				}
			}
		})
	}
}

// TestGrantAgainChangesNothing: the session is saved only when its ledger
// changed, so a second verification of the same grant must not change it,
// and a new expiry must.
func TestGrantAgainChangesNothing(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	cal := "https://www.googleapis.com/auth/calendar.readonly"
	l := Ledger{}
	l.Grant(cal, now.Add(time.Hour), now)
	before := l.Clone()
	l.Grant(cal, now.Add(time.Hour+300*time.Millisecond), now.Add(time.Minute)) // same second
	if !l.Equal(before) {
		t.Errorf("granting the same expiry again changed the ledger: %v → %v", before, l)
	}
	l.Grant(cal, now.Add(2*time.Hour), now.Add(time.Minute))
	if l.Equal(before) || !l[cal].At.Equal(now.Add(time.Minute)) {
		t.Errorf("a new expiry did not change the ledger: %v", l)
	}
	for name, other := range map[string]Ledger{
		"fewer entries": {},
		"other state":   {cal: {State: Expired, At: now}},
		"other until":   {cal: {State: Granted, Until: now, At: now.Add(time.Minute)}},
	} {
		if l.Equal(other) || other.Equal(l) {
			t.Errorf("%s: Equal says the ledgers are the same", name)
		}
	}
}
