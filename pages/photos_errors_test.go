package pages_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/scopewise/scopewise/emulator"
	"github.com/scopewise/scopewise/emulator/seed"
	"github.com/scopewise/scopewise/internal/config"
	"github.com/scopewise/scopewise/internal/sitetest"
)

// TestPhotosPickerErrorAlerts: each of the Picker's documented refusals,
// made by the emulator as Google makes it, reaches the Photos page as an
// alert that says what happened and what to do next.
func TestPhotosPickerErrorAlerts(t *testing.T) {
	accounts := seed.Defaults()
	accounts[1].NoPhotos = true // bob has no Google Photos account
	s := sitetest.Start(t, sitetest.WithEmulator(emulator.Options{PickerPollInterval: 200 * time.Millisecond, Accounts: accounts}))
	s.Page("/photos")
	expectAlert := func(t *testing.T, res sitetest.Response, status int, want ...string) {
		t.Helper()
		if res.StatusCode != status {
			t.Errorf("status %d, want %d", res.StatusCode, status)
		}
		if !strings.Contains(res.Body, `role="alert"`) {
			t.Errorf("no alert:\n%.800s", res.Body)
		}
		for _, w := range want {
			if !strings.Contains(res.Body, w) {
				t.Errorf("the alert lacks %q:\n%.800s", w, res.Body)
			}
		}
		if !strings.Contains(res.Body, "Display photos") {
			t.Errorf("the alert offers no way to start again:\n%.800s", res.Body)
		}
	}

	t.Run("no Google Photos account", func(t *testing.T) {
		s.Emu.Reset(t)
		tok := s.MintFor("bob@example.com", config.EmulatorClientID, sitetest.PhotosScope)
		expectAlert(t, s.Postback("/photos", tok), http.StatusConflict, "No Google Photos account", "photos.google.com", "another account")
	})

	t.Run("too many picking sessions", func(t *testing.T) {
		s.Emu.Reset(t)
		tok := s.Mint(config.EmulatorClientID, sitetest.PhotosScope)
		for i := 0; ; i++ {
			req, _ := http.NewRequest(http.MethodPost, s.Emu.URL+"/v1/sessions", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			res, err := s.Emu.Client.Do(req)
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
		expectAlert(t, s.Postback("/photos", tok), http.StatusTooManyRequests, "Too many picking sessions", "Photos Picker API", "Close the Google Photos windows")
	})

	t.Run("access to the session expired", func(t *testing.T) {
		s.Emu.Reset(t)
		// A token that outlives the session's hour (the canary finds it in
		// the emulator's issued list).
		tok := s.Emu.Mint(t, emulator.TokenRequest{ClientID: config.EmulatorClientID, Account: sitetest.Alice, Scopes: []string{sitetest.PhotosScope}, TTL: 3 * time.Hour})
		id, _ := s.StartPicking(tok)
		s.Emu.Advance(t, 61*time.Minute)
		for _, path := range []string{"/photos/session", "/photos/items"} {
			expectAlert(t, s.PostForm(path, tok, url.Values{"session": {id}}), http.StatusGone, "Picking session expired", "Access to this picking session has expired", "Start a new one")
		}
		// Ending a session whose access expired is not an error.
		if res := s.PostForm("/photos/session/delete", tok, url.Values{"session": {id}}); res.StatusCode/100 != 2 {
			t.Errorf("delete: %d %.300s", res.StatusCode, res.Body)
		}
	})
}
