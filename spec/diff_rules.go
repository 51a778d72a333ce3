package spec

import (
	"slices"
	"strconv"
	"strings"
)

// effect is what a change does to the set of values (requests, or answers)
// a schema or table allows. Whom it breaks follows from the side: see
// classify.
type effect int

const (
	none    effect = iota // documentation, or nothing valid before is invalid now nor the reverse
	narrows               // some values valid before are invalid now
	widens                // some values invalid before are valid now
	both                  // values change sides both ways
)

// The rows the request side answers with, from x-check-order-note in
// spec/addons.yaml: the Content-Type (415/300), the body (400/300), a body
// over 1 MiB (413). A change to what a body may hold changes which bodies
// reach invalid_body.
const (
	rowBody  = "invalid_body"
	rowMedia = "unsupported_media_type"
	rowSize  = "body_too_large"
)

// rowLayers maps those rows to the layers of generated cases they answer
// (package gen's Layer values).
var rowLayers = map[string][]string{
	rowBody:  {"syntax", "schema", "catalog"},
	rowMedia: {"media"},
	rowSize:  {"size"},
}

// docKeywords change no value's validity.
var docKeywords = map[string]bool{
	"description": true, "title": true, "summary": true, "example": true, "examples": true,
	"$comment": true, "externalDocs": true, "externalDoc": true, "deprecated": true, "default": true,
	"tags": true,
}

var lowerBounds = []string{"minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"}
var upperBounds = []string{"maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"}

// keywordEffect is the effect of a change of keyword kw of kind (Added,
// Removed, Modified) from old to new, on the schema that holds it; closed
// says that schema forbids additional properties.
func keywordEffect(kw, kind, old, new string, closed bool) effect {
	switch {
	case docKeywords[kw] || strings.HasPrefix(kw, "x-") && kw != "x-catalog":
		return none
	case kw == "required":
		return flag(kind, new, narrows, widens)
	case kw == "nullable":
		return flag(kind, new, widens, narrows)
	case kw == "properties" && closed:
		return pick(kind, widens, narrows) // a closed object took no unknown member
	case kw == "properties":
		return pick(kind, none, widens) // an open one took any: a new member only documents
	case kw == "enum", kw == "oneOf", kw == "anyOf":
		return pick(kind, widens, narrows)
	case slices.Contains(lowerBounds, kw):
		return bound(kind, old, new, narrows)
	case slices.Contains(upperBounds, kw):
		return bound(kind, new, old, narrows)
	}
	// Any other constraint (type, format, pattern, const, allOf, not,
	// additionalProperties, x-catalog, a scope): a new one narrows, a
	// removed one widens, a changed one moves values both ways.
	return pick(kind, narrows, widens)
}

// pick is added for an addition, removed for a removal, both otherwise.
func pick(kind string, added, removed effect) effect {
	switch kind {
	case Added:
		return added
	case Removed:
		return removed
	}
	return both
}

// flag is the effect of a boolean keyword: set (added, or modified to
// "true") gives on, cleared gives off.
func flag(kind, new string, on, off effect) effect {
	if kind == Added || kind == Modified && new == "true" {
		return on
	}
	return off
}

// bound is the effect of a lower bound moving from lo to hi (an upper bound
// is passed reversed): up narrows, down widens.
func bound(kind, lo, hi string, up effect) effect {
	if kind != Modified {
		return pick(kind, narrows, widens)
	}
	a, errA := strconv.ParseFloat(lo, 64)
	b, errB := strconv.ParseFloat(hi, 64)
	switch {
	case errA != nil || errB != nil:
		return both
	case b > a:
		return up
	case b < a:
		return widens
	}
	return none
}

// classify says whom an effect breaks. On the request side (requests, the
// catalog, security) a client breaks when requests it sent may be rejected
// (narrows); a server breaks when what it must accept or reject moved
// either way, since the suite judges both. On the response side a client
// breaks when the server may now answer what it did not (widens); a server
// breaks when what it may answer narrowed.
func classify(area string, e effect) (client, server bool, why string) {
	if e == none {
		return false, false, "changes no request's or answer's validity"
	}
	if area == AreaResponse {
		switch e {
		case widens:
			return true, false, "the server may now answer what it did not before"
		case narrows:
			return false, true, "answers valid before may now break the contract"
		}
		return true, true, "the answers allowed changed both ways"
	}
	switch e {
	case narrows:
		return true, true, "requests valid before may now be rejected"
	case widens:
		return false, true, "requests rejected before must now be accepted"
	}
	return true, true, "the requests a server must accept changed both ways"
}

// touches fills what a schema change reaches in the suite: on the request
// side the body check (its row and the layers of generated cases), on a 2xx
// the catalog codes placed at or under its fields, on another status the
// rows that status answers.
func (d *differ) touches(ch *Change, e effect) {
	if e == none {
		return
	}
	switch {
	case ch.Area == AreaRequest:
		ch.Rows, ch.Layers = []string{rowBody}, []string{"schema"}
		if ch.Property == "x-catalog" {
			ch.Area, ch.Layers = AreaCatalog, []string{"catalog", "schema"}
			ch.Codes = union(d.codesOfRule(ch.Old), d.codesOfRule(ch.New))
		}
	case ch.Status >= 200 && ch.Status < 300:
		ch.Codes = d.codesAt(ch.Fields)
	default:
		ch.Rows = d.rowsAt(ch.Status)
	}
}

// codesAt lists the catalog codes (of either revision) whose place is a
// field of fields or holds one.
func (d *differ) codesAt(fields []string) []string {
	return d.codesWhere(func(p Plan) bool {
		return slices.ContainsFunc(fields, func(f string) bool { return overlaps(p.Place, f) })
	})
}

// codesOfRule lists the codes an x-catalog rule admits: "addon" any non-base
// code, another value the codes of that place.
func (d *differ) codesOfRule(rule string) []string {
	return d.codesWhere(func(p Plan) bool { return rule != "" && (rule == "addon" && !p.Base || p.Place == rule) })
}

// codesWhere lists the codes of either revision's catalog that keep says to.
func (d *differ) codesWhere(keep func(Plan) bool) []string {
	var out []string
	for _, op := range []*Operation{d.oldOp, d.newOp} {
		for _, p := range op.Catalog {
			if keep(p) {
				out = append(out, p.Code)
			}
		}
	}
	return union(out)
}

// overlaps reports whether one dotted field path is the other or lies
// under it: "plan_whiteboard" and "plan_whiteboard.hosts" do,
// "plan_zoom" and "plan_zoom_iq" do not.
func overlaps(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if !strings.HasPrefix(b, a) {
		return false
	}
	rest := b[len(a):]
	return rest == "" || a == "" || rest[0] == '.' || rest[0] == '['
}
