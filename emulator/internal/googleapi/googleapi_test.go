package googleapi

import (
	"testing"
	"time"
)

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
		if got := ProtoDuration(c.d); got != c.want {
			t.Errorf("ProtoDuration(%v) = %q, want %q", c.d, got, c.want)
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
		if got := ProtoTime(c.t); got != c.want {
			t.Errorf("ProtoTime = %q, want %q", got, c.want)
		}
	}
}
