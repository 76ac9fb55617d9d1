// Package client is a Go client of an emulator's test-control API (/_emu/),
// for a process other than the one the emulator runs in: a site that moves
// the emulator's clock, a load harness, a test of a running binary. It
// implements emulator.Control, as *emulator.Server does in-process.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/scopewise/scopewise/emulator"
)

// Client talks to one emulator. Create it with New.
type Client struct {
	base  string
	hc    *http.Client
	world string // sent as emulator.WorldHeader; empty: the default world
}

var _ emulator.Control = (*Client)(nil)

// New returns a client of the emulator at baseURL (its origin, such as
// "http://localhost:8081"). A nil hc is http.DefaultClient.
func New(baseURL string, hc *http.Client) *Client {
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Client{base: strings.TrimRight(baseURL, "/"), hc: hc}
}

// Error is an answer of the emulator other than 200: its status and the
// message of its {"error": …} body.
type Error struct {
	Method, Path string
	Status       int
	Message      string
}

func (e *Error) Error() string {
	return fmt.Sprintf("emulator: %s %s: %d %s", e.Method, e.Path, e.Status, e.Message)
}

// maxAnswerBytes bounds an answer read; /_emu/issued is the largest (20,000
// tokens of about 200 characters).
const maxAnswerBytes = 16 << 20

// do sends one control request (in, when not nil, as JSON) and decodes the
// answer into out.
func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if w, ok := ctx.Value(worldKey{}).(string); ok && w != "" {
		req.Header.Set(emulator.WorldHeader, w)
	} else if c.world != "" {
		req.Header.Set(emulator.WorldHeader, c.world)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("emulator: %s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxAnswerBytes))
	if err != nil {
		return fmt.Errorf("emulator: %s %s: %w", method, path, err)
	}
	if res.StatusCode/100 != 2 {
		var msg struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(raw, &msg) != nil || msg.Error == "" {
			msg.Error = fmt.Sprintf("%.200s", raw)
		}
		return &Error{Method: method, Path: path, Status: res.StatusCode, Message: msg.Error}
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("emulator: %s %s: reading the answer: %w", method, path, err)
	}
	return nil
}

// Reset forgets grants, tokens, sign-ins, picker sessions, faults and call
// counts, and puts the clock back (POST /_emu/reset).
func (c *Client) Reset(ctx context.Context) error {
	var out struct{}
	return c.do(ctx, http.MethodPost, "/_emu/reset", struct{}{}, &out)
}

// SetOptions replaces the world's switches (POST /_emu/options).
func (c *Client) SetOptions(ctx context.Context, o emulator.WorldOptions) error {
	var out emulator.WorldOptions
	return c.do(ctx, http.MethodPost, "/_emu/options", o, &out)
}

// AdvanceClock moves the emulator's clock forward by d and returns its new
// now (POST /_emu/clock).
func (c *Client) AdvanceClock(ctx context.Context, d time.Duration) (time.Time, error) {
	var out struct {
		Now time.Time `json:"now"`
	}
	err := c.do(ctx, http.MethodPost, "/_emu/clock", map[string]string{"advance": d.String()}, &out)
	return out.Now, err
}

// Clock reads the emulator's clock and how far it has been moved ahead of
// the wall clock (GET /_emu/clock).
func (c *Client) Clock(ctx context.Context) (now time.Time, offset time.Duration, err error) {
	var out struct {
		Now    time.Time `json:"now"`
		Offset string    `json:"clock_offset"`
	}
	if err := c.do(ctx, http.MethodGet, "/_emu/clock", nil, &out); err != nil {
		return time.Time{}, 0, err
	}
	offset, err = time.ParseDuration(out.Offset)
	if err != nil {
		return time.Time{}, 0, fmt.Errorf("emulator: GET /_emu/clock: clock_offset %q: %w", out.Offset, err)
	}
	return out.Now, offset, nil
}

// InjectFault queues a fault for the next calls of its path (POST
// /_emu/faults).
func (c *Client) InjectFault(ctx context.Context, f emulator.Fault) error {
	var out emulator.Fault
	return c.do(ctx, http.MethodPost, "/_emu/faults", f, &out)
}

// MintToken issues a token without the popup (POST /_emu/tokens).
func (c *Client) MintToken(ctx context.Context, req emulator.TokenRequest) (emulator.Token, error) {
	in := struct {
		ClientID string   `json:"client_id"`
		Account  string   `json:"account"`
		Scopes   []string `json:"scopes"`
		TTL      string   `json:"ttl,omitempty"`
	}{ClientID: req.ClientID, Account: req.Account, Scopes: req.Scopes}
	if req.TTL != 0 {
		in.TTL = req.TTL.String()
	}
	var out struct {
		AccessToken string    `json:"access_token"`
		ExpiresIn   int       `json:"expires_in"`
		Expiry      time.Time `json:"expiry"`
	}
	if err := c.do(ctx, http.MethodPost, "/_emu/tokens", in, &out); err != nil {
		return emulator.Token{}, err
	}
	return emulator.Token{AccessToken: out.AccessToken, ExpiresIn: out.ExpiresIn, Expiry: out.Expiry}, nil
}

// State is the emulator's state, without token values (GET /_emu/state).
func (c *Client) State(ctx context.Context) (emulator.State, error) {
	var st emulator.State
	err := c.do(ctx, http.MethodGet, "/_emu/state", nil, &st)
	return st, err
}

// Issued is every token value the client's world issued since it was
// created (GET /_emu/issued), for a leak canary.
func (c *Client) Issued(ctx context.Context) (emulator.Issued, error) {
	var v emulator.Issued
	err := c.do(ctx, http.MethodGet, "/_emu/issued", nil, &v)
	return v, err
}

// IssuedAll is every token value issued since the emulator started, in any
// world (GET /_emu/issued?all=true).
func (c *Client) IssuedAll(ctx context.Context) (emulator.Issued, error) {
	var v emulator.Issued
	err := c.do(ctx, http.MethodGet, "/_emu/issued?all=true", nil, &v)
	return v, err
}

// NewWorld creates a world (POST /_emu/worlds) and returns its id; pass it
// to World.
func (c *Client) NewWorld(ctx context.Context) (string, error) {
	var out struct {
		ID string `json:"id"`
	}
	if err := c.do(ctx, http.MethodPost, "/_emu/worlds", struct{}{}, &out); err != nil {
		return "", err
	}
	if out.ID == "" {
		return "", fmt.Errorf("emulator: POST /_emu/worlds: the answer has no id")
	}
	return out.ID, nil
}

// DeleteWorld forgets a world (DELETE /_emu/worlds/<id>).
func (c *Client) DeleteWorld(ctx context.Context, id string) error {
	var out struct{}
	return c.do(ctx, http.MethodDelete, "/_emu/worlds/"+url.PathEscape(id), nil, &out)
}

type worldKey struct{}

// WithWorld makes the calls given the returned context act on the world id,
// whatever world the client names: a backend shared by parallel tests
// forwards the world of the browser it serves (its emulator.WorldCookie).
func WithWorld(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, worldKey{}, id)
}

// World is a client of the same emulator whose calls act on the world id
// alone (they send emulator.WorldHeader). An unknown world is an *Error
// with Status 404.
func (c *Client) World(id string) *Client {
	cp := *c
	cp.world = id
	return &cp
}
