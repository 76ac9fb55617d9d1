package apis

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"
)

// Google-shaped Document JSON, built the way the Docs editor numbers it:
// startIndex/endIndex in UTF-16 code units, every paragraph ending in "\n".
type jsonDoc struct {
	next    int
	content []any
}

func newJSONDoc() *jsonDoc {
	return &jsonDoc{next: 1, content: []any{map[string]any{"endIndex": 1, "sectionBreak": map[string]any{"sectionStyle": map[string]any{"sectionType": "CONTINUOUS"}}}}}
}

func u16(s string) int { return len(utf16.Encode([]rune(s))) }

// para builds a paragraph element from runs; the last run gets the "\n".
func (d *jsonDoc) para(style string, runs ...string) map[string]any {
	if len(runs) == 0 {
		runs = []string{""}
	}
	runs = append([]string(nil), runs...)
	runs[len(runs)-1] += "\n"
	start := d.next
	var elems []any
	for _, r := range runs {
		if r == "" {
			continue
		}
		elems = append(elems, map[string]any{"startIndex": d.next, "endIndex": d.next + u16(r), "textRun": map[string]any{"content": r, "textStyle": map[string]any{}}})
		d.next += u16(r)
	}
	ps := map[string]any{"namedStyleType": style, "direction": "LEFT_TO_RIGHT"}
	if strings.HasPrefix(style, "HEADING_") {
		ps["headingId"] = "h." + strings.ToLower(style)
	}
	return map[string]any{"startIndex": start, "endIndex": d.next, "paragraph": map[string]any{"elements": elems, "paragraphStyle": ps}}
}

func (d *jsonDoc) p(style string, runs ...string) *jsonDoc {
	d.content = append(d.content, d.para(style, runs...))
	return d
}

// table appends a table whose cells each hold the given paragraphs (style|text).
func (d *jsonDoc) table(rows ...[][]string) *jsonDoc {
	start := d.next
	d.next++
	var trs []any
	for _, row := range rows {
		d.next++
		var cells []any
		for _, cell := range row {
			d.next++
			var content []any
			for _, p := range cell {
				style, text, _ := strings.Cut(p, "|")
				content = append(content, d.para(style, text))
			}
			cells = append(cells, map[string]any{"content": content})
		}
		trs = append(trs, map[string]any{"tableCells": cells})
	}
	d.next++
	d.content = append(d.content, map[string]any{"startIndex": start, "endIndex": d.next, "table": map[string]any{"rows": len(rows), "columns": len(rows[0]), "tableRows": trs}})
	return d
}

func (d *jsonDoc) raw(el map[string]any) *jsonDoc {
	d.content = append(d.content, el)
	return d
}

func (d *jsonDoc) json(t testing.TB, id, title string) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"title": title, "body": map[string]any{"content": d.content}, "suggestionsViewMode": "PREVIEW_WITHOUT_SUGGESTIONS", "documentId": id})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func summarizeJSON(t *testing.T, b []byte) Document {
	t.Helper()
	var raw docJSON
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	return summarize(&raw)
}

func TestSummarize(t *testing.T) {
	tests := []struct {
		name string
		doc  *jsonDoc
		want Document
	}{
		{
			name: "empty document",
			doc:  newJSONDoc().p("NORMAL_TEXT"),
			want: Document{},
		},
		{
			name: "headings of every level, in order",
			doc: newJSONDoc().
				p("TITLE", "Plan").p("SUBTITLE", "for the year").
				p("NORMAL_TEXT", "First ", "words here.").
				p("HEADING_1", "One").p("HEADING_2", "Two").p("HEADING_3", "Three").
				p("HEADING_4", "Four").p("HEADING_5", "Five").p("HEADING_6", "Six").
				p("NORMAL_TEXT", "Last words."),
			want: Document{
				Outline: []Heading{
					{Level: 0, Style: "TITLE", Text: "Plan"},
					{Level: 1, Style: "SUBTITLE", Text: "for the year"},
					{Level: 1, Style: "HEADING_1", Text: "One", ID: "h.heading_1"},
					{Level: 2, Style: "HEADING_2", Text: "Two", ID: "h.heading_2"},
					{Level: 3, Style: "HEADING_3", Text: "Three", ID: "h.heading_3"},
					{Level: 4, Style: "HEADING_4", Text: "Four", ID: "h.heading_4"},
					{Level: 5, Style: "HEADING_5", Text: "Five", ID: "h.heading_5"},
					{Level: 6, Style: "HEADING_6", Text: "Six", ID: "h.heading_6"},
				},
				Words: 15, Paragraphs: 10, FirstParagraph: "First words here.",
			},
		},
		{
			name: "a word split across styled runs is one word",
			doc:  newJSONDoc().p("NORMAL_TEXT", "Status: on", "track", "."),
			want: Document{Words: 2, Paragraphs: 1, FirstParagraph: "Status: ontrack."},
		},
		{
			name: "empty and blank headings are not in the outline",
			doc:  newJSONDoc().p("HEADING_1").p("HEADING_2", "   ").p("HEADING_1", "Real"),
			want: Document{Outline: []Heading{{Level: 1, Style: "HEADING_1", Text: "Real", ID: "h.heading_1"}}, Words: 1, Paragraphs: 1},
		},
		{
			name: "soft line breaks and runs of spaces become one space",
			doc:  newJSONDoc().p("HEADING_1", "Line one\u000bline  two").p("NORMAL_TEXT", "\u000b", " a\u000bb "),
			want: Document{Outline: []Heading{{Level: 1, Style: "HEADING_1", Text: "Line one line two", ID: "h.heading_1"}}, Words: 6, Paragraphs: 2, FirstParagraph: "a b"},
		},
		{
			name: "tables: counted, their words counted, their headings in the outline, never the first paragraph",
			doc: newJSONDoc().
				p("HEADING_1", "Milestones").
				table(
					[][]string{{"NORMAL_TEXT|Milestone"}, {"NORMAL_TEXT|Due"}},
					[][]string{{"HEADING_3|In a cell"}, {"NORMAL_TEXT|Week 2", "NORMAL_TEXT|"}},
				).
				p("NORMAL_TEXT", "After the table."),
			want: Document{
				Outline: []Heading{
					{Level: 1, Style: "HEADING_1", Text: "Milestones", ID: "h.heading_1"},
					{Level: 3, Style: "HEADING_3", Text: "In a cell", ID: "h.heading_3"},
				},
				Words: 11, Paragraphs: 6, Tables: 1, FirstParagraph: "After the table.",
			},
		},
		{
			name: "a nested table counts",
			doc: newJSONDoc().raw(map[string]any{"table": map[string]any{"tableRows": []any{map[string]any{"tableCells": []any{map[string]any{"content": []any{
				newJSONDoc().para("NORMAL_TEXT", "outer"),
				map[string]any{"table": map[string]any{"tableRows": []any{map[string]any{"tableCells": []any{map[string]any{"content": []any{newJSONDoc().para("NORMAL_TEXT", "inner")}}}}}}},
			}}}}}}}),
			want: Document{Words: 2, Paragraphs: 2, Tables: 2},
		},
		{
			name: "a table of contents is neither words nor outline",
			doc: newJSONDoc().
				raw(map[string]any{"tableOfContents": map[string]any{"content": []any{newJSONDoc().para("NORMAL_TEXT", "Intro 1"), newJSONDoc().para("HEADING_1", "Not a heading")}}}).
				p("HEADING_1", "Intro").p("NORMAL_TEXT", "Body text."),
			want: Document{Outline: []Heading{{Level: 1, Style: "HEADING_1", Text: "Intro", ID: "h.heading_1"}}, Words: 3, Paragraphs: 2, FirstParagraph: "Body text."},
		},
		{
			name: "non-Latin text, emoji and astral characters: text comes whole from the runs",
			doc: newJSONDoc().
				p("TITLE", "多言語メモ 👩‍💻").
				p("NORMAL_TEXT", "絵文字: ", "👩‍💻🚀", " と 🇬🇧").
				p("HEADING_1", "العربية").
				p("NORMAL_TEXT", "مرحبا بالعالم.").
				p("NORMAL_TEXT", "Cafe\u0301 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝄞 Καλημέρα नमस्ते 안녕하세요"),
			want: Document{
				Outline: []Heading{
					{Level: 0, Style: "TITLE", Text: "多言語メモ 👩‍💻"},
					{Level: 1, Style: "HEADING_1", Text: "العربية", ID: "h.heading_1"},
				},
				// 多言語メモ: 5; 絵文字と: 4; العربية: 1; مرحبا بالعالم: 2;
				// Café, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢, Καλημέρα, नमस्ते, 안녕하세요: 5 (𝄞 is a symbol).
				Words: 17, Paragraphs: 5, FirstParagraph: "絵文字: 👩‍💻🚀 と 🇬🇧",
			},
		},
		{
			name: "a paragraph of emoji is not empty but has no words",
			doc:  newJSONDoc().p("NORMAL_TEXT", "🎉 👍🏽").p("NORMAL_TEXT", "Then words."),
			want: Document{Words: 2, Paragraphs: 2, FirstParagraph: "🎉 👍🏽"},
		},
		{
			name: "smart chips give their visible text",
			doc: newJSONDoc().raw(map[string]any{"paragraph": map[string]any{
				"elements": []any{
					map[string]any{"textRun": map[string]any{"content": "Ask "}},
					map[string]any{"person": map[string]any{"personProperties": map[string]any{"name": "Alice Example", "email": "alice@example.com"}}},
					map[string]any{"textRun": map[string]any{"content": " about "}},
					map[string]any{"richLink": map[string]any{"richLinkProperties": map[string]any{"title": "The plan", "uri": "https://docs.google.com/document/d/x"}}},
					map[string]any{"inlineObjectElement": map[string]any{"inlineObjectId": "kix.1"}},
					map[string]any{"textRun": map[string]any{"content": "\n"}},
				},
				"paragraphStyle": map[string]any{"namedStyleType": "NORMAL_TEXT"},
			}}),
			want: Document{Words: 6, Paragraphs: 1, FirstParagraph: "Ask Alice Example about The plan"},
		},
		{
			name: "a paragraph without a style is body text",
			doc:  newJSONDoc().p("", "No style."),
			want: Document{Words: 2, Paragraphs: 1, FirstParagraph: "No style."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summarizeJSON(t, tt.doc.json(t, testDocID, "A title"))
			tt.want.ID, tt.want.Title = testDocID, "A title"
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("summary:\n got  %+v\n want %+v", got, tt.want)
			}
		})
	}
}

func TestSummarizeTitleAndTabs(t *testing.T) {
	body := newJSONDoc().p("HEADING_1", "In a tab").content
	tests := []struct {
		name string
		json string
		want Document
	}{
		{name: "no title", json: `{"documentId":"x","body":{"content":[]}}`, want: Document{ID: "x", Title: "Untitled document"}},
		{name: "blank title", json: `{"documentId":"x","title":"  "}`, want: Document{ID: "x", Title: "Untitled document"}},
		{name: "content in the first tab", json: mustJSON(t, map[string]any{"documentId": "x", "title": "T", "tabs": []any{map[string]any{"documentTab": map[string]any{"body": map[string]any{"content": body}}}}}),
			want: Document{ID: "x", Title: "T", Outline: []Heading{{Level: 1, Style: "HEADING_1", Text: "In a tab", ID: "h.heading_1"}}, Words: 3, Paragraphs: 1,
				Tabs: []Tab{{Title: "Untitled tab", Outline: []Heading{{Level: 1, Style: "HEADING_1", Text: "In a tab", ID: "h.heading_1"}}, Words: 3, Paragraphs: 1}}}},
		{name: "nested tabs", json: mustJSON(t, map[string]any{"documentId": "x", "title": "T", "tabs": []any{
			map[string]any{"tabProperties": map[string]any{"tabId": "t.0", "title": "One"}, "documentTab": map[string]any{"body": map[string]any{"content": newJSONDoc().p("NORMAL_TEXT", "First words here.").content}}},
			map[string]any{"tabProperties": map[string]any{"tabId": "t.b", "title": "Two", "index": 1}, "documentTab": map[string]any{"body": map[string]any{"content": body}},
				"childTabs": []any{map[string]any{"tabProperties": map[string]any{"tabId": "t.c", "title": "Two.One", "parentTabId": "t.b", "nestingLevel": 1}, "documentTab": map[string]any{"body": map[string]any{"content": newJSONDoc().p("HEADING_2", "Deep").content}}}}},
		}}),
			want: Document{ID: "x", Title: "T", FirstParagraph: "First words here.", Words: 7, Paragraphs: 3,
				Outline: []Heading{{Level: 1, Style: "HEADING_1", Text: "In a tab", ID: "h.heading_1"}, {Level: 2, Style: "HEADING_2", Text: "Deep", ID: "h.heading_2"}},
				Tabs: []Tab{
					{ID: "t.0", Title: "One", Words: 3, Paragraphs: 1},
					{ID: "t.b", Title: "Two", Outline: []Heading{{Level: 1, Style: "HEADING_1", Text: "In a tab", ID: "h.heading_1"}}, Words: 3, Paragraphs: 1,
						Children: []Tab{{ID: "t.c", Title: "Two.One", Level: 1, Outline: []Heading{{Level: 2, Style: "HEADING_2", Text: "Deep", ID: "h.heading_2"}}, Words: 1, Paragraphs: 1}}},
				}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := summarizeJSON(t, []byte(tt.json)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// docsStub answers documents.get for one token as Google would.
func docsStub(t *testing.T, docs map[string][]byte, status map[string]int) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		// documents.get asks for every tab in the fields the summary
		// reads; the title-only read for the ID and title alone.
		if q := r.URL.RawQuery; q != "includeTabsContent=true&fields="+DocumentFields && q != "fields="+DocumentTitleFields {
			t.Errorf("query sent: %q", q)
		}
		id, ok := strings.CutPrefix(r.URL.Path, "/v1/documents/")
		if !ok || r.Method != http.MethodGet {
			w.WriteHeader(404)
			return
		}
		if r.Header.Get("Authorization") != "Bearer good-token" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="https://accounts.google.com/", error="invalid_token"`)
			w.WriteHeader(401)
			w.Write([]byte(`{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}`))
			return
		}
		switch status[id] {
		case 0:
		case 403:
			w.WriteHeader(403)
			w.Write([]byte(`{"error":{"code":403,"message":"The caller does not have permission","status":"PERMISSION_DENIED"}}`))
			return
		case 4031:
			w.WriteHeader(403)
			w.Write([]byte(`{"error":{"code":403,"message":"Request had insufficient authentication scopes.","status":"PERMISSION_DENIED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"ACCESS_TOKEN_SCOPE_INSUFFICIENT","domain":"googleapis.com"}]}}`))
			return
		case 503:
			w.WriteHeader(503)
			w.Write([]byte(`{"error":{"code":503,"message":"The service is currently unavailable.","status":"UNAVAILABLE"}}`))
			return
		case 200:
			w.Write([]byte(`{"title": garbage`))
			return
		}
		b, ok := docs[id]
		if !ok {
			w.WriteHeader(404)
			w.Write([]byte(`{"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND"}}`))
			return
		}
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestDocsGet(t *testing.T) {
	id := func(c byte) string { return strings.Repeat(string(c), 44) }
	doc := newJSONDoc().p("TITLE", "Hello").p("NORMAL_TEXT", "World here.")
	srv := docsStub(t,
		map[string][]byte{id('a'): doc.json(t, id('a'), "Hello doc")},
		map[string]int{id('f'): 403, id('s'): 4031, id('u'): 503, id('g'): 200},
	)
	docs := NewDocs(srv.URL+"/v1/", NewHTTPClient())

	tests := []struct {
		name  string
		token string
		id    string
		kind  Kind
	}{
		{name: "found", token: "good-token", id: id('a')},
		{name: "unknown ID", token: "good-token", id: id('n'), kind: KindNotFound},
		{name: "not shared with the user", token: "good-token", id: id('f'), kind: KindPermissionDenied},
		{name: "token without the Docs scope", token: "good-token", id: id('s'), kind: KindInsufficientScope},
		{name: "expired token", token: "old-token", id: id('a'), kind: KindInvalidToken},
		{name: "Docs API down", token: "good-token", id: id('u'), kind: KindUnavailable},
		{name: "garbage answer", token: "good-token", id: id('g'), kind: KindUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := docs.Get(context.Background(), tt.token, tt.id)
			if k := KindOf(err); k != tt.kind {
				t.Fatalf("Get: kind %v (%v), want %v", k, err, tt.kind)
			}
			if err != nil {
				if e := err.(*Error); e.API != "Docs API" || strings.Contains(e.Error(), tt.token) {
					t.Errorf("error %q: want the Docs API named and no token", e)
				}
				return
			}
			want := Document{ID: id('a'), Title: "Hello doc", Outline: []Heading{{Style: "TITLE", Text: "Hello"}}, Words: 3, Paragraphs: 2, FirstParagraph: "World here."}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Get = %+v, want %+v", got, want)
			}
			ref, err := docs.Title(context.Background(), tt.token, tt.id)
			if err != nil || ref != (DocumentRef{ID: id('a'), Title: "Hello doc"}) {
				t.Errorf("Title = %+v, %v", ref, err)
			}
		})
	}
}
