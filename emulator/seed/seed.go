// Package seed holds what every part's seed data starts from: the fake
// accounts, and deterministic derivations (IDs, numbers) from names alone,
// so every run serves the same data. It is pure: no clock, no randomness.
package seed

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
)

// Account is a fake Google account. Sub is stable, like Google's numeric ID.
type Account struct {
	Sub     string `json:"sub"`
	Email   string `json:"email"`
	Name    string `json:"name"`
	Picture string `json:"-"`
	HD      string `json:"hd,omitempty"` // Workspace domain; empty for consumer accounts
	// NoPhotos is an account without a Google Photos account: the Photos
	// Picker refuses to create sessions for it (FAILED_PRECONDITION).
	NoPhotos bool `json:"no_photos,omitempty"`
}

// Find is the account with that email or sub (login_hint accepts both).
func Find(accounts []Account, emailOrSub string) (Account, bool) {
	for _, a := range accounts {
		if strings.EqualFold(a.Email, emailOrSub) || a.Sub == emailOrSub {
			return a, true
		}
	}
	return Account{}, false
}

// Defaults are the built-in fake accounts.
func Defaults() []Account {
	return []Account{
		{Sub: "104271843210000000001", Email: "alice@example.com", Name: "Alice Example"},
		{Sub: "104271843210000000002", Email: "bob@example.com", Name: "Bob Example"},
		{Sub: "104271843210000000003", Email: "carol@scopewise.test", Name: "Carol Workspace", HD: "scopewise.test"},
	}
}

// Normalize fills what a configured account may leave out: Sub
// (digits derived from the email, like Google's numeric IDs) and Name (the
// email's local part, capitalised). Emails are kept lower-case.
func Normalize(in []Account) []Account {
	out := make([]Account, len(in))
	for i, a := range in {
		a.Email = strings.ToLower(strings.TrimSpace(a.Email))
		if a.Sub == "" {
			a.Sub = "1" + strconv.Itoa(100000000+Uint(900000000, "sub", a.Email)) + "00000000000"
		}
		if a.Name == "" {
			local, _, _ := strings.Cut(a.Email, "@")
			a.Name = strings.ToUpper(local[:1]) + local[1:]
		}
		out[i] = a
	}
	return out
}

// Sum is the hash every derived identifier starts from, so IDs depend
// only on names, never on the order things were built in.
func Sum(parts ...string) [32]byte {
	return sha256.Sum256([]byte(strings.Join(parts, "\x00")))
}

// B64 is n URL-safe base64 characters ([A-Za-z0-9_-]) derived from parts.
func B64(n int, parts ...string) string {
	var out strings.Builder
	for i := 0; out.Len() < n; i++ {
		sum := Sum(append(parts, strconv.Itoa(i))...)
		out.WriteString(base64.RawURLEncoding.EncodeToString(sum[:]))
	}
	return out.String()[:n]
}

// Hex is n lowercase hex characters derived from parts.
func Hex(n int, parts ...string) string {
	sum := Sum(parts...)
	return hex.EncodeToString(sum[:])[:n]
}

// Uint is a small deterministic number in [0, n) derived from parts.
func Uint(n int, parts ...string) int {
	sum := Sum(parts...)
	v := uint64(sum[0])<<24 | uint64(sum[1])<<16 | uint64(sum[2])<<8 | uint64(sum[3])
	return int(v % uint64(n))
}

// Lower is ss in lower case (emails as the seed keys them).
func Lower(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToLower(s)
	}
	return out
}
