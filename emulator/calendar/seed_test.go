package calendar

import "testing"

func TestEventIDsAreUnique(t *testing.T) {
	s := newDataEmu(t)
	seen := map[string]bool{}
	for email, specs := range s.Svc.events {
		for _, e := range specs {
			if id := e.id(email); seen[id] {
				t.Errorf("event ID %q is not unique", id)
			} else {
				seen[id] = true
			}
		}
	}
	if len(seen) < 60 {
		t.Errorf("only %d events", len(seen))
	}
}
