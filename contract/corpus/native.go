package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/addons-contract/contract/internal/words"
)

// The Go native fuzz file format ("go test fuzz v1"): the Go toolchain
// reads and writes it in internal/fuzz (unmarshalCorpusFile,
// marshalCorpusFile), which no package exports, neither in the standard
// library nor in golang.org/x; so this file follows it.

// nativeHeader is the first line of a Go native fuzz corpus file.
const nativeHeader = "go test fuzz v1"

// parseNative decodes a "go test fuzz v1" file: one Go call expression a
// line, as internal/fuzz writes them (string("…"), []byte("…"), byte('x'),
// int64(-3), uint16(7), bool(true), float64(1.5), math.Float64frombits(…)).
func parseNative(data []byte) ([]any, error) {
	lines := bytes.Split(data, []byte("\n"))
	if strings.TrimSuffix(string(lines[0]), "\r") != nativeHeader {
		return nil, fmt.Errorf("first line %q, want %q", lines[0], nativeHeader)
	}
	var vals []any
	for i, line := range lines[1:] {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		v, err := parseNativeValue(string(line))
		if err != nil {
			return nil, fmt.Errorf("line %d %q: %v", i+2, words.Clip(string(line), 60), err)
		}
		vals = append(vals, v)
	}
	if len(vals) == 0 {
		return nil, errors.New("no values after the " + nativeHeader + " line")
	}
	return vals, nil
}

// parseNativeValue parses one value line: a conversion of one literal.
func parseNativeValue(line string) (any, error) {
	expr, err := parser.ParseExpr(line)
	if err != nil {
		return nil, err
	}
	call, ok := expr.(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return nil, errors.New("want a conversion of one literal, such as string(\"x\")")
	}
	typ := conversionName(call.Fun)
	conv, ok := conversions[typ]
	if !ok {
		return nil, errors.New("want []byte or a basic type")
	}
	val, kind, err := literalOf(call.Args[0])
	if err != nil {
		return nil, err
	}
	if !conv.takes(kind) {
		return nil, fmt.Errorf("%s takes %s", typ, conv.want)
	}
	return conv.parse(val, kind)
}

// conversionName names the conversion a value line calls: "string",
// "[]byte", "math.Float64frombits"; "" for anything else.
func conversionName(fun ast.Expr) string {
	switch f := fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		if x, ok := f.X.(*ast.Ident); ok {
			return x.Name + "." + f.Sel.Name
		}
	case *ast.ArrayType:
		if elt, ok := f.Elt.(*ast.Ident); ok && f.Len == nil {
			return "[]" + elt.Name
		}
	}
	return ""
}

// literalOf is the text and kind of a conversion's argument: a basic
// literal, one negated, NaN or ±Inf (as token.FLOAT), or an identifier
// such as true (as token.IDENT).
func literalOf(arg ast.Expr) (string, token.Token, error) {
	switch a := arg.(type) {
	case *ast.BasicLit:
		return a.Value, a.Kind, nil
	case *ast.Ident:
		if a.Name == "NaN" {
			return a.Name, token.FLOAT, nil
		}
		return a.Name, token.IDENT, nil
	case *ast.UnaryExpr:
		switch x := a.X.(type) {
		case *ast.BasicLit:
			if a.Op != token.SUB {
				return "", token.ILLEGAL, fmt.Errorf("unsupported operator %v", a.Op)
			}
			return "-" + x.Value, x.Kind, nil
		case *ast.Ident:
			if x.Name == "Inf" {
				return a.Op.String() + "Inf", token.FLOAT, nil
			}
		}
	}
	return "", token.ILLEGAL, errors.New("want a literal")
}

// conversion is how a fuzz file writes values of one type: the literal
// kinds it takes and how their text becomes the value.
type conversion struct {
	kinds []token.Token
	want  string // the literal it takes, for errors: "an integer literal"
	parse func(val string, kind token.Token) (any, error)
}

func (c conversion) takes(kind token.Token) bool {
	for _, k := range c.kinds {
		if k == kind {
			return true
		}
	}
	return false
}

// conversions are the value lines internal/fuzz writes, by conversion name.
var conversions = map[string]conversion{
	"[]byte": {[]token.Token{token.STRING}, "a string literal", func(v string, _ token.Token) (any, error) {
		s, err := strconv.Unquote(v)
		return []byte(s), err
	}},
	"string": {[]token.Token{token.STRING}, "a string literal", func(v string, _ token.Token) (any, error) {
		return strconv.Unquote(v)
	}},
	"bool": {[]token.Token{token.IDENT}, "true or false", parseBool},
	"byte": {[]token.Token{token.INT, token.CHAR}, "a character literal", parseChar[uint8](unsigned[uint8](8), math.MaxUint8)},
	"rune": {[]token.Token{token.INT, token.CHAR}, "a character literal", parseChar[int32](signed[int32](32), math.MaxInt32)},

	"int":    signed[int](64),
	"int8":   signed[int8](8),
	"int16":  signed[int16](16),
	"int32":  signed[int32](32),
	"int64":  signed[int64](64),
	"uint":   unsigned[uint](64),
	"uint8":  unsigned[uint8](8),
	"uint16": unsigned[uint16](16),
	"uint32": unsigned[uint32](32),
	"uint64": unsigned[uint64](64),

	"float32": {[]token.Token{token.FLOAT, token.INT}, "a number literal", func(v string, _ token.Token) (any, error) {
		f, err := strconv.ParseFloat(v, 32)
		return float32(f), err
	}},
	"float64": {[]token.Token{token.FLOAT, token.INT}, "a number literal", func(v string, _ token.Token) (any, error) {
		return strconv.ParseFloat(v, 64)
	}},
	"math.Float32frombits": {[]token.Token{token.INT}, "an integer literal", func(v string, _ token.Token) (any, error) {
		n, err := strconv.ParseUint(v, 0, 32)
		return math.Float32frombits(uint32(n)), err
	}},
	"math.Float64frombits": {[]token.Token{token.INT}, "an integer literal", func(v string, _ token.Token) (any, error) {
		n, err := strconv.ParseUint(v, 0, 64)
		return math.Float64frombits(n), err
	}},
}

func parseBool(v string, _ token.Token) (any, error) {
	if v != "true" && v != "false" {
		return nil, errors.New("bool takes true or false")
	}
	return v == "true", nil
}

// parseChar parses a byte or a rune: an integer literal as the integer
// conversion num does, or a character literal whose code point is at most
// top.
func parseChar[T uint8 | int32](num conversion, top rune) func(string, token.Token) (any, error) {
	return func(v string, kind token.Token) (any, error) {
		if kind == token.INT {
			return num.parse(v, kind)
		}
		if len(v) < 2 {
			return nil, errors.New("want a character literal")
		}
		r, _, _, err := strconv.UnquoteChar(v[1:len(v)-1], '\'')
		if err != nil {
			return nil, err
		}
		if r > top {
			return nil, errors.New("byte takes a single byte")
		}
		return T(r), nil
	}
}

// signed is the conversion to an integer type of bits bits.
func signed[T int | int8 | int16 | int32 | int64](bits int) conversion {
	return conversion{[]token.Token{token.INT}, "an integer literal", func(v string, _ token.Token) (any, error) {
		n, err := strconv.ParseInt(v, 0, bits)
		return T(n), err
	}}
}

// unsigned is the conversion to an unsigned integer type of bits bits.
func unsigned[T uint | uint8 | uint16 | uint32 | uint64](bits int) conversion {
	return conversion{[]token.Token{token.INT}, "an integer literal", func(v string, _ token.Token) (any, error) {
		n, err := strconv.ParseUint(v, 0, bits)
		return T(n), err
	}}
}

// encodeNative writes values in the "go test fuzz v1" format, as
// internal/fuzz's marshalCorpusFile does: bytes and valid runes as
// character literals, unusual NaNs by their bits.
func encodeNative(vals []any) []byte {
	var b bytes.Buffer
	b.WriteString(nativeHeader + "\n")
	for _, v := range vals {
		switch t := v.(type) {
		case []byte:
			fmt.Fprintf(&b, "[]byte(%q)\n", t)
		case string:
			fmt.Fprintf(&b, "string(%q)\n", t)
		case uint8:
			fmt.Fprintf(&b, "byte(%q)\n", t)
		case int32:
			if utf8.ValidRune(t) {
				fmt.Fprintf(&b, "rune(%q)\n", t)
			} else {
				fmt.Fprintf(&b, "int32(%v)\n", t) // %q would write U+FFFD
			}
		case float64:
			if math.IsNaN(t) && math.Float64bits(t) != math.Float64bits(math.NaN()) {
				fmt.Fprintf(&b, "math.Float64frombits(0x%x)\n", math.Float64bits(t))
			} else {
				fmt.Fprintf(&b, "float64(%v)\n", t)
			}
		case float32:
			if math.IsNaN(float64(t)) && math.Float32bits(t) != math.Float32bits(float32(math.NaN())) {
				fmt.Fprintf(&b, "math.Float32frombits(0x%x)\n", math.Float32bits(t))
			} else {
				fmt.Fprintf(&b, "float32(%v)\n", t)
			}
		default:
			fmt.Fprintf(&b, "%T(%v)\n", t, t)
		}
	}
	return b.Bytes()
}

// withNativeBody replaces the last []byte value of a native fuzz input.
func withNativeBody(vals []any, body []byte) []any {
	out := append([]any(nil), vals...)
	for i := len(out) - 1; i >= 0; i-- {
		if _, ok := out[i].([]byte); ok {
			out[i] = body
			break
		}
	}
	return out
}

// typeNames lists Go types as a fuzz target declares them, for errors:
// "byte, string, []byte".
func typeNames(ts []reflect.Type) string {
	names := make([]string, len(ts))
	for i, t := range ts {
		switch names[i] = t.String(); names[i] {
		case "uint8":
			names[i] = "byte"
		case "int32":
			names[i] = "rune"
		case "[]uint8":
			names[i] = "[]byte"
		}
	}
	return strings.Join(names, ", ")
}
