package pages

import (
	"github.com/scopewise/scopewise/internal/apis"
)

// eventWhen says when an event happens, in the event's own time zone.
func eventWhen(e apis.Event) string {
	if e.AllDay {
		last := e.End.AddDate(0, 0, -1) // all-day ends are exclusive
		if !last.After(e.Start) {
			return e.Start.Format("Mon 2 Jan") + ", all day"
		}
		return e.Start.Format("Mon 2 Jan") + " – " + last.Format("Mon 2 Jan") + ", all day"
	}
	if e.End.Format("2006-01-02") == e.Start.Format("2006-01-02") {
		return e.Start.Format("Mon 2 Jan, 15:04") + "–" + e.End.Format("15:04 MST")
	}
	return e.Start.Format("Mon 2 Jan, 15:04") + " – " + e.End.Format("Mon 2 Jan, 15:04 MST")
}
