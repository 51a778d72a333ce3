package gen

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

func TestParseEncodeRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		in     string
	}{
		{"member order", "bytes follow schema order, so parsing must not sort keys", `{"type":"a","hosts":18,"b":[1,2]}`},
		{"number literals", "18.0 and 1.8e1 are sent as written", `{"a":18.0,"b":1.8e1,"c":-0.5}`},
		{"repeated keys", "duplicate-key cases keep both members", `{"a":1,"a":2}`},
		{"escapes", "control characters are escaped, non-ASCII is kept", `{"s":"a\u0000b\n\t\"\\é😀"}`},
		{"scalars", "a body need not be an object", `[true,false,null,"x",0]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := parseValue([]byte(tt.in))
			if err != nil {
				t.Fatalf("parseValue(%s): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.in, string(v.encode())); diff != "" {
				t.Errorf("%s (-in +out):\n%s", tt.reason, diff)
			}
		})
	}
	for _, bad := range []string{``, `{`, `{"a":1} x`, `{"a":1}{}`, `[1,]`} {
		if _, err := parseValue([]byte(bad)); err == nil {
			t.Errorf("parseValue(%q) succeeded, want an error", bad)
		}
	}
}

// Shrinking re-parses a case's bytes: every generated well-formed body must
// come back byte for byte.
func TestGeneratedBodiesRoundTrip(t *testing.T) {
	g := newGen(t, addons(t), Options{})
	for _, valid := range []bool{true, false} {
		for _, c := range g.Cases(testSeed(t), 300, valid) {
			if c.Layer == LayerSyntax || c.Layer == LayerSize {
				continue // not one well-formed value, or padded with whitespace
			}
			v, err := parseValue(c.Body)
			if err != nil {
				t.Fatalf("%s: %v", c, err)
			}
			if got := string(v.encode()); got != string(c.Body) {
				t.Fatalf("%s: re-encoded as %.120s", c, got)
			}
		}
	}
}

func TestPaths(t *testing.T) {
	tests := []struct {
		path []step
		want string
	}{
		{nil, ""},
		{[]step{key("hosts")}, "hosts"},
		{[]step{key("plan_details"), key("plan_calling"), index(0), key("type")}, "plan_details.plan_calling[0].type"},
		{[]step{index(2), index(1)}, "[2][1]"},
	}
	for _, tt := range tests {
		got := pathString(tt.path)
		if got != tt.want {
			t.Errorf("pathString: got %q, want %q", got, tt.want)
		}
		if diff := cmp.Diff(tt.path, parsePath(got), cmp.AllowUnexported(step{})); diff != "" {
			t.Errorf("parsePath(%q) (-want +got):\n%s", got, diff)
		}
	}
}

func TestFormats(t *testing.T) {
	tests := []struct {
		format, in string
		want       bool
		reason     string
	}{
		{"date", "2021-12-31", true, "the page's example"},
		{"date", "2024-02-29", true, "a leap day"},
		{"date", "2021-02-29", false, "not a leap year"},
		{"date", "2021-02-30", false, "no such day"},
		{"date", "2021-1-5", false, "RFC 3339 wants two digits"},
		{"date", "2021-12-31T00:00:00Z", false, "a date-time is not a date"},
		{"date-time", "2021-12-31T10:20:30Z", true, "UTC"},
		{"date-time", "2021-12-31T10:20:30.5+02:00", true, "fraction and offset"},
		{"date-time", "2021-12-31T10:20:30", false, "no offset"},
		{"date-time", "2021-12-31 10:20:30Z", false, "a space for T"},
		{"time", "23:59:60Z", true, "a leap second at the end of a UTC day"},
		{"time", "10:59:60Z", false, "a leap second elsewhere"},
	}
	for _, tt := range tests {
		if got := formatOK(tt.format, tt.in); got != tt.want {
			t.Errorf("formatOK(%s, %q): got %v, want %v (%s)", tt.format, tt.in, got, tt.want, tt.reason)
		}
	}
}

func TestExponentForm(t *testing.T) {
	for n, want := range map[int64]string{18: "1.8e1", 100: "1e2", -1001: "-1.001e3", 2147483647: "2.147483647e9"} {
		if got := exponentForm(n); got != want {
			t.Errorf("exponentForm(%d): got %s, want %s", n, got, want)
		}
	}
}

func TestCaseString(t *testing.T) {
	c := Case{Seed: 5, Index: 7, Class: "out-of-range", Layer: LayerSchema, Field: "hosts",
		ContentType: "application/json", Body: []byte(`{"type":"webinar500_monthly","hosts":0}`)}
	want := `out-of-range/schema field=hosts body="{\"type\":\"webinar500_monthly\",\"hosts\":0}" (seed=5 index=7)`
	if diff := cmp.Diff(want, c.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	long := Case{Body: []byte(strings.Repeat("x", 500))}
	if s := long.String(); strings.Contains(s, "\n") || len(s) > 160 || !strings.Contains(s, "500 bytes") {
		t.Errorf("a long body must preview on one short line: %q", s)
	}
}

func TestClassesAreWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, ci := range Classes() {
		if ci.ID == "" || ci.Description == "" || len(ci.Layers) == 0 {
			t.Errorf("class %+v: id, description and layers are all needed", ci)
		}
		if seen[ci.ID] {
			t.Errorf("class %s listed twice", ci.ID)
		}
		seen[ci.ID] = true
	}
	if diff := cmp.Diff(Classes(), Classes()); diff != "" {
		t.Errorf("Classes() is not stable:\n%s", diff)
	}
}

// wellFormedObject is the self-check's judge of syntax-layer cases: it must
// itself tell a well-formed object from each kind of malformed body.
func TestWellFormedObject(t *testing.T) {
	deep := strings.Repeat("[", MaxNesting+1) + strings.Repeat("]", MaxNesting+1)
	tests := []struct {
		body string
		want bool
	}{
		{`{"a":1,"b":{"c":[1,{"d":2}]}}`, true},
		{`{"a":{"x":1},"b":{"x":2}}`, true},
		{"{ \n\t}", true},
		{``, false},
		{`   `, false},
		{`[]`, false},
		{`{"a":1`, false},
		{`{"a":1} {}`, false},
		{`{"a":1}x`, false},
		{`{"a":1,"a":1}`, false},
		{`{"a":{"b":1,"b":2}}`, false},
		{`{"a":[{"b":1,"b":2}]}`, false},
		{`{"a":` + deep + `}`, false},
	}
	for _, tt := range tests {
		if got := wellFormedObject([]byte(tt.body)); got != tt.want {
			t.Errorf("wellFormedObject(%.40q): got %v, want %v", tt.body, got, tt.want)
		}
	}
}

func TestCatalogOK(t *testing.T) {
	g := newGen(t, addons(t), Options{})
	tests := []struct {
		name, body, reason string
		want               bool
	}{
		{"add-on code", `{"type":"webinar500_monthly","hosts":1}`, "a catalog add-on is accepted", true},
		{"unknown code", `{"type":"webinar501_monthly","hosts":1}`, "codes outside the catalog are not", false},
		{"base plan", `{"type":"yearly","hosts":1}`, "the base plan is not an add-on", false},
		{"phone slot", `{"plan_details":{"plan_base":{"type":"phone_payongo"}}}`, "a slot takes its own code", true},
		{"wrong slot", `{"plan_details":{"plan_base":{"type":"webinar500_monthly"}}}`, "a slot takes only its own code", false},
		{"repeated key", `{"type":"webinar500_monthly","type":"webinar500_monthly","hosts":1}`, "a repeated key is malformed", false},
		{"trailing data", `{"type":"webinar500_monthly","hosts":1} x`, "trailing data is malformed", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := g.CatalogOK([]byte(tt.body)); got != tt.want {
				t.Errorf("CatalogOK(%s) = %v, want %v: %s", tt.body, got, tt.want, tt.reason)
			}
		})
	}
	require.Equal(t, []string{"phone_payongo", "phone_calling_usca_monthly_unlimited"},
		g.Codes([]byte(`{"plan_details":{"plan_base":{"type":"phone_payongo"},"plan_calling":[{"type":"phone_calling_usca_monthly_unlimited","hosts":2}]}}`)))
}
