package fieldmask

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

type when struct {
	Date     string `json:"date,omitempty"`
	DateTime string `json:"dateTime,omitempty"`
}

type event struct {
	ID      string          `json:"id"`
	Summary string          `json:"summary,omitempty"`
	Start   when            `json:"start"`
	End     *when           `json:"end,omitempty"`
	Tags    []string        `json:"tags,omitempty"`
	Extra   any             `json:"extra,omitempty"`
	Props   map[string]when `json:"props,omitempty"`
	hidden  int             //lint:ignore U1000 an unexported field, which a mask cannot name
}

type list struct {
	Kind          string  `json:"kind"`
	NextPageToken string  `json:"nextPageToken,omitempty"`
	Items         []event `json:"items"`
}

var doc = list{
	Kind:          "k",
	NextPageToken: "tok",
	Items: []event{
		{ID: "a", Summary: "A", Start: when{DateTime: "t1"}, End: &when{DateTime: "t2"}, Tags: []string{"x"}, Extra: map[string]any{"deep": map[string]any{"er": 1}}},
		{ID: "b", Start: when{Date: "d1"}, Props: map[string]when{"p": {Date: "d2"}}},
	},
}

func apply(t *testing.T, mask string) string {
	t.Helper()
	m, err := Parse(mask)
	if err != nil {
		t.Fatalf("Parse(%q): %v", mask, err)
	}
	if err := m.Check(reflect.TypeOf(doc)); err != nil {
		t.Fatalf("Check(%q): %v", mask, err)
	}
	raw, _ := json.Marshal(doc)
	out, err := m.Apply(raw)
	if err != nil {
		t.Fatalf("Apply(%q): %v", mask, err)
	}
	return string(out)
}

func TestApply(t *testing.T) {
	full, _ := json.Marshal(doc)
	cases := []struct{ mask, want string }{
		{"", string(full)},
		{"  ", string(full)},
		{"kind", `{"kind":"k"}`},
		{"items(id)", `{"items":[{"id":"a"},{"id":"b"}]}`},
		{"items/id", `{"items":[{"id":"a"},{"id":"b"}]}`},
		{"nextPageToken,items/id", `{"nextPageToken":"tok","items":[{"id":"a"},{"id":"b"}]}`},
		// Order is the document's, not the mask's.
		{"items/id,kind", `{"kind":"k","items":[{"id":"a"},{"id":"b"}]}`},
		{"items(id,start/dateTime)", `{"items":[{"id":"a","start":{"dateTime":"t1"}},{"id":"b","start":{}}]}`},
		{"items(start(date,dateTime),end)", `{"items":[{"start":{"dateTime":"t1"},"end":{"dateTime":"t2"}},{"start":{"date":"d1"}}]}`},
		{"items( id , summary )", `{"items":[{"id":"a","summary":"A"},{"id":"b"}]}`},
		// Merging: a whole field wins over a part of it, either way round.
		{"items/start/date,items/start", `{"items":[{"start":{"dateTime":"t1"}},{"start":{"date":"d1"}}]}`},
		{"items/start,items/start/date", `{"items":[{"start":{"dateTime":"t1"}},{"start":{"date":"d1"}}]}`},
		{"items(id),items(summary)", `{"items":[{"id":"a","summary":"A"},{"id":"b"}]}`},
		// Wildcards.
		{"*", string(full)},
		{"items/*", `{"items":` + mustJSON(doc.Items) + `}`},
		{"items(*)", `{"items":` + mustJSON(doc.Items) + `}`},
		{"items/start/*", `{"items":[{"start":{"dateTime":"t1"}},{"start":{"date":"d1"}}]}`},
		// Untyped and map fields take any names below them.
		{"items/extra/deep/er", `{"items":[{"extra":{"deep":{"er":1}}},{}]}`},
		{"items/props/p/date", `{"items":[{},{"props":{"p":{"date":"d2"}}}]}`},
		{"items/tags", `{"items":[{"tags":["x"]},{}]}`},
	}
	for _, c := range cases {
		if got := apply(t, c.mask); got != c.want {
			t.Errorf("%q:\n got %s\nwant %s", c.mask, got, c.want)
		}
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestParseRejects(t *testing.T) {
	for _, mask := range []string{
		"items(", "items(id", "items)", "items(id))", "(id)", "items()", ",", "kind,", ",kind",
		"items//id", "/items", "items/", "items(id,)", "ki nd", "it*ms", "items(id)summary", "kind;etag",
	} {
		_, err := Parse(mask)
		var fe *Error
		if !errors.As(err, &fe) || !strings.HasPrefix(fe.Msg, "Invalid field selection") {
			t.Errorf("Parse(%q) = %v, want an invalid field selection", mask, err)
		}
	}
}

func TestCheckRejectsUnknownFields(t *testing.T) {
	cases := map[string]string{
		"nosuch":               "nosuch",
		"items(nosuch)":        "items/nosuch",
		"items/start/nosuch":   "items/start/nosuch",
		"kind/sub":             "kind/sub",
		"items/tags/sub":       "items/tags/sub",
		"items/hidden":         "items/hidden",
		"items/*/nosuch":       "items/*/nosuch",
		"items/props/p/nosuch": "items/props/p/nosuch",
		"nextPageToken,items(id,start(date,zone))": "items/start/zone",
	}
	for mask, path := range cases {
		m, err := Parse(mask)
		if err != nil {
			t.Fatalf("Parse(%q): %v", mask, err)
		}
		err = m.Check(reflect.TypeOf(doc))
		want := "Cannot find matching fields for path '" + path + "'"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Check(%q) = %v, want %q", mask, err, want)
		}
	}
	// Fields the response happens not to carry (omitempty) are still known.
	m, _ := Parse("items(summary,end/date)")
	if err := m.Check(reflect.TypeOf(&list{})); err != nil {
		t.Error(err)
	}
}

func TestNilMask(t *testing.T) {
	var m *Mask
	if err := m.Check(reflect.TypeOf(doc)); err != nil {
		t.Error(err)
	}
	if out, _ := m.Apply([]byte(`{"a":1}`)); string(out) != `{"a":1}` {
		t.Error(string(out))
	}
}

// TestApplyReadsAnyJSON: Apply skips what is not selected by reading the
// bytes, so strings holding quotes, brackets and escapes, escaped keys,
// nested arrays, scalars of every kind and white space must all be stepped
// over correctly; a document that is not JSON is an error.
func TestApplyReadsAnyJSON(t *testing.T) {
	doc := `{
	  "a\"b": {"x": "}]\\\"{[", "y": [1, [2, {"z": null}], -3.5e2]},
	  "s": "tab\t and \u00e9 \"q\" ]}",
	  "n": [true, false, null, 0, {"k": "v", "l\u0041": 2}],
	  "k": {"deep": [[{"m": 1, "o": 2}], [{"m": 3}]]}
	}`
	cases := []struct{ mask, want string }{
		{"s", `{"s":"tab\t and \u00e9 \"q\" ]}"}`},
		{"n", `{"n":[true,false,null,0,{"k":"v","l\u0041":2}]}`},
		{"n/lA", `{"n":[true,false,null,0,{"l\u0041":2}]}`},
		{"k/deep/m", `{"k":{"deep":[[{"m":1}],[{"m":3}]]}}`},
		{"s,k/deep/o", `{"s":"tab\t and \u00e9 \"q\" ]}","k":{"deep":[[{"o":2}],[{}]]}}`},
	}
	for _, c := range cases {
		m, err := Parse(c.mask)
		if err != nil {
			t.Fatal(err)
		}
		got, err := m.Apply([]byte(doc))
		if err != nil {
			t.Fatalf("%q: %v", c.mask, err)
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, got); err != nil {
			t.Fatalf("%q: not JSON: %s", c.mask, got)
		}
		if compact.String() != c.want {
			t.Errorf("%q:\n got %s\nwant %s", c.mask, compact.String(), c.want)
		}
	}
	m, _ := Parse("s")
	for _, bad := range []string{`{"s": }`, `{"s": "x"`, `[1,]`, ``} {
		if _, err := m.Apply([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// BenchmarkApply prunes a large document (a long list of nested items) to
// a few fields of each, as a Docs or Calendar mask does.
func BenchmarkApply(b *testing.B) {
	type item struct {
		ID    string            `json:"id"`
		Text  string            `json:"text"`
		Style map[string]string `json:"style"`
		Kids  []map[string]any  `json:"kids"`
	}
	var items []item
	for i := range 2000 {
		items = append(items, item{ID: fmt.Sprint(i), Text: strings.Repeat("word ", 20), Style: map[string]string{"bold": "true", "font": "Arial"},
			Kids: []map[string]any{{"a": 1, "b": "two"}, {"a": 3, "b": "four"}}})
	}
	doc, _ := json.Marshal(map[string]any{"items": items, "title": "t"})
	m, _ := Parse("title,items(id,kids/a)")
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if _, err := m.Apply(doc); err != nil {
			b.Fatal(err)
		}
	}
}
