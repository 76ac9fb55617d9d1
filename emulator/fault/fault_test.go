package fault

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// Faults never touch the control API, so a test can always reset: even a
// fault smuggled into the queue does not apply.
func TestApplySparesControlPaths(t *testing.T) {
	q := NewQueue()
	if _, err := q.Add(Fault{Path: "/_emu/reset", Status: 503}); err == nil {
		t.Error("a fault for /_emu/reset was accepted")
	}
	q.byPath["/_emu/state"] = []*Fault{{Path: "/_emu/state", Status: 503, Count: 1}}
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	rec := httptest.NewRecorder()
	if q.Apply(rec, httptest.NewRequest(http.MethodGet, "/_emu/state", nil), ok) {
		t.Errorf("the smuggled fault answered: %d", rec.Code)
	}
}
