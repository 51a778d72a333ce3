package spec

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	yaml "github.com/pb33f/go-yaml"
	"github.com/pb33f/libopenapi"
	"github.com/pb33f/libopenapi/datamodel"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
	"github.com/pb33f/libopenapi/index"
	"github.com/pb33f/libopenapi/utils"
)

// AddonsOperationID is the operationId of the endpoint this project tests.
const AddonsOperationID = "accountPlanAddonCreate"

// Document is a loaded OpenAPI 3.x document: every operation in it has been
// converted to our model and its x- tables checked, so a Document that loads
// is one the rest of the project can rely on. It is safe for concurrent use.
type Document struct {
	name  string
	raw   []byte
	lib   libopenapi.Document
	model *v3.Document
	root  *yaml.Node // the top-level mapping of the document as written

	ops  []*Operation // document order
	byID map[string]*Operation

	valOnce sync.Once
	val     *Validator
	valErr  error
}

// Load reads and builds the OpenAPI 3.x document in the file at path. Error
// messages name the file by its base name.
func Load(path string) (*Document, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("loading spec: %w", err)
	}
	return Parse(filepath.Base(path), data)
}

// Parse builds a document from bytes; name appears in error messages.
//
// libopenapi's BuildV3Model may return a model and an error together. We
// accept the model only when every error is a circular-reference report: such
// cycles are legal JSON Schema, our converter turns them into pointer cycles
// and every walker here bounds its depth. Any other error (a $ref to nothing,
// an unreadable component) is fatal, because the model it leaves behind has
// silently missing parts (a dangling $ref drops the whole Responses object).
// File and remote references are not followed: the document must be
// self-contained.
func Parse(name string, data []byte) (*Document, error) {
	cfg := datamodel.NewDocumentConfiguration()
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg.AllowFileReferences = false
	cfg.AllowRemoteReferences = false

	lib, err := libopenapi.NewDocumentWithConfiguration(data, cfg)
	if err != nil {
		return nil, parseError(name, err)
	}
	info := lib.GetSpecInfo()
	switch info.SpecFormat {
	case datamodel.OAS3, datamodel.OAS31, datamodel.OAS32:
	default:
		return nil, fmt.Errorf("%s: not an OpenAPI 3.x document (version %q)", name, info.Version)
	}
	built, err := lib.BuildV3Model()
	if err = modelError(name, info.RootNode, err); err != nil {
		return nil, err
	}
	if built == nil {
		return nil, fmt.Errorf("%s: libopenapi built no model", name)
	}
	d := &Document{name: name, raw: data, lib: lib, model: &built.Model, byID: map[string]*Operation{}}
	if root := info.RootNode; root != nil && root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		d.root = root.Content[0]
	}
	if d.root == nil || d.root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: the document is not a mapping", name)
	}
	if err := d.buildOperations(); err != nil {
		return nil, err
	}
	return d, nil
}

var yamlLine = regexp.MustCompile(`(?:\bat L|\bline )(\d+)`)

// parseError words a failure of libopenapi's first pass (reading the bytes).
func parseError(name string, err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "nothing in the spec"):
		return &wrapped{msg: name + ": empty document", err: err}
	case strings.Contains(msg, "spec type not supported"):
		return &wrapped{msg: name + ": not an OpenAPI 3.x document (no openapi version key)", err: err}
	}
	where := name
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		where += ":" + m[1]
	}
	return &wrapped{msg: where + ": invalid YAML/JSON: " + oneLine(msg), err: err}
}

// modelError keeps what BuildV3Model reports beyond circular references, as
// one error naming the file, the line and the place.
func modelError(name string, root *yaml.Node, err error) error {
	if err == nil {
		return nil
	}
	var msgs []string
	for _, e := range utils.UnwrapErrors(err) {
		var re *index.ResolvingError
		if errors.As(e, &re) && re.CircularReference != nil {
			continue // accepted: see Parse
		}
		msgs = append(msgs, oneLine(describeBuildError(name, root, e)))
	}
	if len(msgs) == 0 {
		return nil
	}
	return &wrapped{msg: msgs[0] + more(len(msgs)-1), err: err}
}

// wrapped is an error whose message already says all its cause does, in our
// words, while errors.Is/As still reach the cause.
type wrapped struct {
	msg string
	err error
}

func (w *wrapped) Error() string { return w.msg }
func (w *wrapped) Unwrap() error { return w.err }

func more(n int) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf(" (and %d more problems)", n)
}

func describeBuildError(name string, root *yaml.Node, e error) string {
	var ie *index.IndexingError
	if errors.As(e, &ie) {
		at := ""
		if ie.Node != nil {
			if p, ok := findNodePointer(root, ie.Node); ok {
				at = " at " + p
			}
		}
		ref := ""
		if _, v := mapValue(ie.Node, "$ref"); v != nil {
			ref = v.Value
		} else if ie.Node != nil {
			ref = ie.Node.Value
		}
		if strings.Contains(ie.Error(), "does not exist") && ref != "" {
			return fmt.Sprintf("%s: broken $ref %q%s: no such component", location(name, ie.Node), ref, at)
		}
		return fmt.Sprintf("%s:%s %s", location(name, ie.Node), at, ie.Error())
	}
	var re *index.ResolvingError
	if errors.As(e, &re) {
		return fmt.Sprintf("%s: %s (%s)", location(name, re.Node), re.ErrorRef, re.Path)
	}
	return fmt.Sprintf("%s: %v", name, e)
}

// location is "name:line", or "name" when the node is unknown.
func location(name string, n *yaml.Node) string {
	if n == nil || n.Line == 0 {
		return name
	}
	return name + ":" + strconv.Itoa(n.Line)
}

// findNodePointer returns the JSON pointer of the mapping holding target as
// the value of its "$ref" key (or of target itself), by walking the tree.
func findNodePointer(root, target *yaml.Node) (string, bool) {
	var walk func(n *yaml.Node, ptr string, depth int) (string, bool)
	walk = func(n *yaml.Node, ptr string, depth int) (string, bool) {
		if n == nil || depth > maxDecodeDepth {
			return "", false
		}
		if n == target {
			return ptr, true
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if v == target && k.Value == "$ref" {
					return ptr, true
				}
				if p, ok := walk(v, ptr+"/"+escapeToken(k.Value), depth+1); ok {
					return p, true
				}
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				if p, ok := walk(c, ptr+"/"+strconv.Itoa(i), depth+1); ok {
					return p, true
				}
			}
		}
		return "", false
	}
	if root != nil && root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	return walk(root, "", 0)
}

// Raw returns the document's bytes as loaded.
func (d *Document) Raw() []byte { return d.raw }

// Name returns the name the document was loaded under (a file's base name).
func (d *Document) Name() string { return d.name }

// Operations returns every operation of the document, in document order.
// The values are shared: callers must not modify them.
func (d *Document) Operations() []*Operation { return d.ops }

// Operation returns the operation with the given operationId. The value is
// shared between callers: do not modify it.
func (d *Document) Operation(id string) (*Operation, error) {
	if op, ok := d.byID[id]; ok {
		return op, nil
	}
	var ids []string
	for _, op := range d.ops {
		if op.ID != "" {
			ids = append(ids, op.ID)
		}
	}
	sort.Strings(ids)
	return nil, fmt.Errorf("%s: no operation with operationId %q (operations: %s)", d.name, id, strings.Join(ids, ", "))
}

// Find returns the operation at method and path. The path is a template as
// written in the document ("/pets/{petId}") or a concrete path without the
// server base ("/pets/42"); an exact template wins over a concrete match.
func (d *Document) Find(method, path string) (*Operation, error) {
	method = strings.ToUpper(method)
	for _, op := range d.ops {
		if op.Method == method && op.Path == path {
			return op, nil
		}
	}
	for _, op := range d.ops {
		if op.Method == method && templateMatches(op.Path, path) {
			return op, nil
		}
	}
	var all []string
	for _, op := range d.ops {
		all = append(all, op.Method+" "+op.Path)
	}
	return nil, fmt.Errorf("%s: no operation %s %s (operations: %s)", d.name, method, path, strings.Join(all, ", "))
}

// templateMatches reports whether the concrete path fits the template, a
// "{name}" segment matching any one non-empty segment.
func templateMatches(template, path string) bool {
	ts := strings.Split(template, "/")
	ps := strings.Split(path, "/")
	if len(ts) != len(ps) {
		return false
	}
	for i, t := range ts {
		if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}") {
			if ps[i] == "" {
				return false
			}
			continue
		}
		if t != ps[i] {
			return false
		}
	}
	return true
}
