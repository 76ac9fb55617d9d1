package sitetest

// INTERIM: until emulator/emulatortest lands, a thin adapter over the
// emulator's /_emu/ API. Replaced by emulatortest and the typed control.

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/scopewise/scopewise/emulator"
)

type Emulator struct {
	tb     testing.TB
	URL    string
	Server *emulator.Server
	Client *http.Client
}

func startEmulator(tb testing.TB, opts emulator.Options, wrap func(http.Handler) http.Handler, tls bool) *Emulator {
	e := &Emulator{tb: tb, Server: emulator.New(opts)}
	var h http.Handler = e.Server
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewUnstartedServer(h)
	if tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	tb.Cleanup(srv.Close)
	e.URL, e.Client = srv.URL, srv.Client()
	return e
}

type Fault struct {
	Path    string
	Status  int
	Count   int
	Delay   time.Duration
	Drip    time.Duration
	Body    string
	Reason  string
	Headers map[string]string
	Size    int64
}

func (e *Emulator) control(path string, body, out any) {
	e.tb.Helper()
	b, _ := json.Marshal(body)
	res, err := e.Client.Post(e.URL+path, "application/json", bytes.NewReader(b))
	if err != nil {
		e.tb.Fatalf("emulator %s: %v", path, err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		msg, _ := io.ReadAll(res.Body)
		e.tb.Fatalf("emulator %s: %d %s", path, res.StatusCode, msg)
	}
	if out != nil {
		json.NewDecoder(res.Body).Decode(out)
	}
}

func (e *Emulator) mint(account, client string, scopes []string) string {
	e.tb.Helper()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	e.control("/_emu/tokens", map[string]any{"client_id": client, "account": account, "scopes": scopes, "ttl": "3600s"}, &tok)
	if tok.AccessToken == "" {
		e.tb.Fatal("emulator minted no token")
	}
	return tok.AccessToken
}

func (e *Emulator) advance(d time.Duration) {
	e.control("/_emu/clock", map[string]string{"advance": d.String()}, nil)
}

func (e *Emulator) reset() { e.control("/_emu/reset", map[string]any{}, nil) }

func (e *Emulator) fault(f Fault) {
	m := map[string]any{"path": f.Path}
	if f.Status != 0 {
		m["status"] = f.Status
	}
	if f.Count != 0 {
		m["count"] = f.Count
	}
	if f.Delay != 0 {
		m["delay"] = f.Delay.String()
	}
	if f.Drip != 0 {
		m["drip"] = f.Drip.String()
	}
	if f.Body != "" {
		m["body"] = f.Body
	}
	if f.Reason != "" {
		m["reason"] = f.Reason
	}
	if f.Headers != nil {
		m["headers"] = f.Headers
	}
	if f.Size != 0 {
		m["size"] = f.Size
	}
	e.control("/_emu/faults", m, nil)
}

func (e *Emulator) clockOffset() string {
	res, err := e.Client.Get(e.URL + "/_emu/state")
	if err != nil {
		e.tb.Fatal(err)
	}
	defer res.Body.Close()
	var st struct {
		ClockOffset string `json:"clock_offset"`
	}
	json.NewDecoder(res.Body).Decode(&st)
	return st.ClockOffset
}

func (e *Emulator) issued() []string {
	res, err := e.Client.Get(e.URL + "/_emu/issued")
	if err != nil {
		e.tb.Fatalf("GET /_emu/issued: %v", err)
	}
	defer res.Body.Close()
	var issued struct {
		Total  int      `json:"total"`
		Tokens []string `json:"tokens"`
	}
	if err := json.NewDecoder(res.Body).Decode(&issued); err != nil || res.StatusCode != 200 {
		e.tb.Fatalf("GET /_emu/issued: %d %v", res.StatusCode, err)
	}
	if issued.Total != len(issued.Tokens) {
		e.tb.Fatalf("the emulator issued %d tokens but lists %d", issued.Total, len(issued.Tokens))
	}
	return issued.Tokens
}

// Mint mints alice's token without telling the canary.
func (e *Emulator) Mint(client string, scopes ...string) string {
	e.tb.Helper()
	return e.mint(Alice, client, scopes)
}
