package contract

import (
	"github.com/scopewise/scopewise/emulator"
	"strings"
	"testing"
	"time"

	calendar "google.golang.org/api/calendar/v3"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
)

// Reference: https://developers.google.com/calendar/api/v3/reference/events/list
// The generated client's base path is https://www.googleapis.com/calendar/v3/.

func calendarService(t *testing.T, opts ...option.ClientOption) *calendar.Service {
	t.Helper()
	svc, err := calendar.NewService(ctx(t), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func calendarAs(t *testing.T, account string, scopes ...string) *calendar.Service {
	return calendarService(t, withToken(emu+"/calendar/v3/", mint(t, account, scopes...))...)
}

func TestCalendarEventsList(t *testing.T) {
	svc := calendarAs(t, alice, scopeCalendarRO)
	got, err := svc.Events.List("primary").Context(ctx(t)).Do()
	if err != nil {
		t.Fatal(err)
	}
	// Events resource: kind is "calendar#events"; accessRole one of
	// none/freeBusyReader/reader/writer/owner (reference, "Response").
	want(t, "kind", got.Kind, "calendar#events")
	want(t, "summary", got.Summary, alice)
	want(t, "accessRole", got.AccessRole, "owner")
	if len(got.Items) == 0 {
		t.Fatal("no items in alice's primary calendar")
	}
	for _, e := range got.Items {
		// Event resource: kind "calendar#event", an id, start and end.
		if e.Kind != "calendar#event" || e.Id == "" || e.Start == nil || e.End == nil {
			t.Errorf("event %+v lacks kind/id/start/end", e)
		}
	}
	// The calendar ID may also be the account's email ("calendarId ...
	// If you want to access the primary calendar of the currently logged in
	// user, use the 'primary' keyword"; an email names the same calendar).
	byEmail, err := svc.Events.List(alice).Context(ctx(t)).Do()
	if err != nil {
		t.Fatal(err)
	}
	want(t, "items by email", len(byEmail.Items), len(got.Items))
}

func TestCalendarEventsPaging(t *testing.T) {
	svc := calendarAs(t, alice, scopeCalendarRO)
	all, err := svc.Events.List("primary").MaxResults(2500).Context(ctx(t)).Do()
	if err != nil {
		t.Fatal(err)
	}
	// "maxResults: Maximum number of events returned on one result page ...
	// nextPageToken: Token used to access the next page of this result."
	// Pages follows nextPageToken until it is absent.
	var pages, n int
	seen := map[string]bool{}
	err = svc.Events.List("primary").MaxResults(5).Pages(ctx(t), func(p *calendar.Events) error {
		pages++
		if len(p.Items) > 5 {
			t.Errorf("page of %d items with maxResults=5", len(p.Items))
		}
		for _, e := range p.Items {
			if seen[e.Id] {
				t.Errorf("event %s on two pages", e.Id)
			}
			seen[e.Id] = true
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want(t, "events over all pages", n, len(all.Items))
	if pages < 2 {
		t.Errorf("%d pages of 5 for %d events", pages, n)
	}
	// "Invalid page token value." for a token Google never issued: 400.
	_, err = svc.Events.List("primary").PageToken("not-a-token").Context(ctx(t)).Do()
	apiErr(t, err, 400)
}

func TestCalendarErrorsWithoutCredentials(t *testing.T) {
	svc := calendarService(t, anonymous(emu+"/calendar/v3/")...)
	_, err := svc.Events.List("primary").Context(ctx(t)).Do()
	e := parseEnvelope(t, apiErr(t, err, 401))
	// Real payload, https://github.com/spatie/laravel-google-calendar/issues/184:
	// {"code":401,"message":"Request is missing required authentication credential. …",
	//  "errors":[{"message":"Login Required.","domain":"global","reason":"required",
	//  "location":"Authorization","locationType":"header"}],"status":"UNAUTHENTICATED"}
	it := wantUnauthenticated(t, e, "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.", "Login Required.", "required")
	want(t, "errors[0].domain", it.Domain, "global")
}

// wantUnauthenticated checks a 401 envelope: UNAUTHENTICATED with message,
// and one errors[] item with itemMessage and reason, located in the
// Authorization header. It returns the item.
func wantUnauthenticated(t *testing.T, e envelope, message, itemMessage, reason string) errorItem {
	t.Helper()
	want(t, "status", e.Error.Status, "UNAUTHENTICATED")
	want(t, "message", e.Error.Message, message)
	if len(e.Error.Errors) != 1 {
		t.Fatalf("errors[] = %+v, want one item", e.Error.Errors)
	}
	it := e.Error.Errors[0]
	want(t, "errors[0].message", it.Message, itemMessage)
	want(t, "errors[0].reason", it.Reason, reason)
	want(t, "errors[0].location", it.Location, "Authorization")
	want(t, "errors[0].locationType", it.LocationType, "header")
	return it
}

func TestCalendarErrorsBadToken(t *testing.T) {
	revoked := mint(t, alice, scopeCalendarRO)
	revoke(t, revoked)
	for name, tok := range map[string]string{"unknown": "ya29.not-a-token", "revoked": revoked} {
		t.Run(name, func(t *testing.T) {
			svc := calendarService(t, withToken(emu+"/calendar/v3/", tok)...)
			_, err := svc.Events.List("primary").Context(ctx(t)).Do()
			ge := apiErr(t, err, 401)
			e := parseEnvelope(t, ge)
			// Real payloads: https://github.com/rubenCodeforges/ng-gapi/issues/79
			// (errors[] {"domain":"global","reason":"authError","message":"Invalid
			// Credentials","locationType":"header","location":"Authorization"}) and
			// https://github.com/Atrejoe/Inky-Calendar-Server/issues/77 (message
			// "Request had invalid authentication credentials. …", same item).
			wantUnauthenticated(t, e, "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.", "Invalid Credentials", "authError")
			// ng-gapi#79's headers: www-authenticate: Bearer realm="https://accounts.google.com/", error=invalid_token
			if h := ge.Header.Get("WWW-Authenticate"); h == "" {
				t.Error("no WWW-Authenticate header")
			}
		})
	}
}

func TestCalendarErrorsMissingScope(t *testing.T) {
	svc := calendarAs(t, alice, scopeDocsRO)
	_, err := svc.Events.List("primary").Context(ctx(t)).Do()
	e := parseEnvelope(t, apiErr(t, err, 403))
	// Real payload, https://github.com/GeneralTask/task-manager/pull/2160:
	// "googleapi: Error 403: Request had insufficient authentication scopes."
	// details ErrorInfo {"domain":"googleapis.com","metadata":{"method":
	// "calendar.v3.Events.List","service":"calendar-json.googleapis.com"},
	// "reason":"ACCESS_TOKEN_SCOPE_INSUFFICIENT"}; "Reason: insufficientPermissions,
	// Message: Insufficient Permission".
	want(t, "message", e.Error.Message, "Request had insufficient authentication scopes.")
	want(t, "status", e.Error.Status, "PERMISSION_DENIED")
	reason, md := e.errorInfo(t)
	want(t, "ErrorInfo.reason", reason, "ACCESS_TOKEN_SCOPE_INSUFFICIENT")
	want(t, "ErrorInfo.metadata.service", md["service"], "calendar-json.googleapis.com")
	want(t, "ErrorInfo.metadata.method", md["method"], "calendar.v3.Events.List")
	if len(e.Error.Errors) != 1 {
		t.Fatalf("errors[] = %+v, want one item", e.Error.Errors)
	}
	want(t, "errors[0].reason", e.Error.Errors[0].Reason, "insufficientPermissions")
	want(t, "errors[0].message", e.Error.Errors[0].Message, "Insufficient Permission")
}

func TestCalendarErrorsNotFound(t *testing.T) {
	svc := calendarAs(t, alice, scopeCalendarRO)
	_, err := svc.Events.List("nobody@example.com").Context(ctx(t)).Do()
	ge := apiErr(t, err, 404)
	// https://developers.google.com/calendar/api/guides/errors#404_not_found:
	// {"errors":[{"domain":"global","reason":"notFound","message":"Not Found"}],
	//  "code":404,"message":"Not Found"}
	want(t, "message", ge.Message, "Not Found")
	if len(ge.Errors) != 1 || ge.Errors[0].Reason != "notFound" {
		t.Errorf("errors[] = %+v, want reason notFound", ge.Errors)
	}
}

func TestCalendarErrorsBadRequest(t *testing.T) {
	svc := calendarAs(t, alice, scopeCalendarRO)
	// Reference, orderBy "startTime": "This is only available when querying
	// single events (i.e. the parameter singleEvents is True)"; the errors guide
	// (https://developers.google.com/calendar/api/guides/errors#400_bad_request)
	// gives 400 with reason "invalid" for an invalid parameter.
	_, err := svc.Events.List("primary").OrderBy("startTime").Context(ctx(t)).Do()
	ge := apiErr(t, err, 400)
	if len(ge.Errors) != 1 || ge.Errors[0].Reason != "invalid" {
		t.Errorf("errors[] = %+v, want reason invalid", ge.Errors)
	}
	// With singleEvents it is fine.
	if _, err := svc.Events.List("primary").SingleEvents(true).OrderBy("startTime").Context(ctx(t)).Do(); err != nil {
		t.Error(err)
	}
}

// Partial responses: https://developers.google.com/calendar/api/guides/performance#partial-response
// "fields=items(id,summary)" returns only those; the syntax takes "," for
// several fields, "a/b" for a field inside a field, "a(b,c)" for sub-fields,
// and "*" as a wildcard.
func TestCalendarPartialResponse(t *testing.T) {
	svc := calendarAs(t, alice, scopeCalendarRO)
	got, err := svc.Events.List("primary").Fields("items(id,summary,start/dateTime)").Context(ctx(t)).Do()
	if err != nil {
		t.Fatal(err)
	}
	if got.Kind != "" || got.Etag != "" || got.AccessRole != "" {
		t.Errorf("fields outside the mask came back: kind=%q etag=%q accessRole=%q", got.Kind, got.Etag, got.AccessRole)
	}
	for _, e := range got.Items {
		if e.Kind != "" || e.HtmlLink != "" || e.Creator != nil || e.End != nil {
			t.Fatalf("event fields outside the mask came back: %+v", e)
		}
		if e.Id == "" {
			t.Fatal("an event lost its id")
		}
		if e.Start != nil && (e.Start.TimeZone != "" || e.Start.Date != "") {
			t.Fatalf("start/dateTime kept start's other fields: %+v", e.Start)
		}
	}
	// A mask without nextPageToken: the response has none, so paging stops
	// after the first page, as on Google.
	var pages int
	err = svc.Events.List("primary").MaxResults(5).Fields("items(id)").Pages(ctx(t), func(*calendar.Events) error {
		pages++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want(t, "pages without nextPageToken in the mask", pages, 1)
	pages = 0
	err = svc.Events.List("primary").MaxResults(5).Fields("nextPageToken", "items(id)").Pages(ctx(t), func(*calendar.Events) error {
		pages++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pages < 2 {
		t.Errorf("with nextPageToken in the mask: %d pages", pages)
	}
	// "*" keeps every field of the items.
	star, err := svc.Events.List("primary").Fields("items/*").MaxResults(1).Context(ctx(t)).Do()
	if err != nil {
		t.Fatal(err)
	}
	if len(star.Items) != 1 || star.Items[0].Kind != "calendar#event" || star.Items[0].Start == nil || star.Kind != "" {
		t.Errorf("items/*: %+v", star)
	}
}

// A malformed or unknown mask is refused with 400, e.g.
// https://github.com/google/google-api-javascript-client/issues/517: 400
// "Error expanding 'fields' parameter. Cannot find matching fields for path 'kind'."
func TestCalendarPartialResponseBadMask(t *testing.T) {
	svc := calendarAs(t, alice, scopeCalendarRO)
	for _, mask := range []googleapi.Field{"items(id", "items)", "nosuchfield", "items(nosuchfield)", "items//id"} {
		_, err := svc.Events.List("primary").Fields(mask).Context(ctx(t)).Do()
		apiErr(t, err, 400)
	}
}

// Parameters of events.list and their errors (reference, "Optional query
// parameters"; errors guide https://developers.google.com/calendar/api/guides/errors#400_bad_request).
func TestCalendarParameters(t *testing.T) {
	svc := calendarAs(t, alice, scopeCalendarRO)
	list := func() *calendar.EventsListCall { return svc.Events.List("primary") }
	bad := []struct {
		name   string
		call   *calendar.EventsListCall
		reason string
	}{
		// "timeMin: Must be an RFC3339 timestamp with mandatory time zone offset".
		{"timeMin without offset", list().TimeMin("2026-01-01T10:00:00"), "badRequest"},
		// timeMax must be greater than timeMin [inf: reason timeRangeEmpty].
		{"empty range", list().TimeMin("2026-01-02T00:00:00Z").TimeMax("2026-01-01T00:00:00Z"), "timeRangeEmpty"},
		// maxResults: discovery document minimum 1 [inf: wording].
		{"maxResults 0", list().MaxResults(0), "invalid"},
		{"orderBy unknown", list().OrderBy("summary"), "invalid"},
		{"timeZone unknown", list().TimeZone("Mars/Olympus_Mons"), "invalid"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.call.Context(ctx(t)).Do()
			ge := apiErr(t, err, 400)
			if len(ge.Errors) != 1 || ge.Errors[0].Reason != c.reason {
				t.Errorf("errors[] = %+v, want reason %s", ge.Errors, c.reason)
			}
		})
	}
	// A page token only works with the query that made it.
	first, err := list().MaxResults(3).Context(ctx(t)).Do()
	if err != nil || first.NextPageToken == "" {
		t.Fatalf("first page: %v", err)
	}
	_, err = list().MaxResults(3).Q("book").PageToken(first.NextPageToken).Context(ctx(t)).Do()
	apiErr(t, err, 400)

	// singleEvents: a recurring series once (with recurrence) or as instances
	// (with recurringEventId); orderBy startTime then sorts by start.
	series, err := list().MaxResults(2500).Context(ctx(t)).Do()
	if err != nil {
		t.Fatal(err)
	}
	var recurring int
	for _, e := range series.Items {
		if len(e.Recurrence) > 0 {
			recurring++
		}
	}
	inst, err := list().SingleEvents(true).OrderBy("startTime").MaxResults(2500).Context(ctx(t)).Do()
	if err != nil {
		t.Fatal(err)
	}
	var instances int
	for _, e := range inst.Items {
		if len(e.Recurrence) > 0 {
			t.Errorf("singleEvents listed the series %s", e.Id)
		}
		if e.RecurringEventId != "" {
			instances++
		}
	}
	if recurring == 0 || instances <= recurring {
		t.Errorf("%d series, %d instances", recurring, instances)
	}
	// showDeleted lists cancelled events with status "cancelled".
	del, err := list().ShowDeleted(true).MaxResults(2500).Context(ctx(t)).Do()
	if err != nil {
		t.Fatal(err)
	}
	cancelled := 0
	for _, e := range del.Items {
		if e.Status == "cancelled" {
			cancelled++
		}
	}
	if cancelled == 0 || len(del.Items) != len(series.Items)+cancelled {
		t.Errorf("showDeleted: %d items, %d cancelled, %d without", len(del.Items), cancelled, len(series.Items))
	}
	// q: free text search in summary, description, location.
	found, err := list().Q("BOOK CLUB").Context(ctx(t)).Do()
	if err != nil {
		t.Fatal(err)
	}
	if len(found.Items) == 0 || len(found.Items) >= len(series.Items) {
		t.Errorf("q=BOOK CLUB: %d of %d", len(found.Items), len(series.Items))
	}
	// timeZone: "Time zone used in the response"; the calendar's zone otherwise.
	ny, err := list().TimeZone("America/New_York").SingleEvents(true).MaxResults(5).Context(ctx(t)).Do()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ny.Items {
		if e.Start.DateTime != "" && !strings.HasSuffix(e.Start.DateTime, "-05:00") && !strings.HasSuffix(e.Start.DateTime, "-04:00") {
			t.Errorf("timeZone=America/New_York: start %s", e.Start.DateTime)
		}
	}
}

// An expired token is refused as a bad one ("Invalid Credentials").
func TestCalendarExpiredToken(t *testing.T) {
	tok, err := control().MintToken(ctx(t), emulator.TokenRequest{ClientID: clientID, Account: alice, Scopes: []string{scopeCalendarRO}, TTL: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	// The emulator's clock, not a sleep: the token is 2 s past its expiry.
	if _, err := control().AdvanceClock(ctx(t), 2*time.Second); err != nil {
		t.Fatal(err)
	}
	out := struct{ AccessToken string }{tok.AccessToken}
	svc := calendarService(t, withToken(emu+"/calendar/v3/", out.AccessToken)...)
	_, err = svc.Events.List("primary").Context(ctx(t)).Do()
	ge := apiErr(t, err, 401)
	if len(ge.Errors) != 1 || ge.Errors[0].Reason != "authError" {
		t.Errorf("errors[] = %+v", ge.Errors)
	}
}

// Reference: https://developers.google.com/calendar/api/v3/reference/events/list
// — eventTypes: "Event types to return. Optional. This parameter can be
// repeated multiple times ... If unset, returns all event types."
func TestCalendarEventTypes(t *testing.T) {
	svc := calendarAs(t, alice, scopeCalendarRO)
	all, err := svc.Events.List("primary").SingleEvents(true).MaxResults(2500).Context(ctx(t)).Do()
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]int{}
	for _, e := range all.Items {
		types[e.EventType]++
		switch e.EventType {
		case "birthday":
			if e.BirthdayProperties == nil || e.BirthdayProperties.Type != "birthday" {
				t.Errorf("birthday %q without birthdayProperties", e.Summary)
			}
		case "workingLocation":
			if e.WorkingLocationProperties == nil || e.WorkingLocationProperties.Type == "" {
				t.Errorf("working location %q without workingLocationProperties", e.Summary)
			}
		case "outOfOffice":
			if e.OutOfOfficeProperties == nil {
				t.Errorf("out of office %q without outOfOfficeProperties", e.Summary)
			}
		case "focusTime":
			if e.FocusTimeProperties == nil {
				t.Errorf("focus time %q without focusTimeProperties", e.Summary)
			}
		}
	}
	for _, typ := range []string{"default", "birthday", "focusTime", "outOfOffice", "workingLocation", "fromGmail"} {
		if types[typ] == 0 {
			t.Errorf("no %s event listed without eventTypes (types %v)", typ, types)
		}
	}
	some, err := svc.Events.List("primary").SingleEvents(true).EventTypes("workingLocation", "outOfOffice").Context(ctx(t)).Do()
	if err != nil {
		t.Fatal(err)
	}
	if len(some.Items) != types["workingLocation"]+types["outOfOffice"] {
		t.Errorf("eventTypes=workingLocation,outOfOffice listed %d, want %d", len(some.Items), types["workingLocation"]+types["outOfOffice"])
	}
	for _, e := range some.Items {
		if e.EventType != "workingLocation" && e.EventType != "outOfOffice" {
			t.Errorf("the filter let through a %s event", e.EventType)
		}
	}
	_, err = svc.Events.List("primary").EventTypes("meeting").Context(ctx(t)).Do()
	apiErr(t, err, 400)
}
