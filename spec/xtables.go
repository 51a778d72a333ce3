package spec

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	yaml "github.com/pb33f/go-yaml"
)

// The project's own extensions. Each is checked when the document loads, so
// a malformed table is reported with its file, line and JSON pointer instead
// of surfacing later as a puzzling test result.
const (
	extErrorCodes = "x-error-codes"     // on a response: the error matrix rows it carries
	extCatalog    = "x-plan-catalog"    // on the operation: plan code -> place in the 2xx body
	extCheckOrder = "x-check-order"     // on the operation: the order of the server's checks
	extAssumption = "x-assumption"      // anywhere: a fact the spec adds beyond its sources
	extPlacement  = "x-check-placement" // on the operation: where rows x-check-order leaves out run
)

var (
	errorRowKeys  = []string{"id", "code", "message", "when", "plans", extAssumption}
	catalogKeys   = []string{"code", "place", "base"}
	placementKeys = []string{"id", "before", "after"}
)

// tableRow is one well-formed entry of an x- table, with its JSON pointer.
type tableRow struct {
	at  string
	row *yaml.Node
}

// table returns the entries of a sequence-of-mappings extension, failing for
// anything else. keys are the allowed keys; required ones must be present.
func (b *builder) table(seq *yaml.Node, where string, keys, required []string) []tableRow {
	if seq.Kind != yaml.SequenceNode {
		b.fail(seq, where, "want a list of objects")
		return nil
	}
	var rows []tableRow
	for i, row := range seq.Content {
		at := where + "/" + strconv.Itoa(i)
		if row.Kind != yaml.MappingNode {
			b.fail(row, at, "want an object")
			continue
		}
		ok := true
		for j := 0; j+1 < len(row.Content); j += 2 {
			if k := row.Content[j]; !slices.Contains(keys, k.Value) {
				b.fail(k, at, "unknown key %q (want %s)", k.Value, strings.Join(keys, ", "))
				ok = false
			}
		}
		for _, k := range required {
			if _, v := mapValue(row, k); v == nil {
				b.fail(row, at, "missing key %q", k)
				ok = false
			}
		}
		if ok {
			rows = append(rows, tableRow{at, row})
		}
	}
	return rows
}

// str returns a non-empty string value of key in row, or fails.
func (b *builder) str(row *yaml.Node, at, key string, optional bool) (string, bool) {
	_, v := mapValue(row, key)
	if v == nil {
		return "", optional
	}
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" || strings.TrimSpace(v.Value) == "" {
		b.fail(v, at+"/"+key, "want a non-empty string")
		return "", false
	}
	return v.Value, true
}

// errorRows gathers the x-error-codes rows of every response, in response
// order; a row's status is that of the response it hangs under.
func (b *builder) errorRows(ptr string, op *Operation) []ErrorRow {
	var out []ErrorRow
	seen := map[string]string{} // id -> where first defined
	for _, r := range op.Responses {
		key := "default"
		if r.Status != 0 {
			key = strconv.Itoa(r.Status)
		}
		raw, rptr := b.follow(ptr + "/responses/" + key)
		_, seq := mapValue(raw, extErrorCodes)
		if seq == nil {
			continue
		}
		where := rptr + "/" + extErrorCodes
		for _, e := range b.table(seq, where, errorRowKeys, []string{"id", "code", "message"}) {
			row, at := e.row, e.at
			id, ok1 := b.str(row, at, "id", false)
			msg, ok2 := b.str(row, at, "message", false)
			when, ok3 := b.str(row, at, "when", true)
			note, ok4 := b.str(row, at, extAssumption, true)
			_, cv := mapValue(row, "code")
			code, err := strconv.Atoi(cv.Value)
			if cv.Kind != yaml.ScalarNode || cv.ShortTag() != "!!int" || err != nil {
				b.fail(cv, at+"/code", "code %q is not an integer", cv.Value)
				continue
			}
			if !ok1 || !ok2 || !ok3 || !ok4 {
				continue
			}
			plans, ok5 := b.rowPlans(row, at, op)
			if !ok5 {
				continue
			}
			if first, dup := seen[id]; dup {
				b.fail(row, at, "duplicate row id %q (first at %s)", id, first)
				continue
			}
			seen[id] = at
			if plans != nil {
				if op.RowPlans == nil {
					op.RowPlans = map[string][]string{}
				}
				op.RowPlans[id] = plans
			}
			out = append(out, ErrorRow{ID: id, Status: r.Status, Code: code, Message: msg, When: when, Assumption: note})
		}
	}
	return out
}

// rowPlans reads a row's optional "plans": add-on codes of the operation's
// catalog (already read) the row applies to.
func (b *builder) rowPlans(row *yaml.Node, at string, op *Operation) ([]string, bool) {
	_, seq := mapValue(row, "plans")
	if seq == nil {
		return nil, true
	}
	if seq.Kind != yaml.SequenceNode || len(seq.Content) == 0 {
		b.fail(seq, at+"/plans", "want a non-empty list of plan codes")
		return nil, false
	}
	var out []string
	for i, n := range seq.Content {
		p, ok := op.Plan(n.Value)
		if n.Kind != yaml.ScalarNode || !ok || p.Base {
			b.fail(n, fmt.Sprintf("%s/plans/%d", at, i), "%q is not an add-on code of x-plan-catalog", n.Value)
			return nil, false
		}
		out = append(out, p.Code)
	}
	return out, true
}

// catalog reads x-plan-catalog and computes each plan's Hosts flag from the
// schema of the first 2xx response with a body.
func (b *builder) catalog(ptr string, raw *yaml.Node, op *Operation) []Plan {
	_, seq := mapValue(raw, extCatalog)
	if seq == nil {
		return nil
	}
	where := ptr + "/" + extCatalog
	var success *Schema
	for _, r := range op.Responses {
		if r.Status >= 200 && r.Status < 300 && r.Schema != nil {
			success = r.Schema
			break
		}
	}
	if success == nil {
		b.fail(seq, where, "the operation has no 2xx response schema to place plans in")
		return nil
	}
	var out []Plan
	seen := map[string]string{}
	for _, e := range b.table(seq, where, catalogKeys, []string{"code", "place"}) {
		row, at := e.row, e.at
		code, ok1 := b.str(row, at, "code", false)
		place, ok2 := b.str(row, at, "place", false)
		if !ok1 || !ok2 {
			continue
		}
		p := Plan{Code: code, Place: place}
		if _, v := mapValue(row, "base"); v != nil {
			if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!bool" {
				b.fail(v, at+"/base", "want true or false")
				continue
			}
			p.Base = v.Value == "true"
		}
		if first, dup := seen[code]; dup {
			b.fail(row, at, "duplicate plan code %q (first at %s)", code, first)
			continue
		}
		seen[code] = at
		target, err := walkPlace(success, place)
		if err != nil {
			_, pv := mapValue(row, "place")
			b.fail(pv, at+"/place", "place %q: %v", place, err)
			continue
		}
		p.Hosts = target.Property("hosts") != nil
		out = append(out, p)
	}
	return out
}

// walkPlace follows a catalog place ("plan_zcc.plan_usage[]") down a schema:
// each dotted segment is a property, a "[]" suffix steps into array items.
// It returns the schema of the plan object (the items, for an array place).
func walkPlace(s *Schema, place string) (*Schema, error) {
	cur := s
	for seg := range strings.SplitSeq(place, ".") {
		name, array := strings.CutSuffix(seg, "[]")
		if name == "" {
			return nil, fmt.Errorf("empty segment")
		}
		next := cur.Property(name)
		if next == nil {
			return nil, fmt.Errorf("no property %q in the 2xx response schema", name)
		}
		switch {
		case array && next.Items == nil:
			return nil, fmt.Errorf("%q is not an array (drop the \"[]\")", name)
		case array:
			next = next.Items
		case next.Is("array"):
			return nil, fmt.Errorf("%q is an array (write %q)", name, name+"[]")
		}
		cur = next
	}
	return cur, nil
}

// checkOrder reads x-check-order: a list of error row ids, plus "route".
func (b *builder) checkOrder(ptr string, raw *yaml.Node, op *Operation) []string {
	_, seq := mapValue(raw, extCheckOrder)
	if seq == nil {
		return nil
	}
	where := ptr + "/" + extCheckOrder
	if seq.Kind != yaml.SequenceNode {
		b.fail(seq, where, "want a list of error row ids")
		return nil
	}
	ids := map[string]bool{"route": true}
	for _, r := range op.Errors {
		ids[r.ID] = true
	}
	var out []string
	for i, n := range seq.Content {
		at := where + "/" + strconv.Itoa(i)
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
			b.fail(n, at, "want a string")
			continue
		}
		if !ids[n.Value] {
			b.fail(n, at, "%q is neither \"route\" nor an x-error-codes row id", n.Value)
			continue
		}
		if slices.Contains(out, n.Value) {
			b.fail(n, at, "%q listed twice", n.Value)
			continue
		}
		out = append(out, n.Value)
	}
	return out
}

// placements reads x-check-placement, a list of {id, before|after} naming
// error rows x-check-order leaves out and the entry of x-check-order they
// run just before or after, and returns the full order. Rows placed at the
// same entry keep the table's order.
func (b *builder) placements(ptr string, raw *yaml.Node, op *Operation) []string {
	_, seq := mapValue(raw, extPlacement)
	if seq == nil {
		return append([]string(nil), op.CheckOrder...)
	}
	where := ptr + "/" + extPlacement
	if op.CheckOrder == nil {
		b.fail(seq, where, "x-check-placement needs an x-check-order to place rows in")
		return nil
	}
	before, after := map[string][]string{}, map[string][]string{}
	placed := map[string]bool{}
	for _, e := range b.table(seq, where, placementKeys, []string{"id"}) {
		id, anchor, isBefore, ok := b.placement(e, op, placed)
		if !ok {
			continue
		}
		placed[id] = true
		if isBefore {
			before[anchor] = append(before[anchor], id)
		} else {
			after[anchor] = append(after[anchor], id)
		}
	}
	var out []string
	for _, id := range op.CheckOrder {
		out = append(append(append(out, before[id]...), id), after[id]...)
	}
	return out
}

// placement checks one x-check-placement entry: a row id in neither
// x-check-order nor an earlier entry, and exactly one of before and after,
// naming an entry of x-check-order.
func (b *builder) placement(e tableRow, op *Operation, placed map[string]bool) (id, anchor string, isBefore, ok bool) {
	row, at := e.row, e.at
	id, ok1 := b.str(row, at, "id", false)
	bef, ok2 := b.str(row, at, "before", true)
	aft, ok3 := b.str(row, at, "after", true)
	if !ok1 || !ok2 || !ok3 {
		return "", "", false, false
	}
	_, known := op.Row(id)
	switch {
	case !known:
		b.fail(row, at, "%q is not an x-error-codes row id", id)
	case slices.Contains(op.CheckOrder, id) || placed[id]:
		b.fail(row, at, "%q is placed already (x-check-order or an earlier entry)", id)
	case (bef == "") == (aft == ""):
		b.fail(row, at, "want exactly one of \"before\" and \"after\"")
	case !slices.Contains(op.CheckOrder, bef+aft):
		b.fail(row, at, "%q is not an entry of x-check-order", bef+aft)
	default:
		return id, bef + aft, bef != "", true
	}
	return "", "", false, false
}

// httpMethods are the keys of a path item that hold operations.
var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace", "query"}

// assumptions gathers every x-assumption note under the operation, its path
// item (other operations excepted) and every local $ref target they reach,
// each with the JSON pointer of the object that carries it.
func (b *builder) assumptions(path, method string) []Assumption {
	var out []Assumption
	visited := map[string]bool{}
	var walk func(n *yaml.Node, ptr string, depth int)
	walk = func(n *yaml.Node, ptr string, depth int) {
		if n == nil || depth > maxDecodeDepth {
			return
		}
		switch n.Kind {
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, ptr+"/"+strconv.Itoa(i), depth+1)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				switch k.Value {
				case extAssumption:
					note := v.Value
					if v.Kind != yaml.ScalarNode || strings.TrimSpace(note) == "" {
						b.fail(v, ptr+"/"+extAssumption, "want a non-empty string")
						continue
					}
					out = append(out, Assumption{At: ptr, Note: note})
				case "$ref":
					target, ok := localRef(v.Value)
					if !ok || visited[target] {
						continue
					}
					visited[target] = true
					walk(pointerTo(b.d.root, target), target, depth+1)
				case "example", "enum", "const":
					// Data, not document structure.
				case "default":
					// The default response is structure; a schema's default is data.
					if strings.HasSuffix(ptr, "/responses") {
						walk(v, ptr+"/default", depth+1)
					}
				default:
					if depth == 0 && k.Value != method && slices.Contains(httpMethods, k.Value) {
						continue // another operation of the same path item
					}
					walk(v, ptr+"/"+escapeToken(k.Value), depth+1)
				}
			}
		}
	}
	itemPtr := "/paths/" + escapeToken(path)
	item := pointerTo(b.d.root, itemPtr)
	// A path item that is itself a $ref: walk its target as the item.
	if _, ref := mapValue(item, "$ref"); ref != nil {
		if p, ok := localRef(ref.Value); ok {
			visited[p] = true
			itemPtr, item = p, pointerTo(b.d.root, p)
		}
	}
	walk(item, itemPtr, 0)
	return out
}
