package docs

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/scopewise/scopewise/emulator/internal/apitest"
)

const (
	docsReadScope  = "https://www.googleapis.com/auth/documents.readonly"
	docsWriteScope = "https://www.googleapis.com/auth/documents"
)

// gdoc is documents.get as a client decodes it; elements keep their raw
// JSON too, to check which keys are present.
type gdoc struct {
	DocumentID          string `json:"documentId"`
	Title               string `json:"title"`
	RevisionID          string `json:"revisionId"`
	SuggestionsViewMode string `json:"suggestionsViewMode"`
	Body                *struct {
		Content []gelem `json:"content"`
	} `json:"body"`
	Tabs []struct {
		TabProperties struct{ TabID string } `json:"tabProperties"`
		DocumentTab   struct {
			Body struct{ Content []gelem } `json:"body"`
		} `json:"documentTab"`
	} `json:"tabs"`
	DocumentStyle json.RawMessage `json:"documentStyle"`
	NamedStyles   json.RawMessage `json:"namedStyles"`
}

type gelem struct {
	StartIndex   int             `json:"startIndex"`
	EndIndex     int             `json:"endIndex"`
	SectionBreak json.RawMessage `json:"sectionBreak"`
	Paragraph    *struct {
		Elements []struct {
			StartIndex int `json:"startIndex"`
			EndIndex   int `json:"endIndex"`
			TextRun    *struct {
				Content string `json:"content"`
			} `json:"textRun"`
		} `json:"elements"`
		ParagraphStyle struct {
			NamedStyleType string `json:"namedStyleType"`
			HeadingID      string `json:"headingId"`
			Direction      string `json:"direction"`
		} `json:"paragraphStyle"`
	} `json:"paragraph"`
	Table *struct {
		Rows      int `json:"rows"`
		Columns   int `json:"columns"`
		TableRows []struct {
			StartIndex int `json:"startIndex"`
			EndIndex   int `json:"endIndex"`
			TableCells []struct {
				StartIndex int     `json:"startIndex"`
				EndIndex   int     `json:"endIndex"`
				Content    []gelem `json:"content"`
			} `json:"tableCells"`
		} `json:"tableRows"`
	} `json:"table"`
}

// docID finds a seed document by owner and title.
func docID(t *testing.T, s *testEmu, owner, title string) string {
	t.Helper()
	for _, d := range s.Svc.docs {
		if d.Owner == owner && d.Title == title {
			return d.ID
		}
	}
	t.Fatalf("no document %q owned by %s", title, owner)
	return ""
}

func getDoc(t *testing.T, s *testEmu, id, token string) gdoc {
	t.Helper()
	rec := s.Get("/v1/documents/"+id, token)
	if rec.Code != 200 {
		t.Fatalf("documents.get %s: %d %s", id, rec.Code, rec.Body)
	}
	return apitest.JSON[gdoc](t, rec)
}

func TestDocumentShape(t *testing.T) {
	s := newDataEmu(t)
	id := docID(t, s, apitest.Alice, "Getting started with Scopewise")
	rec := s.Get("/v1/documents/"+id, s.Token(apitest.Alice, docsReadScope))
	if rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	d := apitest.JSON[gdoc](t, rec)
	if d.DocumentID != id || d.Title != "Getting started with Scopewise" || d.Body == nil ||
		len(d.DocumentStyle) == 0 || len(d.NamedStyles) == 0 || d.SuggestionsViewMode != "PREVIEW_WITHOUT_SUGGESTIONS" {
		t.Errorf("document fields: id %q title %q mode %q", d.DocumentID, d.Title, d.SuggestionsViewMode)
	}
	if d.RevisionID != "" {
		t.Errorf("revisionId %q with a read-only token", d.RevisionID)
	}

	t.Run("opens with a section break holding only endIndex 1", func(t *testing.T) {
		var raw struct {
			Body struct{ Content []map[string]json.RawMessage } `json:"body"`
		}
		json.Unmarshal(rec.Body.Bytes(), &raw)
		first := raw.Body.Content[0]
		if _, ok := first["startIndex"]; ok || string(first["endIndex"]) != "1" || first["sectionBreak"] == nil {
			t.Errorf("first element = %v", first)
		}
	})
	t.Run("headings", func(t *testing.T) {
		styles := map[string]bool{}
		for _, e := range d.Body.Content {
			if e.Paragraph == nil {
				continue
			}
			ps := e.Paragraph.ParagraphStyle
			styles[ps.NamedStyleType] = true
			isHeading := strings.HasPrefix(ps.NamedStyleType, "HEADING_")
			if isHeading != regexp.MustCompile(`^h\.[0-9a-z]{12}$`).MatchString(ps.HeadingID) {
				t.Errorf("%s has headingId %q", ps.NamedStyleType, ps.HeadingID)
			}
		}
		for _, want := range []string{"TITLE", "SUBTITLE", "NORMAL_TEXT", "HEADING_1", "HEADING_2", "HEADING_3", "HEADING_4", "HEADING_5", "HEADING_6"} {
			if !styles[want] {
				t.Errorf("no %s paragraph", want)
			}
		}
	})
}

// checkIndices walks content: elements are contiguous from start, every
// text run's length is its UTF-16 length, every paragraph ends in "\n".
// It returns the end index and counts paragraphs.
func checkIndices(t *testing.T, content []gelem, start int, paragraphs *int) int {
	t.Helper()
	at := start
	for i, e := range content {
		if e.StartIndex != at {
			t.Fatalf("element %d starts at %d, want %d", i, e.StartIndex, at)
		}
		switch {
		case e.SectionBreak != nil:
			at = e.EndIndex
		case e.Paragraph != nil:
			*paragraphs++
			var text strings.Builder
			for _, pe := range e.Paragraph.Elements {
				if pe.StartIndex != at {
					t.Fatalf("run starts at %d, want %d", pe.StartIndex, at)
				}
				n := len(utf16.Encode([]rune(pe.TextRun.Content)))
				if pe.EndIndex-pe.StartIndex != n {
					t.Fatalf("run %q spans %d, its UTF-16 length is %d", pe.TextRun.Content, pe.EndIndex-pe.StartIndex, n)
				}
				at = pe.EndIndex
				text.WriteString(pe.TextRun.Content)
			}
			if !strings.HasSuffix(text.String(), "\n") || strings.Count(text.String(), "\n") != 1 {
				t.Fatalf("paragraph %q must end in its only newline", text.String())
			}
		case e.Table != nil:
			tb := e.Table
			if tb.Rows != len(tb.TableRows) || tb.Columns != len(tb.TableRows[0].TableCells) {
				t.Fatalf("table %dx%d has %d rows", tb.Rows, tb.Columns, len(tb.TableRows))
			}
			at++ // the table's opening index
			for _, row := range tb.TableRows {
				if row.StartIndex != at {
					t.Fatalf("row starts at %d, want %d", row.StartIndex, at)
				}
				at++
				for _, cell := range row.TableCells {
					if cell.StartIndex != at {
						t.Fatalf("cell starts at %d, want %d", cell.StartIndex, at)
					}
					at = checkIndices(t, cell.Content, at+1, paragraphs)
					if cell.EndIndex != at {
						t.Fatalf("cell ends at %d, want %d", cell.EndIndex, at)
					}
				}
				if row.EndIndex != at {
					t.Fatalf("row ends at %d, want %d", row.EndIndex, at)
				}
			}
			at++ // closing index
		}
		if e.EndIndex != at {
			t.Fatalf("element %d ends at %d, want %d", i, e.EndIndex, at)
		}
	}
	return at
}

func TestDocumentIndicesAreUTF16(t *testing.T) {
	s := newDataEmu(t)
	for _, email := range []string{apitest.Alice, apitest.Bob, apitest.Carol} {
		tok := s.Token(email, docsReadScope)
		for _, sd := range s.Svc.SampleDocuments(email) {
			t.Run(email+"/"+sd.Title, func(t *testing.T) {
				d := getDoc(t, s, sd.ID, tok)
				n := 0
				checkIndices(t, d.Body.Content, 0, &n)
				last := d.Body.Content[len(d.Body.Content)-1]
				if last.Paragraph == nil {
					t.Errorf("body must end in a paragraph")
				}
			})
		}
	}

	t.Run("emoji and scripts outside the BMP", func(t *testing.T) {
		d := getDoc(t, s, docID(t, s, apitest.Alice, "多言語メモ — Notes in many scripts 👩‍💻"), s.Token(apitest.Alice, docsReadScope))
		spans := map[string]int{}
		directions := map[string]bool{}
		for _, e := range d.Body.Content {
			if e.Paragraph == nil {
				continue
			}
			directions[e.Paragraph.ParagraphStyle.Direction] = true
			for _, pe := range e.Paragraph.Elements {
				spans[pe.TextRun.Content] = pe.EndIndex - pe.StartIndex
			}
		}
		// 👩 (2) + ZWJ (1) + 💻 (2) + 🚀 (2): four code points, seven UTF-16 units.
		if spans["👩‍💻🚀"] != 7 {
			t.Errorf("👩‍💻🚀 spans %d, want 7 UTF-16 code units", spans["👩‍💻🚀"])
		}
		if !directions["RIGHT_TO_LEFT"] {
			t.Errorf("the Arabic paragraph should be RIGHT_TO_LEFT")
		}
	})
}

func TestDocumentEmpty(t *testing.T) {
	s := newDataEmu(t)
	d := getDoc(t, s, docID(t, s, apitest.Alice, "Untitled document"), s.Token(apitest.Alice, docsReadScope))
	c := d.Body.Content
	if len(c) != 2 || c[0].SectionBreak == nil || c[1].Paragraph == nil || c[1].StartIndex != 1 || c[1].EndIndex != 2 ||
		len(c[1].Paragraph.Elements) != 1 || c[1].Paragraph.Elements[0].TextRun.Content != "\n" ||
		c[1].Paragraph.ParagraphStyle.NamedStyleType != "NORMAL_TEXT" {
		t.Errorf("empty document content = %+v", c)
	}
}

func TestDocumentLong(t *testing.T) {
	s := newDataEmu(t)
	d := getDoc(t, s, docID(t, s, apitest.Alice, "Field guide (long document)"), s.Token(apitest.Alice, docsReadScope))
	n := 0
	checkIndices(t, d.Body.Content, 0, &n)
	if n < 2000 {
		t.Errorf("long document has %d paragraphs, want at least 2,000", n)
	}
}

func TestDocumentTable(t *testing.T) {
	s := newDataEmu(t)
	d := getDoc(t, s, docID(t, s, apitest.Alice, "Project plan"), s.Token(apitest.Alice, docsReadScope))
	for _, e := range d.Body.Content {
		if e.Table == nil {
			continue
		}
		first := e.Table.TableRows[0]
		cell := first.TableCells[0]
		// Opening index, then the row's, then the cell's: text starts at +3.
		if first.StartIndex != e.StartIndex+1 || cell.StartIndex != e.StartIndex+2 || cell.Content[0].StartIndex != e.StartIndex+3 {
			t.Errorf("table at %d: row %d, cell %d, text %d", e.StartIndex, first.StartIndex, cell.StartIndex, cell.Content[0].StartIndex)
		}
		if got := cell.Content[0].Paragraph.Elements[0].TextRun.Content; got != "Milestone\n" {
			t.Errorf("first cell = %q", got)
		}
		return
	}
	t.Fatal("no table in the project plan")
}

func TestDocumentAccess(t *testing.T) {
	s := newDataEmu(t)
	private := docID(t, s, apitest.Bob, "Bob's private journal")
	reading := docID(t, s, apitest.Alice, "Reading list (shared with Bob)")
	handbook := docID(t, s, apitest.Carol, "Team handbook")
	own := docID(t, s, apitest.Alice, "Project plan")
	cases := []struct {
		name, email, scope, id string
		code                   int
		revision               bool
	}{
		{"owner, read-only token", apitest.Alice, docsReadScope, own, 200, false},
		{"owner, documents scope", apitest.Alice, docsWriteScope, own, 200, true},
		{"owner, drive scope", apitest.Alice, "https://www.googleapis.com/auth/drive", own, 200, true},
		{"owner, drive.readonly scope", apitest.Alice, "https://www.googleapis.com/auth/drive.readonly", own, 200, false},
		{"editor, documents scope", apitest.Alice, docsWriteScope, handbook, 200, true},
		{"reader, documents scope", apitest.Bob, docsWriteScope, reading, 200, false},
		{"reader of another's document", apitest.Bob, docsReadScope, handbook, 200, false},
		{"not shared", apitest.Alice, docsWriteScope, private, 403, false},
		{"not shared with carol", apitest.Carol, docsReadScope, reading, 403, false},
		{"unknown ID", apitest.Alice, docsReadScope, "1" + strings.Repeat("x", 43), 404, false},
		{"not an ID at all", apitest.Alice, docsReadScope, "nope", 404, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := s.Get("/v1/documents/"+c.id, s.Token(c.email, c.scope))
			switch c.code {
			case 403:
				e := apitest.WantError(t, rec, 403, "PERMISSION_DENIED", "The caller does not have permission")
				if rec.Header().Get("WWW-Authenticate") != "" || e.Reason() != "" {
					t.Errorf("a document permission 403 is not a scope problem: header %q reason %q", rec.Header().Get("WWW-Authenticate"), e.Reason())
				}
			case 404:
				if rec.Code != 404 {
					t.Fatalf("status %d", rec.Code)
				}
				if got := strings.Join(strings.Fields(rec.Body.String()), ""); got != `{"error":{"code":404,"message":"Requestedentitywasnotfound.","status":"NOT_FOUND"}}` {
					t.Errorf("404 body = %s", rec.Body)
				}
			default:
				d := apitest.JSON[gdoc](t, rec)
				if (d.RevisionID != "") != c.revision {
					t.Errorf("revisionId = %q, want present: %v", d.RevisionID, c.revision)
				}
				wantMode := map[bool]string{true: "SUGGESTIONS_INLINE", false: "PREVIEW_WITHOUT_SUGGESTIONS"}[c.revision]
				if d.SuggestionsViewMode != wantMode {
					t.Errorf("suggestionsViewMode = %q, want %q", d.SuggestionsViewMode, wantMode)
				}
			}
		})
	}
}

func TestDocumentParameters(t *testing.T) {
	s := newDataEmu(t)
	tok := s.Token(apitest.Alice, docsReadScope)
	id := docID(t, s, apitest.Alice, "Project plan")

	t.Run("includeTabsContent moves the body into tabs", func(t *testing.T) {
		d := apitest.JSON[gdoc](t, s.Get("/v1/documents/"+id+"?includeTabsContent=true", tok))
		if d.Body != nil || len(d.DocumentStyle) != 0 || len(d.Tabs) != 1 || d.Tabs[0].TabProperties.TabID != "t.0" ||
			len(d.Tabs[0].DocumentTab.Body.Content) < 3 {
			t.Errorf("tabs response: body %v, tabs %d", d.Body != nil, len(d.Tabs))
		}
	})
	t.Run("suggestionsViewMode is echoed", func(t *testing.T) {
		d := apitest.JSON[gdoc](t, s.Get("/v1/documents/"+id+"?suggestionsViewMode=PREVIEW_SUGGESTIONS_ACCEPTED", tok))
		if d.SuggestionsViewMode != "PREVIEW_SUGGESTIONS_ACCEPTED" {
			t.Errorf("mode = %q", d.SuggestionsViewMode)
		}
	})
	for _, q := range []string{"suggestionsViewMode=SIDEWAYS", "includeTabsContent=perhaps"} {
		t.Run("bad "+q, func(t *testing.T) {
			apitest.WantError(t, s.Get("/v1/documents/"+id+"?"+q, tok), 400, "INVALID_ARGUMENT", "")
		})
	}
}

func TestDocumentScopes(t *testing.T) {
	for _, scope := range docsScopes {
		t.Run("accepts "+scope, func(t *testing.T) {
			s := newDataEmu(t)
			if rec := s.Get("/v1/documents/"+docID(t, s, apitest.Alice, "Project plan"), s.Token(apitest.Alice, scope)); rec.Code != 200 {
				t.Errorf("status %d: %s", rec.Code, rec.Body)
			}
		})
	}
	s := newDataEmu(t)
	apitest.CheckAuthErrors(t, newDataEmu(t).Emu, "GET", "/v1/documents/"+docID(t, s, apitest.Alice, "Project plan"), docsReadScope, apitest.CalendarScope)
}

func TestSampleDocuments(t *testing.T) {
	s := newDataEmu(t)
	idShape := regexp.MustCompile(`^[A-Za-z0-9_-]{44}$`)
	cases := []struct {
		email        string
		mustHave     []string
		mustNotHave  []string
		wantReadable int
	}{
		{apitest.Alice, []string{"Getting started with Scopewise", "Reading list (shared with Bob)", "Team handbook", "Team wiki (tabs)"}, []string{"Bob's private journal"}, 8},
		{apitest.Bob, []string{"Bob's private journal", "Reading list (shared with Bob)", "Team handbook"}, nil, 9},
		{apitest.Carol, []string{"Team handbook"}, []string{"Reading list (shared with Bob)", "Bob's private journal"}, 7},
	}
	for _, c := range cases {
		t.Run(c.email, func(t *testing.T) {
			docs := s.Svc.SampleDocuments(c.email)
			titles := map[string]bool{}
			tok := s.Token(c.email, docsReadScope)
			for _, d := range docs {
				titles[d.Title] = true
				if !idShape.MatchString(d.ID) {
					t.Errorf("ID %q is not shaped like Google's", d.ID)
				}
				if rec := s.Get("/v1/documents/"+d.ID, tok); rec.Code != 200 {
					t.Errorf("%q listed but not readable: %d", d.Title, rec.Code)
				}
			}
			for _, title := range c.mustHave {
				if !titles[title] {
					t.Errorf("missing %q", title)
				}
			}
			for _, title := range c.mustNotHave {
				if titles[title] {
					t.Errorf("lists %q, which it cannot read", title)
				}
			}
			if len(docs) != c.wantReadable {
				t.Errorf("%d documents, want %d", len(docs), c.wantReadable)
			}
		})
	}
	if got := s.Svc.SampleDocuments("nobody@example.com"); got != nil {
		t.Errorf("unknown account: %v", got)
	}
}

// tabDoc is a Tab as a client decodes it, with the raw tabProperties to
// check which keys are present.
type tabDoc struct {
	TabProperties json.RawMessage `json:"tabProperties"`
	ChildTabs     []tabDoc        `json:"childTabs"`
	DocumentTab   *struct {
		Body *struct{ Content []gelem } `json:"body"`
	} `json:"documentTab"`
}

type tabProps struct {
	TabID        string `json:"tabId"`
	Title        string `json:"title"`
	ParentTabID  string `json:"parentTabId"`
	Index        int    `json:"index"`
	NestingLevel int    `json:"nestingLevel"`
}

func TestDocumentTabs(t *testing.T) {
	s := newDataEmu(t)
	tok := s.Token(apitest.Alice, docsReadScope)
	id := docID(t, s, apitest.Alice, "Team wiki (tabs)")

	t.Run("without includeTabsContent only the first tab fills body", func(t *testing.T) {
		rec := s.Get("/v1/documents/"+id, tok)
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(rec.Body.Bytes(), &raw); err != nil {
			t.Fatal(err)
		}
		if _, ok := raw["tabs"]; ok {
			t.Error("tabs present without includeTabsContent")
		}
		d := getDoc(t, s, id, tok)
		text := docText(d.Body.Content)
		if !strings.Contains(text, "Who we are") || strings.Contains(text, "Current projects") || strings.Contains(text, "This quarter") {
			t.Errorf("body is not the first tab alone: %q", text)
		}
	})

	t.Run("with includeTabsContent every tab, nested", func(t *testing.T) {
		rec := s.Get("/v1/documents/"+id+"?includeTabsContent=true", tok)
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(rec.Body.Bytes(), &raw); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"body", "documentStyle", "namedStyles"} {
			if _, ok := raw[k]; ok {
				t.Errorf("top-level %s present with includeTabsContent", k)
			}
		}
		var tabs []tabDoc
		if err := json.Unmarshal(raw["tabs"], &tabs); err != nil {
			t.Fatal(err)
		}
		type flat struct {
			p    tabProps
			text string
		}
		var all []flat
		var walk func(ts []tabDoc)
		walk = func(ts []tabDoc) {
			for _, tb := range ts {
				var p tabProps
				if err := json.Unmarshal(tb.TabProperties, &p); err != nil {
					t.Fatal(err)
				}
				if tb.DocumentTab == nil || tb.DocumentTab.Body == nil || len(tb.DocumentTab.Body.Content) == 0 {
					t.Errorf("tab %q has no documentTab.body", p.Title)
				} else {
					if tb.DocumentTab.Body.Content[0].EndIndex != 1 {
						t.Errorf("tab %q: indices do not start afresh", p.Title)
					}
					all = append(all, flat{p, docText(tb.DocumentTab.Body.Content)})
				}
				walk(tb.ChildTabs)
			}
		}
		walk(tabs)
		want := []tabProps{
			{TabID: "t.0", Title: "Overview"},
			{Title: "Projects", Index: 1},
			{Title: "Scopewise", Index: 0, NestingLevel: 1},
			{Title: "Roadmap", Index: 0, NestingLevel: 2},
			{Title: "Emulator", Index: 1, NestingLevel: 1},
			{Title: "Meeting notes", Index: 2},
		}
		if len(all) != len(want) {
			t.Fatalf("%d tabs, want %d", len(all), len(want))
		}
		tabIDShape := regexp.MustCompile(`^t\.[0-9a-z]{12}$`)
		parentOf := map[string]string{"Scopewise": "Projects", "Roadmap": "Scopewise", "Emulator": "Projects"}
		idOf := map[string]string{}
		for i, f := range all {
			idOf[f.p.Title] = f.p.TabID
			w := want[i]
			if f.p.Title != w.Title || f.p.Index != w.Index || f.p.NestingLevel != w.NestingLevel {
				t.Errorf("tab %d = %+v, want %+v", i, f.p, w)
			}
			if i > 0 && !tabIDShape.MatchString(f.p.TabID) {
				t.Errorf("tab %q: id %q not shaped like Google's", f.p.Title, f.p.TabID)
			}
		}
		for _, f := range all {
			if p, ok := parentOf[f.p.Title]; ok {
				if f.p.ParentTabID != idOf[p] {
					t.Errorf("tab %q: parentTabId %q, want %q", f.p.Title, f.p.ParentTabID, idOf[p])
				}
			} else if f.p.ParentTabID != "" {
				t.Errorf("top-level tab %q has parentTabId %q", f.p.Title, f.p.ParentTabID)
			}
		}
		if !strings.Contains(all[3].text, "This quarter") || strings.Contains(all[3].text, "Who we are") {
			t.Errorf("Roadmap tab text = %q", all[3].text)
		}
		// proto3 JSON leaves out zero index, nestingLevel and an empty parent.
		if strings.Contains(string(tabs[0].TabProperties), "index") || strings.Contains(string(tabs[0].TabProperties), "parentTabId") ||
			strings.Contains(string(tabs[0].TabProperties), "nestingLevel") {
			t.Errorf("first tab's properties carry defaults: %s", tabs[0].TabProperties)
		}
		if tabs[2].ChildTabs != nil {
			t.Errorf("a tab without children has childTabs")
		}
	})

	t.Run("a document without tabs has one, Tab 1", func(t *testing.T) {
		d := apitest.JSON[gdoc](t, s.Get("/v1/documents/"+docID(t, s, apitest.Alice, "Project plan")+"?includeTabsContent=true", tok))
		if len(d.Tabs) != 1 || d.Tabs[0].TabProperties.TabID != "t.0" {
			t.Errorf("tabs = %+v", d.Tabs)
		}
	})
}

// docText is the text of a body's paragraphs.
func docText(content []gelem) string {
	var b strings.Builder
	for _, e := range content {
		if e.Paragraph == nil {
			continue
		}
		for _, pe := range e.Paragraph.Elements {
			if pe.TextRun != nil {
				b.WriteString(pe.TextRun.Content)
			}
		}
	}
	return b.String()
}
