package apis

import (
	"net/http"
	"strings"
)

// DocsScope is the one scope the Docs page asks for.
const DocsScope = "https://www.googleapis.com/auth/documents.readonly"

// Docs reads documents with Docs v1 documents.get.
type Docs struct {
	base string // …/v1
	hc   *http.Client
}

// NewDocs builds a client for the Docs API at base.
func NewDocs(base string, hc *http.Client) *Docs {
	return &Docs{base: strings.TrimRight(base, "/"), hc: hc}
}
