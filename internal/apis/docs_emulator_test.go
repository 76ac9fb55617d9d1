package apis

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/scopewise/scopewise/emulator"
	"github.com/scopewise/scopewise/emulator/emulatortest"
)

const longDocTitle = "Field guide (long document)"

// emulatorDocs serves the emulator and answers a Docs client and a token
// for the account.
func emulatorDocs(t testing.TB, account string) (*emulator.Server, *Docs, string) {
	t.Helper()
	emu := emulatortest.Start(t, emulator.Options{Clients: []emulator.Client{{ID: testClient, Name: "Scopewise", Origins: []string{"http://localhost"}}}})
	token := emu.Mint(t, emulator.TokenRequest{ClientID: testClient, Account: account, Scopes: []string{DocsScope}})
	return emu.Server, NewDocs(emu.URL+"/v1", NewHTTPClient()), token
}

func sampleID(t testing.TB, emu *emulator.Server, account, title string) string {
	t.Helper()
	for _, d := range emu.SampleDocuments(account) {
		if d.Title == title {
			return d.ID
		}
	}
	t.Fatalf("no seed document %q for %s", title, account)
	return ""
}

// TestEmulatorDocuments is the contract between the emulator's Docs API and
// this client: alice's seed documents read as the page will show them.
func TestEmulatorDocuments(t *testing.T) {
	emu, docs, token := emulatorDocs(t, "alice@example.com")
	tests := []struct {
		title  string
		check  func(t *testing.T, d Document)
		reason Kind
	}{
		{title: "Getting started with Scopewise", check: func(t *testing.T, d Document) {
			if len(d.Outline) < 8 || d.Outline[0].Style != "TITLE" || d.Outline[1].Style != "SUBTITLE" || d.Outline[2] != (Heading{Level: 1, Style: "HEADING_1", Text: "Why incremental authorization", ID: d.Outline[2].ID}) || !strings.HasPrefix(d.Outline[2].ID, "h.") {
				t.Errorf("outline = %+v", d.Outline)
			}
			if !strings.HasPrefix(d.FirstParagraph, "Hello Alice.") || d.Tables != 0 {
				t.Errorf("first paragraph %q, tables %d", d.FirstParagraph, d.Tables)
			}
		}},
		{title: "Project plan", check: func(t *testing.T, d Document) {
			if d.Tables != 2 || d.FirstParagraph != "Owner: the platform team. Status: on track." {
				t.Errorf("tables %d, first paragraph %q", d.Tables, d.FirstParagraph)
			}
		}},
		{title: "多言語メモ — Notes in many scripts 👩‍💻", check: func(t *testing.T, d Document) {
			var texts []string
			for _, h := range d.Outline {
				texts = append(texts, h.Text)
			}
			want := []string{"多言語メモ — Notes in many scripts 👩‍💻", "日本語", "العربية", "Ελληνικά and more", "Combining marks", "Outside the Basic Multilingual Plane"}
			if !reflect.DeepEqual(texts, want) || d.FirstParagraph != "こんにちは、世界。今日は良い天気ですね。" || d.Tables != 1 {
				t.Errorf("outline %q, first %q, tables %d", texts, d.FirstParagraph, d.Tables)
			}
		}},
		{title: longDocTitle, check: func(t *testing.T, d Document) {
			if d.Paragraphs < 2000 || len(d.Outline) != 121 {
				t.Errorf("paragraphs %d, headings %d; want ≥ 2000 and 121", d.Paragraphs, len(d.Outline))
			}
		}},
		{title: "Team wiki (tabs)", check: func(t *testing.T, d Document) {
			// Read with includeTabsContent=true: every tab, nested, with its own outline.
			var got []string
			var walk func(ts []Tab)
			walk = func(ts []Tab) {
				for _, tb := range ts {
					var hs []string
					for _, h := range tb.Outline {
						hs = append(hs, h.Text)
					}
					got = append(got, fmt.Sprintf("%d %s: %s", tb.Level, tb.Title, strings.Join(hs, ", ")))
					walk(tb.Children)
				}
			}
			walk(d.Tabs)
			want := []string{
				"0 Overview: Team wiki, Who we are, How to use the tabs",
				"0 Projects: Current projects",
				"1 Scopewise: Goals, Non-goals",
				"2 Roadmap: This quarter, Next quarter",
				"1 Emulator: Fidelity",
				"0 Meeting notes: Monday, Last week",
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("tabs:\n got  %q\n want %q", got, want)
			}
			if len(d.Tabs) != 3 || len(d.Tabs[1].Children) != 2 || len(d.Outline) != 11 {
				t.Errorf("tab tree or document outline wrong: %d tabs, %d headings", len(d.Tabs), len(d.Outline))
			}
		}},
		{title: "Untitled document", check: func(t *testing.T, d Document) {
			if !reflect.DeepEqual(d, Document{ID: d.ID, Title: "Untitled document", Tabs: []Tab{{ID: "t.0", Title: "Tab 1"}}}) {
				t.Errorf("empty document = %+v", d)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.title, func(t *testing.T) {
			id := sampleID(t, emu, "alice@example.com", tt.title)
			d, err := docs.Get(context.Background(), token, id)
			if err != nil {
				t.Fatal(err)
			}
			if d.ID != id || d.Title != tt.title {
				t.Errorf("id %q title %q", d.ID, d.Title)
			}
			tt.check(t, d)
		})
	}
	t.Run("bob's private journal is not alice's to read", func(t *testing.T) {
		_, err := docs.Get(context.Background(), token, sampleID(t, emu, "bob@example.com", "Bob's private journal"))
		if KindOf(err) != KindPermissionDenied {
			t.Errorf("err = %v, want permission denied", err)
		}
	})
	t.Run("unknown ID", func(t *testing.T) {
		if _, err := docs.Get(context.Background(), token, strings.Repeat("x", 44)); KindOf(err) != KindNotFound {
			t.Errorf("err = %v, want not found", err)
		}
	})
}

// longDocJSON is the emulator's long seed document (over 2,000
// paragraphs) exactly as documents.get answers it.
func longDocJSON(tb testing.TB) []byte {
	tb.Helper()
	emu, docs, token := emulatorDocs(tb, "alice@example.com")
	req, _ := http.NewRequest(http.MethodGet, docs.documentURL(sampleID(tb, emu, "alice@example.com", longDocTitle)), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := docs.hc.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != 200 {
		tb.Fatalf("documents.get: %d %v", res.StatusCode, err)
	}
	return b
}

// BenchmarkOutline is what opening the long seed document costs the server
// once the emulator's answer has arrived: decoding documents.get's JSON and building the
// outline, word count and first paragraph; and the walk alone.
func BenchmarkOutline(b *testing.B) {
	data := longDocJSON(b)
	b.Logf("the long document: %d bytes of JSON", len(data))
	b.Run("decode+summarize", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var raw docJSON
			if err := json.Unmarshal(data, &raw); err != nil {
				b.Fatal(err)
			}
			if d := summarize(&raw); len(d.Outline) == 0 {
				b.Fatal("no outline")
			}
		}
	})
	b.Run("summarize", func(b *testing.B) {
		var raw docJSON
		if err := json.Unmarshal(data, &raw); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if d := summarize(&raw); len(d.Outline) == 0 {
				b.Fatal("no outline")
			}
		}
	})
}
