package apis

import (
	"net/url"
	"strings"
)

// Partial responses. Every call asks Google for the fields the site reads
// and nothing else (fields=, Google's "partial response": the Calendar and
// Docs performance guides; a system parameter of every API). Each mask
// below names exactly what the decoding struct beside its call reads, and
// pages' TestFieldMasksCoverWhatPagesRender renders every page from masked
// and from full answers and requires the same HTML.
//
// A mask cannot recurse, but a document can: tables nest in table cells and
// tabs in tabs. The masks spell out a few levels and, below those, ask for
// the whole subtree: heavier there, never missing a field.
const (
	// CalendarFields is events.list's mask: the calendar's time zone (for
	// all-day dates) and, per event, what the Calendar page shows.
	CalendarFields = "timeZone,items(id,status,summary,location,start(date,dateTime),end(date,dateTime),eventType," +
		"focusTimeProperties(autoDeclineMode,chatStatus),outOfOfficeProperties/autoDeclineMode," +
		"workingLocationProperties(type,customLocation/label,officeLocation(label,buildingId)))"

	// DocumentTitleFields is documents.get's mask for the recent list.
	DocumentTitleFields = "documentId,title"

	// SessionFields is the Picker's session mask (sessions.create and get).
	SessionFields = "id,pickerUri,pollingConfig(pollInterval,timeoutIn),expireTime,mediaItemsSet"

	// MediaItemsFields is mediaItems.list's mask: what the carousel shows,
	// the baseUrl to fetch the thumbnail from, and the next page.
	MediaItemsFields = "mediaItems(id,type,mediaFile(baseUrl,filename,mediaFileMetadata(width,height))),nextPageToken"
)

// DocumentFields is documents.get's mask for an opened document: title,
// and each tab's (or the legacy body's) paragraphs and tables, down to the
// text and the heading style the summary reads.
var DocumentFields = "documentId,title,body/" + contentFields(tableLevels) + ",tabs(" + tabFields(tabLevels) + ")"

const (
	// tableLevels of tables are spelled out: a table inside a table cell
	// comes whole (rare, and the mask is sent with every call).
	tableLevels = 1
	// tabLevels of child tabs are spelled out; deeper ones come whole.
	tabLevels = 2
	// paragraphFields is what summarize reads of a paragraph: its visible
	// text (text runs, person chips, rich links) and its heading style.
	paragraphFields = "paragraph(elements(textRun/content,person/personProperties,richLink/richLinkProperties/title)," +
		"paragraphStyle(namedStyleType,headingId))"
)

// contentFields selects a body's content: paragraphs, and tables whose cells
// hold content again, levels deep.
func contentFields(levels int) string {
	if levels == 0 {
		return "content"
	}
	return "content(" + paragraphFields + ",table/tableRows/tableCells/" + contentFields(levels-1) + ")"
}

// tabFields selects a tab: its properties, its body, and its child tabs.
func tabFields(levels int) string {
	var b strings.Builder
	b.WriteString("tabProperties(tabId,title,nestingLevel),documentTab/body/")
	b.WriteString(contentFields(tableLevels))
	b.WriteString(",childTabs")
	if levels > 0 {
		b.WriteString("(" + tabFields(levels-1) + ")")
	}
	return b.String()
}

// withFields is rawURL's query plus fields=mask. The mask's parentheses,
// commas and slashes are legal in a query (RFC 3986 sub-delims) and are sent
// as they are: escaped, the Docs mask would be a third longer.
func withFields(base string, q url.Values, mask string) string {
	var b strings.Builder
	b.WriteString(base)
	b.WriteByte('?')
	if len(q) > 0 {
		b.WriteString(q.Encode())
		b.WriteByte('&')
	}
	b.WriteString("fields=")
	b.WriteString(strings.NewReplacer(" ", "%20", "&", "%26", "#", "%23", "+", "%2B").Replace(mask))
	return b.String()
}
