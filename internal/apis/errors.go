// Package apis holds the site's Google clients: the tokeninfo verifier and
// the Calendar, Docs and Photos Picker clients. Base URLs come from config, so
// the same code talks to Google or to the emulator. Every failure is an
// *Error whose Kind the site maps to a status and a message.
package apis

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies a failed call by what the user can do about it.
type Kind int

const (
	// KindInvalidToken: the token is unknown, expired or revoked (authorize again).
	KindInvalidToken Kind = iota + 1
	// KindWrongAudience: a valid token issued to another client (the confused deputy).
	KindWrongAudience
	// KindInsufficientScope: the token lacks the scope the call needs.
	KindInsufficientScope
	// KindPermissionDenied: the user cannot see that resource.
	KindPermissionDenied
	// KindNotFound: no such resource.
	KindNotFound
	// KindBadRequest: the API refused our parameters.
	KindBadRequest
	// KindFailedPrecondition: the resource is not ready (Picker: not done yet).
	KindFailedPrecondition
	// KindRateLimited: 429 RESOURCE_EXHAUSTED.
	KindRateLimited
	// KindUnavailable: 5xx, an unreadable answer, or a refused connection.
	KindUnavailable
	// KindTimeout: no answer in time.
	KindTimeout
	// KindServiceDisabled: 403 SERVICE_DISABLED, the API is not enabled in
	// the site's Cloud project (the operator's to fix, not the user's).
	KindServiceDisabled
)

var kindNames = map[Kind]string{
	KindInvalidToken:       "invalid token",
	KindWrongAudience:      "wrong audience",
	KindInsufficientScope:  "insufficient scope",
	KindPermissionDenied:   "permission denied",
	KindNotFound:           "not found",
	KindBadRequest:         "bad request",
	KindFailedPrecondition: "failed precondition",
	KindRateLimited:        "rate limited",
	KindUnavailable:        "unavailable",
	KindTimeout:            "timeout",
	KindServiceDisabled:    "service disabled",
}

func (k Kind) String() string { return kindNames[k] }

// Error is a failed call to a Google API. It never holds a token.
type Error struct {
	API    string // "tokeninfo", "Calendar API", "Docs API", "Photos Picker API"
	Kind   Kind
	Status int    // upstream HTTP status; 0 when no answer came
	Reason string // Google's status or reason, e.g. "NOT_FOUND"
	// RetryAfter is the upstream's Retry-After on a 429 or 503, when it
	// named one of at most an hour.
	RetryAfter time.Duration
	Err        error // the transport or decoding error, if any
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("%s: %s", e.API, e.Kind)
	if e.Status != 0 {
		msg += fmt.Sprintf(" (HTTP %d", e.Status)
		if e.Reason != "" {
			msg += " " + e.Reason
		}
		msg += ")"
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the Kind of an *Error in err's chain, or 0.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}
