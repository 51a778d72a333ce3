package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/addons-contract/contract/gen"
	"github.com/addons-contract/contract/golden"
	"github.com/addons-contract/contract/spec"
)

func init() {
	register(command{
		name:    "spec",
		summary: "print the loaded contract (body branches, responses, error matrix, catalog), or -diff OLD: what a revision changes",
		run:     runSpec,
	})
}

// maxFieldDepth bounds how deep the field listing walks a body schema; the
// schemas may form cycles, and nothing readable lives deeper than this.
const maxFieldDepth = 8

func runSpec(_ context.Context, e *env, args []string) error {
	fs := newFlags(e, "spec", "[-spec FILE] [-op ID] [-json] [-assumptions] [-diff OLD [-fail-on breaking] [-golden DIR] [-corpus DIR]]")
	specPath := fs.String("spec", "", "OpenAPI file to read instead of the embedded addons.yaml")
	opID := fs.String("op", spec.AddonsOperationID, "operationId of the operation to print")
	asJSON := fs.Bool("json", false, "print the operation model (or the diff) as JSON")
	listAssumptions := fs.Bool("assumptions", false, "list every x-assumption note (text output)")
	var df specDiffFlags
	fs.StringVar(&df.old, "diff", "", "compare with an older revision: a file, REV:PATH or a git revision REV (of spec/addons.yaml)")
	fs.StringVar(&df.failOn, "fail-on", "", "with -diff, exit 1 on a breaking change: breaking (for either), client or server")
	fs.StringVar(&df.golden, "golden", "", "with -diff, the golden set to check (default: the embedded golden/mock)")
	fs.StringVar(&df.corpus, "corpus", "", "with -diff, the corpus directory to check (default: corpus/ of this module, when found)")
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
	if df.old != "" {
		return specDiff(e, doc, *opID, df, *asJSON)
	}
	if df.failOn != "" || df.golden != "" || df.corpus != "" {
		return usageError("-fail-on, -golden and -corpus go with -diff OLD")
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
	fmt.Fprintf(&b, "%s %s\n", op.Method, op.Path)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, r := range specHead(op) {
		fmt.Fprintf(tw, "  %s\t%s\n", r[0], r[1])
	}
	tw.Flush()
	var params [][]string
	for _, p := range op.Parameters {
		params = append(params, []string{p.Name, p.In, yesNo(p.Required), typeOf(p.Schema), constraints(p.Schema)})
	}
	if len(params) > 0 {
		section(&b, "PARAMETERS", "NAME\tIN\tREQUIRED\tTYPE\tCONSTRAINTS", params)
	}
	printBody(&b, op)
	printTables(&b, op)
	fmt.Fprintf(&b, "\nASSUMPTIONS: %d x-assumption notes", len(op.Assumptions))
	if !listAssumptions {
		fmt.Fprintf(&b, " (list them with -assumptions)\n")
	} else {
		fmt.Fprintln(&b)
		var rows [][]string
		for _, a := range op.Assumptions {
			rows = append(rows, []string{a.At, strings.Join(strings.Fields(a.Note), " ")})
		}
		section(&b, "", "AT\tNOTE", rows)
	}
	// tabwriter pads an empty last column; trailing blanks only hurt diffs.
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	_, err := io.WriteString(w, strings.Join(lines, "\n"))
	return err
}

// section writes a titled table, its columns aligned.
func section(b *strings.Builder, title string, header string, rows [][]string) {
	fmt.Fprintf(b, "\n%s\n", title)
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	if header != "" {
		fmt.Fprintln(tw, header)
	}
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	tw.Flush()
}

// specHead is the operation's heading: id, summary, servers, security,
// rate limit, source and the x- tables it lacks.
func specHead(op *spec.Operation) [][]string {
	head := [][]string{{"operationId", op.ID}}
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
	if m := op.Missing(); len(m) > 0 {
		head = append(head, []string{"missing", strings.Join(m, ", ") + " (the checks built on them have nothing to judge by)"})
	}
	return head
}

// printBody writes the request body: its media type, then one table of
// fields per branch.
func printBody(b *strings.Builder, op *spec.Operation) {
	if op.Body == nil {
		fmt.Fprintf(b, "\nREQUEST BODY: none\n")
		return
	}
	req := "optional"
	if op.Body.Required {
		req = "required"
	}
	fmt.Fprintf(b, "\nREQUEST BODY %s, %s\n", op.Body.MediaType, req)
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
		section(b, title, "FIELD\tTYPE\tREQUIRED\tCONSTRAINTS", rows)
	}
}

// printTables writes the responses, the error matrix, the plan catalog
// and the check order.
func printTables(b *strings.Builder, op *spec.Operation) {
	var rows [][]string
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
		rows = append(rows, []string{status, dash(r.MediaType), dash(schemaName(r.Schema)), dash(strings.Join(hs, ", "))})
	}
	section(b, "RESPONSES", "STATUS\tMEDIA TYPE\tSCHEMA\tHEADERS", rows)

	rows = nil
	for _, r := range op.Errors {
		rows = append(rows, []string{strconv.Itoa(r.Status), strconv.Itoa(r.Code), r.ID, r.Message})
	}
	section(b, fmt.Sprintf("ERROR MATRIX (%d rows)", len(op.Errors)), "STATUS\tCODE\tID\tMESSAGE", rows)

	rows = nil
	for _, p := range op.Catalog {
		base := ""
		if p.Base {
			base = "base plan (rejected)"
		}
		rows = append(rows, []string{p.Code, p.Place, yesNo(p.Hosts), base})
	}
	section(b, fmt.Sprintf("PLAN CATALOG (%d codes)", len(op.Catalog)), "CODE\tPLACE\tHOSTS\tBASE", rows)

	rows = nil
	for i, id := range op.CheckOrder {
		rows = append(rows, []string{strconv.Itoa(i+1) + ".", id})
	}
	section(b, "CHECK ORDER (first failing check answers)", "", rows)
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
	Missing     []string         `json:"missing_tables,omitempty"`
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
		Missing: op.Missing(),
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

// specDiffFlags are the flags of 'contract spec -diff OLD'.
type specDiffFlags struct {
	old, failOn, golden, corpus string
}

// maxListed bounds the goldens and corpus entries listed in the text output;
// -json lists them all.
const maxListed = 25

// specDiff compares the revision OLD with doc (the -spec file, or the
// embedded contract) and prints the changes, then what they mean for the
// suite: rows, codes, classes, goldens to re-record, entries to re-read.
func specDiff(e *env, doc *spec.Document, opID string, df specDiffFlags, asJSON bool) error {
	if !slices.Contains([]string{"", "breaking", "client", "server"}, df.failOn) {
		return usageError("-fail-on %q: want breaking, client or server", df.failOn)
	}
	old, err := loadRevision(df.old)
	if err != nil {
		return usageError("-diff %v", err)
	}
	ch, err := spec.Diff(old, doc, opID)
	if err != nil {
		return usageError("-diff: %v", err)
	}
	set := golden.Default()
	if df.golden != "" {
		set = golden.Open(df.golden)
	}
	cq, err := consequences(ch, set, df.corpus)
	if err != nil {
		return usageError("-diff: %v", err)
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(diffJSON(ch, cq)); err != nil {
			return err
		}
	} else if err := printDiff(e.stdout, ch, cq); err != nil {
		return err
	}
	if n := failing(ch, df.failOn); n > 0 {
		whom := map[string]string{"breaking": "a client or a server", "client": "a client", "server": "a server"}[df.failOn]
		return findingsError("%d of %d changes break %s (-fail-on %s)", n, len(ch.Items), whom, df.failOn)
	}
	return nil
}

// failing counts the changes -fail-on names: breaking for anyone, for a
// client or for a server; none without -fail-on.
func failing(ch *spec.Changes, failOn string) int {
	n := 0
	for _, c := range ch.Items {
		if failOn == "breaking" && c.Breaking() || failOn == "client" && c.Client || failOn == "server" && c.Server {
			n++
		}
	}
	return n
}

// loadRevision reads OLD: a file when one exists at that path, else a git
// revision, "REV:PATH" or "REV" (of spec/addons.yaml), read with git show
// from this module's root, so PATH is relative to it.
func loadRevision(arg string) (*spec.Document, error) {
	if st, err := os.Stat(arg); err == nil && !st.IsDir() {
		return spec.Load(arg)
	}
	rev, path, ok := strings.Cut(arg, ":")
	if !ok {
		path = "spec/addons.yaml"
	}
	root, err := moduleRoot()
	if err != nil {
		return nil, fmt.Errorf("%s: no such file, and no git revision without the module: %v", arg, err)
	}
	cmd := exec.Command("git", "-C", root, "show", rev+":"+path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg, _, _ := strings.Cut(strings.TrimSpace(stderr.String()), "\n")
		return nil, fmt.Errorf("%s: no such file, and git show %s:%s failed: %s", arg, rev, path, cmp.Or(msg, err.Error()))
	}
	return spec.Parse(rev+":"+path, out)
}

// suiteImpact is what a diff means for this suite.
type suiteImpact struct {
	Rows         []string     `json:"rows"`
	Codes        []string     `json:"codes"`
	Classes      []string     `json:"classes"`       // mutation classes whose generated cases change
	NewScenarios []string     `json:"new_scenarios"` // rows and codes the new revision adds: their scenarios have no golden yet
	GoldenSet    string       `json:"golden_set"`
	Goldens      []golden.Hit `json:"goldens"` // to re-record
	GoldenCount  int          `json:"golden_count"`
	CorpusDir    string       `json:"corpus_dir,omitempty"`
	Corpus       []corpusHit  `json:"corpus"` // to re-read
	CorpusCount  int          `json:"corpus_count"`
}

// corpusHit is a corpus entry a diff reaches.
type corpusHit struct {
	Path    string   `json:"path"`
	Reasons []string `json:"reasons"`
}

func consequences(ch *spec.Changes, set golden.Set, corpusDir string) (suiteImpact, error) {
	cq := suiteImpact{Rows: ch.Rows(), Codes: ch.Codes(), GoldenSet: set.String()}
	layers := ch.Layers()
	for _, c := range gen.Classes() {
		// A class's first layer is where its cases usually land (gen.ClassInfo).
		if len(c.Layers) > 0 && slices.Contains(layers, string(c.Layers[0])) {
			cq.Classes = append(cq.Classes, c.ID)
		}
	}
	for _, c := range ch.Items {
		if c.Kind == spec.Added && (c.Area == spec.AreaErrors && c.Property == "row" || c.Area == spec.AreaCatalog && c.Property == "code") {
			cq.NewScenarios = append(cq.NewScenarios, c.Where)
		}
	}
	names, err := set.Names()
	if err != nil {
		return cq, err
	}
	cq.GoldenCount = len(names)
	if cq.Goldens, err = set.Affected(ch); err != nil {
		return cq, err
	}
	if corpusDir == "" {
		if root, err := moduleRoot(); err == nil {
			if st, err := os.Stat(filepath.Join(root, "corpus")); err == nil && st.IsDir() {
				corpusDir = filepath.Join(root, "corpus")
			}
		}
	}
	if corpusDir != "" {
		cq.CorpusDir = relPath(corpusDir)
		cq.Corpus, cq.CorpusCount, err = corpusImpact(ch, corpusDir)
	}
	return cq, err
}

// relPath shows path relative to the working directory when it lies under it.
func relPath(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	if rel, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}

// corpusEntry is what the diff reads of a saved finding (package contract
// owns the format, "addons-contract-corpus/1"; other files are skipped).
type corpusEntry struct {
	Format string `json:"format"`
	Case   struct {
		Field string `json:"field"`
		Adds  []struct {
			Code string `json:"code"`
		} `json:"adds"`
		Request struct {
			ContentType string `json:"content_type"`
			Body        string `json:"body"`
		} `json:"request"`
		Expect struct {
			Row string `json:"row"`
		} `json:"expect"`
	} `json:"case"`
	Finding struct {
		Row string `json:"row"`
	} `json:"finding"`
}

// corpusImpact reads every entry under dir and returns those the changes
// reach, with the number of entries read.
func corpusImpact(ch *spec.Changes, dir string) ([]corpusHit, int, error) {
	var hits []corpusHit
	count := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".json" {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var ce corpusEntry
		if json.Unmarshal(data, &ce) != nil || !strings.HasPrefix(ce.Format, "addons-contract-corpus/") {
			return nil
		}
		count++
		p := spec.Probe{
			Rows:  []string{ce.Case.Expect.Row, ce.Finding.Row},
			Field: ce.Case.Field, ContentType: ce.Case.Request.ContentType, Body: []byte(ce.Case.Request.Body),
		}
		for _, a := range ce.Case.Adds {
			p.Adds = append(p.Adds, a.Code)
		}
		why, err := ch.Reread(p)
		if err != nil {
			return err
		}
		if len(why) > 0 {
			hits = append(hits, corpusHit{Path: relPath(path), Reasons: why})
		}
		return nil
	})
	return hits, count, err
}

// printDiff writes the readable diff: the changes grouped by whom they
// break, then their consequences for the suite, then what the new revision
// adds on top of the old one's tables and notes.
func printDiff(w io.Writer, ch *spec.Changes, cq suiteImpact) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s (%s) -> %s (%s)\n", ch.Operation, ch.Old.Name, ch.Old.Hash, ch.New.Name, ch.New.Hash)
	if len(ch.Items) == 0 {
		fmt.Fprintf(&b, "no changes to the operation\n")
	}
	groups := []struct {
		title          string
		client, server bool
	}{
		{"BREAKING FOR CLIENTS AND SERVERS", true, true},
		{"BREAKING FOR CLIENTS", true, false},
		{"BREAKING FOR SERVERS", false, true},
		{"NON-BREAKING", false, false},
	}
	for _, g := range groups {
		var in []spec.Change
		for _, c := range ch.Items {
			if c.Client == g.client && c.Server == g.server {
				in = append(in, c)
			}
		}
		if len(in) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s (%d)\n", g.title, len(in))
		for _, c := range in {
			fmt.Fprintf(&b, "  %-8s %s: %s%s%s\n", c.Kind, c.Where, c.Property, values(c), lineRef(c.Line))
			if g.client || g.server {
				fmt.Fprintf(&b, "           %s\n", c.Why)
			}
		}
	}
	printImpact(&b, ch, cq)
	printAdds(&b, ch)
	_, err := io.WriteString(w, b.String())
	return err
}

// values renders a change's old and new values, cut to one short line each.
func values(c spec.Change) string {
	short := func(s string) string {
		s = strings.Join(strings.Fields(s), " ")
		if len(s) > 60 {
			s = s[:57] + "..."
		}
		return strconv.Quote(s)
	}
	switch {
	case c.Old == "" && c.New == "":
		return ""
	case c.Old == "":
		return " " + short(c.New)
	case c.New == "":
		return " " + short(c.Old)
	}
	return " " + short(c.Old) + " -> " + short(c.New)
}

func lineRef(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (line %d)", n)
}

// printImpact writes the consequences for the suite and what to do.
func printImpact(b *strings.Builder, ch *spec.Changes, cq suiteImpact) {
	if len(ch.Items) == 0 {
		return
	}
	fmt.Fprintf(b, "\nCONSEQUENCES FOR THIS SUITE\n")
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  error rows\t%s\n", dash(strings.Join(cq.Rows, ", ")))
	fmt.Fprintf(tw, "  catalog codes\t%s\n", dash(strings.Join(cq.Codes, ", ")))
	fmt.Fprintf(tw, "  mutation classes\t%s\n", dash(strings.Join(cq.Classes, ", ")))
	tw.Flush()
	if len(cq.NewScenarios) > 0 {
		fmt.Fprintf(b, "  new in %s: %s; each gets a scenario whose golden -update records\n", ch.New.Name, strings.Join(cq.NewScenarios, ", "))
	}
	fmt.Fprintf(b, "\n  goldens to re-record: %d of %d in %s\n", len(cq.Goldens), cq.GoldenCount, cq.GoldenSet)
	for i, h := range cq.Goldens {
		if i == maxListed {
			fmt.Fprintf(b, "    ... and %d more (-json lists them all)\n", len(cq.Goldens)-maxListed)
			break
		}
		fmt.Fprintf(b, "    %s\n", h)
	}
	if len(cq.Goldens) > 0 || len(cq.NewScenarios) > 0 {
		fmt.Fprintf(b, "    then: go run ./cmd/contract run -update (the embedded set), or contract run -golden DIR -update; review the diff\n")
	}
	if cq.CorpusDir == "" {
		fmt.Fprintf(b, "\n  corpus entries: no corpus directory found (give -corpus DIR)\n")
		return
	}
	fmt.Fprintf(b, "\n  corpus entries to re-read: %d of %d in %s\n", len(cq.Corpus), cq.CorpusCount, cq.CorpusDir)
	for i, h := range cq.Corpus {
		if i == maxListed {
			fmt.Fprintf(b, "    ... and %d more (-json lists them all)\n", len(cq.Corpus)-maxListed)
			break
		}
		fmt.Fprintf(b, "    %s: %s\n", h.Path, strings.Join(h.Reasons, "; "))
	}
	if len(cq.Corpus) > 0 {
		fmt.Fprintf(b, "    then: contract replay each; an entry whose request means something else now is re-saved (-save) or deleted\n")
	}
}

// printAdds writes what the new revision has that the old one lacks: its
// x- tables and x-assumption notes, and the notes it dropped.
func printAdds(b *strings.Builder, ch *spec.Changes) {
	var tables []string
	for _, t := range ch.OldMissing {
		if !slices.Contains(ch.NewMissing, t) {
			tables = append(tables, t)
		}
	}
	if len(tables) == 0 && len(ch.Added) == 0 && len(ch.Removed) == 0 {
		return
	}
	fmt.Fprintf(b, "\nWHAT %s ADDS ON TOP OF %s\n", ch.New.Name, ch.Old.Name)
	if len(tables) > 0 {
		fmt.Fprintf(b, "  tables: %s (the changes above list their rows, codes and order)\n", strings.Join(tables, ", "))
	}
	notes := func(title string, list []spec.Assumption) {
		if len(list) == 0 {
			return
		}
		fmt.Fprintf(b, "  %s (%d):\n", title, len(list))
		for _, a := range list {
			fmt.Fprintf(b, "    %s\n      %s\n", a.At, strings.Join(strings.Fields(a.Note), " "))
		}
	}
	notes("x-assumption notes added", ch.Added)
	notes("x-assumption notes removed", ch.Removed)
}

// diffJSON is the -json rendering of a diff: the changes as our model has
// them, with lower-case keys, and the consequences.
func diffJSON(ch *spec.Changes, cq suiteImpact) any {
	type change struct {
		Area     string      `json:"area"`
		Where    string      `json:"where"`
		Kind     string      `json:"kind"`
		Property string      `json:"property"`
		Old      string      `json:"old,omitempty"`
		New      string      `json:"new,omitempty"`
		Line     int         `json:"line,omitempty"`
		Client   bool        `json:"breaks_client"`
		Server   bool        `json:"breaks_server"`
		Lib      bool        `json:"libopenapi_breaking"`
		Why      string      `json:"why"`
		Status   int         `json:"status,omitempty"`
		Fields   []string    `json:"fields,omitempty"`
		Rows     []string    `json:"rows,omitempty"`
		Codes    []string    `json:"codes,omitempty"`
		Layers   []string    `json:"layers,omitempty"`
		Pairs    [][2]string `json:"pairs,omitempty"`
	}
	changes := []change{}
	for _, c := range ch.Items {
		changes = append(changes, change(c))
	}
	return struct {
		Operation  string           `json:"operation"`
		Old        spec.Revision    `json:"old"`
		New        spec.Revision    `json:"new"`
		Breaking   bool             `json:"breaking"`
		Changes    []change         `json:"changes"`
		Suite      suiteImpact      `json:"consequences"`
		OldMissing []string         `json:"old_missing_tables"`
		NewMissing []string         `json:"new_missing_tables"`
		Added      []jsonAssumption `json:"assumptions_added"`
		Removed    []jsonAssumption `json:"assumptions_removed"`
	}{ch.Operation, ch.Old, ch.New, ch.Breaking(), changes, cq, ch.OldMissing, ch.NewMissing, assumptionsJSON(ch.Added), assumptionsJSON(ch.Removed)}
}

func assumptionsJSON(list []spec.Assumption) []jsonAssumption {
	out := []jsonAssumption{}
	for _, a := range list {
		out = append(out, jsonAssumption(a))
	}
	return out
}
