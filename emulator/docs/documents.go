package docs

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/scopewise/scopewise/emulator/internal/googleapi"
	"github.com/scopewise/scopewise/emulator/seed"
)

var (
	// docsScopes are the scopes documents.get accepts.
	docsScopes = []string{
		"https://www.googleapis.com/auth/documents.readonly",
		"https://www.googleapis.com/auth/documents",
		"https://www.googleapis.com/auth/drive.readonly",
		"https://www.googleapis.com/auth/drive",
		"https://www.googleapis.com/auth/drive.file",
	}
	// docsWriteScopes let a caller edit: with one of them, and edit rights
	// on the document, the response carries revisionId.
	docsWriteScopes = []string{
		"https://www.googleapis.com/auth/documents",
		"https://www.googleapis.com/auth/drive",
		"https://www.googleapis.com/auth/drive.file",
	}
)

// SampleDocument is a seed document an account can read: what the site
// offers as "try these" in emulator mode, since the Docs API cannot list.
type SampleDocument struct {
	ID    string
	Title string
}

// SampleDocuments lists the seed documents the account (an email) can read:
// its own first, then those shared with it, in a stable order. It is empty
// for an unknown account. Safe for concurrent use.
func (s *Service) SampleDocuments(email string) []SampleDocument {
	a, ok := seed.Find(s.accounts, email)
	if !ok {
		return nil
	}
	var own, shared []SampleDocument
	for _, d := range s.docs {
		switch {
		case d.Owner == a.Email:
			own = append(own, SampleDocument{ID: d.ID, Title: d.Title})
		case d.access(a.Email) != docNone:
			shared = append(shared, SampleDocument{ID: d.ID, Title: d.Title})
		}
	}
	return append(own, shared...)
}

// Get is documents.get.
func (s *Service) Get(w http.ResponseWriter, r *http.Request) {
	tok, ok := googleapi.Authorize(w, r, s.tokens, googleapi.Docs, docsScopes...)
	if !ok {
		return
	}
	d := s.docByID[r.PathValue("documentId")]
	if d == nil {
		googleapi.WriteError(w, googleapi.Docs, http.StatusNotFound, "NOT_FOUND", "Requested entity was not found.", "")
		return
	}
	access := d.access(tok.Account)
	if access == docNone {
		googleapi.WriteError(w, googleapi.Docs, http.StatusForbidden, "PERMISSION_DENIED", "The caller does not have permission", "")
		return
	}
	// "Can edit" needs both: edit rights on the document and a token that
	// may write. Only then does Google's response carry revisionId.
	canEdit := access == docEdit && googleapi.HasScope(tok.Scopes, docsWriteScopes...)

	q := r.URL.Query()
	mode := q.Get("suggestionsViewMode")
	switch mode {
	case "", "DEFAULT_FOR_CURRENT_ACCESS":
		mode = "PREVIEW_WITHOUT_SUGGESTIONS"
		if canEdit {
			mode = "SUGGESTIONS_INLINE"
		}
	case "SUGGESTIONS_INLINE", "PREVIEW_SUGGESTIONS_ACCEPTED", "PREVIEW_WITHOUT_SUGGESTIONS":
	default:
		googleapi.WriteError(w, googleapi.Docs, http.StatusBadRequest, "INVALID_ARGUMENT",
			fmt.Sprintf("Invalid value at 'suggestions_view_mode' (type.googleapis.com/google.apps.docs.v1.SuggestionsViewMode), %q", mode),
			"")
		return
	}
	includeTabs := false
	if raw := q.Get("includeTabsContent"); raw != "" {
		b, err := strconv.ParseBool(raw)
		if err != nil {
			googleapi.WriteError(w, googleapi.Docs, http.StatusBadRequest, "INVALID_ARGUMENT",
				fmt.Sprintf("Invalid value at 'include_tabs_content' (TYPE_BOOL), %q", raw), "")
			return
		}
		includeTabs = b
	}
	googleapi.WriteFields(w, r, googleapi.Docs, d.document(canEdit, mode, includeTabs))
}

// docAccess is what an account may do with a document.
type docAccess int

const (
	docNone docAccess = iota
	docRead
	docEdit
)

func (d *seedDoc) access(email string) docAccess {
	switch {
	case d.Owner == email, slices.Contains(d.Editors, email):
		return docEdit
	case slices.Contains(d.Readers, email):
		return docRead
	}
	return docNone
}

// document is the Document resource. With includeTabs every tab is there,
// nested, each with its own documentTab, and the legacy top-level fields
// (body, documentStyle, namedStyles) are left out; without it only the
// first tab's content fills them and tabs is left out, as Google does.
func (d *seedDoc) document(canEdit bool, mode string, includeTabs bool) docDocument {
	doc := docDocument{Title: d.Title, SuggestionsViewMode: mode, DocumentID: d.ID}
	if includeTabs {
		tabs := d.tabs
		if len(tabs) == 0 {
			tabs = []*seedTab{{ID: firstTabID, Title: "Tab 1"}}
		}
		doc.Tabs = d.tabsJSON(tabs, "", 0)
	} else {
		// Only the first tab's content, in the legacy top-level fields.
		doc.Body, doc.DocumentStyle, doc.NamedStyles = &docBody{Content: d.body()}, docDocumentStyle, docNamedStyles
	}
	if canEdit {
		doc.RevisionID = "ALBJ4L" + seed.B64(60, "revision", d.ID)
	}
	return doc
}

// docDocument is Docs v1's Document, in Google's field order.
type docDocument struct {
	Title               string   `json:"title"`
	Tabs                []docTab `json:"tabs,omitempty"`
	Body                *docBody `json:"body,omitempty"`
	DocumentStyle       any      `json:"documentStyle,omitempty"`
	NamedStyles         any      `json:"namedStyles,omitempty"`
	RevisionID          string   `json:"revisionId,omitempty"`
	SuggestionsViewMode string   `json:"suggestionsViewMode"`
	DocumentID          string   `json:"documentId"`
}

// tabsJSON is tabs (children of parent, at that nesting level) as Tab
// resources: tabProperties, childTabs, documentTab.
func (d *seedDoc) tabsJSON(tabs []*seedTab, parent string, level int) []docTab {
	out := make([]docTab, 0, len(tabs))
	for i, t := range tabs {
		out = append(out, docTab{
			TabProperties: docTabProperties{TabID: t.ID, Title: t.Title, ParentTabID: parent, Index: i, NestingLevel: level},
			ChildTabs:     d.tabsJSON(t.children, t.ID, level+1),
			DocumentTab:   docDocumentTab{Body: &docBody{Content: d.tabBody(t)}, DocumentStyle: docDocumentStyle, NamedStyles: docNamedStyles},
		})
	}
	return out
}

// docTab is a Tab. childTabs is left out when empty, as proto3 JSON leaves
// out empty repeated fields.
type docTab struct {
	TabProperties docTabProperties `json:"tabProperties"`
	ChildTabs     []docTab         `json:"childTabs,omitempty"`
	DocumentTab   docDocumentTab   `json:"documentTab"`
}

// docTabProperties: index and nestingLevel are left out when 0, and
// parentTabId for a top-level tab, as proto3 JSON leaves out defaults.
type docTabProperties struct {
	TabID        string `json:"tabId"`
	Title        string `json:"title"`
	ParentTabID  string `json:"parentTabId,omitempty"`
	Index        int    `json:"index,omitempty"`
	NestingLevel int    `json:"nestingLevel,omitempty"`
}

type docDocumentTab struct {
	Body          *docBody `json:"body"`
	DocumentStyle any      `json:"documentStyle"`
	NamedStyles   any      `json:"namedStyles"`
}

type docBody struct {
	Content []docElement `json:"content"`
}

// docSpan is where a StructuralElement or a ParagraphElement stands.
// Indices are UTF-16 code units; a zero startIndex is left out, as proto3
// JSON leaves out defaults (so the opening sectionBreak shows only
// "endIndex": 1).
type docSpan struct {
	StartIndex int `json:"startIndex,omitempty"`
	EndIndex   int `json:"endIndex"`
}

// docElement is a StructuralElement.
type docElement struct {
	docSpan
	SectionBreak *docSectionBreak `json:"sectionBreak,omitempty"`
	Paragraph    *docParagraph    `json:"paragraph,omitempty"`
	Table        *docTable        `json:"table,omitempty"`
}

type docSectionBreak struct {
	SectionStyle map[string]string `json:"sectionStyle"`
}

type docParagraph struct {
	Elements       []docParaElement  `json:"elements"`
	ParagraphStyle docParagraphStyle `json:"paragraphStyle"`
}

type docParaElement struct {
	docSpan
	TextRun *docTextRun `json:"textRun,omitempty"`
	// Person and RichLink are smart chips (ParagraphElement's person and
	// richLink in the Docs reference). The seed has none; they are here so
	// that a fields= mask naming them is accepted, as Google accepts it.
	Person   *docPerson   `json:"person,omitempty"`
	RichLink *docRichLink `json:"richLink,omitempty"`
}

type docPerson struct {
	PersonID         string       `json:"personId"`
	TextStyle        docTextStyle `json:"textStyle"`
	PersonProperties struct {
		Name  string `json:"name"`
		Email string `json:"email"`
	} `json:"personProperties"`
}

type docRichLink struct {
	RichLinkID         string       `json:"richLinkId"`
	TextStyle          docTextStyle `json:"textStyle"`
	RichLinkProperties struct {
		Title    string `json:"title"`
		URI      string `json:"uri"`
		MimeType string `json:"mimeType"`
	} `json:"richLinkProperties"`
}

type docTextRun struct {
	Content   string       `json:"content"`
	TextStyle docTextStyle `json:"textStyle"`
}

type docTextStyle struct {
	Bold            bool          `json:"bold,omitempty"`
	Italic          bool          `json:"italic,omitempty"`
	Underline       bool          `json:"underline,omitempty"`
	ForegroundColor *docOptColor  `json:"foregroundColor,omitempty"`
	Link            *docLinkStyle `json:"link,omitempty"`
}

type docOptColor struct {
	Color docColor `json:"color"`
}

type docColor struct {
	RGBColor map[string]float64 `json:"rgbColor"`
}

type docLinkStyle struct {
	URL string `json:"url"`
}

type docParagraphStyle struct {
	HeadingID      string `json:"headingId,omitempty"`
	NamedStyleType string `json:"namedStyleType"`
	Direction      string `json:"direction"`
}

type docTable struct {
	Rows       int            `json:"rows"`
	Columns    int            `json:"columns"`
	TableRows  []docTableRow  `json:"tableRows"`
	TableStyle map[string]any `json:"tableStyle"`
}

type docTableRow struct {
	StartIndex    int            `json:"startIndex"`
	EndIndex      int            `json:"endIndex"`
	TableCells    []docTableCell `json:"tableCells"`
	TableRowStyle map[string]any `json:"tableRowStyle"`
}

type docTableCell struct {
	StartIndex     int            `json:"startIndex"`
	EndIndex       int            `json:"endIndex"`
	Content        []docElement   `json:"content"`
	TableCellStyle map[string]any `json:"tableCellStyle"`
}

func docPt(v float64) map[string]any { return map[string]any{"magnitude": v, "unit": "PT"} }

// docDocumentStyle and docNamedStyles are a new document's defaults (A4,
// Arial 11pt), trimmed to the fields a reader of the API looks at.
var (
	docDocumentStyle = map[string]any{
		"background":                   map[string]any{"color": map[string]any{}},
		"pageNumberStart":              1,
		"marginTop":                    docPt(72),
		"marginBottom":                 docPt(72),
		"marginRight":                  docPt(72),
		"marginLeft":                   docPt(72),
		"pageSize":                     map[string]any{"height": docPt(841.8897637795277), "width": docPt(595.2755905511812)},
		"marginHeader":                 docPt(36),
		"marginFooter":                 docPt(36),
		"useCustomHeaderFooterMargins": true,
		"documentFormat":               map[string]any{"documentMode": "PAGES"},
	}
	docNamedStyles = map[string]any{"styles": []map[string]any{
		namedStyle("NORMAL_TEXT", 11, false),
		namedStyle("TITLE", 26, false),
		namedStyle("SUBTITLE", 15, false),
		namedStyle("HEADING_1", 20, false),
		namedStyle("HEADING_2", 16, false),
		namedStyle("HEADING_3", 14, false),
		namedStyle("HEADING_4", 12, false),
		namedStyle("HEADING_5", 11, false),
		namedStyle("HEADING_6", 11, true),
	}}
)

func namedStyle(name string, size float64, italic bool) map[string]any {
	ts := map[string]any{
		"fontSize":           docPt(size),
		"weightedFontFamily": map[string]any{"fontFamily": "Arial", "weight": 400},
	}
	if italic {
		ts["italic"] = true
	}
	return map[string]any{
		"namedStyleType": name,
		"textStyle":      ts,
		"paragraphStyle": map[string]any{"namedStyleType": name, "direction": "LEFT_TO_RIGHT", "lineSpacing": 115},
	}
}
