package spec

import (
	"cmp"
	"strconv"
	"strings"
)

// differ places what-changed's changes in our model of the two revisions.
type differ struct {
	old, new     *Document
	oldOp, newOp *Operation
	uses         map[string][]use // component schema name -> where the operation uses it
	tableLine    map[string]int   // x- tables what-changed saw change -> a line of the change
	items        []Change
}

// use is one place where the operation uses a schema: the request body or a
// response's body, under a field prefix, with the schema found there in each
// revision (nil where a revision has none).
type use struct {
	area       string
	status     int
	prefix     string
	oldS, newS *Schema
}

func newDiffer(old, new *Document, oldOp, newOp *Operation) *differ {
	d := &differ{old: old, new: new, oldOp: oldOp, newOp: newOp, uses: map[string][]use{}, tableLine: map[string]int{}}
	d.collectUses(oldOp, false)
	d.collectUses(newOp, true)
	return d
}

// place files one what-changed change by the path that led to it.
func (d *differ) place(rc rawChange) {
	p := rc.path
	switch {
	case len(p) >= 4 && p[0] == "paths" && p[1] == "pathItems" && d.isOp(p[2], p[3]):
		d.operation(rc, p[4:])
	case len(p) >= 4 && p[0] == "paths" && p[1] == "pathItems":
		d.document(rc, "other operation "+strings.ToUpper(p[3])+" "+p[2])
	case len(p) == 1 && p[0] == "paths" && (rc.c.Property == d.oldOp.Path || rc.c.Property == d.newOp.Path):
		d.add(rc, AreaRequest, "path "+rc.c.Property, both)
	case len(p) >= 3 && p[0] == "components" && p[1] == "schemas":
		d.component(rc, p[2], p[3:])
	case len(p) >= 2 && p[0] == "components" && p[1] == "securitySchemes", len(p) >= 1 && p[0] == "securityRequirements":
		d.security(rc)
	default:
		d.document(rc, cmp.Or(strings.Join(p, "."), "document"))
	}
}

func (d *differ) isOp(path, method string) bool {
	return (path == d.newOp.Path || path == d.oldOp.Path) && strings.EqualFold(method, d.newOp.Method)
}

// add records a change of the given effect in area.
func (d *differ) add(rc rawChange, area, where string, e effect) *Change {
	ch := fromModel(rc.c)
	ch.Area, ch.Where = area, where
	ch.Client, ch.Server, ch.Why = classify(area, e)
	d.items = append(d.items, ch)
	return &d.items[len(d.items)-1]
}

// document records a change outside what the suite judges: never breaking.
func (d *differ) document(rc rawChange, where string) {
	if rc.c.Property == extAssumption {
		return // notes are compared as a whole (Changes.Added, Removed)
	}
	d.add(rc, AreaDocument, where, none)
}

func (d *differ) operation(rc rawChange, rest []string) {
	switch {
	case len(rest) == 0:
		d.opProperty(rc)
	case rest[0] == "extensions":
		d.extension(rc, "operation")
	case rest[0] == "requestBodies":
		d.requestBody(rc, rest[1:])
	case rest[0] == "responses":
		d.responses(rc, rest[1:])
	case rest[0] == "parameters" && len(rest) >= 2:
		d.parameter(rc, rest[1], rest[2:])
	case rest[0] == "securityRequirements":
		d.security(rc)
	default:
		d.document(rc, "operation "+strings.Join(rest, "."))
	}
}

func (d *differ) opProperty(rc rawChange) {
	switch p := rc.c.Property; p {
	case "requestBody":
		d.add(rc, AreaRequest, "request body", keywordEffect("required", kindOf(rc.c), "", "", true)).Rows = []string{rowBody}
	case "parameters":
		d.add(rc, AreaRequest, "parameters", keywordEffect(p, kindOf(rc.c), "", "", true))
	case "security":
		d.security(rc)
	default:
		d.document(rc, "operation: "+p)
	}
}

// extension files a change of an x- key: our tables are compared through
// the two models afterwards (tables), notes are documentation.
func (d *differ) extension(rc rawChange, owner string) {
	switch name := rc.c.Property; name {
	case extErrorCodes, extCatalog, extCheckOrder:
		if _, seen := d.tableLine[name]; !seen {
			d.tableLine[name] = lineOf(rc.c)
		}
	default:
		d.document(rc, owner+": "+name)
	}
}

func (d *differ) requestBody(rc rawChange, rest []string) {
	switch {
	case len(rest) == 0 && isMediaType(rc.c.Property):
		ch := d.add(rc, AreaRequest, "request body: media type "+rc.c.Property, keywordEffect("enum", kindOf(rc.c), "", "", true))
		ch.Rows, ch.Layers = []string{rowMedia}, []string{"media"}
	case len(rest) == 0 && rc.c.Property == "required":
		d.add(rc, AreaRequest, "request body", keywordEffect("required", Modified, rc.c.Original, rc.c.New, true)).Rows = []string{rowBody}
	case len(rest) >= 3 && rest[0] == "content" && rest[2] == "schemas":
		d.schema(rc, []use{d.inline(AreaRequest, 0)}, rest[3:], "")
	case len(rest) >= 1 && rest[len(rest)-1] == "extensions":
		d.extension(rc, "request body")
	case len(rest) == 2 && rest[0] == "content" && (rc.c.Property == "schema" || rc.c.Property == "$ref"):
		ch := d.add(rc, AreaRequest, "request body: schema", both)
		ch.Rows, ch.Layers = []string{rowBody}, []string{"schema"}
	default:
		d.document(rc, "request body "+strings.Join(rest, " "))
	}
}

func (d *differ) responses(rc rawChange, rest []string) {
	switch {
	case len(rest) == 0 && rc.c.Property == "codes":
		s, _ := strconv.Atoi(rc.c.New + rc.c.Original)
		ch := d.add(rc, AreaResponse, statusText(s)+" response", keywordEffect("enum", kindOf(rc.c), "", "", true))
		ch.Status, ch.Rows = s, d.rowsAt(s)
	case len(rest) >= 2 && rest[0] == "response":
		s, _ := strconv.Atoi(rest[1])
		d.response(rc, s, rest[2:])
	case len(rest) >= 1 && rest[0] == "default":
		d.response(rc, 0, rest[1:])
	case len(rest) >= 1 && rest[0] == "extensions":
		d.extension(rc, "responses")
	default:
		d.document(rc, "responses "+strings.Join(rest, " "))
	}
}

func (d *differ) response(rc rawChange, s int, rest []string) {
	where := statusText(s) + " response"
	switch {
	case len(rest) >= 1 && rest[0] == "extensions":
		d.extension(rc, where)
	case len(rest) >= 3 && rest[0] == "content" && rest[2] == "schemas":
		d.schema(rc, []use{d.inline(AreaResponse, s)}, rest[3:], "")
	case len(rest) >= 2 && rest[0] == "headers":
		e := keywordEffect(rc.c.Property, kindOf(rc.c), rc.c.Original, rc.c.New, false)
		ch := d.add(rc, AreaResponse, where+": header "+rest[1], e)
		ch.Status = s
	case len(rest) == 0 && (isMediaType(rc.c.Property) || rc.c.Property == "content"):
		ch := d.add(rc, AreaResponse, where+": media type", keywordEffect("enum", kindOf(rc.c), "", "", true))
		ch.Status, ch.Rows = s, d.rowsAt(s)
	default:
		d.document(rc, where+" "+strings.Join(append(rest, rc.c.Property), " "))
	}
}

func (d *differ) parameter(rc rawChange, name string, rest []string) {
	where, p := "parameter "+name, rc.c.Property
	switch {
	case p == extAssumption || docKeywords[p]:
		d.document(rc, where+": "+p)
	case len(rest) == 0 && p == "required":
		d.add(rc, AreaRequest, where, keywordEffect(p, Modified, rc.c.Original, rc.c.New, true))
	default:
		d.add(rc, AreaRequest, where, keywordEffect(p, kindOf(rc.c), rc.c.Original, rc.c.New, false))
	}
}

// security files a change of security requirements or schemes: a scope or
// scheme added asks more of a client, one removed asks less of a server.
func (d *differ) security(rc rawChange) {
	if rc.c.Property == extAssumption || docKeywords[rc.c.Property] {
		d.document(rc, "security: "+rc.c.Property)
		return
	}
	d.add(rc, AreaSecurity, "security", keywordEffect(rc.c.Property, kindOf(rc.c), rc.c.Original, rc.c.New, false))
}

// isMediaType tells a media type key ("application/json") from a keyword.
func isMediaType(s string) bool { return strings.Contains(s, "/") }

// rowsAt lists the ids of the rows under status s in either revision.
func (d *differ) rowsAt(s int) []string {
	var ids []string
	for _, op := range []*Operation{d.oldOp, d.newOp} {
		for _, r := range op.Errors {
			if r.Status == s {
				ids = append(ids, r.ID)
			}
		}
	}
	return union(ids)
}
