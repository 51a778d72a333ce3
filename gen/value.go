package gen

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/addons-contract/contract/internal/jsonorder"
)

// kind is the JSON type of a value node.
type kind uint8

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
	kindRaw // pre-encoded bytes emitted verbatim (syntax classes only)
)

// value is a JSON value that keeps what encoding/json throws away: the order
// of object members (so bytes follow schema order and are reproducible), a
// number's literal text ("18.0" stays "18.0") and repeated keys. Values are
// treated as immutable: every edit copies the slices along its path.
type value struct {
	kind    kind
	b       bool
	text    string // number literal, string content or raw bytes
	items   []value
	members []member
}

// member is one name/value pair of an object.
type member struct {
	name  string
	value value
}

func null() value             { return value{kind: kindNull} }
func boolean(b bool) value    { return value{kind: kindBool, b: b} }
func str(s string) value      { return value{kind: kindString, text: s} }
func number(lit string) value { return value{kind: kindNumber, text: lit} }
func integer(i int64) value   { return number(strconv.FormatInt(i, 10)) }
func array(items ...value) value {
	return value{kind: kindArray, items: items}
}
func object(ms ...member) value { return value{kind: kindObject, members: ms} }

// get returns the member called name; the last one wins, as in encoding/json.
func (v value) get(name string) (value, bool) {
	for i := len(v.members) - 1; i >= 0; i-- {
		if v.members[i].name == name {
			return v.members[i].value, true
		}
	}
	return value{}, false
}

// has reports whether the object has a member called name.
func (v value) has(name string) bool {
	_, ok := v.get(name)
	return ok
}

// without returns the object without any member called name.
func (v value) without(name string) value {
	ms := make([]member, 0, len(v.members))
	for _, m := range v.members {
		if m.name != name {
			ms = append(ms, m)
		}
	}
	return object(ms...)
}

// with returns the object with name set to x: replaced in place when
// present, appended otherwise.
func (v value) with(name string, x value) value {
	ms := slices.Clone(v.members)
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].name == name {
			ms[i].value = x
			return object(ms...)
		}
	}
	return object(append(ms, member{name, x})...)
}

// encode returns the compact JSON text of v.
func (v value) encode() []byte {
	return v.appendJSON(make([]byte, 0, 128))
}

func (v value) appendJSON(b []byte) []byte {
	switch v.kind {
	case kindNull:
		return append(b, "null"...)
	case kindBool:
		return strconv.AppendBool(b, v.b)
	case kindNumber, kindRaw:
		return append(b, v.text...)
	case kindString:
		return appendString(b, v.text)
	case kindArray:
		b = append(b, '[')
		for i, it := range v.items {
			if i > 0 {
				b = append(b, ',')
			}
			b = it.appendJSON(b)
		}
		return append(b, ']')
	case kindObject:
		b = append(b, '{')
		for i, m := range v.members {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, m.name)
			b = append(b, ':')
			b = m.value.appendJSON(b)
		}
		return append(b, '}')
	}
	panic(fmt.Sprintf("gen: unknown value kind %d", v.kind))
}

// appendString writes s as a JSON string: quotes, backslashes and control
// characters escaped, everything else (non-ASCII included) as UTF-8.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return append(b, '"')
}

// maxParseDepth is the deepest a parsed value may sit: deeper input is
// not something this package ever generates as a well-formed body.
const maxParseDepth = MaxNesting

// parseValue parses one JSON value, keeping member order, repeated keys and
// number literals. Trailing data is an error.
func parseValue(data []byte) (value, error) {
	v, err := jsonorder.Parse(data, jsonorder.Options{MaxDepth: maxParseDepth, AllowDuplicates: true})
	if err != nil {
		return value{}, err
	}
	return fromOrdered(v), nil
}

// fromOrdered converts a value read by jsonorder.
func fromOrdered(v jsonorder.Value) value {
	switch v.Kind {
	case jsonorder.Bool:
		return boolean(v.Bool)
	case jsonorder.Number:
		return number(v.Text)
	case jsonorder.String:
		return str(v.Text)
	case jsonorder.Array:
		out := value{kind: kindArray, items: make([]value, len(v.Items))}
		for i, it := range v.Items {
			out.items[i] = fromOrdered(it)
		}
		return out
	case jsonorder.Object:
		out := value{kind: kindObject, members: make([]member, len(v.Members))}
		for i, m := range v.Members {
			out.members[i] = member{m.Name, fromOrdered(m.Value)}
		}
		return out
	}
	return null()
}

// ordered converts v for the spec's walkers. Raw bytes are no JSON value
// of their own: they become jsonorder's "no value".
func (v value) ordered() jsonorder.Value {
	switch v.kind {
	case kindNull:
		return jsonorder.Value{Kind: jsonorder.Null}
	case kindBool:
		return jsonorder.Value{Kind: jsonorder.Bool, Bool: v.b}
	case kindNumber:
		return jsonorder.Value{Kind: jsonorder.Number, Text: v.text}
	case kindString:
		return jsonorder.Value{Kind: jsonorder.String, Text: v.text}
	case kindArray:
		out := jsonorder.Value{Kind: jsonorder.Array, Items: make([]jsonorder.Value, len(v.items))}
		for i, it := range v.items {
			out.Items[i] = it.ordered()
		}
		return out
	case kindObject:
		out := jsonorder.Value{Kind: jsonorder.Object, Members: make([]jsonorder.Member, len(v.members))}
		for i, m := range v.members {
			out.Members[i] = jsonorder.Member{Name: m.name, Value: m.value.ordered()}
		}
		return out
	}
	return jsonorder.Value{}
}

// fromGo converts a decoded spec value (example, enum, const) into a value.
// Object members follow order (names listed there first, in that order), the
// rest sorted, so the result never depends on map iteration.
func fromGo(x any, order func(path []step) []string, path []step) value {
	switch t := x.(type) {
	case nil:
		return null()
	case bool:
		return boolean(t)
	case string:
		return str(t)
	case int:
		return integer(int64(t))
	case int64:
		return integer(t)
	case uint64:
		return number(strconv.FormatUint(t, 10))
	case float64:
		return number(formatFloat(t))
	case json.Number:
		return number(string(t))
	case []any:
		out := value{kind: kindArray}
		for i, it := range t {
			out.items = append(out.items, fromGo(it, order, appendPath(path, index(i))))
		}
		return out
	case map[string]any:
		var names []string
		if order != nil {
			for _, n := range order(path) {
				if _, ok := t[n]; ok && !slices.Contains(names, n) {
					names = append(names, n)
				}
			}
		}
		var rest []string
		for n := range t {
			if !slices.Contains(names, n) {
				rest = append(rest, n)
			}
		}
		slices.Sort(rest)
		out := value{kind: kindObject}
		for _, n := range append(names, rest...) {
			out.members = append(out.members, member{n, fromGo(t[n], order, appendPath(path, key(n)))})
		}
		return out
	}
	return str(fmt.Sprint(x))
}

// formatFloat writes f as a JSON number literal.
func formatFloat(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return "0"
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// step is one element of a JSON path: a property name or an array index.
type step struct {
	name  string
	index int
	isIdx bool
}

func key(name string) step { return step{name: name} }
func index(i int) step     { return step{index: i, isIdx: true} }

func appendPath(p []step, s step) []step {
	out := make([]step, len(p), len(p)+1)
	copy(out, p)
	return append(out, s)
}

// pathString renders a path the way the endpoint names fields:
// "plan_details.plan_calling[0].type"; "" is the whole body.
func pathString(p []step) string {
	var sb strings.Builder
	for i, s := range p {
		if s.isIdx {
			sb.WriteString("[" + strconv.Itoa(s.index) + "]")
			continue
		}
		if i > 0 {
			sb.WriteByte('.')
		}
		sb.WriteString(s.name)
	}
	return sb.String()
}

// parsePath is the inverse of pathString for the names this package
// generates (no dots or brackets inside names).
func parsePath(s string) []step {
	var out []step
	for part := range strings.SplitSeq(s, ".") {
		if part == "" {
			continue
		}
		name := part
		rest := ""
		if i := strings.IndexByte(part, '['); i >= 0 {
			name, rest = part[:i], part[i:]
		}
		if name != "" {
			out = append(out, key(name))
		}
		for strings.HasPrefix(rest, "[") {
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				break
			}
			n, err := strconv.Atoi(rest[1:end])
			if err == nil {
				out = append(out, index(n))
			}
			rest = rest[end+1:]
		}
	}
	return out
}

// at returns the value at path.
func (v value) at(path []step) (value, bool) {
	cur := v
	for _, s := range path {
		switch {
		case s.isIdx && cur.kind == kindArray && s.index < len(cur.items):
			cur = cur.items[s.index]
		case !s.isIdx && cur.kind == kindObject:
			x, ok := cur.get(s.name)
			if !ok {
				return value{}, false
			}
			cur = x
		default:
			return value{}, false
		}
	}
	return cur, true
}

// update returns v with the value at path replaced by f(old); f's second
// result false removes the member or item. ok is false when path is absent.
func (v value) update(path []step, f func(value) (value, bool)) (value, bool) {
	if len(path) == 0 {
		x, keep := f(v)
		if !keep {
			return value{}, false
		}
		return x, true
	}
	s := path[0]
	switch {
	case s.isIdx && v.kind == kindArray && s.index < len(v.items):
		if len(path) == 1 {
			x, keep := f(v.items[s.index])
			if !keep {
				return array(slices.Delete(slices.Clone(v.items), s.index, s.index+1)...), true
			}
			items := slices.Clone(v.items)
			items[s.index] = x
			return array(items...), true
		}
		x, ok := v.items[s.index].update(path[1:], f)
		if !ok {
			return value{}, false
		}
		items := slices.Clone(v.items)
		items[s.index] = x
		return array(items...), true
	case !s.isIdx && v.kind == kindObject:
		old, ok := v.get(s.name)
		if !ok {
			return value{}, false
		}
		if len(path) == 1 {
			x, keep := f(old)
			if !keep {
				return v.without(s.name), true
			}
			return v.with(s.name, x), true
		}
		x, ok := old.update(path[1:], f)
		if !ok {
			return value{}, false
		}
		return v.with(s.name, x), true
	}
	return value{}, false
}

// set returns v with the value at path replaced by x.
func (v value) set(path []step, x value) (value, bool) {
	return v.update(path, func(value) (value, bool) { return x, true })
}

// remove returns v without the member or item at path.
func (v value) remove(path []step) (value, bool) {
	if len(path) == 0 {
		return value{}, false
	}
	return v.update(path, func(value) (value, bool) { return value{}, false })
}

// equal reports JSON equality: numbers by value, objects by member set.
func (v value) equal(w value) bool {
	if v.kind != w.kind {
		return false
	}
	switch v.kind {
	case kindNull:
		return true
	case kindBool:
		return v.b == w.b
	case kindNumber:
		a, ok1 := ratOf(v.text)
		b, ok2 := ratOf(w.text)
		return ok1 && ok2 && a.Cmp(b) == 0
	case kindString, kindRaw:
		return v.text == w.text
	case kindArray:
		if len(v.items) != len(w.items) {
			return false
		}
		for i := range v.items {
			if !v.items[i].equal(w.items[i]) {
				return false
			}
		}
		return true
	case kindObject:
		if v.distinctNames() != w.distinctNames() {
			return false
		}
		for _, m := range v.members {
			x, ok := w.get(m.name)
			y, _ := v.get(m.name)
			if !ok || !y.equal(x) {
				return false
			}
		}
		return true
	}
	return false
}

// distinctNames counts the object's distinct member names.
func (v value) distinctNames() int {
	n := 0
	for i, m := range v.members {
		dup := false
		for _, p := range v.members[:i] {
			if p.name == m.name {
				dup = true
				break
			}
		}
		if !dup {
			n++
		}
	}
	return n
}
