package spec

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/addons-contract/contract/internal/jsonorder"
)

// rowConstants reads the package's Row* string constants from its source,
// so that a constant added without a row (or the reverse) cannot hide.
func rowConstants(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	out := map[string]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), f, nil, 0)
		require.NoError(t, err)
		for _, d := range file.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if i >= len(vs.Values) {
						break // iota and repeated constants: no row ids
					}
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if strings.HasPrefix(n.Name, "Row") && ok && lit.Kind == token.STRING {
						out[n.Name], _ = strconv.Unquote(lit.Value)
					}
				}
			}
		}
	}
	return out
}

func TestRowConstants(t *testing.T) {
	_, op := addonsOp(t)
	consts := rowConstants(t)
	require.Len(t, consts, 13, "the brief's 12 rows and token_expired")
	named := map[string]bool{}
	for name, id := range consts {
		if _, ok := op.Row(id); !ok {
			t.Errorf("%s = %q names no row of spec/addons.yaml", name, id)
		}
		named[id] = true
	}
	for _, r := range op.Errors {
		if !named[r.ID] {
			t.Errorf("row %s of spec/addons.yaml has no Row constant", r.ID)
		}
	}
	if _, ok := op.Row("no_such_row"); ok {
		t.Error("Row found a row that is not there")
	}
	require.Contains(t, op.CheckOrder, CheckRoute)
}

func TestDefaultVocabulary(t *testing.T) {
	_, op := addonsOp(t)
	rooms, ok := op.RoomsAddon()
	require.True(t, ok, "rooms_base names its plan")
	require.Equal(t, Plan{Code: "zroom_monthly", Place: "plan_zoom_rooms", Hosts: true}, rooms)

	want := []string{RowBodyTooLarge, CheckRoute, RowRateLimited, RowInvalidToken, RowUserMissing, RowAccountMissing,
		RowUnsupportedMedia, RowInvalidBody, RowVolumeLicense, RowSelfPay, RowFreePlan, RowRoomsBase, RowAlreadyHas}
	if diff := cmp.Diff(want, op.FullCheckOrder); diff != "" {
		t.Errorf("full check order: 413 before reading anything, 429 right after the route (-want +got):\n%s", diff)
	}
	fields := map[string]string{}
	var order []string
	for _, f := range op.CatalogFields {
		fields[f.String()] = f.Rule
		order = append(order, f.String())
	}
	if diff := cmp.Diff([]string{"type", "plan_details.plan_base.type", "plan_details.plan_calling[].type", "plan_details.plan_number[].type"}, order); diff != "" {
		t.Errorf("catalog fields in schema order (-want +got):\n%s", diff)
	}
	require.Equal(t, CatalogAddon, fields["type"])
	require.Equal(t, "plan_phone.plan_calling[]", fields["plan_details.plan_calling[].type"])
}

func TestVocabularyDocument(t *testing.T) {
	op, err := mustLoad(t, "testdata/vocab.yaml").Operation("postA")
	require.NoError(t, err)
	if diff := cmp.Diff([]CatalogField{
		{Path: []string{"type"}, Rule: CatalogAddon},
		{Path: []string{"codes", ItemsStep}, Rule: "plan_webinar[]"},
		{Path: []string{"next", "room"}, Rule: "plan_zoom_rooms"},
	}, op.CatalogFields); diff != "" {
		t.Errorf("fields through allOf (once), array items and a $ref cycle (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"body_too_large", "route", "rate_limited", "user_missing", "invalid_token", "invalid_body"}, op.FullCheckOrder); diff != "" {
		t.Errorf("rows placed at one entry keep the table's order (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string][]string{"rooms_base": {"zroom_monthly"}}, op.RowPlans); diff != "" {
		t.Errorf("row plans (-want +got):\n%s", diff)
	}
	codes, err := op.PlanCodes([]byte(`{"next":{"room":"zroom_monthly","next":{"room":"deeper"}},"codes":["a","b"]}`))
	require.NoError(t, err)
	require.Equal(t, []string{"a", "b", "zroom_monthly"}, codes, "field order, items in order; the cycle's second round is no field")
}

// TestVocabularyLoadErrors edits testdata/vocab.yaml into documents whose
// vocabulary is wrong: each is refused at load, naming the place.
func TestVocabularyLoadErrors(t *testing.T) {
	raw, err := os.ReadFile("testdata/vocab.yaml")
	require.NoError(t, err)
	tests := []struct {
		name, old, new, want string
	}{
		{"unknown rule", `x-catalog: plan_zoom_rooms}`, `x-catalog: plan_nowhere}`,
			`/components/schemas/Node/properties/room/x-catalog: x-catalog "plan_nowhere" is neither "addon" nor a place of x-plan-catalog`},
		{"rule not a string", `x-catalog: plan_zoom_rooms}`, `x-catalog: 3}`,
			`/components/schemas/Node/properties/room/x-catalog: want a string`},
		{"two rules for one field", "            type: {type: string, x-catalog: addon}\n            hosts",
			"            type: {type: string, x-catalog: \"plan_webinar[]\"}\n            hosts", `body field type has two x-catalog rules, "addon" and "plan_webinar[]"`},
		{"rule naming a place no code has", `- {code: zroom_monthly, place: plan_zoom_rooms}`, ``,
			`x-catalog "plan_zoom_rooms" is neither`},
		{"marker without a catalog", `x-plan-catalog:`, `x-plan-catalog-off:`,
			`x-catalog "addon", but the operation has no x-plan-catalog`},
		{"row plan outside the catalog", `plans: [zroom_monthly]`, `plans: [zroom_yearly]`,
			`/x-error-codes/1/plans/0: "zroom_yearly" is not an add-on code of x-plan-catalog`},
		{"row plan a base plan", `plans: [zroom_monthly]`, `plans: [yearly]`, `"yearly" is not an add-on code`},
		{"row plans empty", `plans: [zroom_monthly]`, `plans: []`, `/plans: want a non-empty list of plan codes`},
		{"placement of no row", `{id: user_missing, after: route}`, `{id: user_gone, after: route}`,
			`/x-check-placement/2: "user_gone" is not an x-error-codes row id`},
		{"placement of an ordered row", `{id: user_missing, after: route}`, `{id: invalid_body, after: route}`,
			`"invalid_body" is placed already`},
		{"placement twice", `{id: user_missing, after: route}`, `{id: rate_limited, before: invalid_body}`,
			`"rate_limited" is placed already`},
		{"placement with both anchors", `{id: user_missing, after: route}`, `{id: user_missing, after: route, before: route}`,
			`want exactly one of "before" and "after"`},
		{"placement at no entry", `{id: user_missing, after: route}`, `{id: user_missing, after: self_pay}`,
			`"self_pay" is not an entry of x-check-order`},
		{"placement without an order", `x-check-order: [route, invalid_token, invalid_body]`, ``,
			`x-check-placement needs an x-check-order`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Contains(t, string(raw), tt.old)
			_, err := Parse("vocab.yaml", []byte(strings.Replace(string(raw), tt.old, tt.new, 1)))
			require.Error(t, err)
			require.Contains(t, err.Error(), tt.want)
			require.Regexp(t, `^vocab\.yaml:\d+: `, err.Error(), "the error names the line")
		})
	}
}

func TestPlanFields(t *testing.T) {
	_, op := addonsOp(t)
	tests := []struct {
		name, body, reason string
		want               []string // field=code@hosts
	}{
		{"plain form", `{"hosts":18,"type":"webinar500_monthly"}`, "the sibling hosts is read as written",
			[]string{"type=webinar500_monthly@18"}},
		{"phone form in schema order", `{"plan_details":{"plan_number":[{"type":"n","hosts":2}],"plan_calling":[{"type":"c","hosts":1.0}],"plan_base":{"type":"b"}}}`,
			"already_has names the first held code in the order plan_base, plan_calling, plan_number, whatever the body's order",
			[]string{"plan_details.plan_base.type=b@", "plan_details.plan_calling[0].type=c@1.0", "plan_details.plan_number[0].type=n@2"}},
		{"items in order", `{"plan_details":{"plan_calling":[{"type":"x"},{"type":"y"}]}}`, "array items keep the body's order",
			[]string{"plan_details.plan_calling[0].type=x@", "plan_details.plan_calling[1].type=y@"}},
		{"not a string", `{"type":5}`, "a value that is no code is still reported (its kind tells)",
			[]string{"type=5@"}},
		{"wrong shapes", `{"plan_details":{"plan_calling":{"type":"x"},"plan_base":["y"]}}`, "values off the fields' paths are no fields",
			nil},
		{"not an object", `["type"]`, "a body that is no object has no fields", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := jsonorder.Parse([]byte(tt.body), jsonorder.Options{})
			require.NoError(t, err)
			var got []string
			for _, f := range op.PlanFields(v) {
				got = append(got, f.At.String()+"="+f.Value.Text+"@"+f.Hosts.Text)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.reason, diff)
			}
		})
	}
}

func TestPlanCodes(t *testing.T) {
	_, op := addonsOp(t)
	codes, err := op.PlanCodes([]byte(`{"plan_details":{"plan_calling":[{"type":"c","hosts":1}],"plan_base":{"type":5}}}`))
	require.NoError(t, err)
	require.Equal(t, []string{"c"}, codes, "values that are no strings are no codes")
	for _, bad := range []string{`{"type":"a","type":"b"}`, `{"plan_details":{"plan_base":{"type":"a","type":"b"}}}`, `{"type":"a"} x`, `{`} {
		_, err := op.PlanCodes([]byte(bad))
		require.Error(t, err, "%s is not one JSON value without a repeated key", bad)
		require.NotContains(t, err.Error(), "\n")
	}
}

func TestMessages(t *testing.T) {
	const tmpl = "Account does not exist: {subAccountId}; see {detail}."
	require.Equal(t, []string{"subAccountId", "detail"}, Placeholders(tmpl))
	require.Equal(t, "Account does not exist: ; see {detail}.", FillMessage(tmpl, Fill{"subAccountId": {"", "x"}}),
		"an empty first value fills, a placeholder without values stays as written")

	tests := []struct {
		name, msg string
		fill      Fill
		fits      bool
		captured  string // of subAccountId, when it fits
	}{
		{"open placeholders take any text", "Account does not exist: a.b; see c.", nil, true, "a.b"},
		{"a filled one takes one of its values", "Account does not exist: s2; see c.", Fill{"subAccountId": {"s1", "s2"}}, true, "s2"},
		{"and no other", "Account does not exist: s3; see c.", Fill{"subAccountId": {"s1", "s2"}}, false, ""},
		{"values are literal", "Account does not exist: aXb; see c.", Fill{"subAccountId": {"a.b"}}, false, ""},
		{"an open one is never empty", "Account does not exist: x; see .", nil, false, ""},
		{"the rest is as written", "Account does not exist: x; see c!", nil, false, ""},
		{"anchored", "Error: Account does not exist: x; see c.", nil, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tp := CompileTemplate(tmpl, tt.fill)
			require.Equal(t, tt.fits, tp.Fits(tt.msg))
			got, ok := tp.Captured(tt.msg, "subAccountId")
			require.Equal(t, tt.fits, ok)
			require.Equal(t, tt.captured, got)
		})
	}
	if _, ok := CompileTemplate(tmpl, nil).Captured("Account does not exist: x; see c.", "planCode"); ok {
		t.Error("Captured reported a placeholder the template does not have")
	}
	require.Same(t, CompileTemplate(tmpl, nil).re, CompileTemplate(tmpl, nil).re, "compiled templates are cached")
}
