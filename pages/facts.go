package pages

// ConsentFact is one of the six facts of granular consent the home page
// states (docs/consent.md says them at length), with the lab preset that
// shows it and what to do there.
type ConsentFact struct {
	Title string
	Text  string
	Lab   string // a /lab URL whose query the lab's form reads (labpreset.go)
	Try   string // what to do in the lab to see it
}

// consentFacts are the six facts, in the order docs/consent.md gives them.
var consentFacts = []ConsentFact{
	{
		Title: "A token client asks for scopes, not for “access”.",
		Text:  "initTokenClient({scope}) sets what a request asks for; requestAccessToken({scope}) may ask for another scope later, inside a click.",
		Lab:   "/lab?scope=calendar.readonly",
		Try:   "Request Calendar alone: the token carries that one scope.",
	},
	{
		Title: "include_granted_scopes makes the token grow.",
		Text:  "With it (the default) a new token carries every scope granted so far; without it, only what this request got.",
		Lab:   "/lab?scope=documents.readonly&include_granted_scopes=false",
		Try:   "Grant Calendar first, then request Docs with include_granted_scopes off: the new token lacks Calendar.",
	},
	{
		Title: "Two scopes at once means checkboxes, so check what you got.",
		Text:  "The user may tick some scopes and not others, and the answer is still a success: hasGrantedAllScopes(response, scope) says what was granted.",
		Lab:   "/lab?scope=documents.readonly&scope=calendar.readonly&prompt=consent",
		Try:   "Untick one of the two on the consent screen: hasGrantedAllScopes answers false.",
	},
	{
		Title: "access_denied, popup_closed and popup_failed_to_open are three different answers.",
		Text:  "Cancel reaches callback as {error: 'access_denied'}; a closed window reaches only error_callback as popup_closed; a blocked one as popup_failed_to_open.",
		Lab:   "/lab?scope=calendar.readonly&prompt=consent",
		Try:   "Press Cancel, then try again and close the window instead: the timeline shows the two answers.",
	},
	{
		Title: "The server checks the token itself: the confused deputy.",
		Text:  "tokeninfo's audience must be this site's client ID: a valid token issued to another app must be refused, or the site acts for an app the user never chose. It must also be unexpired and carry the scope.",
		Lab:   "/lab?scope=calendar.readonly&scope=email",
		Try:   "Grant it: the server's verdict shows the audience, the scopes and the expiry it checked.",
	},
	{
		Title: "Revoke ends the whole grant.",
		Text:  "google.accounts.oauth2.revoke(token) removes every scope the user gave this site and kills every token issued under the grant.",
		Lab:   "/lab?scope=documents.readonly&scope=calendar.readonly",
		Try:   "Grant both, press Revoke access: both scopes are gone, and the next request asks again.",
	},
}
