// Package fieldmask implements the fields= parameter of Google's JSON APIs
// ("partial response", https://developers.google.com/calendar/api/guides/performance#partial-response):
// a comma-separated list of field names, "a/b" for a field inside a field,
// "a(b,c)" for several sub-fields of one field (nestable), and "*" for every
// field at a level. A selection inside an array applies to each element.
//
// Parse reads a mask; Check validates its names against a Go type's JSON
// field names (so an unknown field is refused even when the response happens
// not to carry it); Apply keeps only the selected fields of a JSON document,
// in their original order.
package fieldmask

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// Mask is a parsed fields= value. A nil *Mask selects everything.
type Mask struct{ root *node }

// node is one level of the selection; a nil children map means the whole
// field, with everything beneath it.
type node struct{ children map[string]*node }

// Error is a malformed or unknown mask. Its message is what the API answers.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

func invalid(mask string) error {
	return &Error{fmt.Sprintf("Invalid field selection %s", mask)}
}

// Parse reads a mask. An empty (or blank) mask gives a nil *Mask.
func Parse(mask string) (*Mask, error) {
	if strings.TrimSpace(mask) == "" {
		return nil, nil
	}
	p := &parser{s: mask}
	root := &node{children: map[string]*node{}}
	if err := p.list(root); err != nil {
		return nil, err
	}
	if p.skipSpace(); p.i != len(p.s) {
		return nil, invalid(mask)
	}
	return &Mask{root: root}, nil
}

type parser struct {
	s string
	i int
}

func (p *parser) skipSpace() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

// list := selection (',' selection)*
func (p *parser) list(into *node) error {
	for {
		if err := p.selection(into); err != nil {
			return err
		}
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			continue
		}
		return nil
	}
}

// selection := name ('/' name)* ['(' list ')']
func (p *parser) selection(into *node) error {
	var path []string
	for {
		name := p.name()
		if name == "" {
			return invalid(p.s)
		}
		path = append(path, name)
		if p.i < len(p.s) && p.s[p.i] == '/' {
			p.i++
			continue
		}
		break
	}
	var sub *node
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == '(' {
		p.i++
		sub = &node{children: map[string]*node{}}
		if err := p.list(sub); err != nil {
			return err
		}
		p.skipSpace()
		if p.i >= len(p.s) || p.s[p.i] != ')' {
			return invalid(p.s)
		}
		p.i++
	}
	// Walk (or build) the path, then merge the last step.
	n := into
	for k, name := range path {
		last := k == len(path)-1
		child, ok := n.children[name]
		switch {
		case ok && child.children == nil:
			return nil // already the whole field
		case !ok:
			child = &node{children: map[string]*node{}}
			n.children[name] = child
		}
		if last {
			if sub == nil {
				child.children = nil
			} else {
				for key, c := range sub.children {
					merge(child, key, c)
				}
			}
		}
		n = child
	}
	return nil
}

func merge(into *node, key string, c *node) {
	have, ok := into.children[key]
	switch {
	case !ok:
		into.children[key] = c
	case have.children == nil:
	case c.children == nil:
		have.children = nil
	default:
		for k, cc := range c.children {
			merge(have, k, cc)
		}
	}
}

func (p *parser) name() string {
	p.skipSpace()
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '*' || c == '_' || c == '@' || c == '$' || c == '-' || c == '.' ||
			'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			p.i++
			continue
		}
		break
	}
	name := p.s[start:p.i]
	if strings.Contains(name, "*") && name != "*" {
		return ""
	}
	return name
}

// Check validates the mask's names against t's JSON field names (encoding/json
// tags). Interface-typed fields accept any selection below them; map-typed
// fields accept any key.
func (m *Mask) Check(t reflect.Type) error {
	if m == nil {
		return nil
	}
	return check(t, m.root, "")
}

func check(t reflect.Type, n *node, path string) error {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
			break // []byte, json.RawMessage: a value, not an array
		}
		t = t.Elem()
	}
	if n.children == nil {
		return nil
	}
	switch t.Kind() {
	case reflect.Interface:
		return nil
	case reflect.Map:
		for key, c := range n.children {
			if err := check(t.Elem(), c, join(path, key)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Struct:
		fields := jsonFields(t)
		for key, c := range n.children {
			if key == "*" {
				if c.children != nil {
					for _, ft := range fields {
						if err := check(ft, c, join(path, key)); err != nil {
							return err
						}
					}
				}
				continue
			}
			ft, ok := fields[key]
			if !ok {
				return unknown(join(path, key))
			}
			if err := check(ft, c, join(path, key)); err != nil {
				return err
			}
		}
		return nil
	}
	// A scalar has no sub-fields.
	for key := range n.children {
		return unknown(join(path, key))
	}
	return nil
}

func unknown(path string) error {
	return &Error{fmt.Sprintf("Error expanding 'fields' parameter. Cannot find matching fields for path '%s'.", path)}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "/" + key
}

// jsonFields maps a struct's JSON names to their types, following embedded
// structs as encoding/json does.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range jsonFields(ft) {
					if _, ok := out[k]; !ok {
						out[k] = v
					}
				}
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

// Apply keeps only the selected fields of a JSON document (an object, or an
// array of them), in their original order. A nil mask returns doc unchanged.
// It reads doc once, skipping what is not selected without decoding it.
func (m *Mask) Apply(doc []byte) ([]byte, error) {
	if m == nil {
		return doc, nil
	}
	if !json.Valid(doc) {
		return nil, fmt.Errorf("fieldmask: the document is not JSON")
	}
	out := make([]byte, 0, len(doc)/2)
	out, _ = prune(out, doc, skipSpace(doc, 0), m.root)
	return out, nil
}

// prune appends the value at doc[i:], pruned to n, and returns the index
// after it. doc is valid JSON (Apply checked it).
func prune(out, doc []byte, i int, n *node) ([]byte, int) {
	if n.children == nil || (doc[i] != '[' && doc[i] != '{') {
		// The whole value; or a scalar reached by a deeper selection
		// (untyped data).
		end := skipValue(doc, i)
		return append(out, doc[i:end]...), end
	}
	switch doc[i] {
	case '[':
		out = append(out, '[')
		j := skipSpace(doc, i+1)
		first := true
		for doc[j] != ']' {
			if !first {
				out = append(out, ',')
			}
			first = false
			out, j = prune(out, doc, j, n)
			j = skipSpace(doc, j)
			if doc[j] == ',' {
				j = skipSpace(doc, j+1)
			}
		}
		return append(out, ']'), j + 1
	default: // '{'

		out = append(out, '{')
		j := skipSpace(doc, i+1)
		first := true
		for doc[j] != '}' {
			keyEnd := skipValue(doc, j)
			key := doc[j:keyEnd]
			v := skipSpace(doc, skipSpace(doc, keyEnd)+1) // past the colon
			next := skipValue(doc, v)
			if c, ok := childFor(n, key); ok {
				if !first {
					out = append(out, ',')
				}
				first = false
				out = append(out, key...)
				out = append(out, ':')
				out, _ = prune(out, doc, v, c)
			}
			j = skipSpace(doc, next)
			if doc[j] == ',' {
				j = skipSpace(doc, j+1)
			}
		}
		return append(out, '}'), j + 1
	}
}

// childFor is the selection of the member named by the quoted key.
func childFor(n *node, quoted []byte) (*node, bool) {
	var key string
	if bytes.IndexByte(quoted, '\\') < 0 {
		key = string(quoted[1 : len(quoted)-1])
	} else if err := json.Unmarshal(quoted, &key); err != nil {
		return nil, false
	}
	if c, ok := n.children[key]; ok {
		return c, true
	}
	c, ok := n.children["*"]
	return c, ok
}

func skipSpace(doc []byte, i int) int {
	for i < len(doc) && (doc[i] == ' ' || doc[i] == '\t' || doc[i] == '\n' || doc[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the index just past the value starting at doc[i].
func skipValue(doc []byte, i int) int {
	switch doc[i] {
	case '"':
		for j := i + 1; j < len(doc); j++ {
			switch doc[j] {
			case '\\':
				j++
			case '"':
				return j + 1
			}
		}
		return len(doc)
	case '{', '[':
		depth := 0
		for j := i; j < len(doc); j++ {
			switch doc[j] {
			case '"':
				j = skipValue(doc, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return len(doc)
	}
	j := i
	for ; j < len(doc); j++ {
		switch doc[j] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return j
		}
	}
	return j
}
