package jsonorder

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// str, num and obj build expected values.
func str(s string) Value { return Value{Kind: String, Text: s} }
func num(s string) Value { return Value{Kind: Number, Text: s} }
func obj(ms ...Member) Value {
	return Value{Kind: Object, Members: ms}
}

func TestParseKeepsWhatWasWritten(t *testing.T) {
	tests := []struct {
		name, in, reason string
		opt              Options
		want             Value
	}{
		{"member order", `{"type":"a","hosts":1,"b":null}`, "bodies are judged and re-sent in the order written",
			Options{}, obj(Member{"type", str("a")}, Member{"hosts", num("1")}, Member{"b", Value{Kind: Null}})},
		{"numbers exact", `[18.0,1.8e1,-0,12345678901234567890123,0.1]`, "18.0 is judged as written, big integers lose no digits",
			Options{}, Value{Kind: Array, Items: []Value{num("18.0"), num("1.8e1"), num("-0"), num("12345678901234567890123"), num("0.1")}}},
		{"strings decoded", `"a\u00e9\n\"b"`, "string content is the decoded text",
			Options{}, str("aé\n\"b")},
		{"scalars", `[true,false,null]`, "a value need not be an object",
			Options{}, Value{Kind: Array, Items: []Value{{Kind: Bool, Bool: true}, {Kind: Bool}, {Kind: Null}}}},
		{"duplicates kept on request", `{"a":1,"a":2}`, "generators and replays keep a repeated key as sent",
			Options{AllowDuplicates: true}, obj(Member{"a", num("1")}, Member{"a", num("2")})},
		{"depth at the limit", `[[1]]`, "the top value is at depth 0, so the 1 sits at depth 2",
			Options{MaxDepth: 2}, Value{Kind: Array, Items: []Value{{Kind: Array, Items: []Value{num("1")}}}}},
		{"huge number without Float64", `1e400`, "only Float64 asks for float64's range",
			Options{}, num("1e400")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.in), tt.opt)
			if err != nil {
				t.Fatalf("Parse(%s): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.reason, diff)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name, in string
		opt      Options
		kind     ErrorKind
		field    string
	}{
		{"duplicate at the top", `{"a":1,"b":2,"a":3}`, Options{}, ErrDuplicate, "a"},
		{"duplicate nested", `{"plan_details":{"plan_base":{"type":"x","type":"y"}}}`, Options{}, ErrDuplicate, "plan_details.plan_base.type"},
		{"duplicate in an array item", `{"l":[{"a":1},{"b":1,"b":2}]}`, Options{}, ErrDuplicate, "l[1].b"},
		{"duplicate before a syntax error", `{"a":1,"a":2,}`, Options{}, ErrDuplicate, "a"},
		{"syntax before a duplicate", `{"a":1 "a":2}`, Options{}, ErrSyntax, ""},
		{"empty", ``, Options{}, ErrTruncated, ""},
		{"cut short", `{"a":[1,`, Options{}, ErrTruncated, ""},
		{"trailing value", `{} {}`, Options{}, ErrTrailing, ""},
		{"trailing garbage", `1 x`, Options{}, ErrTrailing, ""},
		{"too deep", `[[[1]]]`, Options{MaxDepth: 2}, ErrDepth, "[0][0][0]"},
		{"huge number", `{"h":[1e400]}`, Options{Float64: true}, ErrRange, "h[0]"},
		{"range before a later duplicate", `{"h":1e400,"h":1}`, Options{Float64: true}, ErrRange, "h"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in), tt.opt)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q) = %v, want an *Error", tt.in, err)
			}
			if e.Kind != tt.kind || e.Field != tt.field {
				t.Errorf("Parse(%q): kind %d at %q (%v), want kind %d at %q", tt.in, e.Kind, e.Field, err, tt.kind, tt.field)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q is not one line", err)
			}
		})
	}
}

func TestSyntaxErrorKeepsOffsetAndCause(t *testing.T) {
	_, err := Parse([]byte(`{"a":tru}`), Options{})
	var e *Error
	var syn *json.SyntaxError
	if !errors.As(err, &e) || e.Kind != ErrSyntax || !errors.As(err, &syn) {
		t.Fatalf("got %v, want an ErrSyntax wrapping a *json.SyntaxError", err)
	}
	if e.Offset != syn.Offset || e.Offset != 7 {
		t.Errorf("offset %d (cause %d), want encoding/json's 7: messages name the byte", e.Offset, syn.Offset)
	}
}

func TestAnyAndGetKeepTheLastRepeat(t *testing.T) {
	v, err := Parse([]byte(`{"a":1,"b":{"c":[true,"x"]},"a":2}`), Options{AllowDuplicates: true})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"a": json.Number("2"), "b": map[string]any{"c": []any{true, "x"}}}
	if diff := cmp.Diff(want, v.Any()); diff != "" {
		t.Errorf("Any, as encoding/json decodes (-want +got):\n%s", diff)
	}
	if a, ok := v.Get("a"); !ok || a.Text != "2" {
		t.Errorf("Get(a) = %v, %v; want the last member, 2", a, ok)
	}
	if _, ok := v.Get("z"); ok {
		t.Error("Get(z) found a member that is not there")
	}
}

func TestPathString(t *testing.T) {
	p := Path{Key("plan_details"), Key("plan_calling"), Index(0), Key("type")}
	if got := p.String(); got != "plan_details.plan_calling[0].type" {
		t.Errorf("got %q, the endpoint's field naming", got)
	}
	q := p[:2].With(Index(3))
	if got := q.String(); got != "plan_details.plan_calling[3]" || p.String() != "plan_details.plan_calling[0].type" {
		t.Errorf("With gave %q and left p %q: it must copy", got, p)
	}
	if got := (Path{Key(""), Key(""), Key("a")}).String(); got != "a" {
		t.Errorf("got %q: an empty name adds nothing, as the mock always named such fields", got)
	}
	if got := (Path{Index(1), Key("a")}).String(); got != "[1].a" {
		t.Errorf("got %q for a path starting at an array", got)
	}
}
