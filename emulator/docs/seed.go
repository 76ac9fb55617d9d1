package docs

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf16"

	"github.com/scopewise/scopewise/emulator/seed"
)

// seedDoc is one seed document. Its content is built on first read.
type seedDoc struct {
	ID      string // 44 characters of [A-Za-z0-9_-], like Google's
	Title   string
	Owner   string   // email
	Readers []string // emails that may read
	Editors []string // emails that may edit (and read)

	build   func(b *docBuilder) // the first tab's content
	once    sync.Once
	content []docElement

	// tabs, when set, are the document's tabs in the order a reader sees
	// them, nested; the first one's build is build. Without them the
	// document has one tab, "Tab 1", as every document made before tabs.
	tabs []*seedTab
}

// seedTab is one tab of a document: its title, its content and the tabs
// nested beneath it.
type seedTab struct {
	ID       string // "t.0" for a document's first tab, else "t." and 12 characters
	Title    string
	build    func(b *docBuilder)
	children []*seedTab

	once    sync.Once
	content []docElement
}

// body is the document's body.content — its first tab's — built once.
func (d *seedDoc) body() []docElement {
	d.once.Do(func() {
		b := newDocBuilder(d.ID)
		d.build(b)
		d.content = b.finish()
	})
	return d.content
}

// tabBody is one tab's body.content. Each tab counts its indices from 1.
func (d *seedDoc) tabBody(t *seedTab) []docElement {
	if t.ID == firstTabID {
		return d.body()
	}
	t.once.Do(func() {
		b := newDocBuilder(d.ID + "/" + t.ID)
		t.build(b)
		t.content = b.finish()
	})
	return t.content
}

// firstTabID is the ID Google gives a document's first tab.
const firstTabID = "t.0"

// seedTabID is shaped like Google's later tab IDs: "t." and 12 lower-case
// letters and digits.
func seedTabID(docID, key string) string {
	return "t." + strings.ToLower(seed.Hex(12, "tab", docID, key))
}

// seedDocID is shaped like Google's: "1" and 43 URL-safe characters.
func seedDocID(owner, key string) string { return "1" + seed.B64(43, "doc", owner, key) }

// docSeed is every account's documents. Each account owns the same kinds —
// a guide with headings, a plan with tables, a multilingual note (UTF-16
// indices), a long document (over 2,000 paragraphs) and an empty one — and
// three documents exercise sharing:
//   - alice's "Reading list" is shared with bob as a reader;
//   - bob's "Private journal" is shared with nobody: alice gets 403;
//   - carol's "Team handbook" has alice as an editor and bob as a reader.
func docSeed(accounts []seed.Account) []*seedDoc {
	var docs []*seedDoc
	email := map[string]string{}
	for _, a := range accounts {
		email[firstName(a)] = a.Email
	}
	for _, a := range accounts {
		name := firstName(a)
		own := func(key, title string, build func(b *docBuilder)) *seedDoc {
			d := &seedDoc{ID: seedDocID(a.Email, key), Title: title, Owner: a.Email, build: build}
			docs = append(docs, d)
			return d
		}
		own("welcome", "Getting started with Scopewise", func(b *docBuilder) { welcomeDoc(b, name) })
		own("plan", "Project plan", planDoc)
		own("multilingual", "多言語メモ — Notes in many scripts 👩‍💻", multilingualDoc)
		own("long", "Field guide (long document)", longDoc)
		own("empty", "Untitled document", func(*docBuilder) {})
		wiki := own("wiki", "Team wiki (tabs)", wikiOverview)
		wiki.tabs = wikiTabs(wiki.ID)
		switch name {
		case "Alice":
			d := own("reading-list", "Reading list (shared with Bob)", readingListDoc)
			d.Readers = []string{email["Bob"]}
		case "Bob":
			own("private", "Bob's private journal", privateDoc)
		case "Carol":
			d := own("handbook", "Team handbook", handbookDoc)
			d.Editors = []string{email["Alice"]}
			d.Readers = []string{email["Bob"]}
		}
	}
	return docs
}

func firstName(a seed.Account) string {
	name, _, _ := strings.Cut(a.Name, " ")
	return name
}

func welcomeDoc(b *docBuilder, name string) {
	b.p("TITLE", plainRun("Getting started with Scopewise"))
	b.p("SUBTITLE", plainRun("Incremental authorization, one scope at a time"))
	b.p("NORMAL_TEXT", plainRun("Hello "+name+". This document lives in the emulator's seed data: "),
		boldRun("it never leaves your machine"), plainRun("."))
	b.p("HEADING_1", plainRun("Why incremental authorization"))
	b.p("NORMAL_TEXT", plainRun("An app asks for a permission at the moment it needs it, not all at sign-in. "+
		"Users see a short request they can understand, and can say no to one part without losing the rest."))
	b.p("HEADING_2", plainRun("Asking for one scope"))
	b.p("NORMAL_TEXT", plainRun("Each page initializes its own token client with exactly one scope. See "),
		linkRun("Google's token model guide", "https://developers.google.com/identity/oauth2/web/guides/use-token-model"),
		plainRun(" for the details."))
	b.p("HEADING_3", plainRun("Granular consent"))
	b.p("NORMAL_TEXT", italicRun("When two or more scopes are asked at once, the consent screen shows a checkbox for each."))
	b.p("HEADING_2", plainRun("When a grant is partial"))
	b.p("NORMAL_TEXT", plainRun("Check "), boldRun("hasGrantedAllScopes"), plainRun(" before you call an API, and explain what is missing."))
	b.p("HEADING_1", plainRun("Next steps"))
	b.p("NORMAL_TEXT", plainRun("Open the Calendar page, then the Photos page, and watch the grant ledger grow."))
	b.p("HEADING_4", plainRun("Appendix"))
	b.p("HEADING_5", plainRun("Scopes used"))
	b.p("HEADING_6", plainRun("documents.readonly, calendar.readonly, photospicker.mediaitems.readonly"))
	b.p("NORMAL_TEXT", plainRun(""))
}

func planDoc(b *docBuilder) {
	b.p("TITLE", plainRun("Project plan"))
	b.p("NORMAL_TEXT", plainRun("Owner: the platform team. Status: "), boldRun("on track"), plainRun("."))
	b.p("HEADING_1", plainRun("Milestones"))
	b.table([][]string{
		{"Milestone", "Owner", "Due"},
		{"Walking skeleton", "Alice", "Week 2"},
		{"Docs page", "Bob", "Week 4"},
		{"Photos page", "Carol", "Week 6"},
		{"Launch", "Everyone", ""},
	})
	b.p("NORMAL_TEXT", plainRun("Dates move when the scope does."))
	b.p("HEADING_1", plainRun("Risks"))
	b.table([][]string{
		{"Risk", "Mitigation"},
		{"Popup blocked", "Open it inside the click"},
		{"Partial grant", "Check every scope, explain the gap"},
	})
	b.p("HEADING_2", plainRun("Open questions"))
	b.p("NORMAL_TEXT", plainRun("Who owns the emulator's fidelity list?"))
}

func multilingualDoc(b *docBuilder) {
	b.p("TITLE", plainRun("多言語メモ — Notes in many scripts 👩‍💻"))
	b.p("HEADING_1", plainRun("日本語"))
	b.p("NORMAL_TEXT", plainRun("こんにちは、世界。今日は良い天気ですね。"))
	b.p("NORMAL_TEXT", plainRun("絵文字: "), boldRun("👩‍💻🚀"), plainRun(" と 🇬🇧 と 👍🏽"))
	b.p("HEADING_1", plainRun("العربية"))
	b.rtl("NORMAL_TEXT", plainRun("مرحبا بالعالم. هذه وثيقة تجريبية."))
	b.p("HEADING_1", plainRun("Ελληνικά and more"))
	b.p("NORMAL_TEXT", plainRun("Καλημέρα κόσμε. नमस्ते दुनिया. 안녕하세요. Здравствуй, мир."))
	b.p("HEADING_2", plainRun("Combining marks"))
	b.p("NORMAL_TEXT", plainRun("Cafe\u0301 (e and a combining accent) next to Café (one code point)."))
	b.p("HEADING_2", plainRun("Outside the Basic Multilingual Plane"))
	b.p("NORMAL_TEXT", plainRun("𝔘𝔫𝔦𝔠𝔬𝔡𝔢 "), italicRun("𝄞 music"), plainRun(" 🧑🏽‍🚀 🏳️‍🌈 end."))
	b.table([][]string{
		{"言語", "挨拶"},
		{"日本語", "こんにちは 🙇"},
		{"العربية", "مرحبا"},
	})
	b.p("NORMAL_TEXT", plainRun("🎉 Done."))
}

var longDocWords = strings.Fields(`token scope consent grant popup origin client session ledger
	calendar document photo picker emulator verify expire revoke refresh audience header cookie
	nonce policy request response callback gesture window message relay incremental granular`)

// longDoc has 20 chapters × 5 sections × 20 paragraphs: 2,121 paragraphs
// with the title and headings.
func longDoc(b *docBuilder) {
	b.p("TITLE", plainRun("Field guide (long document)"))
	n := 0
	for ch := 1; ch <= 20; ch++ {
		word := longDocWords[ch%len(longDocWords)]
		b.p("HEADING_1", plainRun(fmt.Sprintf("Chapter %d: %s", ch, strings.ToUpper(word[:1])+word[1:])))
		for sec := 1; sec <= 5; sec++ {
			b.p("HEADING_2", plainRun(fmt.Sprintf("Section %d.%d", ch, sec)))
			for par := 1; par <= 20; par++ {
				n++
				var words []string
				for k := range 8 + n%9 {
					words = append(words, longDocWords[(n*7+k*13)%len(longDocWords)])
				}
				b.p("NORMAL_TEXT", plainRun(fmt.Sprintf("%d.%d.%d. ", ch, sec, par)), plainRun(strings.Join(words, " ")+"."))
			}
		}
	}
}

func readingListDoc(b *docBuilder) {
	b.p("TITLE", plainRun("Reading list"))
	b.p("NORMAL_TEXT", plainRun("Shared with Bob, who can read but not edit."))
	b.p("HEADING_1", plainRun("Books"))
	for _, t := range []string{"The Left Hand of Darkness", "A Psalm for the Wild-Built", "The Dispossessed"} {
		b.p("NORMAL_TEXT", italicRun(t))
	}
}

func privateDoc(b *docBuilder) {
	b.p("TITLE", plainRun("Private journal"))
	b.p("NORMAL_TEXT", plainRun("Nobody else can read this, not even Alice."))
}

func handbookDoc(b *docBuilder) {
	b.p("TITLE", plainRun("Team handbook"))
	b.p("NORMAL_TEXT", plainRun("Alice can edit this document; Bob can read it."))
	b.p("HEADING_1", plainRun("Working hours"))
	b.p("NORMAL_TEXT", plainRun("Core hours are 10:00–16:00 London time."))
	b.p("HEADING_1", plainRun("Contacts"))
	b.table([][]string{{"Role", "Who"}, {"Editor", "Alice"}, {"Reader", "Bob"}, {"Owner", "Carol"}})
}

// docRun is a text run before indices are assigned.
type docRun struct {
	text  string
	style docTextStyle
}

func plainRun(s string) docRun  { return docRun{text: s} }
func boldRun(s string) docRun   { return docRun{text: s, style: docTextStyle{Bold: true}} }
func italicRun(s string) docRun { return docRun{text: s, style: docTextStyle{Italic: true}} }
func linkRun(s, url string) docRun {
	return docRun{text: s, style: docTextStyle{
		Underline:       true,
		ForegroundColor: &docOptColor{Color: docColor{RGBColor: map[string]float64{"red": 0.06666667, "green": 0.33333334, "blue": 0.8}}},
		Link:            &docLinkStyle{URL: url},
	}}
}

// docBuilder lays out body.content the way the Docs editor numbers it: the
// body opens with a section break [0,1); every paragraph ends in "\n"; a
// table takes one index to open, one per row and one per cell, and one to
// close.
type docBuilder struct {
	id       string
	next     int // next free index, in UTF-16 code units
	headings int
	out      []docElement
}

func newDocBuilder(id string) *docBuilder {
	return &docBuilder{id: id, next: 1, out: []docElement{{
		docSpan: docSpan{EndIndex: 1},
		SectionBreak: &docSectionBreak{SectionStyle: map[string]string{
			"columnSeparatorStyle": "NONE",
			"contentDirection":     "LEFT_TO_RIGHT",
			"sectionType":          "CONTINUOUS",
		}},
	}}}
}

// p appends a left-to-right paragraph.
func (b *docBuilder) p(style string, runs ...docRun) {
	b.out = append(b.out, b.paragraph(style, "LEFT_TO_RIGHT", runs))
}

// rtl appends a right-to-left paragraph (Arabic, Hebrew).
func (b *docBuilder) rtl(style string, runs ...docRun) {
	b.out = append(b.out, b.paragraph(style, "RIGHT_TO_LEFT", runs))
}

func (b *docBuilder) paragraph(style, direction string, runs []docRun) docElement {
	runs = append([]docRun(nil), runs...)
	if len(runs) == 0 {
		runs = []docRun{plainRun("")}
	}
	runs[len(runs)-1].text += "\n"
	start := b.next
	elems := make([]docParaElement, 0, len(runs))
	for _, r := range runs {
		if r.text == "" {
			continue
		}
		n := utf16Len(r.text)
		elems = append(elems, docParaElement{
			docSpan: docSpan{StartIndex: b.next, EndIndex: b.next + n},
			TextRun: &docTextRun{Content: r.text, TextStyle: r.style},
		})
		b.next += n
	}
	ps := docParagraphStyle{NamedStyleType: style, Direction: direction}
	if strings.HasPrefix(style, "HEADING_") {
		b.headings++
		ps.HeadingID = "h." + seed.Hex(12, "heading", b.id, fmt.Sprint(b.headings))
	}
	return docElement{docSpan: docSpan{StartIndex: start, EndIndex: b.next}, Paragraph: &docParagraph{Elements: elems, ParagraphStyle: ps}}
}

// table appends a table of one-paragraph cells; the first row is bold.
func (b *docBuilder) table(rows [][]string) {
	start := b.next
	b.next++ // the table's own opening index
	cellStyle := map[string]any{
		"rowSpan": 1, "columnSpan": 1, "backgroundColor": map[string]any{},
		"paddingLeft": docPt(5), "paddingRight": docPt(5), "paddingTop": docPt(5), "paddingBottom": docPt(5),
		"contentAlignment": "TOP",
	}
	t := &docTable{Rows: len(rows), Columns: len(rows[0])}
	for ri, row := range rows {
		tr := docTableRow{StartIndex: b.next, TableRowStyle: map[string]any{"minRowHeight": map[string]any{"unit": "PT"}}}
		b.next++ // row
		for _, cell := range row {
			c := docTableCell{StartIndex: b.next, TableCellStyle: cellStyle}
			b.next++ // cell
			r := plainRun(cell)
			if ri == 0 && cell != "" {
				r = boldRun(cell)
			}
			c.Content = []docElement{b.paragraph("NORMAL_TEXT", "LEFT_TO_RIGHT", []docRun{r})}
			c.EndIndex = b.next
			tr.TableCells = append(tr.TableCells, c)
		}
		tr.EndIndex = b.next
		t.TableRows = append(t.TableRows, tr)
	}
	b.next++ // closing index
	cols := make([]map[string]any, t.Columns)
	for i := range cols {
		cols[i] = map[string]any{"widthType": "EVENLY_DISTRIBUTED"}
	}
	t.TableStyle = map[string]any{"tableColumnProperties": cols}
	b.out = append(b.out, docElement{docSpan: docSpan{StartIndex: start, EndIndex: b.next}, Table: t})
}

// finish makes the body end as every Google document does: in a paragraph
// (an empty document is its section break and one "\n").
func (b *docBuilder) finish() []docElement {
	if last := b.out[len(b.out)-1]; last.Paragraph == nil {
		b.p("NORMAL_TEXT")
	}
	return b.out
}

// utf16Len is the length of s in UTF-16 code units, the Docs API's index unit.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// The team wiki is a document with tabs, as Docs has had since 2024: three
// top-level tabs, the second with two child tabs, one of which has a child
// of its own (nesting level 2). Each tab has its own headings.
func wikiOverview(b *docBuilder) {
	b.p("TITLE", plainRun("Team wiki"))
	b.p("NORMAL_TEXT", plainRun("Each tab of this document is a page of the wiki."))
	b.p("HEADING_1", plainRun("Who we are"))
	b.p("NORMAL_TEXT", plainRun("The platform team: consent, tokens and the emulator."))
	b.p("HEADING_1", plainRun("How to use the tabs"))
	b.p("NORMAL_TEXT", plainRun("Projects has a tab per project; Meeting notes has the latest first."))
}

func wikiTabs(docID string) []*seedTab {
	tab := func(key, title string, build func(b *docBuilder), children ...*seedTab) *seedTab {
		id := seedTabID(docID, key)
		if key == "overview" {
			id = firstTabID
		}
		return &seedTab{ID: id, Title: title, build: build, children: children}
	}
	return []*seedTab{
		tab("overview", "Overview", wikiOverview),
		tab("projects", "Projects", plainParas(
			"HEADING_1", "Current projects",
			"NORMAL_TEXT", "One child tab per project."),
			tab("scopewise", "Scopewise", plainParas(
				"HEADING_1", "Goals",
				"NORMAL_TEXT", "Show incremental authorization one scope at a time.",
				"HEADING_2", "Non-goals",
				"NORMAL_TEXT", "A general-purpose Google client."),
				tab("roadmap", "Roadmap", plainParas(
					"HEADING_1", "This quarter",
					"NORMAL_TEXT", "Docs tabs, Calendar event types, the Picker's errors.",
					"HEADING_1", "Next quarter",
					"NORMAL_TEXT", "Whatever Google changes next.")),
			),
			tab("emulator", "Emulator", plainParas(
				"HEADING_1", "Fidelity",
				"NORMAL_TEXT", "Every behaviour is listed with its source.")),
		),
		tab("meetings", "Meeting notes", plainParas(
			"HEADING_1", "Monday",
			"NORMAL_TEXT", "Agreed to read documents with includeTabsContent=true.",
			"HEADING_1", "Last week",
			"NORMAL_TEXT", "Nothing to report.")),
	}
}

// plainParas builds a tab of plain paragraphs from pairs of a named style
// and its text.
func plainParas(styleText ...string) func(b *docBuilder) {
	return func(b *docBuilder) {
		for i := 0; i+1 < len(styleText); i += 2 {
			b.p(styleText[i], plainRun(styleText[i+1]))
		}
	}
}
