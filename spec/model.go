package spec

import (
	"slices"
	"strings"
)

// Operation is one OpenAPI operation as the rest of the project sees it:
// plain Go values, no libopenapi types.
type Operation struct {
	ID         string   // operationId
	Method     string   // upper case, e.g. "POST"
	Path       string   // path template, e.g. "/accounts/{accountId}/plans/addons"
	Summary    string   //
	Tags       []string //
	Servers    []string // server URLs, operation level first, then document level
	Parameters []Parameter
	Body       *Body       // nil when the operation takes no request body
	Responses  []*Response // in document order
	Security   []SecurityRequirement
	Extensions map[string]any // the operation's own x- extensions, decoded (e.g. x-rate-limit-label)
	Errors     []ErrorRow     // the error matrix, gathered from every response's x-error-codes
	Catalog    []Plan         // from the operation's x-plan-catalog; empty when absent
	CheckOrder []string       // from x-check-order: the order in which the server's checks run, first failing one answers (row ids, plus "route")
	// FullCheckOrder is CheckOrder with the rows x-check-placement places
	// (body_too_large, rate_limited): the order a server following the
	// document runs every check in. The placed rows' places are the
	// project's choice, not judged: they are in FullCheckOrder only.
	FullCheckOrder []string
	// CatalogFields are the request body fields that carry plan codes (the
	// body schema's x-catalog markers), in schema order.
	CatalogFields []CatalogField
	// RowPlans holds, by row id, the only catalog codes a row applies to
	// (the row's "plans" key): rooms_base lists zroom_monthly. Rows
	// without the key apply to any code and have no entry.
	RowPlans    map[string][]string
	Assumptions []Assumption // every x-assumption note in the operation and what it references
	Source      string       // file name the document came from (for messages)
	// Revision is the document's Hash: the spec revision golden files and
	// corpus entries made against this operation record.
	Revision string
}

// Parameter is one path, query, header or cookie parameter.
type Parameter struct {
	Name        string
	In          string // "path", "query", "header", "cookie"
	Required    bool
	Description string
	Schema      *Schema
}

// Body is the request body of an operation.
type Body struct {
	Required  bool
	MediaType string // the first JSON media type, normally "application/json"
	Schema    *Schema
	Examples  []Example
}

// Response is one documented response, by status.
type Response struct {
	Status      int // 0 for "default"
	Description string
	MediaType   string  // "" when the response has no content
	Schema      *Schema // nil when the response has no content
	Headers     []Header
	Examples    []Example
}

// Header is one documented response header.
type Header struct {
	Name     string
	Required bool
	Schema   *Schema
}

// Example is one named example value, decoded from the document.
type Example struct {
	Name  string // "" for a single unnamed example
	Value any    // decoded JSON-compatible value (map[string]any, []any, string, float64/int64, bool, nil)
}

// SecurityRequirement is one alternative of an operation's security: scheme name to scopes.
type SecurityRequirement struct {
	Scheme string // name in components.securitySchemes
	Type   string // "http", "oauth2", "apiKey", ...
	Bearer bool   // true for http bearer and oauth2 (the token travels as "Authorization: Bearer")
	Scopes []string
}

// Schema is a JSON Schema node, reduced to what generators and reports need.
// Schemas may form cycles (a $ref to an ancestor); walkers must bound depth.
type Schema struct {
	Ref         string   // component name when the node came from a $ref, else ""
	Types       []string // "object", "array", "string", "integer", "number", "boolean", "null"
	Format      string
	Description string
	Enum        []any
	Const       any
	HasConst    bool
	Pattern     string

	MinLength, MaxLength *int64
	Minimum, Maximum     *float64
	// ExclusiveMinimum/Maximum are the 3.1 numeric form; a 3.0 boolean form is
	// folded into them by the loader.
	ExclusiveMinimum, ExclusiveMaximum *float64
	MultipleOf                         *float64

	Properties []Property // in document order
	Required   []string
	// AdditionalProperties is nil when additional properties are allowed with no schema
	// (unless NoAdditional is true).
	AdditionalProperties *Schema
	NoAdditional         bool // additionalProperties: false
	MinProperties        *int64
	MaxProperties        *int64

	Items       *Schema
	MinItems    *int64
	MaxItems    *int64
	UniqueItems bool

	OneOf, AnyOf, AllOf []*Schema
	Not                 *Schema
	Nullable            bool // 3.0 nullable: true, or "null" among Types

	Examples   []any // example / examples, decoded
	Extensions map[string]any
}

// Property is one named property of an object schema.
type Property struct {
	Name     string
	Required bool
	Schema   *Schema
}

// ErrorRow is one row of the documented error matrix (x-error-codes on a response).
type ErrorRow struct {
	ID         string // stable row id, e.g. "self_pay"
	Status     int    // HTTP status of the response the row hangs under
	Code       int    // the body's "code"
	Message    string // template; "{name}" marks a placeholder, e.g. "Account does not exist: {subAccountId}."
	When       string // the condition, in English
	Assumption string // the row's x-assumption note, "" when the vendor page documents it
}

// Plan is one entry of the plan catalog (x-plan-catalog): a plan code and
// where it lands in the 201 body.
type Plan struct {
	Code  string
	Place string // dotted path in the 201 body, "[]" suffix for an array, e.g. "plan_zcc.plan_usage[]"
	Base  bool   // a base plan, not an add-on: this endpoint rejects it
	Hosts bool   // computed by the loader: the place (or its array items) has a "hosts" property
}

// Assumption is one x-assumption note and where it sits in the document.
type Assumption struct {
	At   string // JSON pointer, e.g. "/paths/~1accounts~1{accountId}~1plans~1addons/post/responses/401"
	Note string
}

// Problem is one way a request or response fails the spec.
type Problem struct {
	Field   string // JSON path of the offending value ("hosts", "plan_details.plan_calling[0].type"), "" for the whole body or non-body problems
	Keyword string // failing JSON Schema keyword where known ("required", "type", "oneOf", "format", ...), or a short kind such as "content-type", "status", "header"
	Message string // one line, without the rendered schema
}

// PathFor is op's path with escapedID (already path-escaped) in place of
// its path parameter.
func (op *Operation) PathFor(escapedID string) string {
	name := "accountId"
	for _, p := range op.Parameters {
		if p.In == "path" {
			name = p.Name
			break
		}
	}
	return strings.Replace(op.Path, "{"+name+"}", escapedID, 1)
}

// Before reports whether row a stands before row b in a check order
// (Operation.CheckOrder, Operation.FullCheckOrder), both in it.
func Before(order []string, a, b string) bool {
	i, j := slices.Index(order, a), slices.Index(order, b)
	return i >= 0 && j >= 0 && i < j
}
