package spec

import (
	"fmt"
	"strconv"
	"strings"

	yaml "github.com/pb33f/go-yaml"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
	"github.com/pb33f/libopenapi/orderedmap"
)

// builder converts libopenapi's model into ours and collects every problem
// it finds, each naming the file, the line and the JSON pointer.
type builder struct {
	d     *Document
	memo  map[string]*Schema // converted $ref targets, by reference: cycles become pointer cycles
	marks map[*Schema]mark   // where each schema's x-catalog is written, for messages
	errs  []string
}

// mark is where an extension is written: its value node and JSON pointer.
type mark struct {
	node *yaml.Node
	ptr  string
}

func (b *builder) fail(n *yaml.Node, ptr, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if ptr != "" {
		msg = ptr + ": " + msg
	}
	b.errs = append(b.errs, location(b.d.name, n)+": "+oneLine(msg))
}

// buildOperations converts every operation of the document and indexes them
// by operationId.
func (d *Document) buildOperations() error {
	b := &builder{d: d, memo: map[string]*Schema{}, marks: map[*Schema]mark{}}
	if d.model.Paths != nil {
		for path, item := range d.model.Paths.PathItems.FromOldest() {
			if item == nil {
				continue
			}
			for method, lop := range item.GetOperations().FromOldest() {
				op := b.operation(path, item, strings.ToLower(method), lop)
				if op == nil {
					continue
				}
				d.ops = append(d.ops, op)
				if op.ID == "" {
					continue
				}
				if prev, dup := d.byID[op.ID]; dup {
					b.fail(nil, opPointer(path, method), "operationId %q already used by %s %s", op.ID, prev.Method, prev.Path)
					continue
				}
				d.byID[op.ID] = op
			}
		}
	}
	if len(b.errs) > 0 {
		return fmt.Errorf("%s%s", b.errs[0], more(len(b.errs)-1))
	}
	return nil
}

func opPointer(path, method string) string {
	return "/paths/" + escapeToken(path) + "/" + strings.ToLower(method)
}

// follow returns the raw node at ptr, following "$ref"s to local targets, and
// the pointer of where it ended up.
func (b *builder) follow(ptr string) (*yaml.Node, string) {
	n := pointerTo(b.d.root, ptr)
	for range 16 { // a ref chain longer than this is a loop
		_, ref := mapValue(n, "$ref")
		if ref == nil {
			return n, ptr
		}
		p, ok := localRef(ref.Value)
		if !ok {
			return n, ptr
		}
		ptr, n = p, pointerTo(b.d.root, p)
	}
	return n, ptr
}

func (b *builder) operation(path string, item *v3.PathItem, method string, lop *v3.Operation) *Operation {
	ptr := opPointer(path, method)
	raw, _ := b.follow(ptr)
	op := &Operation{
		ID:      lop.OperationId,
		Method:  strings.ToUpper(method),
		Path:    path,
		Summary: lop.Summary,
		Tags:    append([]string(nil), lop.Tags...),
		Source:  b.d.name,
	}
	op.Revision = b.d.Hash()
	for _, list := range [][]*v3.Server{lop.Servers, item.Servers, b.d.model.Servers} {
		for _, s := range list {
			if s != nil {
				op.Servers = append(op.Servers, s.URL)
			}
		}
	}
	op.Parameters = b.parameters(ptr, item.Parameters, lop.Parameters)
	op.Body = b.body(ptr, lop.RequestBody)
	op.Responses = b.responses(ptr, raw, lop.Responses)
	op.Security = b.security(ptr, raw, lop)
	op.Extensions = b.extensions(ptr, lop.Extensions)
	op.Catalog = b.catalog(ptr, raw, op)
	op.CatalogFields = b.catalogFields(op)
	op.Errors = b.errorRows(ptr, op)
	op.CheckOrder = b.checkOrder(ptr, raw, op)
	op.FullCheckOrder = b.placements(ptr, raw, op)
	op.Assumptions = b.assumptions(path, method)
	return op
}

// parameters merges path-level parameters with the operation's own; an
// operation parameter replaces a path one of the same name and location.
func (b *builder) parameters(ptr string, pathLevel, opLevel []*v3.Parameter) []Parameter {
	var out []Parameter
	add := func(p *v3.Parameter, where string) {
		if p == nil {
			return
		}
		q := Parameter{
			Name:        p.Name,
			In:          p.In,
			Required:    p.In == "path" || (p.Required != nil && *p.Required),
			Description: p.Description,
			Schema:      b.schema(p.Schema, where),
		}
		for i := range out {
			if out[i].Name == q.Name && out[i].In == q.In {
				out[i] = q
				return
			}
		}
		out = append(out, q)
	}
	itemPtr := ptr[:strings.LastIndex(ptr, "/")]
	for i, p := range pathLevel {
		add(p, fmt.Sprintf("%s/parameters/%d", itemPtr, i))
	}
	for i, p := range opLevel {
		add(p, fmt.Sprintf("%s/parameters/%d", ptr, i))
	}
	return out
}

// jsonMedia picks the first JSON media type of content (application/json or
// a +json type), else the first media type at all.
func jsonMedia(content *orderedmap.Map[string, *v3.MediaType]) (string, *v3.MediaType) {
	var firstKey string
	var first *v3.MediaType
	for k, m := range content.FromOldest() {
		mt := strings.ToLower(strings.TrimSpace(strings.Split(k, ";")[0]))
		if mt == "application/json" || strings.HasSuffix(mt, "+json") {
			return k, m
		}
		if first == nil {
			firstKey, first = k, m
		}
	}
	return firstKey, first
}

func (b *builder) body(ptr string, rb *v3.RequestBody) *Body {
	if rb == nil {
		return nil
	}
	out := &Body{Required: rb.Required != nil && *rb.Required}
	key, m := jsonMedia(rb.Content)
	if m == nil {
		return out
	}
	where := ptr + "/requestBody/content/" + escapeToken(key)
	out.MediaType = key
	out.Schema = b.schema(m.Schema, where+"/schema")
	out.Examples = b.examples(where, m.Example, m.Examples)
	return out
}

func (b *builder) examples(where string, single *yaml.Node, named *orderedmap.Map[string, *base.Example]) []Example {
	var out []Example
	if single != nil {
		v, err := decodeNode(single)
		if err != nil {
			b.fail(single, where+"/example", "%v", err)
		} else {
			out = append(out, Example{Value: v})
		}
	}
	for name, ex := range named.FromOldest() {
		if ex == nil || ex.Value == nil {
			continue // externalValue examples are not followed
		}
		v, err := decodeNode(ex.Value)
		if err != nil {
			b.fail(ex.Value, where+"/examples/"+escapeToken(name), "%v", err)
			continue
		}
		out = append(out, Example{Name: name, Value: v})
	}
	return out
}

// responses lists the operation's responses in the order the document writes
// them ("default" included where it stands), which the high model loses.
func (b *builder) responses(ptr string, raw *yaml.Node, rs *v3.Responses) []*Response {
	if rs == nil {
		return nil
	}
	_, rawResponses := mapValue(raw, "responses")
	var keys []*yaml.Node
	if rawResponses != nil && rawResponses.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(rawResponses.Content); i += 2 {
			if k := rawResponses.Content[i]; !strings.HasPrefix(k.Value, "x-") {
				keys = append(keys, k)
			}
		}
	}
	var out []*Response
	for _, k := range keys {
		var r *v3.Response
		status := 0
		if k.Value == "default" {
			r = rs.Default
		} else {
			s, err := strconv.Atoi(k.Value)
			if err != nil || s < 100 || s > 599 {
				b.fail(k, ptr+"/responses", "status %q is not a status code (ranges such as 2XX are not supported)", k.Value)
				continue
			}
			status = s
			r = rs.Codes.GetOrZero(k.Value)
		}
		if r == nil {
			continue
		}
		where := ptr + "/responses/" + escapeToken(k.Value)
		resp := &Response{Status: status, Description: r.Description}
		for name, h := range r.Headers.FromOldest() {
			if h == nil {
				continue
			}
			resp.Headers = append(resp.Headers, Header{
				Name:     name,
				Required: h.Required,
				Schema:   b.schema(h.Schema, where+"/headers/"+escapeToken(name)+"/schema"),
			})
		}
		if key, m := jsonMedia(r.Content); m != nil {
			mwhere := where + "/content/" + escapeToken(key)
			resp.MediaType = key
			resp.Schema = b.schema(m.Schema, mwhere+"/schema")
			resp.Examples = b.examples(mwhere, m.Example, m.Examples)
		}
		out = append(out, resp)
	}
	return out
}

// security resolves the operation's security (or the document's, when the
// operation has no "security" key) against components.securitySchemes.
// Requirements that combine several schemes are flattened, one entry a scheme.
func (b *builder) security(ptr string, raw *yaml.Node, lop *v3.Operation) []SecurityRequirement {
	reqs := b.d.model.Security
	where := "/security"
	if k, _ := mapValue(raw, "security"); k != nil {
		reqs, where = lop.Security, ptr+"/security"
	}
	var schemes *orderedmap.Map[string, *v3.SecurityScheme]
	if b.d.model.Components != nil {
		schemes = b.d.model.Components.SecuritySchemes
	}
	var out []SecurityRequirement
	for _, req := range reqs {
		if req == nil {
			continue
		}
		for name, scopes := range req.Requirements.FromOldest() {
			sc := schemes.GetOrZero(name)
			if sc == nil {
				b.fail(pointerTo(b.d.root, where), where, "security scheme %q is not in components.securitySchemes", name)
				continue
			}
			out = append(out, SecurityRequirement{
				Scheme: name,
				Type:   sc.Type,
				Bearer: sc.Type == "oauth2" || sc.Type == "openIdConnect" || (sc.Type == "http" && strings.EqualFold(sc.Scheme, "bearer")),
				Scopes: append([]string{}, scopes...),
			})
		}
	}
	return out
}

// extensions decodes an object's x- extensions into Go values.
func (b *builder) extensions(where string, ext *orderedmap.Map[string, *yaml.Node]) map[string]any {
	if orderedmap.Len(ext) == 0 {
		return nil
	}
	out := make(map[string]any, orderedmap.Len(ext))
	for k, n := range ext.FromOldest() {
		v, err := decodeNode(n)
		if err != nil {
			b.fail(n, where+"/"+escapeToken(k), "%v", err)
			continue
		}
		out[k] = v
	}
	return out
}
