package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/scopewise/scopewise/emulator"
	"github.com/scopewise/scopewise/emulator/seed"
	"github.com/scopewise/scopewise/internal/config"
)

// TestPhotosPickerErrorAlerts: each of the Picker's documented errors, made
// by the emulator as Google makes it, reaches the Photos page as an alert
// that says what happened and what to do next.
func TestPhotosPickerErrorAlerts(t *testing.T) {
	accounts := seed.Defaults()
	accounts[1].NoPhotos = true // bob has no Google Photos account
	r := newPhotosRigWith(t, emulator.Options{PickerPollInterval: 200 * time.Millisecond, Accounts: accounts})
	mintAs := func(account string) string {
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		r.emu("/_emu/tokens", map[string]any{"client_id": config.EmulatorClientID, "account": account, "scopes": []string{pickerScope}, "ttl": "10800s"}, &tok)
		r.tokens = append(r.tokens, tok.AccessToken)
		return tok.AccessToken
	}
	expectAlert := func(t *testing.T, res *http.Response, body string, status int, want ...string) {
		t.Helper()
		if res.StatusCode != status {
			t.Errorf("status %d, want %d", res.StatusCode, status)
		}
		if !strings.Contains(body, `role="alert"`) {
			t.Errorf("no alert:\n%.800s", body)
		}
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("the alert lacks %q:\n%.800s", w, body)
			}
		}
		if !strings.Contains(body, "Display photos") {
			t.Errorf("the alert offers no way to start again:\n%.800s", body)
		}
	}

	t.Run("no Google Photos account", func(t *testing.T) {
		r.emu("/_emu/reset", map[string]any{}, nil)
		res, body := r.do(context.Background(), http.MethodPost, "/photos", mintAs("bob@example.com"), nil)
		expectAlert(t, res, body, http.StatusConflict, "No Google Photos account", "photos.google.com", "another account")
	})

	t.Run("too many picking sessions", func(t *testing.T) {
		r.emu("/_emu/reset", map[string]any{}, nil)
		tok := mintAs("alice@example.com")
		for i := 0; ; i++ {
			req, _ := http.NewRequest(http.MethodPost, r.emulator+"/v1/sessions", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode == http.StatusTooManyRequests {
				break
			}
			if i > 100 {
				t.Fatal("the emulator never refused a session")
			}
		}
		res, body := r.do(context.Background(), http.MethodPost, "/photos", tok, nil)
		expectAlert(t, res, body, http.StatusTooManyRequests, "Too many picking sessions", "Photos Picker API", "Close the Google Photos windows")
	})

	t.Run("access to the session expired", func(t *testing.T) {
		r.emu("/_emu/reset", map[string]any{}, nil)
		tok := mintAs("alice@example.com")
		id, _ := r.startSession(tok)
		r.emu("/_emu/clock", map[string]any{"advance": "3660s"}, nil)
		for _, path := range []string{"/photos/session", "/photos/items"} {
			res, body := r.do(context.Background(), http.MethodPost, path, tok, url.Values{"session": {id}})
			expectAlert(t, res, body, http.StatusGone, "Picking session expired", "Access to this picking session has expired", "Start a new one")
		}
		// Ending a session whose access expired is not an error.
		if res, body := r.do(context.Background(), http.MethodPost, "/photos/session/delete", tok, url.Values{"session": {id}}); res.StatusCode/100 != 2 {
			t.Errorf("delete: %d %.300s", res.StatusCode, body)
		}
	})
}
