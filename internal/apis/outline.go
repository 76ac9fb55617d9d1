package apis

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Document is what the Docs page shows of a document: a summary built from
// documents.get, never the whole content.
type Document struct {
	ID    string
	Title string
	// Outline lists the headings in document order, table cells included
	// (a heading in a cell is still a heading the author can link to).
	Outline []Heading
	// Words counts the words of every paragraph, table cells included; a
	// table of contents is left out (it repeats the headings).
	Words int
	// Paragraphs counts the non-empty paragraphs, as Words does.
	Paragraphs int
	// Tables counts the tables, nested ones included.
	Tables int
	// FirstParagraph is the text of the first non-empty body paragraph that
	// is not a heading and not in a table; "" when there is none.
	FirstParagraph string
	// Tabs are the document's tabs, nested as in the document, each with
	// its own outline and counts; nil when the answer had no tabs (a server
	// that ignored includeTabsContent). Outline, Words, Paragraphs and
	// Tables above then cover every tab, in document order.
	Tabs []Tab
}

// Tab is one tab of a document: its title, where it sits, and a summary of
// its own content.
type Tab struct {
	ID    string // Google's tabId, e.g. "t.0"
	Title string
	// Level is the tab's nestingLevel: 0 for a top-level tab.
	Level      int
	Outline    []Heading
	Words      int
	Paragraphs int
	Tables     int
	Children   []Tab
}

// Heading is one entry of a document's outline.
type Heading struct {
	// Level: TITLE 0, SUBTITLE 1, HEADING_n n. A subtitle belongs to the
	// title above it and never holds headings of its own.
	Level int
	Style string // Google's namedStyleType, e.g. "HEADING_2"
	Text  string
	ID    string // Google's headingId ("h.…"); "" for titles and subtitles
}

// headingLevels maps Google's namedStyleType to an outline level.
var headingLevels = map[string]int{
	"TITLE":     0,
	"SUBTITLE":  1,
	"HEADING_1": 1,
	"HEADING_2": 2,
	"HEADING_3": 3,
	"HEADING_4": 4,
	"HEADING_5": 5,
	"HEADING_6": 6,
}

// docJSON is the part of Docs v1's Document the page reads.
type docJSON struct {
	DocumentID string   `json:"documentId"`
	Title      string   `json:"title"`
	Body       bodyJSON `json:"body"`
	// Tabs is filled instead of Body when includeTabsContent=true is asked
	// for, as the Docs page does: every tab, nested in childTabs.
	Tabs []tabJSON `json:"tabs"`
}

type tabJSON struct {
	TabProperties struct {
		TabID        string `json:"tabId"`
		Title        string `json:"title"`
		NestingLevel int    `json:"nestingLevel"`
	} `json:"tabProperties"`
	ChildTabs   []tabJSON `json:"childTabs"`
	DocumentTab struct {
		Body bodyJSON `json:"body"`
	} `json:"documentTab"`
}

type bodyJSON struct {
	Content []structuralElement `json:"content"`
}

// structuralElement is one of sectionBreak, paragraph, table or
// tableOfContents; section breaks carry no text and are not decoded.
type structuralElement struct {
	Paragraph       *paragraphJSON `json:"paragraph"`
	Table           *tableJSON     `json:"table"`
	TableOfContents *bodyJSON      `json:"tableOfContents"`
}

type paragraphJSON struct {
	Elements       []paragraphElement `json:"elements"`
	ParagraphStyle struct {
		NamedStyleType string `json:"namedStyleType"`
		HeadingID      string `json:"headingId"`
	} `json:"paragraphStyle"`
}

// paragraphElement holds text in a textRun, or in a smart chip (a person or
// a rich link) whose visible text is its name or title. Indices are UTF-16
// offsets and are never used: text comes from the content strings.
type paragraphElement struct {
	TextRun *struct {
		Content string `json:"content"`
	} `json:"textRun"`
	Person *struct {
		PersonProperties struct {
			Name  string `json:"name"`
			Email string `json:"email"`
		} `json:"personProperties"`
	} `json:"person"`
	RichLink *struct {
		RichLinkProperties struct {
			Title string `json:"title"`
		} `json:"richLinkProperties"`
	} `json:"richLink"`
}

type tableJSON struct {
	TableRows []struct {
		TableCells []struct {
			Content []structuralElement `json:"content"`
		} `json:"tableCells"`
	} `json:"tableRows"`
}

// texts calls f with each piece of visible text of the paragraph, in order.
func (p *paragraphJSON) texts(f func(string)) {
	for i := range p.Elements {
		e := &p.Elements[i]
		switch {
		case e.TextRun != nil:
			f(e.TextRun.Content)
		case e.Person != nil:
			if n := e.Person.PersonProperties.Name; n != "" {
				f(n)
			} else {
				f(e.Person.PersonProperties.Email)
			}
		case e.RichLink != nil:
			f(e.RichLink.RichLinkProperties.Title)
		}
	}
}

// text is the paragraph's visible text on one line, trimmed: the closing
// newline, vertical tabs (soft line breaks) and runs of spaces become one
// space each.
func (p *paragraphJSON) text() string {
	var b strings.Builder
	p.texts(func(s string) { b.WriteString(s) })
	return strings.Join(strings.Fields(b.String()), " ")
}

// summarize walks the body, or each tab's, once: outline, counts and the
// first paragraph.
func summarize(raw *docJSON) Document {
	doc := Document{ID: raw.DocumentID, Title: titleOrUntitled(raw.Title)}
	if len(raw.Tabs) == 0 || len(raw.Body.Content) > 0 {
		s := summarizer{doc: doc}
		s.walk(raw.Body.Content, false)
		s.doc.Words = s.words.n
		return s.doc
	}
	doc.Tabs = summarizeTabs(&doc, raw.Tabs)
	return doc
}

// summarizeTabs summarizes each tab and its children in document order,
// adding each one's outline and counts to the document's.
func summarizeTabs(doc *Document, tabs []tabJSON) []Tab {
	out := make([]Tab, 0, len(tabs))
	for i := range tabs {
		t := &tabs[i]
		s := summarizer{}
		s.walk(t.DocumentTab.Body.Content, false)
		s.doc.Words = s.words.n
		title := t.TabProperties.Title
		if strings.TrimSpace(title) == "" {
			title = "Untitled tab"
		}
		tab := Tab{
			ID: t.TabProperties.TabID, Title: title, Level: t.TabProperties.NestingLevel,
			Outline: s.doc.Outline, Words: s.doc.Words, Paragraphs: s.doc.Paragraphs, Tables: s.doc.Tables,
		}
		doc.Outline = append(doc.Outline, s.doc.Outline...)
		doc.Words += s.doc.Words
		doc.Paragraphs += s.doc.Paragraphs
		doc.Tables += s.doc.Tables
		if doc.FirstParagraph == "" {
			doc.FirstParagraph = s.doc.FirstParagraph
		}
		tab.Children = summarizeTabs(doc, t.ChildTabs)
		if len(tab.Children) == 0 {
			tab.Children = nil
		}
		out = append(out, tab)
	}
	return out
}

type summarizer struct {
	doc   Document
	words wordCounter
}

func (s *summarizer) walk(content []structuralElement, inTable bool) {
	for i := range content {
		el := &content[i]
		switch {
		case el.Paragraph != nil:
			s.paragraph(el.Paragraph, inTable)
		case el.Table != nil:
			s.doc.Tables++
			for _, row := range el.Table.TableRows {
				for _, cell := range row.TableCells {
					s.walk(cell.Content, true)
				}
			}
		}
		// A table of contents repeats the headings' text: it is neither
		// words nor outline. Section breaks hold no text.
	}
}

func (s *summarizer) paragraph(p *paragraphJSON, inTable bool) {
	if !hasVisibleText(p) {
		return // an empty paragraph: no words, no heading, not a first paragraph
	}
	p.texts(s.words.feed)
	s.words.flush()
	s.doc.Paragraphs++
	style := p.ParagraphStyle.NamedStyleType
	if level, ok := headingLevels[style]; ok {
		if t := p.text(); t != "" {
			s.doc.Outline = append(s.doc.Outline, Heading{Level: level, Style: style, Text: t, ID: p.ParagraphStyle.HeadingID})
		}
		return
	}
	if !inTable && s.doc.FirstParagraph == "" {
		s.doc.FirstParagraph = p.text()
	}
}

// hasVisibleText reports whether a paragraph holds anything but white space
// (a paragraph of emoji has no words but is not empty).
func hasVisibleText(p *paragraphJSON) bool {
	visible := false
	p.texts(func(s string) {
		if !visible && strings.TrimFunc(s, unicode.IsSpace) != "" {
			visible = true
		}
	})
	return visible
}

// wordCounter counts words the way a reader would, across text runs (a
// word may change style halfway): a word is a stretch between white space
// that holds a letter or a digit, so punctuation and emoji alone are not
// words; each Han, Hiragana or Katakana character is a word of its own, as
// those scripts do not separate words with spaces.
type wordCounter struct {
	n       int
	inWord  bool // the current stretch holds a letter or a digit
	pending bool // inside a stretch of non-space
}

func (w *wordCounter) feed(s string) {
	for _, r := range s {
		if r < utf8.RuneSelf { // most text: no table lookups
			switch {
			case r == ' ' || '\t' <= r && r <= '\r':
				w.flush()
			case 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9':
				w.pending, w.inWord = true, true
			default:
				w.pending = true
			}
			continue
		}
		switch {
		case unicode.IsSpace(r):
			w.flush()
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana):
			w.flush()
			w.n++
		default:
			w.pending = true
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				w.inWord = true
			}
		}
	}
}

func (w *wordCounter) flush() {
	if w.pending && w.inWord {
		w.n++
	}
	w.pending, w.inWord = false, false
}
