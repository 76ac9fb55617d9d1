package web

import (
	"errors"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
)

// sessionSerializer stores the session's one value (the JSON under dataKey)
// as plain bytes inside the signed and encrypted cookie. gorilla's default,
// gob, compiles a decoder for map[interface{}]interface{} on every request:
// it was a third of the time of serving a page.
type sessionSerializer struct{}

var errSessionShape = errors.New("session: only one string value is stored")

// Serialize writes the JSON string under dataKey; anything else is a bug.
func (sessionSerializer) Serialize(src any) ([]byte, error) {
	values, ok := src.(map[any]any)
	if !ok || len(values) > 1 {
		return nil, errSessionShape
	}
	if len(values) == 0 {
		return []byte{}, nil
	}
	v, ok := values[dataKey].(string)
	if !ok {
		return nil, errSessionShape
	}
	return []byte(v), nil
}

// Deserialize puts the bytes back under dataKey. It runs only on a cookie
// whose MAC verified, so the bytes are ours; the JSON is checked by Sessions.
func (sessionSerializer) Deserialize(src []byte, dst any) error {
	values, ok := dst.(*map[any]any)
	if !ok || *values == nil {
		return errSessionShape
	}
	if len(src) > 0 {
		(*values)[dataKey] = string(src)
	}
	return nil
}

// useSessionSerializer switches every codec of the store to sessionSerializer.
func useSessionSerializer(store *sessions.CookieStore) {
	for _, c := range store.Codecs {
		if sc, ok := c.(*securecookie.SecureCookie); ok {
			sc.SetSerializer(sessionSerializer{})
		}
	}
}
