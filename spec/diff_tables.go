package spec

import (
	"slices"
	"strconv"
	"strings"

	yaml "github.com/pb33f/go-yaml"
)

// tables compares our x- tables through both revisions' models where
// what-changed saw them change: it reports an extension as a whole ("the
// x-error-codes of 400 changed"), our model knows its rows.
func (d *differ) tables() {
	if line, ok := d.tableLine[extErrorCodes]; ok {
		d.rowChanges(line)
	}
	if line, ok := d.tableLine[extCatalog]; ok {
		d.catalogChanges(line)
	}
	if line, ok := d.tableLine[extCheckOrder]; ok {
		d.orderChanges(line)
	}
}

// table records one change of a table entry.
func (d *differ) table(area, where, kind, prop, old, new string, line int, client, server bool, why string) *Change {
	d.items = append(d.items, Change{
		Area: area, Where: where, Kind: kind, Property: prop, Old: old, New: new, Line: line,
		Client: client, Server: server, Why: why,
	})
	return &d.items[len(d.items)-1]
}

// rowChanges compares the error matrices row by row. A new row is a new
// answer: the server must give it and a client may now get it. A removed
// one the server must no longer give. A changed status, code or condition
// changes what a request gets; a changed message only what the suite
// compares, since a client keys on the code (Error.message is
// human-readable).
func (d *differ) rowChanges(line int) {
	matchBy(d.oldOp.Errors, d.newOp.Errors, func(r ErrorRow) string { return r.ID }, func(o, r *ErrorRow) {
		switch {
		case o == nil:
			d.row(*r, Added, "row", "", r.ID, line, true, true, "a new answer: the server must give it, a client may now get it")
		case r == nil:
			d.row(*o, Removed, "row", o.ID, "", line, false, true, "the server must no longer give this answer")
		default:
			d.rowFields(*o, *r, line)
		}
	})
}

// rowFields records each field of a row that changed.
func (d *differ) rowFields(o, r ErrorRow, line int) {
	for _, f := range []struct {
		prop, old, new string
		client, server bool
		why            string
	}{
		{"status", strconv.Itoa(o.Status), strconv.Itoa(r.Status), true, true, "the answer's status changed"},
		{"code", strconv.Itoa(o.Code), strconv.Itoa(r.Code), true, true, "the answer's code changed"},
		{"message", o.Message, r.Message, false, true, "the suite compares the message; a client keys on the code"},
		{"when", o.When, r.When, true, true, "the condition changed: a request may now get another answer"},
		{extAssumption, o.Assumption, r.Assumption, false, false, "a note"},
	} {
		if norm(f.old) != norm(f.new) {
			d.row(r, Modified, f.prop, f.old, f.new, line, f.client, f.server, f.why)
		}
	}
}

// matchBy pairs the entries of two tables by key: f gets each entry of new
// in order with its old counterpart (nil when new), then each entry only
// old has (new nil).
func matchBy[T any](old, new []T, key func(T) string, f func(o, n *T)) {
	byKey := map[string]*T{}
	for i := range old {
		byKey[key(old[i])] = &old[i]
	}
	seen := map[string]bool{}
	for i := range new {
		k := key(new[i])
		seen[k] = true
		f(byKey[k], &new[i])
	}
	for i := range old {
		if !seen[key(old[i])] {
			f(&old[i], nil)
		}
	}
}

func (d *differ) row(r ErrorRow, kind, prop, old, new string, line int, client, server bool, why string) {
	where := "error row " + r.ID + " (" + statusText(r.Status) + ")"
	line = d.entryLine(kind, "/responses/"+statusText(r.Status)+"/"+extErrorCodes, "id", r.ID, line)
	ch := d.table(AreaErrors, where, kind, prop, old, new, line, client, server, why)
	ch.Status, ch.Rows, ch.Layers = r.Status, []string{r.ID}, rowLayers[r.ID]
}

// entryLine is the line of the entry of the table at ptr (under the
// operation) whose key is value, in the new revision (the old one for a
// removal); fallback when the table is not written in place.
func (d *differ) entryLine(kind, ptr, key, value string, fallback int) int {
	doc, op := d.new, d.newOp
	if kind == Removed {
		doc, op = d.old, d.oldOp
	}
	seq := pointerTo(doc.root, opPointer(op.Path, op.Method)+ptr)
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return fallback
	}
	for _, e := range seq.Content {
		if _, v := mapValue(e, key); v != nil && v.Value == value {
			return e.Line
		}
	}
	return fallback
}

// norm folds the line breaks of a folded YAML string.
func norm(s string) string { return strings.Join(strings.Fields(s), " ") }

// catalogChanges compares the plan catalogs code by code. A new code the
// server must accept (a client may but need not send it); a removed one is
// now invalid_body for both; a code that moves lands elsewhere in the 201.
func (d *differ) catalogChanges(line int) {
	matchBy(d.oldOp.Catalog, d.newOp.Catalog, func(p Plan) string { return p.Code }, func(o, p *Plan) {
		switch {
		case o == nil:
			d.plan(*p, Added, "code", "", p.Place, line, false, true, "a new code: the server must accept it")
		case p == nil:
			d.plan(*o, Removed, "code", o.Place, "", line, true, true, "requests with this code are now invalid_body")
		case o.Place != p.Place:
			d.plan(*p, Modified, "place", o.Place, p.Place, line, true, true, "the code lands elsewhere in the 201 body")
		case o.Base != p.Base:
			d.plan(*p, Modified, "base", strconv.FormatBool(o.Base), strconv.FormatBool(p.Base), line, true, true, "a base plan is rejected, an add-on added")
		}
	})
}

func (d *differ) plan(p Plan, kind, prop, old, new string, line int, client, server bool, why string) {
	line = d.entryLine(kind, "/"+extCatalog, "code", p.Code, line)
	ch := d.table(AreaCatalog, "catalog code "+p.Code, kind, prop, old, new, line, client, server, why)
	ch.Codes, ch.Rows, ch.Layers = []string{p.Code}, []string{rowBody}, []string{"catalog"}
	ch.Fields = []string{p.Place}
}

// orderChanges compares the check orders: every pair of checks both list
// in another order, and every check one of them lacks.
func (d *differ) orderChanges(line int) {
	o, n := d.oldOp.CheckOrder, d.newOp.CheckOrder
	if strings.Join(o, " ") == strings.Join(n, " ") {
		return
	}
	kind := Modified
	switch {
	case len(o) == 0:
		kind = Added
	case len(n) == 0:
		kind = Removed
	}
	ch := d.table(AreaOrder, "check order", kind, extCheckOrder, strings.Join(o, " > "), strings.Join(n, " > "), line,
		true, true, "a request that fails two checks may now get the other one's answer")
	pos := map[string]int{}
	for i, id := range o {
		pos[id] = i
	}
	var rows []string
	for i, a := range n {
		if _, ok := pos[a]; !ok {
			rows = append(rows, a)
		}
		for _, b := range n[i+1:] {
			pa, okA := pos[a]
			pb, okB := pos[b]
			if okA && okB && pa > pb {
				ch.Pairs = append(ch.Pairs, [2]string{a, b})
				rows = append(rows, a, b)
			}
		}
	}
	for _, id := range o {
		if !slices.Contains(n, id) {
			rows = append(rows, id)
		}
	}
	ch.Rows = d.known(rows) // "route" is a check, not a row
}

// known keeps the ids that are rows of either revision.
func (d *differ) known(ids []string) []string {
	var out []string
	for _, id := range ids {
		if slices.ContainsFunc(slices.Concat(d.oldOp.Errors, d.newOp.Errors), func(r ErrorRow) bool { return r.ID == id }) {
			out = append(out, id)
		}
	}
	return union(out)
}

// assumptionDiff lists the notes only the new revision has and those only
// the old one has, each by where it sits and what it says.
func assumptionDiff(old, new []Assumption) (added, removed []Assumption) {
	key := func(a Assumption) string { return a.At + "\x00" + norm(a.Note) }
	in := func(list []Assumption) map[string]bool {
		m := map[string]bool{}
		for _, a := range list {
			m[key(a)] = true
		}
		return m
	}
	oldKeys, newKeys := in(old), in(new)
	for _, a := range new {
		if !oldKeys[key(a)] {
			added = append(added, a)
		}
	}
	for _, a := range old {
		if !newKeys[key(a)] {
			removed = append(removed, a)
		}
	}
	return added, removed
}
