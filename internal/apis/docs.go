package apis

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// DocsScope is the one scope the Docs page asks for.
const DocsScope = "https://www.googleapis.com/auth/documents.readonly"

const apiDocs = "Docs API"

// Docs reads documents with Docs v1 documents.get. The Docs API cannot list
// documents (that needs Drive scopes), so every call names a document ID.
type Docs struct {
	base string // …/v1
	hc   *http.Client
}

// NewDocs builds a client for the Docs API at base.
func NewDocs(base string, hc *http.Client) *Docs {
	return &Docs{base: strings.TrimRight(base, "/"), hc: hc}
}

// Get reads the document with documents.get and summarizes it: title,
// outline, word count, first paragraph, and each tab's title and outline.
// It asks for includeTabsContent=true: without it Google fills body with
// the first tab alone. id must come from ParseDocumentRef.
func (d *Docs) Get(ctx context.Context, token, id string) (Document, error) {
	var raw docJSON
	if err := getJSON(ctx, d.hc, apiDocs, http.MethodGet, d.DocumentURL(id), token, &raw); err != nil {
		return Document{}, err
	}
	return summarize(&raw), nil
}

// Title reads only what the recent list shows: documents.get asked for the
// ID and title alone.
func (d *Docs) Title(ctx context.Context, token, id string) (DocumentRef, error) {
	var raw struct {
		DocumentID string `json:"documentId"`
		Title      string `json:"title"`
	}
	if err := getJSON(ctx, d.hc, apiDocs, http.MethodGet, d.TitleURL(id), token, &raw); err != nil {
		return DocumentRef{}, err
	}
	if raw.DocumentID == "" {
		raw.DocumentID = id
	}
	return DocumentRef{ID: raw.DocumentID, Title: titleOrUntitled(raw.Title)}, nil
}

// DocumentURL is the documents.get call Get makes: every tab's content, in
// the fields the summary reads.
func (d *Docs) DocumentURL(id string) string {
	return withFields(d.documentURL(id), url.Values{"includeTabsContent": {"true"}}, DocumentFields)
}

// TitleURL is the documents.get call Title makes.
func (d *Docs) TitleURL(id string) string {
	return withFields(d.documentURL(id), nil, DocumentTitleFields)
}

// documentURL escapes the ID even though ParseDocumentRef admits only
// [A-Za-z0-9_-]: the path must never be steerable by input.
func (d *Docs) documentURL(id string) string {
	return d.base + "/documents/" + url.PathEscape(id)
}

// DocumentRef names a document: what the recent list shows.
type DocumentRef struct {
	ID    string
	Title string
}

func titleOrUntitled(t string) string {
	if strings.TrimSpace(t) == "" {
		return "Untitled document"
	}
	return t
}
