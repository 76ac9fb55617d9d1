package emulator

import (
	"context"
	"net/http"
	"testing"

	"github.com/scopewise/scopewise/emulator/internal/authrequest"
)

// POST /_emu/options sets one world's switches; other worlds keep theirs, a
// reset restores Options', and Options' are what every world starts with.
func TestWorldOptionsPerWorld(t *testing.T) {
	s := newBrowserEmu(t)
	a, b := newWorldHTTP(t, s), newWorldHTTP(t, s)

	rec := serveEmu(s, inWorld(a, http.MethodPost, "/_emu/options", `{"strict_popup_gestures":true}`))
	if rec.Code != http.StatusOK {
		t.Fatalf("POST /_emu/options: %d %s", rec.Code, rec.Body)
	}
	if got := decodeJSONBody[WorldOptions](t, rec); !got.StrictPopupGestures {
		t.Errorf("answer %+v: want strict_popup_gestures true", got)
	}
	if !worldState(t, s, a).Options.StrictPopupGestures {
		t.Error("world a's state: strict popup gestures off after setting them")
	}
	for _, id := range []string{b, DefaultWorld} {
		if worldState(t, s, id).Options.StrictPopupGestures {
			t.Errorf("world %s: strict popup gestures on, set in world a only", id)
		}
	}
	if rec := serveEmu(s, inWorld(a, http.MethodPost, "/_emu/reset", `{}`)); rec.Code != http.StatusOK {
		t.Fatalf("reset: %d", rec.Code)
	}
	if worldState(t, s, a).Options.StrictPopupGestures {
		t.Error("a reset kept strict popup gestures: want Options' (off)")
	}

	for _, body := range []string{`{"strict":true}`, `{"strict_popup_gestures":"yes"}`, ``} {
		rec := serveEmu(s, inWorld(a, http.MethodPost, "/_emu/options", body))
		if rec.Code != http.StatusBadRequest {
			t.Errorf("POST /_emu/options %q: %d, want 400", body, rec.Code)
		}
	}

	on := New(Options{Clients: s.opts.Clients, StrictPopupGestures: true})
	id, err := on.NewWorld(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []Control{on, on.World(id)} {
		st, _ := w.State(context.Background())
		if !st.Options.StrictPopupGestures {
			t.Errorf("world %s of an emulator with Options.StrictPopupGestures: off", st.World)
		}
		if err := w.SetOptions(context.Background(), WorldOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := w.Reset(context.Background()); err != nil {
			t.Fatal(err)
		}
		if st, _ := w.State(context.Background()); !st.Options.StrictPopupGestures {
			t.Errorf("world %s: a reset did not restore Options' strict popup gestures", st.World)
		}
	}
}

// In a world with strict popup gestures, a popup the GIS shim opened with
// no user activation answers popup_failed_to_open to error_callback; with
// the activation, or in a world without the switch, it asks as ever.
func TestStrictPopupGestures(t *testing.T) {
	s := newBrowserEmu(t)
	strict, lax := newWorldHTTP(t, s), newWorldHTTP(t, s)
	if err := s.World(strict).SetOptions(context.Background(), WorldOptions{StrictPopupGestures: true}); err != nil {
		t.Fatal(err)
	}
	browserIn := func(id string) *popupBrowser {
		b := newPopupBrowser(t, s)
		b.cookies[WorldCookie] = &http.Cookie{Name: WorldCookie, Value: id}
		return b
	}
	noActivation := authQuery(tscope.Cal, authrequest.NoActivationParam, "1")

	env := browserIn(strict).open(noActivation).relay()
	if env.Message.Error == nil || env.Message.Error.Type != "popup_failed_to_open" || env.Message.Error.Message == "" {
		t.Fatalf("strict world, no activation: relay %+v, want error popup_failed_to_open", env.Message)
	}
	if env.TargetOrigin != siteOrigin || env.Message.ID == "" || env.Message.Source != authrequest.RelaySource {
		t.Errorf("relay goes to %q id %q source %q", env.TargetOrigin, env.Message.ID, env.Message.Source)
	}
	if st := worldState(t, s, strict); len(st.Tokens) != 0 || len(st.Grants) != 0 {
		t.Errorf("a refused popup left tokens %v grants %v", st.Tokens, st.Grants)
	}

	browserIn(strict).open(authQuery(tscope.Cal)).mustBe("chooser")                      // inside the click
	browserIn(lax).open(noActivation).mustBe("chooser")                                  // the switch is off
	newPopupBrowser(t, s).open(noActivation).mustBe("chooser")                           // the default world: off
	browserIn(strict).open(authQuery(tscope.Cal, "client_id", "nobody")).mustBe("error") // Google's own errors first
}
