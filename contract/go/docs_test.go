package contract

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"

	docs "google.golang.org/api/docs/v1"
	"google.golang.org/api/option"
)

// Reference: https://developers.google.com/docs/api/reference/rest/v1/documents/get
// The generated client's base path is https://docs.googleapis.com/.

func docsService(t *testing.T, opts ...option.ClientOption) *docs.Service {
	t.Helper()
	svc, err := docs.NewService(ctx(t), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func docsAs(t *testing.T, account string, scopes ...string) *docs.Service {
	return docsService(t, withToken(emu+"/", mint(t, account, scopes...))...)
}

func TestDocsGet(t *testing.T) {
	doc, err := docsAs(t, alice, scopeDocs).Documents.Get(sharedDoc).Context(ctx(t)).Do()
	if err != nil {
		t.Fatal(err)
	}
	want(t, "documentId", doc.DocumentId, sharedDoc)
	want(t, "title", doc.Title, "Contract: shared")
	if doc.Body == nil || len(doc.Body.Content) == 0 {
		t.Fatal("no body content")
	}
	// "revisionId: ... The revision ID is only returned if the user has edit
	// access" (Document resource). The owner with a write scope has it.
	if doc.RevisionId == "" {
		t.Error("owner with the documents scope got no revisionId")
	}
	// A reader does not.
	doc, err = docsAs(t, bob, scopeDocsRO).Documents.Get(sharedDoc).Context(ctx(t)).Do()
	if err != nil {
		t.Fatal(err)
	}
	want(t, "reader's revisionId", doc.RevisionId, "")
	// includeTabsContent: "Whether to populate the Document.tabs field
	// instead of the text content fields like body and documentStyle".
	doc, err = docsAs(t, alice, scopeDocsRO).Documents.Get(sharedDoc).IncludeTabsContent(true).Context(ctx(t)).Do()
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Tabs) != 1 || doc.Tabs[0].DocumentTab == nil || doc.Body != nil {
		t.Errorf("includeTabsContent: tabs=%d body=%v", len(doc.Tabs), doc.Body != nil)
	}
}

func TestDocsErrors(t *testing.T) {
	t.Run("no credentials", func(t *testing.T) {
		_, err := docsService(t, anonymous(emu+"/")...).Documents.Get(sharedDoc).Context(ctx(t)).Do()
		ge := apiErr(t, err, 401)
		// AIP-193 envelope (https://cloud.google.com/apis/design/errors):
		// status UNAUTHENTICATED; Docs has no legacy errors[].
		want(t, "status", parseEnvelope(t, ge).Error.Status, "UNAUTHENTICATED")
	})
	t.Run("bad token", func(t *testing.T) {
		_, err := docsService(t, withToken(emu+"/", "ya29.not-a-token")...).Documents.Get(sharedDoc).Context(ctx(t)).Do()
		want(t, "status", parseEnvelope(t, apiErr(t, err, 401)).Error.Status, "UNAUTHENTICATED")
	})
	t.Run("missing scope", func(t *testing.T) {
		_, err := docsAs(t, alice, scopeCalendarRO).Documents.Get(sharedDoc).Context(ctx(t)).Do()
		e := parseEnvelope(t, apiErr(t, err, 403))
		// "Request had insufficient authentication scopes." with ErrorInfo
		// ACCESS_TOKEN_SCOPE_INSUFFICIENT, as in
		// https://github.com/GeneralTask/task-manager/pull/2160 (Calendar; the
		// same front end answers every googleapis.com API).
		want(t, "message", e.Error.Message, "Request had insufficient authentication scopes.")
		reason, md := e.errorInfo(t)
		want(t, "ErrorInfo.reason", reason, "ACCESS_TOKEN_SCOPE_INSUFFICIENT")
		want(t, "ErrorInfo.metadata.service", md["service"], "docs.googleapis.com")
	})
	t.Run("not found", func(t *testing.T) {
		_, err := docsAs(t, alice, scopeDocsRO).Documents.Get("no-such-document").Context(ctx(t)).Do()
		e := parseEnvelope(t, apiErr(t, err, 404))
		// https://developers.google.com/docs/api/how-tos/handle-errors (404
		// NOT_FOUND "Requested entity was not found.").
		want(t, "status", e.Error.Status, "NOT_FOUND")
		want(t, "message", e.Error.Message, "Requested entity was not found.")
	})
	t.Run("not shared", func(t *testing.T) {
		_, err := docsAs(t, alice, scopeDocsRO).Documents.Get(privateDoc).Context(ctx(t)).Do()
		e := parseEnvelope(t, apiErr(t, err, 403))
		// "The caller does not have permission", status PERMISSION_DENIED
		// (canonical google.rpc.Code message for PERMISSION_DENIED).
		want(t, "status", e.Error.Status, "PERMISSION_DENIED")
		want(t, "message", e.Error.Message, "The caller does not have permission")
	})
	t.Run("bad enum", func(t *testing.T) {
		_, err := docsAs(t, alice, scopeDocsRO).Documents.Get(sharedDoc).SuggestionsViewMode("SIDEWAYS").Context(ctx(t)).Do()
		want(t, "status", parseEnvelope(t, apiErr(t, err, 400)).Error.Status, "INVALID_ARGUMENT")
	})
}

// Partial responses, https://developers.google.com/docs/api/how-tos/performance#partial
// ("fields=title,documentId" style masks).
func TestDocsPartialResponse(t *testing.T) {
	svc := docsAs(t, alice, scopeDocs)
	doc, err := svc.Documents.Get(sharedDoc).Fields("title", "documentId").Context(ctx(t)).Do()
	if err != nil {
		t.Fatal(err)
	}
	want(t, "title", doc.Title, "Contract: shared")
	want(t, "documentId", doc.DocumentId, sharedDoc)
	if doc.Body != nil || doc.RevisionId != "" || doc.DocumentStyle != nil {
		t.Errorf("fields outside the mask came back: body=%v revisionId=%q", doc.Body != nil, doc.RevisionId)
	}
	doc, err = svc.Documents.Get(sharedDoc).Fields("body/content(endIndex,paragraph/elements/textRun/content)").Context(ctx(t)).Do()
	if err != nil {
		t.Fatal(err)
	}
	if doc.Title != "" || doc.Body == nil || len(doc.Body.Content) == 0 {
		t.Fatalf("nested mask: %+v", doc)
	}
	var text string
	for _, c := range doc.Body.Content {
		if c.StartIndex != 0 || c.EndIndex == 0 {
			t.Errorf("structural element kept startIndex or lost endIndex: %+v", c)
		}
		if c.Paragraph != nil {
			if c.Paragraph.ParagraphStyle != nil {
				t.Error("paragraphStyle outside the mask came back")
			}
			for _, el := range c.Paragraph.Elements {
				if el.TextRun != nil {
					text += el.TextRun.Content
				}
			}
		}
	}
	want(t, "text", text, "Contract: shared\nHeading\nBody text.\n")
	_, err = svc.Documents.Get(sharedDoc).Fields("title(").Context(ctx(t)).Do()
	apiErr(t, err, 400)
}

// seedDocID is the emulator's generated document ID for an account's seed
// document (emulator/docs: "1" and 43 characters of
// base64url(sha256("doc", owner, key, "0"))).
func seedDocID(owner, key string) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{"doc", owner, key, "0"}, "\x00")))
	return "1" + base64.RawURLEncoding.EncodeToString(sum[:])[:43]
}

// Reference: https://developers.google.com/docs/api/how-tos/tabs — "Child
// tabs are exposed in the API as the Tab.childTabs field"; tabProperties
// has tabId, title, parentTabId, index and nestingLevel; without
// includeTabsContent only the first tab's content fills body.
func TestDocsTabs(t *testing.T) {
	svc := docsAs(t, alice, scopeDocsRO)
	id := seedDocID(alice, "wiki")
	plain, err := svc.Documents.Get(id).Context(ctx(t)).Do()
	if err != nil {
		t.Fatal(err)
	}
	if len(plain.Tabs) != 0 || plain.Body == nil || len(plain.Body.Content) == 0 {
		t.Fatalf("without includeTabsContent: tabs=%d body=%v", len(plain.Tabs), plain.Body != nil)
	}
	doc, err := svc.Documents.Get(id).IncludeTabsContent(true).Context(ctx(t)).Do()
	if err != nil {
		t.Fatal(err)
	}
	want(t, "title", doc.Title, "Team wiki (tabs)")
	if doc.Body != nil || len(doc.Tabs) != 3 {
		t.Fatalf("includeTabsContent: body=%v tabs=%d", doc.Body != nil, len(doc.Tabs))
	}
	want(t, "first tab", doc.Tabs[0].TabProperties.TabId, "t.0")
	projects := doc.Tabs[1]
	want(t, "second tab", projects.TabProperties.Title, "Projects")
	want(t, "second tab's index", projects.TabProperties.Index, int64(1))
	if len(projects.ChildTabs) != 2 || len(projects.ChildTabs[0].ChildTabs) != 1 {
		t.Fatalf("Projects' child tabs: %d", len(projects.ChildTabs))
	}
	scopewise, roadmap := projects.ChildTabs[0], projects.ChildTabs[0].ChildTabs[0]
	want(t, "child's parent", scopewise.TabProperties.ParentTabId, projects.TabProperties.TabId)
	want(t, "child's nesting level", scopewise.TabProperties.NestingLevel, int64(1))
	want(t, "grandchild", roadmap.TabProperties.Title, "Roadmap")
	want(t, "grandchild's parent", roadmap.TabProperties.ParentTabId, scopewise.TabProperties.TabId)
	want(t, "grandchild's nesting level", roadmap.TabProperties.NestingLevel, int64(2))
	if roadmap.DocumentTab == nil || roadmap.DocumentTab.Body == nil || len(roadmap.DocumentTab.Body.Content) == 0 {
		t.Error("the grandchild tab has no documentTab.body")
	}
	// The first tab's content is what body held without includeTabsContent.
	want(t, "first tab's length", len(doc.Tabs[0].DocumentTab.Body.Content), len(plain.Body.Content))
}
