package client_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/scopewise/scopewise/emulator"
	"github.com/scopewise/scopewise/emulator/client"
	"github.com/scopewise/scopewise/emulator/emulatortest"
)

const calendarScope = "https://www.googleapis.com/auth/calendar.readonly"

// Every method over HTTP does what the server's own method does.
func TestClientAgainstAnEmulator(t *testing.T) {
	emu := emulatortest.Start(t, emulator.Options{Now: func() time.Time { return time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC) }})
	c := client.New(emu.URL+"/", emu.Client)
	ctx := context.Background()

	tok, err := c.MintToken(ctx, emulator.TokenRequest{ClientID: emulatortest.DefaultClientID, Account: "bob@example.com", Scopes: []string{calendarScope}, TTL: 10 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok.AccessToken, "ya29.") || tok.ExpiresIn != 600 || !tok.Expiry.Equal(time.Date(2026, 5, 1, 8, 10, 0, 0, time.UTC)) {
		t.Errorf("token %+v", tok)
	}
	if err := c.InjectFault(ctx, emulator.Fault{Path: "/tokeninfo", Status: 503, Count: 2, Delay: time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	now, err := c.AdvanceClock(ctx, 90*time.Minute)
	if err != nil || !now.Equal(time.Date(2026, 5, 1, 9, 30, 0, 0, time.UTC)) {
		t.Fatalf("advance: %s %v", now, err)
	}

	clockNow, offset, err := c.Clock(ctx)
	if err != nil || !clockNow.Equal(time.Date(2026, 5, 1, 9, 30, 0, 0, time.UTC)) || offset != 90*time.Minute {
		t.Errorf("clock: %s offset %s %v", clockNow, offset, err)
	}

	st, err := c.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.ClockOffset != 90*time.Minute || len(st.Tokens) != 1 || !st.Tokens[0].Expired || st.Tokens[0].Account != "bob@example.com" {
		t.Errorf("state: offset %s tokens %+v", st.ClockOffset, st.Tokens)
	}
	if len(st.Faults) != 1 || st.Faults[0].Count != 2 || st.Faults[0].Delay != time.Millisecond {
		t.Errorf("faults %+v", st.Faults)
	}
	if len(st.Clients) != 1 || st.Clients[0].ID != emulatortest.DefaultClientID || st.Clients[0].Origins[0] != emu.URL {
		t.Errorf("clients %+v", st.Clients)
	}

	if err := c.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if st := emu.State(t); len(st.Tokens)+len(st.Faults) != 0 || st.ClockOffset != 0 {
		t.Errorf("after reset %+v", st)
	}
	iss, err := c.Issued(ctx)
	if err != nil || iss.Total != 1 || len(iss.Tokens) != 1 || iss.Tokens[0] != tok.AccessToken {
		t.Errorf("issued %+v %v", iss, err)
	}
}

// A refusal comes back as *client.Error with the status and the emulator's
// own message; a transport failure is an error too, never a zero value.
func TestClientErrors(t *testing.T) {
	emu := emulatortest.Start(t, emulator.Options{})
	c := client.New(emu.URL, emu.Client)
	ctx := context.Background()

	_, err := c.MintToken(ctx, emulator.TokenRequest{ClientID: "nobody", Account: "alice@example.com", Scopes: []string{calendarScope}})
	var ce *client.Error
	if !errors.As(err, &ce) || ce.Status != http.StatusBadRequest || !strings.Contains(ce.Message, `unknown client_id "nobody"`) || ce.Path != "/_emu/tokens" {
		t.Errorf("mint for an unknown client: %#v", err)
	}
	err = c.InjectFault(ctx, emulator.Fault{Path: "/_emu/reset", Status: 503})
	if !errors.As(err, &ce) || ce.Status != http.StatusBadRequest || !strings.Contains(ce.Message, "/_emu/") {
		t.Errorf("fault on a control path: %v", err)
	}
	if _, err := c.AdvanceClock(ctx, -time.Second); !errors.As(err, &ce) || !strings.Contains(ce.Message, "forward") {
		t.Errorf("clock backwards: %v", err)
	}

	// Not an emulator: a 404 page without the {"error"} body.
	notEmu := httptest.NewServer(http.NotFoundHandler())
	defer notEmu.Close()
	if _, err := client.New(notEmu.URL, nil).State(ctx); !errors.As(err, &ce) || ce.Status != http.StatusNotFound || !strings.Contains(ce.Message, "404 page not found") {
		t.Errorf("state of a plain 404: %v", err)
	}
	// Nobody listening.
	notEmu.Close()
	if err := client.New(notEmu.URL, nil).Reset(ctx); err == nil || errors.As(err, &ce) {
		t.Errorf("reset with nobody listening: %v", err)
	}
}

// World(id) sends the world header: its calls act on that world alone; an
// unknown world is a 404 *Error; IssuedAll sees every world's tokens.
func TestClientWorlds(t *testing.T) {
	emu := emulatortest.Start(t, emulator.Options{})
	c := client.New(emu.URL, emu.Client)
	ctx := context.Background()
	id, err := c.NewWorld(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w := c.World(id)
	if _, err := w.MintToken(ctx, emulator.TokenRequest{ClientID: emulatortest.DefaultClientID, Account: "bob@example.com", Scopes: []string{calendarScope}}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.AdvanceClock(ctx, time.Hour); err != nil {
		t.Fatal(err)
	}
	st, err := w.State(ctx)
	if err != nil || st.World != id || len(st.Tokens) != 1 || st.ClockOffset != time.Hour {
		t.Errorf("world state %+v %v", st, err)
	}
	def, err := c.State(ctx)
	if err != nil || def.World != emulator.DefaultWorld || len(def.Tokens) != 0 || def.ClockOffset != 0 {
		t.Errorf("default state %+v %v", def, err)
	}
	if v, err := c.IssuedAll(ctx); err != nil || v.Total != 1 {
		t.Errorf("IssuedAll %+v %v", v, err)
	}
	if v, err := c.Issued(ctx); err != nil || v.Total != 0 {
		t.Errorf("default Issued %+v %v", v, err)
	}
	if err := c.DeleteWorld(ctx, id); err != nil {
		t.Fatal(err)
	}
	var e *client.Error
	if err := w.Reset(ctx); !errors.As(err, &e) || e.Status != http.StatusNotFound || !strings.Contains(e.Message, "unknown world") {
		t.Errorf("reset of a deleted world: %v", err)
	}
}
