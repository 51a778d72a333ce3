package spec

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/cache"
	"github.com/pb33f/libopenapi-validator/config"
	verrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi-validator/helpers"
)

// Validator checks HTTP requests and responses against the document with
// libopenapi-validator. It is built once per Document and is safe for
// concurrent use.
//
// Its settings, and why:
//   - format is asserted (config.WithFormatAssertions): "2021-02-30" is not a
//     date, and the contract says so.
//   - security is not checked (config.WithoutSecurityValidation): the server's
//     own auth check is under test, with its own statuses and codes; a
//     validator that rejects a token-less request would hide them.
//   - servers are matched by path only (the validator's default, not
//     config.WithStrictServerMatching): the router tries the request path with
//     each document server's base path stripped ("/v2/accounts/x/plans/addons"
//     with server ".../v2") and, when no server's base prefixes it, the path as
//     sent ("/accounts/x/plans/addons"), so both forms reach the operation and
//     nothing needs rewriting. The scheme and host are never compared, which is
//     what lets the same spec check a mock on 127.0.0.1 and staging.
type Validator struct {
	doc *Document
	v   validator.Validator
	// seen holds the problems of bodies and answers already judged: a run
	// sends one body to several accounts and gets the same answer to many
	// requests, and the verdict is a function of the bytes.
	seen *verdicts
}

// Validator returns the document's validator (built once, safe for concurrent use).
func (d *Document) Validator() (*Validator, error) {
	d.valOnce.Do(func() {
		v := d.libValidator(leanCache{cache.NewDefaultCache()})
		if v == nil {
			d.valErr = fmt.Errorf("%s: building validator failed", d.name)
			return
		}
		d.val = &Validator{doc: d, v: v, seen: newVerdicts(maxVerdicts)}
	})
	return d.val, d.valErr
}

// libValidator builds libopenapi-validator's validator with the settings
// documented on Validator and the given compiled-schema cache.
func (d *Document) libValidator(schemas cache.SchemaCache) validator.Validator {
	return validator.NewValidatorFromV3Model(d.model,
		config.WithFormatAssertions(),
		config.WithoutSecurityValidation(),
		config.WithRegexCache(&sync.Map{}),
		config.WithSchemaCache(schemas),
	)
}

// leanCache is the validator's compiled-schema cache, less the rendered
// YAML text of request-body entries. On every failing body,
// libopenapi-validator parses that text again to find the line and column
// of each failing keyword, which Problems do not carry, unless it is empty,
// in which case it reads the rendered node the entry also holds: a failing
// body cost twenty times a passing one, nearly all of it that parse
// (BenchmarkRequest). Entries stored under a schema's own hash (parameters)
// keep the text, which the validator quotes in their errors.
type leanCache struct{ *cache.DefaultCache }

// Store keeps e, without its rendered text when e is a body schema's entry.
func (c leanCache) Store(key uint64, e *cache.SchemaCacheEntry) {
	if e != nil && e.RenderedNode != nil && e.Schema != nil && e.Schema.GoLow() != nil && key != e.Schema.GoLow().Hash() {
		lean := *e
		lean.RenderedInline, lean.RenderedNode, lean.ResourceNodes = nil, nil, nil
		e = &lean
	}
	c.DefaultCache.Store(key, e)
}

// Request validates r against the document: route, parameters, content type
// and body. r.Body is restored for later readers.
func (v *Validator) Request(r *http.Request) []Problem {
	body, p := readBody(r)
	if p != nil {
		return []Problem{*p}
	}
	defer func() { r.Body = io.NopCloser(bytes.NewReader(body)) }()
	r.Body = io.NopCloser(bytes.NewReader(body))
	_, errs := v.v.ValidateHttpRequestSync(r)
	return v.problems(r.Method, 0, body, errs)
}

// Body validates body, sent with contentType, as the request body of op,
// without judging parameters or the route: the request is built here, with
// each path parameter set to "x".
func (v *Validator) Body(op *Operation, contentType string, body []byte) []Problem {
	if op == nil {
		return []Problem{{Keyword: "operation", Message: "no operation given"}}
	}
	key := verdictKey(body, "body", op.Method, op.Path, contentType)
	if ps, ok := v.seen.get(key); ok {
		return ps
	}
	ps := v.body(op, contentType, body)
	v.seen.put(key, ps)
	return ps
}

// body is Body without the memo.
func (v *Validator) body(op *Operation, contentType string, body []byte) []Problem {
	item := v.doc.model.Paths.PathItems.GetOrZero(op.Path)
	if item == nil {
		return []Problem{{Keyword: "path", Message: fmt.Sprintf("%s: no path %s", v.doc.name, op.Path)}}
	}
	r, err := http.NewRequestWithContext(context.Background(), op.Method, fillPath(op.Path), bytes.NewReader(body))
	if err != nil {
		return []Problem{{Keyword: "request", Message: err.Error()}}
	}
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	_, errs := v.v.GetRequestBodyValidator().ValidateRequestBodyWithPathItem(r, item, op.Path)
	return v.problems(r.Method, 0, body, errs)
}

var pathParam = regexp.MustCompile(`\{[^}/]*\}`)

// fillPath turns a path template into a concrete path, each parameter "x".
func fillPath(template string) string {
	return (&url.URL{Path: pathParam.ReplaceAllString(template, "x")}).String()
}

// Response validates a response to req: status documented, content type,
// headers, body schema. req is only used to find the operation; its body is
// not read.
func (v *Validator) Response(req *http.Request, status int, header http.Header, body []byte) []Problem {
	if req == nil {
		return []Problem{{Keyword: "request", Message: "no request given"}}
	}
	key := verdictKey(body, "response", req.Method, req.URL.String(), strconv.Itoa(status), headerText(header))
	if ps, ok := v.seen.get(key); ok {
		return ps
	}
	ps := v.response(req, status, header, body)
	v.seen.put(key, ps)
	return ps
}

// response is Response without the memo.
func (v *Validator) response(req *http.Request, status int, header http.Header, body []byte) []Problem {
	h := header.Clone()
	if h == nil {
		h = http.Header{}
	}
	resp := &http.Response{
		StatusCode:    status,
		Status:        strconv.Itoa(status) + " " + http.StatusText(status),
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}
	_, errs := v.v.ValidateHttpResponse(req, resp)
	return v.problems(req.Method, status, body, errs)
}

// headerText is header in a canonical form: names sorted, each value on
// its own line.
func headerText(h http.Header) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(h)) {
		for _, val := range h[k] {
			b.WriteString(k + ": " + val + "\n")
		}
	}
	return b.String()
}

// maxVerdicts bounds the memo of a Validator: a run judges a few thousand
// answers, of which a few hundred differ.
const maxVerdicts = 4096

// verdicts is a bounded memo of problems by verdictKey; when full it
// starts afresh, which only costs judging again.
type verdicts struct {
	mu  sync.Mutex
	max int
	m   map[[sha256.Size]byte][]Problem
}

func newVerdicts(max int) *verdicts {
	return &verdicts{max: max, m: map[[sha256.Size]byte][]Problem{}}
}

// verdictKey hashes the parts of a judgement and the body judged, each
// length-prefixed so that no two different lists collide by concatenation.
func verdictKey(body []byte, parts ...string) [sha256.Size]byte {
	h := sha256.New()
	var n [8]byte
	for _, p := range parts {
		binary.LittleEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		io.WriteString(h, p)
	}
	binary.LittleEndian.PutUint64(n[:], uint64(len(body)))
	h.Write(n[:])
	h.Write(body)
	var k [sha256.Size]byte
	h.Sum(k[:0])
	return k
}

// get returns a copy of the problems stored under k, so that callers may
// change what they are given.
func (m *verdicts) get(k [sha256.Size]byte) ([]Problem, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ps, ok := m.m[k]
	return slices.Clone(ps), ok
}

func (m *verdicts) put(k [sha256.Size]byte, ps []Problem) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.m) >= m.max {
		clear(m.m)
	}
	m.m[k] = slices.Clone(ps)
}

// readBody reads and restores r.Body.
func readBody(r *http.Request) ([]byte, *Problem) {
	if r == nil {
		return nil, &Problem{Keyword: "request", Message: "no request given"}
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	body, err := io.ReadAll(r.Body)
	r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return body, &Problem{Keyword: "body", Message: "reading body: " + err.Error()}
	}
	return body, nil
}

// problems converts the validator's errors into ours: one line each, the
// rendered schema dropped, duplicates removed, and of a oneOf/anyOf that no
// branch matched only the errors of the branch the body most resembles.
// status is 0 for a request, else the response's status.
func (v *Validator) problems(method string, status int, body []byte, errs []*verrors.ValidationError) []Problem {
	if len(errs) == 0 {
		return nil
	}
	var out []Problem
	seen := map[Problem]bool{}
	add := func(p Problem) {
		p.Message = oneLine(p.Message)
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, e := range errs {
		if e == nil {
			continue
		}
		if len(e.SchemaValidationErrors) == 0 {
			add(Problem{Keyword: kind(e), Message: plainMessage(e)})
			continue
		}
		if !isBody(e) {
			// A header or parameter: no body field to name.
			for _, f := range e.SchemaValidationErrors {
				add(Problem{Keyword: kind(e), Message: kind(e) + " " + nonEmpty(e.ParameterName, f.FieldName) + ": " + nonEmpty(f.Reason, e.Reason)})
			}
			continue
		}
		for _, f := range v.pickBranches(method, status, body, e) {
			add(Problem{Field: namedField(f), Keyword: keywordOf(f), Message: failureMessage(e, f)})
		}
	}
	return out
}

// isBody reports whether e's schema failures are about the body.
func isBody(e *verrors.ValidationError) bool {
	return (e.ValidationType == helpers.RequestBodyValidation || e.ValidationType == helpers.ResponseBodyValidation) &&
		e.ValidationSubType != helpers.ParameterValidationHeader
}

func nonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// kind names a non-schema failure by what it is about.
func kind(e *verrors.ValidationError) string {
	switch {
	case e.ValidationSubType == helpers.RequestBodyContentType || strings.Contains(strings.ToLower(e.Message), "content type"):
		return "content-type"
	case e.ValidationSubType == helpers.ResponseBodyResponseCode:
		return "status"
	case e.ValidationType == helpers.PathValidation || e.ValidationSubType == helpers.ValidationMissingOperation:
		return "route"
	case e.ValidationType == helpers.ParameterValidation && e.ValidationSubType != "":
		return e.ValidationSubType // "path", "query", "header", "cookie"
	case e.ValidationSubType == helpers.ParameterValidationHeader:
		return "header"
	case e.ValidationType == helpers.RequestBodyValidation || e.ValidationType == helpers.ResponseBodyValidation:
		return "body"
	}
	return e.ValidationType
}

func plainMessage(e *verrors.ValidationError) string {
	if e.Reason != "" && !strings.Contains(e.Message, e.Reason) {
		return e.Message + ": " + e.Reason
	}
	return e.Message
}

func failureMessage(e *verrors.ValidationError, f *verrors.SchemaValidationFailure) string {
	field := fieldOf(f)
	msg := f.Reason
	if msg == "" {
		msg = e.Message
	}
	if field == "" {
		return "body: " + msg
	}
	return field + ": " + msg
}

// oneLine folds whitespace runs (newlines included) into single spaces.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// fieldOf turns the failure's JSONPath ("$.plan_details.plan_calling[0].type")
// into ours ("plan_details.plan_calling[0].type"); "" is the body itself.
func fieldOf(f *verrors.SchemaValidationFailure) string {
	p := f.FieldPath
	if p == "" && len(f.InstancePath) > 0 {
		var b strings.Builder
		for _, seg := range f.InstancePath {
			if _, err := strconv.Atoi(seg); err == nil {
				b.WriteString("[" + seg + "]")
				continue
			}
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(seg)
		}
		return b.String()
	}
	p = strings.TrimPrefix(p, "$")
	return strings.TrimPrefix(p, ".")
}

// oneProperty finds the single property a "required" or
// "additionalProperties" failure is about.
var oneProperty = regexp.MustCompile(`^(?:missing property|additional properties) '([^']+)'(?: not allowed)?$`)

// namedField is the failure's field, except that a failure about exactly one
// missing or unexpected property names that property ("hosts" rather than
// the object holding it), which is what a reader of a 400 message wants.
func namedField(f *verrors.SchemaValidationFailure) string {
	field := fieldOf(f)
	if m := oneProperty.FindStringSubmatch(f.Reason); m != nil {
		if field == "" {
			return m[1]
		}
		return field + "." + m[1]
	}
	return field
}

// keywordOf is the last token of the failing keyword's location.
func keywordOf(f *verrors.SchemaValidationFailure) string {
	loc := strings.TrimRight(f.KeywordLocation, "/")
	if i := strings.LastIndex(loc, "/"); i >= 0 {
		return unescapeToken(loc[i+1:])
	}
	return loc
}

// branchRef locates one oneOf/anyOf branch in a failure's keyword location.
var branchRef = regexp.MustCompile(`/(oneOf|anyOf)/(\d+)(/|$)`)

// pickBranches returns the failures of e worth reporting. When every branch
// of a oneOf/anyOf failed, the validator reports all of their errors, most of
// which are noise ("plan_details is required" for a plain-form body). We keep
// the branch the instance most resembles: the one declaring most of the
// instance's keys, then the one with the fewest errors, then the first.
func (v *Validator) pickBranches(method string, status int, body []byte, e *verrors.ValidationError) []*verrors.SchemaValidationFailure {
	fs := e.SchemaValidationErrors
	// The outermost combinator: the failure location with the shortest prefix
	// before "/oneOf/N".
	prefix, word := "", ""
	best := -1
	for _, f := range fs {
		loc := f.KeywordLocation
		if m := branchRef.FindStringSubmatchIndex(loc); m != nil && (best < 0 || m[0] < best) {
			best, prefix, word = m[0], loc[:m[0]], loc[m[2]:m[3]]
		}
	}
	if best < 0 {
		return fs
	}
	groups := map[int][]*verrors.SchemaValidationFailure{}
	var rest []*verrors.SchemaValidationFailure
	lead := prefix + "/" + word + "/"
	for _, f := range fs {
		loc := f.KeywordLocation
		if strings.HasPrefix(loc, lead) {
			tail := loc[len(lead):]
			if i := strings.IndexByte(tail, '/'); i >= 0 {
				tail = tail[:i]
			}
			if n, err := strconv.Atoi(tail); err == nil {
				groups[n] = append(groups[n], f)
				continue
			}
		}
		rest = append(rest, f)
	}
	if len(groups) < 2 {
		return fs // one branch failing is all there is to say
	}
	keys := instanceKeys(body, prefix)
	combinator := v.schemaAt(method, status, e, prefix)
	branches := make([]int, 0, len(groups))
	for n := range groups {
		branches = append(branches, n)
	}
	score := func(n int) int {
		var branch *Schema
		if combinator != nil {
			list := combinator.OneOf
			if word == "anyOf" {
				list = combinator.AnyOf
			}
			if n < len(list) {
				branch = list[n]
			}
		}
		hits := 0
		for _, k := range keys {
			if branch.Property(k) != nil {
				hits++
			}
		}
		return hits
	}
	sort.SliceStable(branches, func(i, j int) bool {
		si, sj := score(branches[i]), score(branches[j])
		if si != sj {
			return si > sj
		}
		if len(groups[branches[i]]) != len(groups[branches[j]]) {
			return len(groups[branches[i]]) < len(groups[branches[j]])
		}
		return branches[i] < branches[j]
	})
	// Keep failures outside the combinator that are not its own summary
	// ("oneOf failed"), plus the chosen branch's.
	var out []*verrors.SchemaValidationFailure
	for _, f := range rest {
		if f.KeywordLocation == prefix+"/"+word {
			continue
		}
		out = append(out, f)
	}
	return append(out, groups[branches[0]]...)
}

// instanceKeys returns the object keys of the JSON value at the instance the
// schema location prefix applies to, following "/properties/NAME" steps
// (other steps, such as array items, are not followed: nil).
func instanceKeys(body []byte, prefix string) []string {
	var val any
	if json.Unmarshal(body, &val) != nil {
		return nil
	}
	toks := strings.Split(strings.TrimPrefix(prefix, "/"), "/")
	if prefix == "" {
		toks = nil
	}
	for i := 0; i < len(toks); i++ {
		switch toks[i] {
		case "$ref", "allOf", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9":
			continue
		case "properties":
			if i+1 >= len(toks) {
				return nil
			}
			obj, ok := val.(map[string]any)
			if !ok {
				return nil
			}
			val = obj[unescapeToken(toks[i+1])]
			i++
		default:
			return nil
		}
	}
	obj, ok := val.(map[string]any)
	if !ok {
		return nil
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	return keys
}

// schemaAt finds, in our model, the schema a keyword location prefix points
// at, starting from the body schema of the request (status 0) or of the
// response with that status (or the default response).
func (v *Validator) schemaAt(method string, status int, e *verrors.ValidationError, prefix string) *Schema {
	op, err := v.doc.Find(method, e.SpecPath)
	if err != nil {
		return nil
	}
	var s *Schema
	if status == 0 {
		if op.Body != nil {
			s = op.Body.Schema
		}
	} else {
		for _, resp := range op.Responses {
			if resp.Status == status || (resp.Status == 0 && s == nil) {
				s = resp.Schema
			}
		}
	}
	if prefix == "" {
		return s
	}
	toks := strings.Split(strings.TrimPrefix(prefix, "/"), "/")
	for i := 0; i < len(toks) && s != nil; i++ {
		switch toks[i] {
		case "$ref":
		case "properties":
			if i+1 < len(toks) {
				s = s.Property(unescapeToken(toks[i+1]))
				i++
			}
		case "items":
			s = s.Items
		case "additionalProperties":
			s = s.AdditionalProperties
		case "oneOf", "anyOf", "allOf":
			if i+1 >= len(toks) {
				return nil
			}
			n, err := strconv.Atoi(toks[i+1])
			if err != nil {
				return nil
			}
			list := map[string][]*Schema{"oneOf": s.OneOf, "anyOf": s.AnyOf, "allOf": s.AllOf}[toks[i]]
			if n >= len(list) {
				return nil
			}
			s = list[n]
			i++
		default:
			return nil
		}
	}
	return s
}
