// Package contract drives a running bin/emulator through Google's own
// generated Go clients (google.golang.org/api), pointed at the emulator with
// option.WithEndpoint. scripts/contract-test.sh starts the emulator with
// contract/emulator.json and sets CONTRACT_EMULATOR_URL.
//
// Every expected value names where Google's behaviour comes from: a
// reference page, the discovery document the client is generated from, or a
// real payload quoted in a public issue.
package contract

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/scopewise/scopewise/emulator"
	"github.com/scopewise/scopewise/emulator/client"
	"golang.org/x/oauth2"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
)

// Names from contract/emulator.json.
const (
	clientID   = "contract-suite.apps.googleusercontent.com"
	alice      = "alice@example.com"
	bob        = "bob@example.com"
	sharedDoc  = "contract-doc-shared"  // alice's, bob reads
	privateDoc = "contract-doc-private" // bob's alone

	scopeCalendarRO = "https://www.googleapis.com/auth/calendar.readonly"
	scopeDocsRO     = "https://www.googleapis.com/auth/documents.readonly"
	scopeDocs       = "https://www.googleapis.com/auth/documents"
	scopeEmail      = "https://www.googleapis.com/auth/userinfo.email"
	scopePhotos     = "https://www.googleapis.com/auth/photospicker.mediaitems.readonly"
)

var emu string

func TestMain(m *testing.M) {
	emu = strings.TrimRight(os.Getenv("CONTRACT_EMULATOR_URL"), "/")
	if emu == "" {
		fmt.Fprintln(os.Stderr, "CONTRACT_EMULATOR_URL is not set: run scripts/contract-test.sh, which starts bin/emulator")
		os.Exit(2)
	}
	os.Exit(m.Run())
}

// mint asks the emulator's control API for a token (emulator/client).
func mint(t *testing.T, account string, scopes ...string) string {
	t.Helper()
	tok, err := control().MintToken(ctx(t), emulator.TokenRequest{ClientID: clientID, Account: account, Scopes: scopes})
	if err != nil {
		t.Fatalf("minting a token: %v", err)
	}
	return tok.AccessToken
}

// control is the emulator's test-control API as Go methods.
func control() *client.Client { return client.New(emu, http.DefaultClient) }

// revoke ends a token's grant the way a page does (POST /revoke).
func revoke(t *testing.T, tok string) {
	t.Helper()
	resp, err := http.PostForm(emu+"/revoke", map[string][]string{"token": {tok}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("revoke: %d", resp.StatusCode)
	}
}

// withToken is the client options a program uses with a token it holds.
func withToken(endpoint, tok string) []option.ClientOption {
	return []option.ClientOption{
		option.WithEndpoint(endpoint),
		option.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: tok, TokenType: "Bearer"})),
	}
}

// anonymous is the options of a program that sends no credentials.
func anonymous(endpoint string) []option.ClientOption {
	return []option.ClientOption{option.WithEndpoint(endpoint), option.WithHTTPClient(&http.Client{Timeout: 10 * time.Second})}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

// apiErr unwraps the generated clients' error type.
func apiErr(t *testing.T, err error, code int) *googleapi.Error {
	t.Helper()
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		t.Fatalf("want a *googleapi.Error %d, got %v", code, err)
	}
	if ge.Code != code {
		t.Fatalf("status %d, want %d: %s", ge.Code, code, ge.Body)
	}
	return ge
}

// envelope is Google's JSON error body, read from googleapi.Error.Body (the
// client keeps only reason and message of errors[]).
// errorItem is one item of an error envelope's errors[].
type errorItem struct {
	Message      string `json:"message"`
	Domain       string `json:"domain"`
	Reason       string `json:"reason"`
	Location     string `json:"location"`
	LocationType string `json:"locationType"`
}

type envelope struct {
	Error struct {
		Code    int         `json:"code"`
		Message string      `json:"message"`
		Status  string      `json:"status"`
		Errors  []errorItem `json:"errors"`
		Details []struct {
			Type     string            `json:"@type"`
			Reason   string            `json:"reason"`
			Domain   string            `json:"domain"`
			Metadata map[string]string `json:"metadata"`
		} `json:"details"`
	} `json:"error"`
}

func parseEnvelope(t *testing.T, ge *googleapi.Error) envelope {
	t.Helper()
	var e envelope
	if err := json.Unmarshal([]byte(ge.Body), &e); err != nil {
		t.Fatalf("error body is not Google's envelope: %v: %s", err, ge.Body)
	}
	return e
}

// errorInfo is the envelope's google.rpc.ErrorInfo detail.
func (e envelope) errorInfo(t *testing.T) (reason string, metadata map[string]string) {
	t.Helper()
	for _, d := range e.Error.Details {
		if d.Type == "type.googleapis.com/google.rpc.ErrorInfo" {
			return d.Reason, d.Metadata
		}
	}
	t.Fatalf("no ErrorInfo in details: %+v", e.Error.Details)
	return "", nil
}

func want[T comparable](t *testing.T, what string, got, wantV T) {
	t.Helper()
	if got != wantV {
		t.Errorf("%s = %v, want %v", what, got, wantV)
	}
}
