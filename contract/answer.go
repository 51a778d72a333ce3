package contract

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"strings"

	"github.com/addons-contract/contract/gen"
	"github.com/addons-contract/contract/spec"
)

// answer is the part of a response that checks judge, parsed once.
type answer struct {
	status     int
	mediaType  string // lower case, without parameters; "" when absent or unparsable
	body       any    // the decoded JSON body (numbers as json.Number); nil when not JSON
	isJSON     bool   // the body is exactly one JSON value
	code       int64  // the body's "code" when it is an integer
	hasCode    bool
	message    string // the body's "message" when it is a string
	hasMessage bool
}

// Reading is an answer as the checks read it, for comparing two targets'
// answers in the contract's terms (package drift).
type Reading struct {
	Code       int64 // the body's "code", when it is an integer (HasCode)
	HasCode    bool
	Message    string // the body's "message", when it is a string (HasMessage)
	HasMessage bool
	Row        string // the first error row (spec order) the answer fits, "" when none
	Body       any    // the decoded JSON body, numbers as json.Number
	IsJSON     bool   // the body is exactly one JSON value (Body holds it)
}

// Read reads ex's answer as the checks do.
func Read(op *spec.Operation, ex *Exchange) Reading {
	a := parseAnswer(ex)
	return Reading{Code: a.code, HasCode: a.hasCode, Message: a.message, HasMessage: a.hasMessage,
		Row: rowOf(op, a), Body: a.body, IsJSON: a.isJSON}
}

// parseAnswer reads ex's status, media type and, for JSON bodies, code and message.
func parseAnswer(ex *Exchange) answer {
	a := answer{status: ex.Status}
	if ex.Header != nil {
		if mt, _, err := mime.ParseMediaType(ex.Header.Get("Content-Type")); err == nil {
			a.mediaType = strings.ToLower(mt)
		}
	}
	if v, ok := decodeJSON(ex.Body); ok {
		a.body, a.isJSON = v, true
		if m, ok := v.(map[string]any); ok {
			if n, ok := m["code"].(json.Number); ok {
				if i, err := n.Int64(); err == nil {
					a.code, a.hasCode = i, true
				}
			}
			if s, ok := m["message"].(string); ok {
				a.message, a.hasMessage = s, true
			}
		}
	}
	return a
}

// maxJSONDepth is the deepest nesting of arrays and objects an answer may
// have to be decoded. The contract's bodies are a few levels deep (an
// object holding a list of plan objects, spec/addons.yaml), while a
// decoder, and libopenapi-validator's schema walk even more so, spends
// memory on every level of a body nested 100,000 deep.
const maxJSONDepth = 64

// decodeJSON decodes exactly one JSON value, numbers kept as json.Number.
// A body nested deeper than maxJSONDepth is not decoded. The decoder reads
// the body compacted (compactJSON): a request body padded to the size
// limit with whitespace decodes in one quick pass instead of encoding/json
// stepping through a megabyte of spaces three times.
func decodeJSON(b []byte) (any, bool) {
	c, deep := compactJSON(b, maxJSONDepth)
	if deep || len(c) == 0 {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(c))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false
	}
	return v, true
}

// strState tracks whether the bytes of a JSON text lie inside a string.
type strState struct{ in, escaped bool }

// outside reports whether c, the next byte, lies outside every string
// (a string's quotes count as inside). It follows JSON's lexical rule for
// strings whether or not the text is valid, as encoding/json does.
func (s *strState) outside(c byte) bool {
	switch {
	case s.escaped:
		s.escaped = false
	case s.in:
		s.escaped = c == '\\'
		s.in = c != '"'
	case c == '"':
		s.in = true
	default:
		return true
	}
	return false
}

// jsonTooDeep reports whether b, read as JSON, opens more than max arrays
// and objects inside one another (gen.NestedDeeper: one pass over the
// bytes, cheap enough to run before any decoder; b need not be valid JSON).
func jsonTooDeep(b []byte, max int) bool { return gen.NestedDeeper(b, max) }

// compactJSON returns b without the whitespace outside strings, except one
// space between two bytes that would otherwise join two tokens ("1 2"
// stays "1 2"), so b and the result are both valid JSON, of the same
// value, or both invalid. deep reports nesting past max, at which point it
// stops. b need not be valid JSON.
func compactJSON(b []byte, max int) (out []byte, deep bool) {
	out = make([]byte, 0, min(len(b), 4096))
	var st strState
	depth := 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		if !st.outside(c) {
			out = append(out, c)
			continue
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			j := i
			for j < len(b) && isJSONSpace(b[j]) {
				j++
			}
			if len(out) > 0 && j < len(b) && isWordByte(out[len(out)-1]) && isWordByte(b[j]) {
				out = append(out, ' ')
			}
			i = j - 1
			continue
		case '[', '{':
			if depth++; depth > max {
				return nil, true
			}
		case ']', '}':
			depth--
		}
		out = append(out, c)
	}
	return out, false
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// isWordByte reports whether c may be part of a number or a literal: any
// byte but whitespace, a structural character or a quote.
func isWordByte(c byte) bool {
	switch c {
	case '{', '}', '[', ']', ',', ':', '"', ' ', '\t', '\n', '\r':
		return false
	}
	return true
}

// matchesRow reports whether a is an answer of row: its status, its code and
// a message fitting its template (fill narrows the placeholders).
func matchesRow(row spec.ErrorRow, a answer, fill spec.Fill) bool {
	return a.carries(row) && spec.CompileTemplate(row.Message, fill).Fits(a.message)
}

// carries reports whether a has row's status and code, and a message.
func (a answer) carries(row spec.ErrorRow) bool {
	return a.status == row.Status && a.hasCode && a.code == int64(row.Code) && a.hasMessage
}

// rowOf returns the id of the first error row (spec order) that a matches
// with every placeholder left open, "" when none does.
func rowOf(op *spec.Operation, a answer) string {
	if a.status < 400 || !a.hasCode {
		return ""
	}
	for _, row := range op.Errors {
		if matchesRow(row, a, nil) {
			return row.ID
		}
	}
	return ""
}

// namedPlan returns the code an "already has" answer names ({planCode} in
// the row's template), when a is such an answer.
func namedPlan(row spec.ErrorRow, a answer) (string, bool) {
	if !a.carries(row) {
		return "", false
	}
	return spec.CompileTemplate(row.Message, nil).Captured(a.message, "planCode")
}

// Answer is an exchange's answer parsed once, as the checks read it; a run
// shares it between its checks, its plan model and its coverage.
type Answer struct{ a answer }

// ParseAnswer parses ex's answer.
func ParseAnswer(ex *Exchange) Answer { return Answer{parseAnswer(ex)} }

// Answer is j's answer, parsed once for every check that judges it.
func (j *Judgement) Answer() Answer { return Answer{j.answer()} }

// Status is the answer's HTTP status.
func (a Answer) Status() int { return a.a.status }

// IsObject reports whether the body is a JSON object.
func (a Answer) IsObject() bool { _, ok := a.a.body.(map[string]any); return ok }

// Row is the id of the first error row (spec order) the answer fits, with
// every placeholder open; "" when none does.
func (a Answer) Row(op *spec.Operation) string { return rowOf(op, a.a) }

// Fits reports whether the answer is row's: its status, code and a message
// fitting its template with fill.
func (a Answer) Fits(row spec.ErrorRow, fill spec.Fill) bool { return matchesRow(row, a.a, fill) }

// NamedPlan is the plan code an answer of row names ({planCode}), when it
// is such an answer.
func (a Answer) NamedPlan(row spec.ErrorRow) (string, bool) { return namedPlan(row, a.a) }

// Shows reports whether a 201 body shows code at plan's catalog place.
func (a Answer) Shows(plan spec.Plan, code string) bool {
	_, found, _ := lookPlace(a.a.body, plan, Add{Code: code})
	return found
}

// String is the status and, for JSON errors, the code and message.
func (a Answer) String() string { return statusText(a.a) }
