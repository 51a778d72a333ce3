package spec

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	whatchanged "github.com/pb33f/libopenapi/what-changed"
	"github.com/pb33f/libopenapi/what-changed/model"
)

// The areas a change falls in, from the request to the notes.
const (
	AreaRequest  = "request"  // the request: body schema, media types, parameters
	AreaResponse = "response" // a response: status, body schema, headers
	AreaErrors   = "errors"   // the error matrix (x-error-codes)
	AreaCatalog  = "catalog"  // the plan catalog (x-plan-catalog, x-catalog)
	AreaOrder    = "order"    // the order of the server's checks (x-check-order)
	AreaSecurity = "security" // security requirements and schemes
	AreaDocument = "document" // the rest: info, servers, descriptions, notes, other operations
)

// The kinds of change.
const (
	Added    = "added"
	Removed  = "removed"
	Modified = "modified"
)

// Change is one difference between two revisions of an operation: what
// libopenapi's what-changed model reports, placed in our model, classified
// for a client and for a server, with what it touches in this suite.
//
// The rule (see effect): a change breaks a client written to the old
// revision when requests valid before may now be rejected, or when the
// server may now answer what it did not before (a removed or loosened
// response property, a new error row, a changed error code). It breaks a
// server written to the old revision when the requests it must accept or
// reject changed either way (a new required field, a removed enum value, a
// new catalog code), or when what it must answer narrowed or changed (a new
// required response property, a new row, a changed message or check order).
type Change struct {
	Area     string // one of the Area constants
	Where    string // readable place: "request body: currency", "201 body: plan_whiteboard.hosts", "error row self_pay"
	Kind     string // Added, Removed or Modified
	Property string // what changed: a keyword ("required", "maximum"), a row field ("message"), "code", ...
	Old, New string // the values as text, "" when absent
	Line     int    // line in the new revision (in the old one for a removal); 0 when unknown
	Client   bool   // breaks a client written to the old revision
	Server   bool   // breaks a server written to the old revision
	Lib      bool   // libopenapi's own breaking verdict, for reference
	Why      string // the rule that classified it, one line

	Status int         // the response's status (0 on the request side, or for "default")
	Fields []string    // body fields it reaches, dotted with "[]" for array items ("plan_webinar[].hosts")
	Rows   []string    // error row ids it touches
	Codes  []string    // catalog codes it touches
	Layers []string    // layers of generated cases it changes: "schema", "catalog", "media", "size", "syntax"
	Pairs  [][2]string // check-order pairs whose order changed, as the new revision orders them
}

// Breaking reports whether the change breaks a client or a server.
func (c Change) Breaking() bool { return c.Client || c.Server }

// Revision names one side of a diff.
type Revision struct {
	Name string `json:"name"` // the document's name (a file's base name, or "REV:path")
	Hash string `json:"hash"` // its content hash (Document.Hash)
}

// Changes is the difference between two revisions of one operation.
type Changes struct {
	Operation string       // the operationId compared
	Old, New  Revision     //
	Items     []Change     // sorted: request, responses, tables, security, document
	Added     []Assumption // x-assumption notes the new revision has and the old one lacks
	Removed   []Assumption // and the other way round
	// OldMissing and NewMissing are the x- tables each side lacks
	// (Operation.Missing): a vendor's plain document lacks all three.
	OldMissing, NewMissing []string

	old, new     *Document
	oldOp, newOp *Operation
}

// Breaking reports whether any change breaks a client or a server.
func (c *Changes) Breaking() bool {
	return slices.ContainsFunc(c.Items, Change.Breaking)
}

// diffMu serialises what-changed: it walks the low models of documents that
// other goroutines may be reading (Default is shared by every caller).
var diffMu sync.Mutex

// Diff compares the operation id of two revisions with libopenapi's
// what-changed model and places each change in our model. The operation must
// exist in both; changes elsewhere in the documents come out as AreaDocument.
func Diff(old, new *Document, id string) (*Changes, error) {
	oldOp, err := old.Operation(id)
	if err != nil {
		return nil, err
	}
	newOp, err := new.Operation(id)
	if err != nil {
		return nil, err
	}
	diffMu.Lock()
	dc := whatchanged.CompareOpenAPIDocuments(old.model.GoLow(), new.model.GoLow())
	diffMu.Unlock()
	d := newDiffer(old, new, oldOp, newOp)
	for _, rc := range flatten(dc) {
		d.place(rc)
	}
	d.tables()
	out := &Changes{
		Operation:  id,
		Old:        Revision{old.Name(), old.Hash()},
		New:        Revision{new.Name(), new.Hash()},
		Items:      d.items,
		OldMissing: oldOp.Missing(), NewMissing: newOp.Missing(),
		old: old, new: new, oldOp: oldOp, newOp: newOp,
	}
	out.Added, out.Removed = assumptionDiff(oldOp.Assumptions, newOp.Assumptions)
	slices.SortStableFunc(out.Items, compareChanges)
	return out, nil
}

var areaRank = map[string]int{AreaRequest: 0, AreaResponse: 1, AreaErrors: 2, AreaCatalog: 3, AreaOrder: 4, AreaSecurity: 5, AreaDocument: 6}

func compareChanges(a, b Change) int {
	return cmp.Or(
		cmp.Compare(areaRank[a.Area], areaRank[b.Area]),
		cmp.Compare(a.Status, b.Status),
		strings.Compare(a.Where, b.Where),
		strings.Compare(a.Property, b.Property),
		strings.Compare(a.Kind, b.Kind),
	)
}

// kindOf names what-changed's change types in our words.
func kindOf(c *model.Change) string {
	switch c.ChangeType {
	case model.PropertyAdded, model.ObjectAdded:
		return Added
	case model.PropertyRemoved, model.ObjectRemoved:
		return Removed
	}
	return Modified
}

// lineOf is the change's line: in the new revision, or in the old one for a
// removal.
func lineOf(c *model.Change) int {
	if c.Context == nil {
		return 0
	}
	first, second := c.Context.NewLine, c.Context.OriginalLine
	if kindOf(c) == Removed {
		first, second = second, first
	}
	for _, l := range []*int{first, second} {
		if l != nil {
			return *l
		}
	}
	return 0
}

// fromModel fills what every change has from what-changed's own record.
func fromModel(c *model.Change) Change {
	return Change{
		Kind: kindOf(c), Property: c.Property,
		Old: cmp.Or(c.Original, c.OriginalEncoded), New: cmp.Or(c.New, c.NewEncoded),
		Line: lineOf(c), Lib: c.Breaking,
	}
}

// statusText is "201", or "default" for status 0.
func statusText(s int) string {
	if s == 0 {
		return "default"
	}
	return strconv.Itoa(s)
}

// joinField appends a property name to a dotted field path.
func joinField(prefix, name string) string {
	switch {
	case prefix == "":
		return name
	case name == "":
		return prefix
	}
	return prefix + "." + name
}

// union merges string lists into one sorted list without repeats.
func union(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Rows lists every error row id the changes touch, sorted.
func (c *Changes) Rows() []string { return c.collect(func(ch Change) []string { return ch.Rows }) }

// Codes lists every catalog code the changes touch, sorted.
func (c *Changes) Codes() []string { return c.collect(func(ch Change) []string { return ch.Codes }) }

// Layers lists every layer of generated cases the changes reach, sorted.
func (c *Changes) Layers() []string { return c.collect(func(ch Change) []string { return ch.Layers }) }

func (c *Changes) collect(f func(Change) []string) []string {
	var lists [][]string
	for _, ch := range c.Items {
		lists = append(lists, f(ch))
	}
	return union(lists...)
}

// String is a one-line summary: the revisions and the count of changes.
func (c *Changes) String() string {
	var client, server int
	for _, ch := range c.Items {
		if ch.Client {
			client++
		}
		if ch.Server {
			server++
		}
	}
	return fmt.Sprintf("%s %s (%s) -> %s (%s): %d changes, %d breaking for clients, %d for servers",
		c.Operation, c.Old.Name, c.Old.Hash, c.New.Name, c.New.Hash, len(c.Items), client, server)
}
