package emulator

import (
	"bytes"
	"testing"
)

// seedSnapshot is what the composed emulator serves for a fixed clock, as
// bytes: calendar lists (with cancelled events and series instances) and
// documents. Photos are checked in package picker.
func seedSnapshot(t *testing.T, s *Server) []byte {
	t.Helper()
	var buf bytes.Buffer
	for _, email := range []string{aliceEmail, bobEmail, carolEmail} {
		cal := dataGet(s, "/calendar/v3/calendars/primary/events?singleEvents=true&showDeleted=true&orderBy=startTime", dataToken(s, email, "https://www.googleapis.com/auth/calendar.readonly"))
		buf.Write(cal.Body.Bytes())
		docsTok := dataToken(s, email, "https://www.googleapis.com/auth/documents")
		for _, d := range s.SampleDocuments(email) {
			buf.Write(dataGet(s, "/v1/documents/"+d.ID, docsTok).Body.Bytes())
		}
	}
	return buf.Bytes()
}

func TestSeedIsDeterministic(t *testing.T) {
	a := seedSnapshot(t, newDataEmu(t))
	b := seedSnapshot(t, newDataEmu(t))
	if !bytes.Equal(a, b) {
		t.Errorf("two emulators with the same clock serve different seed data")
	}
	if len(a) < 50_000 {
		t.Errorf("snapshot is suspiciously small: %d bytes", len(a))
	}
}

// BenchmarkNew measures start-up, which stays small because the seed's heavy
// parts (document bodies, pixels) are built on first use. A benchmark, not a
// timed test: timings on a shared machine are no pass/fail signal.
func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		newDataEmu(b)
	}
}
