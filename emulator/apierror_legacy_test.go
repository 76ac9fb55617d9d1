package emulator

import (
	"encoding/json"
	"testing"
)

// Calendar's errors[] entries for the bearer check's failures are Google's
// own, not copies of the top-level message: "Login Required." / required,
// "Invalid Credentials" / authError (both located at the Authorization
// header), "Insufficient Permission" / insufficientPermissions.
func TestCalendarLegacyAuthErrors(t *testing.T) {
	s := newDataEmu(t)
	type item struct{ Message, Domain, Reason, Location, LocationType string }
	cases := []struct {
		name, token string
		code        int
		want        item
	}{
		{"no token", "", 401, item{"Login Required.", "global", "required", "Authorization", "header"}},
		{"bad token", "ya29.nonsense", 401, item{"Invalid Credentials", "global", "authError", "Authorization", "header"}},
		{"wrong scope", dataToken(s, aliceEmail, tscope.Docs), 403, item{"Insufficient Permission", "global", "insufficientPermissions", "", ""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := dataGet(s, "/calendar/v3/calendars/primary/events", c.token)
			if rec.Code != c.code {
				t.Fatalf("status %d, want %d", rec.Code, c.code)
			}
			var body struct{ Error struct{ Errors []item } }
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			if len(body.Error.Errors) != 1 || body.Error.Errors[0] != c.want {
				t.Errorf("errors[] = %+v, want [%+v]", body.Error.Errors, c.want)
			}
		})
	}
	// Docs has no errors[] at all.
	rec := dataGet(s, "/v1/documents/x", "")
	var body struct{ Error map[string]any }
	json.Unmarshal(rec.Body.Bytes(), &body)
	if _, ok := body.Error["errors"]; ok {
		t.Errorf("Docs 401 has errors[]: %s", rec.Body)
	}
}

// ErrorInfo names the method, as in Google's real 403:
// metadata {"method":"calendar.v3.Events.List","service":"calendar-json.googleapis.com"}.
func TestCalendarErrorInfoMethod(t *testing.T) {
	s := newDataEmu(t)
	rec := dataGet(s, "/calendar/v3/calendars/primary/events", dataToken(s, aliceEmail, tscope.Docs))
	var body struct {
		Error struct {
			Details []struct {
				Reason   string
				Metadata map[string]string
			}
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || len(body.Error.Details) != 1 {
		t.Fatalf("%v: %s", err, rec.Body)
	}
	md := body.Error.Details[0].Metadata
	if md["method"] != "calendar.v3.Events.List" || md["service"] != "calendar-json.googleapis.com" || len(md) != 2 {
		t.Errorf("metadata = %v", md)
	}
}
