package views

import (
	"encoding/json"
)

// AlertText is an alert's title and detail. A {name} part is filled in where
// the alert is shown (alertText in token-client.js).
type AlertText struct {
	Title  string
	Detail string
}

// MarshalJSON writes the text as [title, detail]: the page carries the
// texts, not field names.
func (t AlertText) MarshalJSON() ([]byte, error) {
	return json.Marshal([2]string{t.Title, t.Detail})
}

// scriptAlerts are the alerts the page scripts show: by the module that
// owns them (assets/js/…), then by the key the scripts name, unique across
// modules. The assets are built with each module's own texts in place of its
// ALERT_TEXTS (ScriptAlerts), so a page carries only its modules' texts,
// compressed and cached with them.
var scriptAlerts = map[string]map[string]AlertText{
	// The shared module: alerts any page script shows, and the outcome of a
	// token request (outcome): the callback's OAuth errors and
	// error_callback's types, by their codes.
	"token-client.js": {
		"unreachable":          {"Could not reach the server", "The page could not reach its server. Check that it is running, then try again."},
		"revoke_failed":        {"Revoke failed", "Google answered “{error}”: the grant may already be gone."},
		"no_token":             {"No token on this page", "This page holds no token yet (tokens live in memory only, so a reload forgets them)."},
		"access_denied":        {"Access was not granted", "You cancelled the consent screen, so the page got no token."},
		"popup_closed":         {"The sign-in window was closed", "The window was closed before you answered, so nothing was granted."},
		"popup_failed_to_open": {"The sign-in window was blocked", "The browser blocked the popup window. Allow popups for this site, then press the button again."},
		"interaction_required": {"Sign-in needed", "Google needs you to choose an account first, which a silent request (prompt none) cannot do."},
		"consent_required":     {"Consent needed", "This permission has not been granted yet, and a silent request (prompt none) cannot ask for it."},
		"error_response":       {"Authorization failed", "Google answered “{code}”."},
		"error_window":         {"Authorization failed", "The sign-in window failed for an unknown reason."},
	},
	// The pages with token sections.
	"token-sections.js": {
		"section_partial":   {"Permission not granted", "The consent answer did not include {missing}. Press the button again and tick that permission."},
		"section_unrevoked": {"Nothing to revoke yet", "This page holds no token. Authorize first; the revoke then ends the whole grant, every scope at once."},
	},
	// The Ajax page.
	"ajax.js": {
		"ajax_partial": {"Permission not granted", "The consent answer did not include {missing}. Close the section and open it again to be asked once more."},
	},
	// The Photos section, on /photos and /ajax.
	"photos.js": {
		"picking_expired":     {"Picking session expired", "Google Photos stopped waiting for this picking session. Start a new one to pick photos."},
		"picking_unreachable": {"Could not reach the server", "The page could not reach its server while waiting for your photos. Check that it is running, then try again."},
		"picker_blocked":      {"The Google Photos window was blocked", "The browser blocked the picker window. Allow popups for this site, then press “Choose photos in Google Photos” again."},
		"picking_ended":       {"Picking session ended", "You left the page, so its picking session was closed. Start a new one to pick photos."},
	},
	// The consent lab.
	"lab.js": {
		"lab_partial":   {"Part of the request was granted", "Not granted: {missing}. The page must work with what it got, or ask again."},
		"lab_no_scope":  {"No scope chosen", "Tick at least one scope to request, then press “Request access”."},
		"lab_no_token":  {"No live token", "Request access first: Expire now moves the emulator’s clock past the tokens on this page."},
		"lab_unrevoked": {"No live token to revoke", "Revoking needs a live token. Request access first; the revoke then ends the whole grant, every scope at once."},
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
