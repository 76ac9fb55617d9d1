package pages

import (
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/scopewise/scopewise/internal/apis"
)

// TestCalendarEventTypes: each event reads as what it is — a birthday is
// not a meeting, a working location says where, time off says it declines.
func TestCalendarEventTypes(t *testing.T) {
	day := time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)
	at := day.Add(10 * time.Hour)
	events := []apis.Event{
		{ID: "1", Type: "default", Summary: "Design review", Start: at, End: at.Add(time.Hour)},
		{ID: "2", Type: "birthday", Summary: "Bob's birthday", Start: day, End: day.AddDate(0, 0, 1), AllDay: true},
		{ID: "3", Type: "workingLocation", Summary: "Home", Start: day, End: day.AddDate(0, 0, 1), AllDay: true, WorkingLocation: &apis.WorkingLocation{Kind: "homeOffice"}},
		{ID: "4", Type: "workingLocation", Summary: "London office", Start: day, End: day.AddDate(0, 0, 1), AllDay: true, WorkingLocation: &apis.WorkingLocation{Kind: "officeLocation", Label: "London office"}},
		{ID: "5", Type: "outOfOffice", Summary: "Out of office", Start: at, End: at.Add(48 * time.Hour), AutoDeclines: true},
		{ID: "6", Type: "focusTime", Summary: "Focus time", Start: at, End: at.Add(90 * time.Minute), AutoDeclines: true, DoNotDisturb: true},
		{ID: "7", Type: "fromGmail", Summary: "Flight BA 117", Start: at, End: at.Add(8 * time.Hour)},
	}
	page := renderDocs(t, CalendarResults(events))
	items := page.Find("ul.events > li")
	if items.Length() != len(events) {
		t.Fatalf("%d items, want %d", items.Length(), len(events))
	}
	want := map[string][]string{
		"default":           {"Design review"},
		"birthday":          {"Birthday:", "Bob's birthday", "all day"},
		"workingLocation/3": {"Working location:", "Home", "Working from home"},
		"workingLocation/4": {"Working location:", "London office", "Working from the office London office"},
		"outOfOffice":       {"Out of office", "declines clashing invitations"},
		"focusTime":         {"Focus time", "declines clashing invitations", "do not disturb"},
		"fromGmail":         {"From Gmail:", "Flight BA 117", "added from an email in Gmail"},
	}
	items.Each(func(i int, li *goquery.Selection) {
		typ := li.AttrOr("data-event-type", "")
		key := typ
		if typ == "workingLocation" {
			key += "/" + events[i].ID
		}
		text := strings.Join(strings.Fields(li.Text()), " ")
		for _, w := range want[key] {
			if !strings.Contains(text, w) {
				t.Errorf("%s item %q lacks %q", key, text, w)
			}
		}
		if typ == "default" && (li.Find(".event-kind").Length() != 0 || li.Find(".event-note").Length() != 0) {
			t.Errorf("a plain event is labelled: %q", text)
		}
		if typ == "focusTime" && strings.Contains(text, "Focus time: Focus time") {
			t.Errorf("the kind repeats the title: %q", text)
		}
	})
}
