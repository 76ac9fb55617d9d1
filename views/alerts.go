package views

import (
	"encoding/json"
	"strings"
)

// Every alert text the site shows is in this file: the server's (Problem
// fills them in) and the page scripts' (scriptAlerts, built into each module).

// AlertText is an alert's title and detail. A {name} part is filled in where
// the alert is shown: by Problem on the server, by alertText in
// token-client.js.
type AlertText struct {
	Title  string
	Detail string
}

// MarshalJSON writes the text as [title, detail]: the page carries the
// texts, not field names.
func (t AlertText) MarshalJSON() ([]byte, error) {
	return json.Marshal([2]string{t.Title, t.Detail})
}

// Problem is the alert with its retry button (none when empty) and each
// {name} part filled in; vars are name, value pairs.
func (t AlertText) Problem(retry string, vars ...string) Problem {
	pairs := make([]string, 0, len(vars))
	for i := 0; i+1 < len(vars); i += 2 {
		pairs = append(pairs, "{"+vars[i]+"}", vars[i+1])
	}
	r := strings.NewReplacer(pairs...)
	return Problem{Title: r.Replace(t.Title), Detail: r.Replace(t.Detail), Retry: retry}
}

// The alerts the server renders: in the postbacks' fragments, the lab's
// verdicts and the error pages.
var (
	// A postback's token ({api}: "Google", "The Calendar API" …).
	AlertNoUsableToken     = AlertText{"No usable access token", "The page sent no access token, or one that is not well formed. A token is accepted only in the Authorization header, never in the address or a form."}
	AlertAccessExpired     = AlertText{"Access expired", "Google no longer accepts this access token: it expired or was revoked. Authorize again to get a fresh one."}
	AlertOtherAppsToken    = AlertText{"Token issued to another app", "This access token was issued to a different client ID. Scopewise accepts only tokens issued to itself, so another app's token cannot be replayed here."}
	AlertPermissionMissing = AlertText{"Permission missing", "The token does not include permission to {permission} ({scope}). Authorize again and leave that permission ticked."}
	// Google's APIs' answers.
	AlertNoAccess       = AlertText{"No access", "{api} says this account may not see that item."}
	AlertNotFound       = AlertText{"Not found", "{api} has no such item."}
	AlertNotReady       = AlertText{"Not ready yet", "{api} says the item is not ready yet."}
	AlertNoAnswerInTime = AlertText{"No answer in time", "{api} did not answer in time. Try again."}
	AlertSlowDown       = AlertText{"Too many requests", "{api} asks us to slow down. {try_again}"}
	AlertAPINotEnabled  = AlertText{"API not enabled", "{api} is not enabled for this site's Google Cloud project, so it refuses every call. Authorizing again will not help: the site's operator must enable the API."}
	AlertUpstreamFailed = AlertText{"Google's side failed", "{api} failed or gave an answer we could not read. Nothing was changed; try again."}
	// Ledger events ({what}: what was wrong with the form).
	AlertBadLedgerEvent = AlertText{"Bad request", "The page sent something this server does not understand: {what}."}
	// The Docs page ({id}: a document ID; {reason}: why the input is not one).
	AlertNotADocument = AlertText{"Not a Google Docs link or ID", "{reason}"}
	AlertNoSuchDoc    = AlertText{"Document not found", "Google Docs has no document with the ID {id}. Check the link or ID and try again."}
	AlertDocNotShared = AlertText{"No access to this document", "The account you signed in with cannot read the document {id}. Ask its owner to share it with you, or sign in with an account that can read it."}
	// The Photos page; the picking session's end is the script's alert too.
	AlertNoPickingSession = AlertText{"Bad request", "The page sent no usable picking session ID."}
	AlertPickingExpired   = AlertText{"Picking session expired", "Google Photos stopped waiting for this picking session (a session lasts about 30 minutes). Start a new one to pick photos."}
	// The Picker API's documented refusals: PERMISSION_DENIED on a session,
	// FAILED_PRECONDITION and RESOURCE_EXHAUSTED on sessions.create.
	AlertPickingAccessExpired = AlertText{"Picking session expired", "Access to this picking session has expired: Google Photos keeps a session and the photos picked in it for about an hour. Start a new one to pick photos."}
	AlertNoPhotosAccount      = AlertText{"No Google Photos account", "The Photos Picker API says this Google account has no active Google Photos account, so there is nothing to pick from. Open photos.google.com with this account to start using Google Photos, or choose another account when you try again."}
	AlertTooManySessions      = AlertText{"Too many picking sessions", "The Photos Picker API refuses to open another picking session: this account has too many open. Close the Google Photos windows you no longer use, or wait for their sessions to expire (about an hour), then try again."}
	AlertNotDonePicking       = AlertText{"Not done picking yet", "Google Photos has no picked photos for this session yet. In the Google Photos window, select photos and press Done: this page shows them as soon as you do."}
	// The consent lab ({max}: the most seconds Expire now takes).
	AlertTokenRefused    = AlertText{"Token refused", "tokeninfo says this token is no longer valid: it expired or its grant was revoked. Request access again for a fresh one."}
	AlertBadExpire       = AlertText{"Bad request", "Expire now needs a number of seconds from 1 to {max}."}
	AlertClockDidNotMove = AlertText{"The emulator's clock did not move", "The emulator did not accept the request to move its clock, so no token expired. Try again."}
	// Any request ({status}: the HTTP status text).
	AlertCrossSite      = AlertText{"Request refused", "This request did not come from this site's own page. Reload the page and try again."}
	AlertPageNotFound   = AlertText{"Page not found", "There is no page at this address."}
	AlertBadMethod      = AlertText{"{status}", "This address does not accept that method."}
	AlertTooLarge       = AlertText{"{status}", "The request was too large."}
	AlertTookTooLong    = AlertText{"Took too long", "The server took too long to answer. Try again."}
	AlertBadHTTPRequest = AlertText{"{status}", "Something about this request was not right."}
	AlertSomethingWrong = AlertText{"Something went wrong", "Something went wrong on our side. Try again in a moment."}
)

// scriptAlerts are the alerts the page scripts show: by the module that
// owns them (assets/js/…), then by the key the scripts name, unique across
// modules. The assets are built with each module's own texts in place of its
// ALERT_TEXTS (ScriptAlerts), so a page carries only its modules' texts,
// compressed and cached with them; alertText in token-client.js looks a key
// up in the texts the page's modules added, and imports answer.js first when
// the key is not there.
var scriptAlerts = map[string]map[string]AlertText{
	// Shown only after a page's first use (a token request's answer, a
	// revoke, a failed load): answer.js carries them, imported with the
	// page's first token request or by the first alert that needs one, so no
	// page carries them before it is used. The outcome of a token request
	// (outcome in token-client.js): the callback's OAuth errors and
	// error_callback's types, by their codes; any page script's alerts.
	"answer.js": {
		"revoke_failed":        {"Revoke failed", "Google answered “{error}”: the grant may already be gone."},
		"no_token":             {"No token on this page", "This page holds no token yet (tokens live in memory only, so a reload forgets them)."},
		"access_denied":        {"Access was not granted", "You cancelled the consent screen, so the page got no token."},
		"popup_closed":         {"The sign-in window was closed", "The window was closed before you answered, so nothing was granted."},
		"popup_failed_to_open": {"The sign-in window was blocked", "The browser blocked the popup window: allow popups for this site."},
		"interaction_required": {"Sign-in needed", "Google needs you to choose an account first, which a silent request (prompt none) cannot do."},
		"consent_required":     {"Consent needed", "This permission has not been granted yet, and a silent request (prompt none) cannot ask for it."},
		"error_response":       {"Authorization failed", "Google answered “{code}”."},
		"error_window":         {"Authorization failed", "The sign-in window failed for an unknown reason."},
		// Google's library ({host}: where it comes from) did not load.
		"gis_failed": {"Google's sign-in library could not load", "The browser could not load it from {host}, so the page's buttons cannot ask for access. An ad or tracker blocker, being offline, or an outage at Google causes this: allow {host} in your blocker or check your connection, then reload the page."},
		"gis_slow":   {"Google's sign-in library has not loaded", "After a few seconds it has still not arrived from {host}, so the page's buttons cannot ask for access yet. An ad or tracker blocker, being offline, or an outage at Google causes this: allow {host} in your blocker or check your connection, then reload the page. This alert goes away if the library arrives."},
		// A partial grant, by page (outcome's partialKey).
		"section_partial": {"Permission not granted", "The consent answer did not include {missing}. Press the button again and tick that permission."},
		"ajax_partial":    {"Permission not granted", "The consent answer did not include {missing}. Close the section and open it again to be asked once more."},
		"lab_partial":     {"Part of the request was granted", "Not granted: {missing}. The page must work with what it got, or ask again."},
		// The consent lab's.
		"lab_no_scope": {"No scope chosen", "Tick at least one scope to request, then press “Request access”."},
		"lab_no_token": {"No live token", "Request access first: Expire now moves the emulator’s clock past the tokens on this page."},
	},
	// Shown as a page loads, so carried by its own module. The shared
	// module's: the page cannot reach its server (answer.js then cannot load
	// either, and this text stands in for any of its).
	"token-client.js": {
		"unreachable": {"Could not reach the server", "The page could not reach its server. Check that it is running, then try again."},
	},
	// The pages with token sections:
	"token-sections.js": {
		// Why Revoke access is disabled ({button}: the page's button; {until}: the grant's end).
		"revoke_never":   {"Nothing to revoke yet.", "Nothing is granted; “{button}” asks for it."},
		"revoke_granted": {"Granted until {until}.", "This page has had no token since it loaded (tokens live in page memory only); “{button}” gets one, and then Revoke access can end the grant."},
		"revoke_none":    {"This page holds no live token.", "Revoke access needs one; “{button}” asks for it."},
	},
	// The Photos section, on /photos and /ajax (photos.js loads on first use).
	"photos.js": {
		"picking_expired":     AlertPickingExpired,
		"picking_unreachable": {"Could not reach the server", "The page could not reach its server while waiting for your photos. Check that it is running, then try again."},
		"picker_blocked":      {"The Google Photos window was blocked", "The browser blocked the picker window. Allow popups for this site, then press “Choose photos in Google Photos” again."},
		"picking_ended":       {"Picking session ended", "You left the page, so its picking session was closed. Start a new one to pick photos."},
	},
	// The consent lab.
	"lab.js": {
		"lab_revoke_note": {"No live token on this page.", "Revoke access needs one: press “Request access” first; the revoke then ends the whole grant, every scope at once."},
	},
}

// ScriptAlerts is the JSON of a module's alert texts, key → [title, detail],
// and whether the module has any. name is the module's file name
// ("lab.js").
func ScriptAlerts(name string) (string, bool) {
	texts, ok := scriptAlerts[name]
	if !ok {
		return "", false
	}
	b, _ := json.Marshal(texts) // a map of strings always encodes
	return string(b), true
}
