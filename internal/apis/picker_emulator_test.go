package apis

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/scopewise/scopewise/emulator"
	"github.com/scopewise/scopewise/emulator/emulatortest"
	"github.com/scopewise/scopewise/emulator/seed"
)

// TestEmulatorPickerErrors is the contract between the emulator's Picker
// and this client for sessions.create's and sessions.get's documented
// errors: each arrives as the Kind the Photos page maps to its alert.
func TestEmulatorPickerErrors(t *testing.T) {
	accounts := seed.Defaults()
	accounts[1].NoPhotos = true // bob has no Google Photos account
	emu := emulatortest.Start(t, emulator.Options{
		Clients:  []emulator.Client{{ID: testClient, Name: "Scopewise", Origins: []string{"http://localhost"}}},
		Accounts: accounts,
	})
	picker := NewPicker(emu.URL+"/v1", NewHTTPClient())
	ctx := context.Background()
	mint := func(account string) string {
		return emu.Mint(t, emulator.TokenRequest{ClientID: testClient, Account: account, Scopes: []string{PickerScope}, TTL: 3 * time.Hour})
	}
	kindAndReason := func(err error) (Kind, string) {
		var e *Error
		if !errors.As(err, &e) {
			return 0, ""
		}
		return e.Kind, e.Reason
	}

	t.Run("no Google Photos account", func(t *testing.T) {
		_, err := picker.CreateSession(ctx, mint("bob@example.com"))
		if k, r := kindAndReason(err); k != KindFailedPrecondition || r != "FAILED_PRECONDITION" {
			t.Errorf("kind %v reason %q (%v), want failed precondition", k, r, err)
		}
	})

	t.Run("too many sessions", func(t *testing.T) {
		tok := mint("carol@scopewise.test")
		var err error
		for i := 0; i < 30 && err == nil; i++ {
			_, err = picker.CreateSession(ctx, tok)
		}
		if k, r := kindAndReason(err); k != KindRateLimited || r != "RESOURCE_EXHAUSTED" {
			t.Errorf("kind %v reason %q (%v), want rate limited RESOURCE_EXHAUSTED", k, r, err)
		}
	})

	t.Run("access to an expired session", func(t *testing.T) {
		tok := mint("alice@example.com")
		s, err := picker.CreateSession(ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		emu.Advance(t, 61*time.Minute)
		_, err = picker.GetSession(ctx, tok, s.ID)
		if k := KindOf(err); k != KindPermissionDenied {
			t.Errorf("get: kind %v (%v), want permission denied", k, err)
		}
		if _, _, err := picker.ListMediaItems(ctx, tok, s.ID, 10); KindOf(err) != KindPermissionDenied {
			t.Errorf("list: %v, want permission denied", err)
		}
	})
}
