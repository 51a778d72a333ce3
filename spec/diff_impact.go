package spec

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Recorded says why a recorded answer may no longer be what the new
// revision asks for: a golden file, by its scenario name, status and
// normalized body (JSON values, numbers as json.Number or float64). Nil
// when no breaking change reaches it. The reasons, one line each:
//   - it answers an error row that changed (matched by status, code and
//     message template in either revision);
//   - its scenario is named after two checks whose order changed;
//   - it mentions a catalog code that changed (in a string of the body or
//     an element of its name);
//   - it has a response field that changed, or answers a status that did;
//   - its request passed the body check (a 2xx, or a row after invalid_body
//     in x-check-order) and requests valid before may now be rejected.
func (c *Changes) Recorded(name string, status int, body any) []string {
	var why []string
	add := func(format string, args ...any) {
		if r := fmt.Sprintf(format, args...); !slices.Contains(why, r) {
			why = append(why, r)
		}
	}
	row := c.rowOf(status, body)
	words := union(tokens(name), tokens(stringsOf(body, nil)...))
	for _, ch := range c.Items {
		if !ch.Breaking() {
			continue
		}
		switch {
		case ch.Area == AreaErrors && row != "" && slices.Contains(ch.Rows, row):
			add("answers row %s: %s", row, ch.summary())
		case ch.Area == AreaOrder:
			for _, p := range ch.Pairs {
				if slices.Contains(words, p[0]) && slices.Contains(words, p[1]) {
					add("orders %s and %s: %s", p[0], p[1], ch.summary())
				}
			}
		case ch.Area == AreaCatalog:
			for _, code := range ch.Codes {
				if slices.Contains(words, code) {
					add("mentions %s: %s", code, ch.summary())
				} else if later := c.after(code, words); later != "" && status >= 200 && status < 300 {
					add("holds %s, after %s in x-plan-catalog: %s", later, code, ch.summary())
				}
			}
		case ch.Area == AreaResponse && ch.Status == status:
			if f, ok := reached(ch, body); ok {
				add("has %s: %s", f, ch.summary())
			}
		case ch.Area == AreaRequest && ch.Client && c.pastBodyCheck(status, row):
			add("its request passed the body check: %s", ch.summary())
		}
	}
	return why
}

// after returns a code among words that comes after code in the catalog of
// the revision that has code: a 201 holds the account's whole plan set
// (x-success-rule), which the suite builds code by code in catalog order,
// so a code added, moved or removed changes every later 201.
func (c *Changes) after(code string, words []string) string {
	for _, op := range []*Operation{c.newOp, c.oldOp} {
		i := slices.IndexFunc(op.Catalog, func(p Plan) bool { return p.Code == code })
		if i < 0 {
			continue
		}
		for _, p := range op.Catalog[i+1:] {
			if !p.Base && slices.Contains(words, p.Code) { // the base plan is the account's, not the sweep's
				return p.Code
			}
		}
		return ""
	}
	return ""
}

// summary is a change in a few words: "error row self_pay (400) message modified".
func (ch Change) summary() string {
	return ch.Where + " " + ch.Property + " " + ch.Kind
}

// reached reports whether a response change reaches body: it has one of the
// change's fields, or the change concerns the whole status, or it narrows
// what the server may answer and body has the field's parent.
func reached(ch Change, body any) (string, bool) {
	if len(ch.Fields) == 0 || slices.Contains(ch.Fields, "") {
		return "status " + statusText(ch.Status), true
	}
	for _, f := range ch.Fields {
		if hasField(body, f) {
			return f, true
		}
		if parent, _, ok := cutLast(f); ch.Server && ok && hasField(body, parent) {
			return parent, true
		}
	}
	return "", false
}

// cutLast splits "a.b.c" into "a.b" and "c"; ok is false for a top-level field.
func cutLast(f string) (string, string, bool) {
	i := strings.LastIndex(f, ".")
	if i < 0 {
		return "", f, false
	}
	return f[:i], f[i+1:], true
}

// pastBodyCheck reports whether an answer came from a check after the body
// check: a 2xx, or a row that x-check-order (of the new revision, else the
// old) runs after invalid_body.
func (c *Changes) pastBodyCheck(status int, row string) bool {
	if status >= 200 && status < 300 {
		return true
	}
	order := c.newOp.CheckOrder
	if len(order) == 0 {
		order = c.oldOp.CheckOrder
	}
	b, r := slices.Index(order, rowBody), slices.Index(order, row)
	return b >= 0 && r > b
}

// rowOf names the row an error answer gives: the row of either revision
// with its status and code whose message template the message fits.
func (c *Changes) rowOf(status int, body any) string {
	m, ok := body.(map[string]any)
	if !ok {
		return ""
	}
	code := fmt.Sprint(m["code"])
	msg, _ := m["message"].(string)
	for _, op := range []*Operation{c.oldOp, c.newOp} {
		for _, r := range op.Errors {
			if r.Status == status && fmt.Sprint(r.Code) == code && fits(r.Message, msg) {
				return r.ID
			}
		}
	}
	return ""
}

var templateSlot = regexp.MustCompile(`\{[A-Za-z_][A-Za-z0-9_]*\}`)

// fits reports whether msg is the template tmpl with its "{name}"
// placeholders filled by any text: the literal parts appear in order.
func fits(tmpl, msg string) bool {
	parts := templateSlot.Split(tmpl, -1)
	if len(parts) == 1 {
		return tmpl == msg
	}
	if !strings.HasPrefix(msg, parts[0]) || !strings.HasSuffix(msg[len(parts[0]):], parts[len(parts)-1]) {
		return false
	}
	rest := msg[len(parts[0]) : len(msg)-len(parts[len(parts)-1])]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(rest, p)
		if i < 0 {
			return false
		}
		rest = rest[i+len(p):]
	}
	return true
}

// hasField reports whether v has a value at the dotted field path, "[]"
// standing for any element of an array and "*" for any member.
func hasField(v any, field string) bool {
	if field == "" {
		return true
	}
	head, rest, _ := strings.Cut(field, ".")
	name, items := strings.CutSuffix(head, "[]")
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	var next []any
	if name == "*" {
		for _, x := range m {
			next = append(next, x)
		}
	} else if x, ok := m[name]; ok {
		next = append(next, x)
	}
	for _, x := range next {
		if !items {
			if hasField(x, rest) {
				return true
			}
			continue
		}
		arr, _ := x.([]any)
		for _, e := range arr {
			if hasField(e, rest) {
				return true
			}
		}
	}
	return false
}

// stringsOf gathers every string of a JSON value (object keys excepted).
func stringsOf(v any, out []string) []string {
	switch v := v.(type) {
	case string:
		out = append(out, v)
	case map[string]any:
		for _, x := range v {
			out = stringsOf(x, out)
		}
	case []any:
		for _, x := range v {
			out = stringsOf(x, out)
		}
	}
	return out
}

// tokens splits texts into the words a plan code or row id can be: runs of
// letters, digits, "_" and "-" ("precedence/a-before-b" gives "a-before-b",
// so names split on "-" too when the pieces are ids).
func tokens(texts ...string) []string {
	var out []string
	for _, t := range texts {
		for _, w := range strings.FieldsFunc(t, notWord) {
			out = append(out, w)
			if strings.Contains(w, "-") {
				out = append(out, strings.Split(w, "-")...)
			}
		}
	}
	return union(out)
}

func notWord(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-')
}

// Probe is what Reread needs of a corpus entry; package contract owns the
// entries' format, so its caller reads them.
type Probe struct {
	Rows        []string // the row the case expects and the row its finding named ("invalid_body/out-of-range" counts as invalid_body)
	Field       string   // the field a generated case broke ("hosts", "plan_details.plan_calling[0].type"), "" for none
	Adds        []string // plan codes the entry adds before sending its request
	ContentType string   // the request's Content-Type
	Body        []byte   // the request's body
}

// Reread says why a corpus entry may no longer mean what it meant: it names
// a row that changed, sends or adds a code that changed, broke a request
// field that changed, or its body is valid under one revision and invalid
// under the other (each revision's validator says so). Nil when no
// breaking change reaches it.
func (c *Changes) Reread(p Probe) ([]string, error) {
	var why []string
	words := union(p.Adds, tokens(string(p.Body)))
	field := arrayIndex.ReplaceAllString(p.Field, "[]")
	for _, ch := range c.Items {
		if !ch.Breaking() {
			continue
		}
		for _, r := range p.Rows {
			if id, _, _ := strings.Cut(r, "/"); slices.Contains(ch.Rows, id) && ch.Area != AreaRequest && ch.Area != AreaCatalog {
				why = appendNew(why, "names row "+id+": "+ch.summary())
			}
		}
		for _, code := range ch.Codes {
			if slices.Contains(words, code) {
				why = appendNew(why, "sends "+code+": "+ch.summary())
			}
		}
		if ch.Area == AreaRequest && field != "" && slices.ContainsFunc(ch.Fields, func(f string) bool { return overlaps(f, field) }) {
			why = appendNew(why, "broke "+p.Field+": "+ch.summary())
		}
	}
	flip, err := c.validityFlip(p)
	if err != nil {
		return nil, err
	}
	if flip != "" {
		why = appendNew(why, flip)
	}
	return why, nil
}

var arrayIndex = regexp.MustCompile(`\[\d+\]`)

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// validityFlip validates the entry's body under both revisions when a
// request change moved what a server must accept, and names the side that
// rejects it when exactly one does. An entry whose rows all come from
// checks before the body check (x-check-order) is answered before its body
// is read: its meaning does not depend on the body.
func (c *Changes) validityFlip(p Probe) (string, error) {
	if !slices.ContainsFunc(c.Items, func(ch Change) bool { return ch.Area == AreaRequest && ch.Breaking() }) {
		return "", nil
	}
	if !slices.ContainsFunc(p.Rows, func(r string) bool {
		id, _, _ := strings.Cut(r, "/")
		return id == "" || id == rowBody || c.pastBodyCheck(0, id)
	}) {
		return "", nil
	}
	problems := func(d *Document, op *Operation) ([]Problem, error) {
		v, err := d.Validator()
		if err != nil {
			return nil, err
		}
		return v.Body(op, p.ContentType, p.Body), nil
	}
	before, err := problems(c.old, c.oldOp)
	if err != nil {
		return "", err
	}
	after, err := problems(c.new, c.newOp)
	if err != nil {
		return "", err
	}
	switch {
	case len(before) == 0 && len(after) > 0:
		return fmt.Sprintf("its body was valid under %s and is not under %s: %s", c.Old.Name, c.New.Name, describe(after[0])), nil
	case len(before) > 0 && len(after) == 0:
		return fmt.Sprintf("its body was invalid under %s and is valid under %s", c.Old.Name, c.New.Name), nil
	}
	return "", nil
}

func describe(p Problem) string {
	if p.Field == "" {
		return p.Message
	}
	return p.Field + ": " + p.Message
}
