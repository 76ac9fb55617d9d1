package emulator

import (
	"bytes"
	"encoding/json"
	"regexp"
	"testing"
	"time"
)

// seedSnapshot is everything the seed serves for a fixed clock, as bytes:
// calendar lists (with cancelled events and series instances), documents,
// photo metadata and a thumbnail of every photo.
func seedSnapshot(t *testing.T, s *Server) []byte {
	t.Helper()
	var buf bytes.Buffer
	for _, email := range []string{aliceEmail, bobEmail, carolEmail} {
		cal := dataGet(s, calURL("singleEvents", "true", "showDeleted", "true", "orderBy", "startTime"), dataToken(s, email, calScope))
		buf.Write(cal.Body.Bytes())
		docsTok := dataToken(s, email, docsWriteScope)
		for _, d := range s.SampleDocuments(email) {
			buf.Write(dataGet(s, "/v1/documents/"+d.ID, docsTok).Body.Bytes())
		}
		for _, p := range s.seed.photos[email] {
			meta, _ := json.Marshal(pickedItemJSON(p, ""))
			buf.Write(meta)
			buf.Write(p.encode(mediaParams{s: 32}.layout(p.Width, p.Height)))
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
	if len(a) < 100_000 {
		t.Errorf("snapshot is suspiciously small: %d bytes", len(a))
	}
}

func TestSeedIDsAreUniqueAndShaped(t *testing.T) {
	s := newDataEmu(t)
	seen := map[string]bool{}
	unique := func(kind, id string) {
		if seen[id] {
			t.Errorf("%s ID %q is not unique", kind, id)
		}
		seen[id] = true
	}
	docShape := regexp.MustCompile(`^[A-Za-z0-9_-]{44}$`)
	for _, d := range s.seed.docs {
		unique("document", d.ID)
		if !docShape.MatchString(d.ID) {
			t.Errorf("document ID %q", d.ID)
		}
	}
	photoShape := regexp.MustCompile(`^AF1Qip[A-Za-z0-9_-]{38}$`)
	for _, ps := range s.seed.photos {
		if len(ps) < 24 {
			t.Errorf("only %d photos: want a few dozen", len(ps))
		}
		for _, p := range ps {
			unique("photo", p.ID)
			if !photoShape.MatchString(p.ID) {
				t.Errorf("photo ID %q", p.ID)
			}
		}
	}
	for email, specs := range s.seed.events {
		for _, e := range specs {
			unique("event", e.id(email))
		}
	}
}

// TestNewIsCheap keeps start-up small: the seed's heavy parts (document
// bodies, pixels) are built on first use. The bound is loose for slow CI.
func TestNewIsCheap(t *testing.T) {
	start := time.Now()
	newDataEmu(t)
	if d := time.Since(start); d > 250*time.Millisecond {
		t.Errorf("New took %v", d)
	}
}

func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		newDataEmu(b)
	}
}

func TestFormatProto(t *testing.T) {
	durations := []struct {
		d    time.Duration
		want string
	}{
		{5 * time.Second, "5s"},
		{1799 * time.Second, "1799s"},
		{0, "0s"},
		{250 * time.Millisecond, "0.250s"},
		{1500 * time.Microsecond, "0.001500s"},
		{time.Nanosecond, "0.000000001s"},
		{-2 * time.Second, "-2s"},
	}
	for _, c := range durations {
		if got := formatProtoDuration(c.d); got != c.want {
			t.Errorf("formatProtoDuration(%v) = %q, want %q", c.d, got, c.want)
		}
	}
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600))
	times := []struct {
		t    time.Time
		want string
	}{
		{base, "2026-01-02T02:04:05Z"},
		{base.Add(45 * time.Millisecond), "2026-01-02T02:04:05.045Z"},
		{base.Add(45123 * time.Nanosecond), "2026-01-02T02:04:05.000045123Z"},
	}
	for _, c := range times {
		if got := formatProtoTime(c.t); got != c.want {
			t.Errorf("formatProtoTime = %q, want %q", got, c.want)
		}
	}
}
