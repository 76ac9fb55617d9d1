package gapi

import (
	"maps"
	"slices"
)

// The discovery documents: Google's Discovery Service format
// (kind discovery#restDescription), describing exactly the methods the
// emulator serves and the parameters it reads, so that gapi.client (Google's
// or the emulator's) generates methods with Google's names:
// gapi.client.calendar.events.list, gapi.client.docs.documents.get.
// rootUrl is the emulator's public origin, so the generated methods call it.

// RestDescription is a discovery document, trimmed to what a client library
// reads to generate methods. Schemas are left out: the emulator's answers
// are Google's shapes, but their schemas are not described here.
type RestDescription struct {
	Kind              string               `json:"kind"`
	DiscoveryVersion  string               `json:"discoveryVersion"`
	ID                string               `json:"id"`
	Name              string               `json:"name"`
	Version           string               `json:"version"`
	Revision          string               `json:"revision"`
	Title             string               `json:"title"`
	Description       string               `json:"description"`
	DocumentationLink string               `json:"documentationLink"`
	Protocol          string               `json:"protocol"`
	RootURL           string               `json:"rootUrl"`
	ServicePath       string               `json:"servicePath"`
	BaseURL           string               `json:"baseUrl"`
	BasePath          string               `json:"basePath"`
	BatchPath         string               `json:"batchPath"`
	Parameters        map[string]Parameter `json:"parameters"`
	Auth              Auth                 `json:"auth"`
	Resources         map[string]Resource  `json:"resources"`
}

// Parameter is a method's or the API's parameter.
type Parameter struct {
	Type             string   `json:"type"`
	Description      string   `json:"description,omitempty"`
	Location         string   `json:"location"`
	Required         bool     `json:"required,omitempty"`
	Format           string   `json:"format,omitempty"`
	Minimum          string   `json:"minimum,omitempty"`
	Default          string   `json:"default,omitempty"`
	Enum             []string `json:"enum,omitempty"`
	EnumDescriptions []string `json:"enumDescriptions,omitempty"`
}

type Auth struct {
	OAuth2 struct {
		Scopes map[string]ScopeInfo `json:"scopes"`
	} `json:"oauth2"`
}

type ScopeInfo struct {
	Description string `json:"description"`
}

type Resource struct {
	Methods map[string]Method `json:"methods"`
}

// Method is one REST method. Path is relative to rootUrl + servicePath.
type Method struct {
	ID             string               `json:"id"`
	Path           string               `json:"path"`
	FlatPath       string               `json:"flatPath,omitempty"`
	HTTPMethod     string               `json:"httpMethod"`
	Description    string               `json:"description"`
	Parameters     map[string]Parameter `json:"parameters"`
	ParameterOrder []string             `json:"parameterOrder"`
	Scopes         []string             `json:"scopes"`
}

// standardParameters are the query parameters every Google API takes
// (Discovery documents list them under "parameters"). The emulator reads key
// and fields; the others are accepted and ignored.
func standardParameters(legacy bool) map[string]Parameter {
	p := map[string]Parameter{
		"key":          {Type: "string", Location: "query", Description: "API key. Your API key identifies your project and provides you with API access, quota, and reports. Required unless you provide an OAuth 2.0 token."},
		"access_token": {Type: "string", Location: "query", Description: "OAuth access token."},
		"alt":          {Type: "string", Location: "query", Default: "json", Enum: []string{"json"}, EnumDescriptions: []string{"Responses with Content-Type of application/json"}, Description: "Data format for the response."},
		"fields":       {Type: "string", Location: "query", Description: "Selector specifying which fields to include in a partial response."},
		"oauth_token":  {Type: "string", Location: "query", Description: "OAuth 2.0 token for the current user."},
		"prettyPrint":  {Type: "boolean", Location: "query", Default: "true", Description: "Returns response with indentations and line breaks."},
		"quotaUser":    {Type: "string", Location: "query", Description: "Available to use for quota purposes for server-side applications. Can be any arbitrary string assigned to a user, but should not exceed 40 characters."},
	}
	if legacy {
		p["userIp"] = Parameter{Type: "string", Location: "query", Description: "Deprecated. Please use quotaUser instead."}
	} else {
		p["$.xgafv"] = Parameter{Type: "string", Location: "query", Enum: []string{"1", "2"}, EnumDescriptions: []string{"v1 error format", "v2 error format"}, Description: "V1 error format."}
		p["callback"] = Parameter{Type: "string", Location: "query", Description: "JSONP"}
		p["uploadType"] = Parameter{Type: "string", Location: "query", Description: "Legacy upload protocol for media (e.g. \"media\", \"multipart\")."}
		p["upload_protocol"] = Parameter{Type: "string", Location: "query", Description: "Upload protocol for media (e.g. \"raw\", \"multipart\")."}
	}
	return p
}

func scopes(names map[string]string) Auth {
	var a Auth
	a.OAuth2.Scopes = map[string]ScopeInfo{}
	for s, d := range names {
		a.OAuth2.Scopes[s] = ScopeInfo{Description: d}
	}
	return a
}

// service is what one discovery document says that another does not: the
// API's names and where it is served, its scopes and the one method the
// emulator serves. describe builds the rest, which every document shares.
type service struct {
	name, version, title, description, documentationLink string
	servicePath, basePath, batchPath                     string
	legacyParameters                                     bool
	// scopes are the API's OAuth scopes and their descriptions; the method
	// accepts every one of them.
	scopes         map[string]string
	resource, verb string
	method         Method
}

func (s service) describe(root string) RestDescription {
	m := s.method
	m.Scopes = slices.Sorted(maps.Keys(s.scopes))
	return RestDescription{
		Kind: "discovery#restDescription", DiscoveryVersion: "v1",
		ID: s.name + ":" + s.version, Name: s.name, Version: s.version, Revision: "20250101",
		Title:             s.title,
		Description:       s.description,
		DocumentationLink: s.documentationLink,
		Protocol:          "rest",
		RootURL:           root + "/", ServicePath: s.servicePath,
		BaseURL: root + "/" + s.servicePath, BasePath: s.basePath, BatchPath: s.batchPath,
		Parameters: standardParameters(s.legacyParameters),
		Auth:       scopes(s.scopes),
		Resources:  map[string]Resource{s.resource: {Methods: map[string]Method{s.verb: m}}},
	}
}

// Calendar is the Calendar API v3's discovery document, with the one method
// the emulator serves: events.list.
func Calendar(root string) RestDescription {
	return service{
		name: "calendar", version: "v3",
		title:             "Calendar API",
		description:       "Manipulates events and other calendar data.",
		documentationLink: "https://developers.google.com/google-apps/calendar/firstapp",
		servicePath:       "calendar/v3/", basePath: "/calendar/v3/", batchPath: "batch/calendar/v3",
		legacyParameters: true,
		scopes: map[string]string{
			"https://www.googleapis.com/auth/calendar":                 "See, edit, share, and permanently delete all the calendars you can access using Google Calendar",
			"https://www.googleapis.com/auth/calendar.events":          "View and edit events on all your calendars",
			"https://www.googleapis.com/auth/calendar.events.readonly": "View events on all your calendars",
			"https://www.googleapis.com/auth/calendar.readonly":        "See and download any calendar you can access using your Google Calendar",
		},
		resource: "events", verb: "list",
		method: Method{
			ID: "calendar.events.list", Path: "calendars/{calendarId}/events", HTTPMethod: "GET",
			Description: "Returns events on the specified calendar.",
			Parameters: map[string]Parameter{
				"calendarId":   {Type: "string", Location: "path", Required: true, Description: "Calendar identifier. To access the primary calendar of the currently logged in user, use the \"primary\" keyword."},
				"maxResults":   {Type: "integer", Location: "query", Format: "int32", Minimum: "1", Default: "250", Description: "Maximum number of events returned on one result page."},
				"orderBy":      {Type: "string", Location: "query", Enum: []string{"startTime", "updated"}, EnumDescriptions: []string{"Order by the start date/time (ascending). This is only available when querying single events (i.e. the parameter singleEvents is True)", "Order by last modification time (ascending)."}, Description: "The order of the events returned in the result. Optional. The default is an unspecified, stable order."},
				"pageToken":    {Type: "string", Location: "query", Description: "Token specifying which result page to return. Optional."},
				"q":            {Type: "string", Location: "query", Description: "Free text search terms to find events that match these terms."},
				"showDeleted":  {Type: "boolean", Location: "query", Description: "Whether to include deleted events (with status equals \"cancelled\") in the result. Optional. The default is False."},
				"singleEvents": {Type: "boolean", Location: "query", Description: "Whether to expand recurring events into instances and only return single one-off events and instances of recurring events, but not the underlying recurring events themselves. Optional. The default is False."},
				"timeMax":      {Type: "string", Location: "query", Format: "date-time", Description: "Upper bound (exclusive) for an event's start time to filter by. Optional. The default is not to filter by start time. Must be an RFC3339 timestamp with mandatory time zone offset."},
				"timeMin":      {Type: "string", Location: "query", Format: "date-time", Description: "Lower bound (exclusive) for an event's end time to filter by. Optional. The default is not to filter by end time. Must be an RFC3339 timestamp with mandatory time zone offset."},
				"timeZone":     {Type: "string", Location: "query", Description: "Time zone used in the response. Optional. The default is the time zone of the calendar."},
			},
			ParameterOrder: []string{"calendarId"},
		},
	}.describe(root)
}

// Docs is the Google Docs API v1's discovery document, with the one method
// the emulator serves: documents.get.
func Docs(root string) RestDescription {
	return service{
		name: "docs", version: "v1",
		title:             "Google Docs API",
		description:       "Reads and writes Google Docs documents.",
		documentationLink: "https://developers.google.com/docs/",
		servicePath:       "", basePath: "", batchPath: "batch",
		scopes: map[string]string{
			"https://www.googleapis.com/auth/documents":          "See, edit, create, and delete all your Google Docs documents",
			"https://www.googleapis.com/auth/documents.readonly": "See all your Google Docs documents",
			"https://www.googleapis.com/auth/drive":              "See, edit, create, and delete all of your Google Drive files",
			"https://www.googleapis.com/auth/drive.file":         "See, edit, create, and delete only the specific Google Drive files you use with this app",
			"https://www.googleapis.com/auth/drive.readonly":     "See and download all your Google Drive files",
		},
		resource: "documents", verb: "get",
		method: Method{
			ID: "docs.documents.get", Path: "v1/documents/{documentId}", FlatPath: "v1/documents/{documentId}", HTTPMethod: "GET",
			Description: "Gets the latest version of the specified document.",
			Parameters: map[string]Parameter{
				"documentId":          {Type: "string", Location: "path", Required: true, Description: "The ID of the document to retrieve."},
				"includeTabsContent":  {Type: "boolean", Location: "query", Description: "Whether to populate the Document.tabs field instead of the text content fields like body and documentStyle on Document."},
				"suggestionsViewMode": {Type: "string", Location: "query", Enum: []string{"DEFAULT_FOR_CURRENT_ACCESS", "SUGGESTIONS_INLINE", "PREVIEW_SUGGESTIONS_ACCEPTED", "PREVIEW_WITHOUT_SUGGESTIONS"}, EnumDescriptions: []string{"The SuggestionsViewMode applied to the returned document depends on the user's current access level.", "The returned document has suggestions inline.", "The returned document is a preview with all suggested changes accepted.", "The returned document is a preview with all suggested changes rejected if there are any suggestions in the document."}, Description: "The suggestions view mode to apply to the document."},
			},
			ParameterOrder: []string{"documentId"},
		},
	}.describe(root)
}
