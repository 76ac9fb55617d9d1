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
