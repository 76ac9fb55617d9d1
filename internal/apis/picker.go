package apis

import (
	"net/http"
	"strings"
)

// PickerScope is the one scope the Photos page asks for.
const PickerScope = "https://www.googleapis.com/auth/photospicker.mediaitems.readonly"

// Picker drives the Photos Picker API: sessions, media items, media bytes.
type Picker struct {
	base string // …/v1
	hc   *http.Client
}

// NewPicker builds a client for the Photos Picker API at base.
func NewPicker(base string, hc *http.Client) *Picker {
	return &Picker{base: strings.TrimRight(base, "/"), hc: hc}
}
