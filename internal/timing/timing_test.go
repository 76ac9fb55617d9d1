package timing

import (
	"context"
	"regexp"
	"testing"
	"time"
)

func TestValue(t *testing.T) {
	r := &Recorder{start: time.Now()}
	ctx := NewContext(context.Background(), r)
	for _, name := range []string{"tokeninfo", "Docs API", "Docs API", "Docs API"} {
		Track(ctx, name)()
	}
	want := regexp.MustCompile(`^tokeninfo;dur=\d+\.\d;desc="tokeninfo", docs-api;dur=\d+\.\d;desc="Docs API ×3", app;dur=\d+\.\d;desc="this server in all"$`)
	if got := r.Value(); !want.MatchString(got) {
		t.Errorf("Value() = %q", got)
	}
}

func TestTrackWithoutRecorderRecordsNothing(t *testing.T) {
	Track(context.Background(), "Calendar API")() // must not panic
}

func TestMetricName(t *testing.T) {
	for in, want := range map[string]string{
		"Calendar API":               "calendar-api",
		"Google Photos media server": "google-photos-media-server",
		"tokeninfo":                  "tokeninfo",
		" odd--name! ":               "odd-name",
	} {
		if got := metricName(in); got != want {
			t.Errorf("metricName(%q) = %q, want %q", in, got, want)
		}
	}
}
