package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/addons-contract/contract/spec"
)

func init() {
	register(command{
		name:    "spec",
		summary: "print the loaded contract: body branches, responses, error matrix, catalog",
		run:     runSpec,
	})
}

// maxFieldDepth bounds how deep the field listing walks a body schema; the
// schemas may form cycles, and nothing readable lives deeper than this.
const maxFieldDepth = 8

func runSpec(_ context.Context, e *env, args []string) error {
	fs := newFlags(e, "spec", "[-spec FILE] [-op ID] [-json] [-assumptions]")
	specPath := fs.String("spec", "", "OpenAPI file to read instead of the embedded addons.yaml")
	opID := fs.String("op", spec.AddonsOperationID, "operationId of the operation to print")
	asJSON := fs.Bool("json", false, "print the operation model as JSON")
	listAssumptions := fs.Bool("assumptions", false, "list every x-assumption note (text output)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q (see 'contract spec -h')", fs.Arg(0))
	}
	var doc *spec.Document
	var err error
	if *specPath == "" {
		doc, err = spec.Default()
	} else {
		doc, err = spec.Load(*specPath)
	}
	if err != nil {
		return usageError("%v", err)
	}
	op, err := doc.Operation(*opID)
	if err != nil {
		return usageError("%v", err)
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(operationJSON(op))
	}
	return printSpec(e.stdout, op, *listAssumptions)
}

// printSpec writes the readable rendering: one titled, aligned table a section.
func printSpec(w io.Writer, op *spec.Operation, listAssumptions bool) error {
	var b strings.Builder
	section := func(title string, header string, rows [][]string) {
		fmt.Fprintf(&b, "\n%s\n", title)
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		if header != "" {
			fmt.Fprintln(tw, header)
		}
		for _, r := range rows {
			fmt.Fprintln(tw, strings.Join(r, "\t"))
		}
		tw.Flush()
	}

	fmt.Fprintf(&b, "%s %s\n", op.Method, op.Path)
	var head [][]string
	head = append(head, []string{"operationId", op.ID})
	if op.Summary != "" {
		head = append(head, []string{"summary", op.Summary})
	}
	if len(op.Servers) > 0 {
		head = append(head, []string{"servers", strings.Join(op.Servers, ", ")})
	}
	var sec []string
	for _, s := range op.Security {
		desc := s.Scheme + " (" + s.Type
		if s.Bearer {
			desc += ", bearer"
		}
		desc += ")"
		if len(s.Scopes) > 0 {
			desc += " scopes " + strings.Join(s.Scopes, " ")
		}
		sec = append(sec, desc)
	}
	if len(sec) == 0 {
		sec = []string{"none"}
	}
	head = append(head, []string{"security", strings.Join(sec, "; ")})
	if label, ok := op.Extensions["x-rate-limit-label"]; ok {
		head = append(head, []string{"rate limit", fmt.Sprint(label)})
	}
	head = append(head, []string{"source", op.Source})
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, r := range head {
		fmt.Fprintf(tw, "  %s\t%s\n", r[0], r[1])
	}
	tw.Flush()

	var params [][]string
	for _, p := range op.Parameters {
		params = append(params, []string{p.Name, p.In, yesNo(p.Required), typeOf(p.Schema), constraints(p.Schema)})
	}
	if len(params) > 0 {
		section("PARAMETERS", "NAME\tIN\tREQUIRED\tTYPE\tCONSTRAINTS", params)
	}

	if op.Body == nil {
		fmt.Fprintf(&b, "\nREQUEST BODY: none\n")
	} else {
		req := "optional"
		if op.Body.Required {
			req = "required"
		}
		fmt.Fprintf(&b, "\nREQUEST BODY %s, %s\n", op.Body.MediaType, req)
		branches := []*spec.Schema{op.Body.Schema}
		kind := "schema"
		if s := op.Body.Schema; s != nil && len(s.OneOf) > 0 {
			branches, kind = s.OneOf, "one of"
		} else if s != nil && len(s.AnyOf) > 0 {
			branches, kind = s.AnyOf, "any of"
		}
		for i, br := range branches {
			title := fmt.Sprintf("branch %d of %d (%s)", i+1, len(branches), kind)
			if br != nil && br.Ref != "" {
				title += ": " + br.Ref
			}
			var rows [][]string
			fields(br, "", true, 0, map[*spec.Schema]bool{}, &rows)
			section(title, "FIELD\tTYPE\tREQUIRED\tCONSTRAINTS", rows)
		}
	}

	var resp [][]string
	for _, r := range op.Responses {
		status := strconv.Itoa(r.Status)
		if r.Status == 0 {
			status = "default"
		}
		var hs []string
		for _, h := range r.Headers {
			if h.Required {
				hs = append(hs, h.Name+" (required)")
			} else {
				hs = append(hs, h.Name)
			}
		}
		resp = append(resp, []string{status, dash(r.MediaType), dash(schemaName(r.Schema)), dash(strings.Join(hs, ", "))})
	}
	section("RESPONSES", "STATUS\tMEDIA TYPE\tSCHEMA\tHEADERS", resp)

	var rows [][]string
	for _, r := range op.Errors {
		rows = append(rows, []string{strconv.Itoa(r.Status), strconv.Itoa(r.Code), r.ID, r.Message})
	}
	section(fmt.Sprintf("ERROR MATRIX (%d rows)", len(op.Errors)), "STATUS\tCODE\tID\tMESSAGE", rows)

	rows = nil
	for _, p := range op.Catalog {
		base := ""
		if p.Base {
			base = "base plan (rejected)"
		}
		rows = append(rows, []string{p.Code, p.Place, yesNo(p.Hosts), base})
	}
	section(fmt.Sprintf("PLAN CATALOG (%d codes)", len(op.Catalog)), "CODE\tPLACE\tHOSTS\tBASE", rows)

	rows = nil
	for i, id := range op.CheckOrder {
		rows = append(rows, []string{strconv.Itoa(i+1) + ".", id})
	}
	section("CHECK ORDER (first failing check answers)", "", rows)

	fmt.Fprintf(&b, "\nASSUMPTIONS: %d x-assumption notes", len(op.Assumptions))
	if !listAssumptions {
		fmt.Fprintf(&b, " (list them with -assumptions)\n")
	} else {
		fmt.Fprintln(&b)
		rows = nil
		for _, a := range op.Assumptions {
			rows = append(rows, []string{a.At, strings.Join(strings.Fields(a.Note), " ")})
		}
		section("", "AT\tNOTE", rows)
	}
	// tabwriter pads an empty last column; trailing blanks only hurt diffs.
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	_, err := io.WriteString(w, strings.Join(lines, "\n"))
	return err
}

// fields lists the fields of an object schema as dotted paths ("[]" for array
// items), depth-first in document order. A schema already on the current
// path (a $ref cycle) is shown once and not entered again.
func fields(s *spec.Schema, prefix string, required bool, depth int, onPath map[*spec.Schema]bool, rows *[][]string) {
	if s == nil || depth > maxFieldDepth || onPath[s] {
		return
	}
	onPath[s] = true
	defer delete(onPath, s)
	if prefix == "" && len(s.Properties) == 0 {
		*rows = append(*rows, []string{"(body)", typeOf(s), yesNo(required), constraints(s)})
	}
	for _, p := range s.Properties {
		path := p.Name
		if prefix != "" {
			path = prefix + "." + p.Name
		}
		*rows = append(*rows, []string{path, typeOf(p.Schema), yesNo(p.Required), constraints(p.Schema)})
		if p.Schema == nil || onPath[p.Schema] {
			continue
		}
		fields(p.Schema, path, p.Required, depth+1, onPath, rows)
		if p.Schema.Items != nil && len(p.Schema.Items.Properties) > 0 {
			fields(p.Schema.Items, path+"[]", true, depth+1, onPath, rows)
		}
	}
	for _, a := range s.AllOf {
		fields(a, prefix, required, depth+1, onPath, rows)
	}
}

func typeOf(s *spec.Schema) string {
	if s == nil {
		return "any"
	}
	t := strings.Join(s.Types, "|")
	switch {
	case t == "" && len(s.OneOf) > 0:
		t = "oneOf"
	case t == "" && len(s.AnyOf) > 0:
		t = "anyOf"
	case t == "":
		t = "any"
	}
	if t == "array" && s.Items != nil {
		t = "array of " + typeOf(s.Items)
	}
	if s.Nullable && !strings.Contains(t, "null") {
		t += "|null"
	}
	return t
}

// constraints renders the keywords a reader checks a value against.
func constraints(s *spec.Schema) string {
	if s == nil {
		return ""
	}
	var c []string
	num := func(name string, v *float64) {
		if v != nil {
			c = append(c, name+"="+strconv.FormatFloat(*v, 'f', -1, 64))
		}
	}
	count := func(name string, v *int64) {
		if v != nil {
			c = append(c, name+"="+strconv.FormatInt(*v, 10))
		}
	}
	if s.Format != "" {
		c = append(c, "format="+s.Format)
	}
	count("minLength", s.MinLength)
	count("maxLength", s.MaxLength)
	if s.Pattern != "" {
		c = append(c, "pattern="+s.Pattern)
	}
	num("min", s.Minimum)
	num("max", s.Maximum)
	num("exclusiveMin", s.ExclusiveMinimum)
	num("exclusiveMax", s.ExclusiveMaximum)
	num("multipleOf", s.MultipleOf)
	count("minItems", s.MinItems)
	count("maxItems", s.MaxItems)
	if s.UniqueItems {
		c = append(c, "uniqueItems")
	}
	count("minProperties", s.MinProperties)
	count("maxProperties", s.MaxProperties)
	if s.NoAdditional {
		c = append(c, "closed")
	}
	if len(s.Enum) > 0 {
		var vs []string
		for _, v := range s.Enum {
			vs = append(vs, fmt.Sprint(v))
		}
		c = append(c, "enum="+strings.Join(vs, ","))
	}
	if s.HasConst {
		c = append(c, fmt.Sprintf("const=%v", s.Const))
	}
	if v, ok := s.Extensions["x-catalog"]; ok {
		c = append(c, fmt.Sprintf("x-catalog=%v", v))
	}
	if s.Ref != "" {
		c = append(c, "$ref="+s.Ref)
	}
	return strings.Join(c, " ")
}

func schemaName(s *spec.Schema) string {
	if s == nil {
		return ""
	}
	if s.Ref != "" {
		return s.Ref
	}
	return typeOf(s)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// The JSON rendering: our model with lower-case keys. A named schema is
// written in full where it first appears and as {"$ref": "Name"} after, so
// cycles end and the output stays proportional to the document.

type jsonOperation struct {
	ID          string           `json:"id"`
	Method      string           `json:"method"`
	Path        string           `json:"path"`
	Summary     string           `json:"summary,omitempty"`
	Tags        []string         `json:"tags,omitempty"`
	Servers     []string         `json:"servers,omitempty"`
	Parameters  []jsonParameter  `json:"parameters,omitempty"`
	Body        *jsonBody        `json:"body,omitempty"`
	Responses   []jsonResponse   `json:"responses"`
	Security    []jsonSecurity   `json:"security,omitempty"`
	Extensions  map[string]any   `json:"extensions,omitempty"`
	Errors      []jsonErrorRow   `json:"errors"`
	Catalog     []jsonPlan       `json:"catalog"`
	CheckOrder  []string         `json:"check_order"`
	Assumptions []jsonAssumption `json:"assumptions"`
	Source      string           `json:"source"`
}

type jsonParameter struct {
	Name        string `json:"name"`
	In          string `json:"in"`
	Required    bool   `json:"required"`
	Description string `json:"description,omitempty"`
	Schema      any    `json:"schema,omitempty"`
}

type jsonBody struct {
	Required  bool          `json:"required"`
	MediaType string        `json:"media_type,omitempty"`
	Schema    any           `json:"schema,omitempty"`
	Examples  []jsonExample `json:"examples,omitempty"`
}

type jsonExample struct {
	Name  string `json:"name,omitempty"`
	Value any    `json:"value"`
}

type jsonResponse struct {
	Status      int           `json:"status"`
	Description string        `json:"description,omitempty"`
	MediaType   string        `json:"media_type,omitempty"`
	Schema      any           `json:"schema,omitempty"`
	Headers     []jsonHeader  `json:"headers,omitempty"`
	Examples    []jsonExample `json:"examples,omitempty"`
}

type jsonHeader struct {
	Name     string `json:"name"`
	Required bool   `json:"required"`
	Schema   any    `json:"schema,omitempty"`
}

type jsonSecurity struct {
	Scheme string   `json:"scheme"`
	Type   string   `json:"type"`
	Bearer bool     `json:"bearer"`
	Scopes []string `json:"scopes"`
}

type jsonErrorRow struct {
	ID         string `json:"id"`
	Status     int    `json:"status"`
	Code       int    `json:"code"`
	Message    string `json:"message"`
	When       string `json:"when,omitempty"`
	Assumption string `json:"assumption,omitempty"`
}

type jsonPlan struct {
	Code  string `json:"code"`
	Place string `json:"place"`
	Base  bool   `json:"base"`
	Hosts bool   `json:"hosts"`
}

type jsonAssumption struct {
	At   string `json:"at"`
	Note string `json:"note"`
}

func operationJSON(op *spec.Operation) jsonOperation {
	seen := map[*spec.Schema]bool{}
	out := jsonOperation{
		ID: op.ID, Method: op.Method, Path: op.Path, Summary: op.Summary, Tags: op.Tags,
		Servers: op.Servers, Extensions: op.Extensions, Source: op.Source,
		Responses: []jsonResponse{}, Errors: []jsonErrorRow{}, Catalog: []jsonPlan{},
		CheckOrder: append([]string{}, op.CheckOrder...), Assumptions: []jsonAssumption{},
	}
	for _, p := range op.Parameters {
		out.Parameters = append(out.Parameters, jsonParameter{p.Name, p.In, p.Required, p.Description, schemaJSON(p.Schema, seen, 0)})
	}
	if b := op.Body; b != nil {
		out.Body = &jsonBody{Required: b.Required, MediaType: b.MediaType, Schema: schemaJSON(b.Schema, seen, 0), Examples: examplesJSON(b.Examples)}
	}
	for _, r := range op.Responses {
		jr := jsonResponse{Status: r.Status, Description: r.Description, MediaType: r.MediaType, Schema: schemaJSON(r.Schema, seen, 0), Examples: examplesJSON(r.Examples)}
		for _, h := range r.Headers {
			jr.Headers = append(jr.Headers, jsonHeader{h.Name, h.Required, schemaJSON(h.Schema, seen, 0)})
		}
		out.Responses = append(out.Responses, jr)
	}
	for _, s := range op.Security {
		out.Security = append(out.Security, jsonSecurity{s.Scheme, s.Type, s.Bearer, append([]string{}, s.Scopes...)})
	}
	for _, r := range op.Errors {
		out.Errors = append(out.Errors, jsonErrorRow(r))
	}
	for _, p := range op.Catalog {
		out.Catalog = append(out.Catalog, jsonPlan(p))
	}
	for _, a := range op.Assumptions {
		out.Assumptions = append(out.Assumptions, jsonAssumption(a))
	}
	return out
}

func examplesJSON(es []spec.Example) []jsonExample {
	var out []jsonExample
	for _, e := range es {
		out = append(out, jsonExample(e))
	}
	return out
}

// schemaJSON renders a schema as a JSON object with JSON Schema keyword
// names. A named schema seen before becomes {"$ref": "Name"}; an unnamed one
// met again on its own path (impossible from the loader, but cheap to guard)
// or past a sane depth becomes {"$ref": "#cycle"}.
func schemaJSON(s *spec.Schema, seen map[*spec.Schema]bool, depth int) any {
	if s == nil {
		return nil
	}
	if seen[s] {
		if s.Ref != "" {
			return map[string]any{"$ref": s.Ref}
		}
		return map[string]any{"$ref": "#cycle"}
	}
	if depth > 64 {
		return map[string]any{"$ref": "#cycle"}
	}
	seen[s] = true
	if s.Ref == "" {
		// Unnamed schemas may legitimately repeat (shared by libopenapi);
		// only the current path must not revisit them.
		defer delete(seen, s)
	}
	m := map[string]any{}
	set := func(k string, v any, ok bool) {
		if ok {
			m[k] = v
		}
	}
	set("x-ref-name", s.Ref, s.Ref != "")
	set("type", s.Types, len(s.Types) > 0)
	set("format", s.Format, s.Format != "")
	set("description", s.Description, s.Description != "")
	set("enum", s.Enum, len(s.Enum) > 0)
	set("const", s.Const, s.HasConst)
	set("pattern", s.Pattern, s.Pattern != "")
	set("minLength", s.MinLength, s.MinLength != nil)
	set("maxLength", s.MaxLength, s.MaxLength != nil)
	set("minimum", s.Minimum, s.Minimum != nil)
	set("maximum", s.Maximum, s.Maximum != nil)
	set("exclusiveMinimum", s.ExclusiveMinimum, s.ExclusiveMinimum != nil)
	set("exclusiveMaximum", s.ExclusiveMaximum, s.ExclusiveMaximum != nil)
	set("multipleOf", s.MultipleOf, s.MultipleOf != nil)
	if len(s.Properties) > 0 {
		// Go maps lose order: keep it in a parallel list.
		props := map[string]any{}
		var order []string
		for _, p := range s.Properties {
			props[p.Name] = schemaJSON(p.Schema, seen, depth+1)
			order = append(order, p.Name)
		}
		m["properties"] = props
		m["x-property-order"] = order
	}
	set("required", s.Required, len(s.Required) > 0)
	if s.NoAdditional {
		m["additionalProperties"] = false
	} else if s.AdditionalProperties != nil {
		m["additionalProperties"] = schemaJSON(s.AdditionalProperties, seen, depth+1)
	}
	set("minProperties", s.MinProperties, s.MinProperties != nil)
	set("maxProperties", s.MaxProperties, s.MaxProperties != nil)
	if s.Items != nil {
		m["items"] = schemaJSON(s.Items, seen, depth+1)
	}
	set("minItems", s.MinItems, s.MinItems != nil)
	set("maxItems", s.MaxItems, s.MaxItems != nil)
	set("uniqueItems", true, s.UniqueItems)
	list := func(k string, l []*spec.Schema) {
		if len(l) == 0 {
			return
		}
		var out []any
		for _, c := range l {
			out = append(out, schemaJSON(c, seen, depth+1))
		}
		m[k] = out
	}
	list("oneOf", s.OneOf)
	list("anyOf", s.AnyOf)
	list("allOf", s.AllOf)
	if s.Not != nil {
		m["not"] = schemaJSON(s.Not, seen, depth+1)
	}
	set("nullable", true, s.Nullable)
	set("examples", s.Examples, len(s.Examples) > 0)
	keys := make([]string, 0, len(s.Extensions))
	for k := range s.Extensions {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		m[k] = s.Extensions[k]
	}
	return m
}
