package pages

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"golang.org/x/sync/errgroup"

	"github.com/scopewise/scopewise/internal/apis"
	"github.com/scopewise/scopewise/internal/web"
	"github.com/scopewise/scopewise/views"
)

// The Docs page: the Docs API cannot list a user's documents, so the user
// names one by URL or ID, and the session remembers the IDs read here.

// docsDocumentID is the element that shows the opened document, or an alert
// when opening or listing fails. The recent list has the token client's own
// results element, so a failed open leaves the list in place.
const docsDocumentID = "docs-document"

var docsPostback = postback{Scope: apis.DocsScope, Target: docsDocumentID, Button: "Show recent documents"}

// docsTitleFetches bounds the concurrent documents.get calls for the recent list.
const docsTitleFetches = 4

// firstParagraphRunes is how much of the first paragraph the page shows.
const firstParagraphRunes = 400

// DocSamples are documents the page offers to try: in emulator mode, the seed
// documents one fake account can read. Empty in Google mode.
type DocSamples struct {
	Account string // the account that can read them, e.g. alice@example.com
	Docs    []SampleDoc
}

// SampleDoc is one document to try.
type SampleDoc struct {
	ID    string
	Title string
}

// DocsView is the Docs page's view model.
type DocsView struct {
	Page    views.Page
	Client  views.TokenClient
	Samples DocSamples
}

// RecentDoc is one entry of the recent list. Unavailable, when set, says why
// the document could not be read this time.
type RecentDoc struct {
	ID          string
	Title       string
	Unavailable string
}

// DocView is an opened document as the page shows it.
type DocView struct {
	Doc            apis.Document
	Outline        []OutlineNode
	FirstParagraph string // shortened to firstParagraphRunes
	// Tabs is set when the document has more than one tab: each tab with
	// its own outline, nested as in the document.
	Tabs []TabView
}

// TabView is one tab of an opened document.
type TabView struct {
	Tab      apis.Tab
	Outline  []OutlineNode
	Children []TabView
}

// OutlineNode is a heading with the headings under it.
type OutlineNode struct {
	Heading  apis.Heading
	Children []OutlineNode
}

// Docs renders the page: GET /docs.
func (p *Pages) Docs(c echo.Context) error {
	v := DocsView{
		Page:   p.withGIS(c, "Docs to read"),
		Client: p.tokenClient("docs", apis.DocsScope, "/docs", docsPostback.Button),
	}
	v.Page.Assets = p.assets.docs
	if p.Config.EmulatorMode() {
		v.Samples = p.DocSamples
	}
	return web.Render(c, http.StatusOK, DocsPage(v))
}

// DocsPostback verifies the page's token and lists the recent documents:
// POST /docs with Authorization: Bearer.
func (p *Pages) DocsPostback(c echo.Context) error {
	token, _, err := p.authorize(c, docsPostback)
	if err != nil {
		return err
	}
	recent, err := p.recentDocs(c.Request().Context(), token, web.SessionOf(c).RecentDocs())
	if err != nil {
		return p.apiProblem(c, err, token, docsPostback)
	}
	return web.Render(c, http.StatusOK, DocsListAnswer(recent, p.LedgerRows(c)))
}

// DocsOpen reads one document and adds it to the recent list:
// POST /docs/open with Authorization: Bearer and the form field document
// (a Docs URL or a document ID). Bad input is refused before any call.
func (p *Pages) DocsOpen(c echo.Context) error {
	id, err := apis.ParseDocumentRef(c.FormValue("document"))
	if err != nil {
		return &web.Problem{
			Status: http.StatusBadRequest,
			Target: docsDocumentID,
			Alert:  views.AlertNotADocument.Problem("", "reason", err.Error()),
			Err:    err,
		}
	}
	token, _, err := p.authorize(c, docsPostback)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	var others []string
	for _, d := range web.SessionOf(c).RecentDocs() {
		if d != id && len(others) < web.MaxRecentDocs-1 {
			others = append(others, d)
		}
	}
	// The document and the rest of the list are read at the same time.
	var (
		doc    apis.Document
		recent []RecentDoc
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		doc, err = p.DocsAPI.Get(gctx, token, id)
		return err
	})
	g.Go(func() (err error) {
		recent, err = p.recentDocs(gctx, token, others)
		return err
	})
	if err := g.Wait(); err != nil {
		return p.docProblem(c, err, token, id)
	}
	web.SessionOf(c).AddRecentDoc(id)
	recent = append([]RecentDoc{{ID: id, Title: doc.Title}}, recent...)
	return web.Render(c, http.StatusOK, DocsOpenAnswer(newDocView(doc), recent, p.LedgerRows(c)))
}

// docProblem is apiProblem with words about documents where the generic
// ones would be vague: which document was not found or not shared.
func (p *Pages) docProblem(c echo.Context, err error, token, id string) error {
	perr := p.apiProblem(c, err, token, docsPostback)
	var prob *web.Problem
	if !errors.As(perr, &prob) {
		return perr
	}
	switch apis.KindOf(err) {
	case apis.KindNotFound:
		prob.Alert = views.AlertNoSuchDoc.Problem("", "id", id)
	case apis.KindPermissionDenied:
		prob.Alert = views.AlertDocNotShared.Problem("", "id", id)
	}
	return prob
}

// recentDocs reads the titles of the documents in ids (newest first). A
// document that fails on its own (gone, no longer shared, a failed call) is
// listed as unavailable; a failure of the token itself is an error, and so
// is an upstream failure of every call: a list of nothing but "did not
// answer" is an outage, not an answer.
func (p *Pages) recentDocs(ctx context.Context, token string, ids []string) ([]RecentDoc, error) {
	docs := make([]RecentDoc, 0, len(ids))
	for _, id := range ids {
		// The cookie is authenticated, but IDs reach a URL path: check again.
		if valid, err := apis.ParseDocumentRef(id); err == nil && valid == id {
			docs = append(docs, RecentDoc{ID: id})
		}
	}
	upstream := make([]error, len(docs))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(docsTitleFetches)
	for i := range docs {
		g.Go(func() error {
			ref, err := p.DocsAPI.Title(gctx, token, docs[i].ID)
			switch apis.KindOf(err) {
			case 0:
				docs[i].Title = ref.Title
			case apis.KindInvalidToken, apis.KindInsufficientScope, apis.KindWrongAudience:
				return err
			case apis.KindNotFound:
				docs[i].Unavailable = "it no longer exists"
			case apis.KindPermissionDenied:
				docs[i].Unavailable = "this account can no longer read it"
			default:
				if ctx.Err() != nil {
					return err // the request itself ran out of time
				}
				docs[i].Unavailable = "the Docs API did not answer for it just now"
				upstream[i] = err
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if len(docs) > 0 && !slices.Contains(upstream, nil) {
		return nil, upstream[0]
	}
	return docs, nil
}

func newDocView(d apis.Document) DocView {
	v := DocView{Doc: d, Outline: outlineTree(d.Outline), FirstParagraph: shorten(d.FirstParagraph, firstParagraphRunes)}
	if len(d.Tabs) > 1 || len(d.Tabs) == 1 && len(d.Tabs[0].Children) > 0 {
		v.Tabs = tabViews(d.Tabs)
	}
	return v
}

func tabViews(tabs []apis.Tab) []TabView {
	out := make([]TabView, 0, len(tabs))
	for _, t := range tabs {
		out = append(out, TabView{Tab: t, Outline: outlineTree(t.Outline), Children: tabViews(t.Children)})
	}
	return out
}

// outlineTree nests each heading under the nearest heading above it with a
// lower level. A subtitle belongs to its title and holds no headings.
func outlineTree(hs []apis.Heading) []OutlineNode {
	nodes, _ := outlineChildren(hs, 0, -1)
	return nodes
}

func outlineChildren(hs []apis.Heading, i, parentLevel int) ([]OutlineNode, int) {
	var nodes []OutlineNode
	for i < len(hs) && hs[i].Level > parentLevel {
		n := OutlineNode{Heading: hs[i]}
		i++
		if n.Heading.Style != "SUBTITLE" {
			n.Children, i = outlineChildren(hs, i, n.Heading.Level)
		}
		nodes = append(nodes, n)
	}
	return nodes, i
}

// shorten cuts s to at most n runes, at a space when one is near, and marks the cut.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut, count := len(s), 0
	for i := range s {
		if count == n {
			cut = i
			break
		}
		count++
	}
	s = s[:cut]
	for i := len(s) - 1; i > len(s)*3/4; i-- {
		if s[i] == ' ' {
			s = s[:i]
			break
		}
	}
	return s + "…"
}

// count says "1 word", "2,121 paragraphs".
func count(n int, one, many string) string {
	word := many
	if n == 1 {
		word = one
	}
	return thousands(n) + " " + word
}

func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return s
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// shortID shows a long document ID by its ends.
func shortID(id string) string {
	if len(id) <= 16 {
		return id
	}
	return fmt.Sprintf("%s…%s", id[:8], id[len(id)-6:])
}

// countTabs counts tabs at every level.
func countTabs(tabs []TabView) int {
	n := len(tabs)
	for _, t := range tabs {
		n += countTabs(t.Children)
	}
	return n
}
