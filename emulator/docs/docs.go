// Package docs is the emulator's Google Docs API v1: documents.get over
// generated seed documents, with Google's paragraph, style and UTF-16 index
// structure (FIDELITY.md). The Docs API has no list method;
// Service.SampleDocuments is the emulator's own way to tell a site which IDs
// exist.
package docs

import (
	"strconv"
	"strings"

	"github.com/scopewise/scopewise/emulator/internal/googleapi"
	"github.com/scopewise/scopewise/emulator/seed"
)

// Service serves the Docs API. Its documents never change after New (each
// builds its body on first read), so a reset has nothing to forget here.
type Service struct {
	accounts []seed.Account
	docs     []*seedDoc // in a stable order: by owner, then as defined
	docByID  map[string]*seedDoc
	tokens   googleapi.Tokens
}

// New builds every account's documents and adds extra, which must pass
// Validate.
func New(accounts []seed.Account, extra []Document, tokens googleapi.Tokens) *Service {
	s := &Service{accounts: accounts, docByID: map[string]*seedDoc{}, tokens: tokens}
	all := docSeed(accounts)
	for _, d := range extra {
		all = append(all, d.seedDoc())
	}
	for _, d := range all {
		s.docs = append(s.docs, d)
		s.docByID[d.ID] = d
	}
	return s
}

// Document is a Google Doc added to the generated ones. Paragraphs are
// plain text; one starting with "# " … "###### " is a heading of that level.
// The title is also the document's first paragraph (style TITLE). ID is
// derived from the owner and title when empty.
type Document struct {
	ID         string   `json:"id,omitempty"`
	Owner      string   `json:"owner"` // email
	Title      string   `json:"title"`
	Paragraphs []string `json:"paragraphs"`
	Readers    []string `json:"readers,omitempty"`
	Editors    []string `json:"editors,omitempty"`
}

// DocumentID is the document's ID: its own, else one derived from owner and title.
func (d Document) DocumentID() string { return d.docID() }

func (d Document) docID() string {
	if d.ID != "" {
		return d.ID
	}
	return seedDocID(strings.ToLower(d.Owner), "config:"+d.Title)
}

// seedDoc builds the document from its paragraphs.
func (d Document) seedDoc() *seedDoc {
	paras := append([]string(nil), d.Paragraphs...)
	return &seedDoc{
		ID: d.docID(), Title: d.Title, Owner: strings.ToLower(d.Owner),
		Readers: seed.Lower(d.Readers), Editors: seed.Lower(d.Editors),
		build: func(b *docBuilder) {
			b.p("TITLE", plainRun(d.Title))
			for _, p := range paras {
				style, text := "NORMAL_TEXT", p
				if level := len(p) - len(strings.TrimLeft(p, "#")); level >= 1 && level <= 6 && strings.HasPrefix(p[level:], " ") {
					style, text = "HEADING_"+strconv.Itoa(level), p[level+1:]
				}
				b.p(style, plainRun(text))
			}
		},
	}
}
