// Package jsonorder reads JSON as it was written: object members in order,
// numbers as their literal text ("18.0" stays "18.0") and, unless asked to
// keep them, no object that repeats a key. encoding/json's decoding into
// maps loses the first two and silently keeps the last of a repeated key,
// while the contract (spec/addons.yaml, invalid_body) calls such a body
// invalid and its generators and judges need bodies exactly as sent.
package jsonorder

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Kind is the JSON type of a Value.
type Kind uint8

// The kinds of Value; None is the zero Value, "no value" (an absent member).
const (
	None Kind = iota
	Null
	Bool
	Number
	String
	Array
	Object
)

// Value is one JSON value as written. Treat it as immutable.
type Value struct {
	Kind    Kind
	Bool    bool
	Text    string   // a number's literal or a string's content
	Items   []Value  // an array's items
	Members []Member // an object's members, in order (repeats kept only with Options.AllowDuplicates)
}

// Member is one name/value pair of an object.
type Member struct {
	Name  string
	Value Value
}

// Get returns the member called name; of repeated members the last, as
// encoding/json would keep it.
func (v Value) Get(name string) (Value, bool) {
	for i := len(v.Members) - 1; i >= 0; i-- {
		if v.Members[i].Name == name {
			return v.Members[i].Value, true
		}
	}
	return Value{}, false
}

// Any returns v as encoding/json decodes with UseNumber: map[string]any,
// []any, json.Number, string, bool or nil (also for None). Of repeated
// members the last wins.
func (v Value) Any() any {
	switch v.Kind {
	case Bool:
		return v.Bool
	case Number:
		return json.Number(v.Text)
	case String:
		return v.Text
	case Array:
		out := make([]any, len(v.Items))
		for i, it := range v.Items {
			out[i] = it.Any()
		}
		return out
	case Object:
		out := make(map[string]any, len(v.Members))
		for _, m := range v.Members {
			out[m.Name] = m.Value.Any()
		}
		return out
	}
	return nil
}

// Step is one element of a Path: an object member's name or an array index.
type Step struct {
	Name    string
	Index   int
	IsIndex bool
}

// Path locates a value inside a JSON value; empty is the value itself.
type Path []Step

// Key is the Step to an object's member called name.
func Key(name string) Step { return Step{Name: name} }

// Index is the Step to the i-th item of an array.
func Index(i int) Step { return Step{Index: i, IsIndex: true} }

// With returns a new path: p followed by s (p itself is not changed).
func (p Path) With(s Step) Path {
	out := make(Path, len(p), len(p)+1)
	copy(out, p)
	return append(out, s)
}

// String renders p the way the endpoint names fields in its messages
// (spec/addons.yaml, invalid_body): "plan_details.plan_calling[0].type".
func (p Path) String() string {
	var b strings.Builder
	for _, s := range p {
		if s.IsIndex {
			b.WriteString("[" + strconv.Itoa(s.Index) + "]")
			continue
		}
		if b.Len() > 0 { // an empty name adds nothing, not even a dot
			b.WriteByte('.')
		}
		b.WriteString(s.Name)
	}
	return b.String()
}

// DefaultMaxDepth is Options.MaxDepth when it is 0: encoding/json's own
// nesting limit.
const DefaultMaxDepth = 10000

// Options tune Parse; the zero value is strict.
type Options struct {
	// MaxDepth is the deepest a value may sit: the top value is at depth 0,
	// its items and member values at 1, and so on. 0 means DefaultMaxDepth.
	MaxDepth int
	// AllowDuplicates keeps every member of an object that repeats a key,
	// instead of failing with ErrDuplicate.
	AllowDuplicates bool
	// Float64 fails with ErrRange on a number a float64 cannot hold
	// (1e400), as a reader that decodes numbers to float64 would.
	Float64 bool
}

// ErrorKind says what made Parse fail.
type ErrorKind uint8

// The ways input can fail Parse.
const (
	ErrSyntax    ErrorKind = iota + 1 // not JSON at Error.Offset
	ErrTruncated                      // the input ends inside the value (or is empty)
	ErrTrailing                       // something follows the value
	ErrDuplicate                      // Error.Field repeats a key of its object
	ErrDepth                          // a value sits deeper than Options.MaxDepth
	ErrRange                          // the number at Error.Field overflows a float64 (Options.Float64)
)

// Error is a failure of Parse.
type Error struct {
	Kind   ErrorKind
	Field  string // the value concerned, as Path.String renders it; "" for the input as a whole
	Offset int64  // the byte offset at which reading stopped
	Err    error  // encoding/json's error, for ErrSyntax
}

func (e *Error) Error() string {
	switch e.Kind {
	case ErrTruncated:
		return "JSON ends too early"
	case ErrTrailing:
		return "data after the JSON value"
	case ErrDuplicate:
		return fmt.Sprintf("%s: the key is repeated in its object", e.Field)
	case ErrDepth:
		return fmt.Sprintf("JSON nested too deeply (at byte %d)", e.Offset)
	case ErrRange:
		return fmt.Sprintf("%s: the number is out of range", e.Field)
	}
	if e.Err != nil {
		return fmt.Sprintf("invalid JSON at byte %d: %s", e.Offset, strings.TrimPrefix(e.Err.Error(), "json: "))
	}
	return fmt.Sprintf("invalid JSON at byte %d", e.Offset)
}

func (e *Error) Unwrap() error { return e.Err }

// Parse reads exactly one JSON value from data. Problems are reported in
// the order the bytes show them, as an *Error.
func Parse(data []byte, opt Options) (Value, error) {
	if opt.MaxDepth <= 0 {
		opt.MaxDepth = DefaultMaxDepth
	}
	r := reader{dec: json.NewDecoder(bytes.NewReader(data)), opt: opt}
	r.dec.UseNumber()
	v, err := r.value(0)
	if err != nil {
		return Value{}, err
	}
	if _, err := r.dec.Token(); err != io.EOF {
		return Value{}, &Error{Kind: ErrTrailing, Offset: r.dec.InputOffset()}
	}
	return v, nil
}

// reader holds the decoder and the path to the value being read, as a
// stack: most values are read without an error, so their paths are only
// rendered when one is reported.
type reader struct {
	dec *json.Decoder
	opt Options
	at  Path
}

func (r *reader) value(depth int) (Value, error) {
	if depth > r.opt.MaxDepth {
		return Value{}, &Error{Kind: ErrDepth, Field: r.at.String(), Offset: r.dec.InputOffset()}
	}
	tok, err := r.dec.Token()
	if err != nil {
		return Value{}, r.fail(err)
	}
	switch t := tok.(type) {
	case nil:
		return Value{Kind: Null}, nil
	case bool:
		return Value{Kind: Bool, Bool: t}, nil
	case string:
		return Value{Kind: String, Text: t}, nil
	case json.Number:
		if r.opt.Float64 {
			if _, err := strconv.ParseFloat(string(t), 64); err != nil {
				return Value{}, &Error{Kind: ErrRange, Field: r.at.String(), Offset: r.dec.InputOffset()}
			}
		}
		return Value{Kind: Number, Text: string(t)}, nil
	case json.Delim:
		switch t {
		case '{':
			return r.object(depth)
		case '[':
			return r.array(depth)
		}
	}
	// The decoder's own state machine refuses a stray closing delimiter;
	// this is a guard, not a path input can take.
	return Value{}, &Error{Kind: ErrSyntax, Offset: r.dec.InputOffset(), Err: fmt.Errorf("unexpected %v", tok)}
}

func (r *reader) object(depth int) (Value, error) {
	out := Value{Kind: Object}
	var seen map[string]bool
	for r.dec.More() {
		tok, err := r.dec.Token()
		if err != nil {
			return Value{}, r.fail(err)
		}
		name, ok := tok.(string)
		if !ok { // as above: the decoder refuses non-string keys itself
			return Value{}, &Error{Kind: ErrSyntax, Offset: r.dec.InputOffset(), Err: errors.New("an object key must be a string")}
		}
		r.at = append(r.at, Key(name))
		if !r.opt.AllowDuplicates {
			if seen == nil {
				seen = map[string]bool{}
			}
			if seen[name] {
				return Value{}, &Error{Kind: ErrDuplicate, Field: r.at.String(), Offset: r.dec.InputOffset()}
			}
			seen[name] = true
		}
		v, err := r.value(depth + 1)
		r.at = r.at[:len(r.at)-1]
		if err != nil {
			return Value{}, err
		}
		out.Members = append(out.Members, Member{Name: name, Value: v})
	}
	if _, err := r.dec.Token(); err != nil {
		return Value{}, r.fail(err)
	}
	return out, nil
}

func (r *reader) array(depth int) (Value, error) {
	out := Value{Kind: Array}
	for r.dec.More() {
		r.at = append(r.at, Index(len(out.Items)))
		v, err := r.value(depth + 1)
		r.at = r.at[:len(r.at)-1]
		if err != nil {
			return Value{}, err
		}
		out.Items = append(out.Items, v)
	}
	if _, err := r.dec.Token(); err != nil {
		return Value{}, r.fail(err)
	}
	return out, nil
}

// fail words an error of the decoder's Token.
func (r *reader) fail(err error) error {
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn):
		return &Error{Kind: ErrSyntax, Offset: syn.Offset, Err: err}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &Error{Kind: ErrTruncated, Offset: r.dec.InputOffset()}
	}
	return &Error{Kind: ErrSyntax, Offset: r.dec.InputOffset(), Err: err}
}
