package spec

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// addonsOp loads the embedded document and its addons operation.
func addonsOp(t testing.TB) (*Document, *Operation) {
	t.Helper()
	d, err := Default()
	require.NoError(t, err)
	op, err := d.Operation(AddonsOperationID)
	require.NoError(t, err)
	return d, op
}

func mustLoad(t testing.TB, path string) *Document {
	t.Helper()
	d, err := Load(path)
	require.NoError(t, err)
	return d
}

func response(t testing.TB, op *Operation, status int) *Response {
	t.Helper()
	for _, r := range op.Responses {
		if r.Status == status {
			return r
		}
	}
	require.Failf(t, "no response", "%s has no response %d", op.ID, status)
	return nil
}

func TestDefaultOperationHeader(t *testing.T) {
	_, op := addonsOp(t)
	type header struct {
		ID, Method, Path, Source string
		Servers                  []string
		Security                 []SecurityRequirement
		RateLimit                any
	}
	want := header{
		ID: AddonsOperationID, Method: "POST", Path: "/accounts/{accountId}/plans/addons", Source: "addons.yaml",
		Servers:   []string{"https://api.zoom.us/v2"},
		Security:  []SecurityRequirement{{Scheme: "openapi_oauth", Type: "oauth2", Bearer: true, Scopes: []string{"billing:master"}}},
		RateLimit: "HEAVY",
	}
	got := header{op.ID, op.Method, op.Path, op.Source, op.Servers, op.Security, op.Extensions["x-rate-limit-label"]}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("operation header (-want +got):\n%s", diff)
	}
	require.Len(t, op.Parameters, 1)
	p := op.Parameters[0]
	if diff := cmp.Diff([]any{"accountId", "path", true, []string{"string"}}, []any{p.Name, p.In, p.Required, p.Schema.Types}); diff != "" {
		t.Errorf("accountId parameter (-want +got):\n%s", diff)
	}
}

func TestDefaultBody(t *testing.T) {
	_, op := addonsOp(t)
	require.NotNil(t, op.Body)
	b := op.Body
	if !b.Required || b.MediaType != "application/json" {
		t.Errorf("body required=%v media=%q, want true application/json", b.Required, b.MediaType)
	}
	require.NotNil(t, b.Schema)
	require.Len(t, b.Schema.OneOf, 2, "the body is one of two forms")
	plain, phone := b.Schema.OneOf[0], b.Schema.OneOf[1]

	tests := []struct {
		name, reason string
		got, want    any
	}{
		{"plain form required", "type and hosts are required (the spec (spec/addons.yaml))", plain.Required, []string{"type", "hosts"}},
		{"plain form closed", "additionalProperties false keeps the forms disjoint", plain.NoAdditional, true},
		{"plain fields in order", "properties keep document order", propNames(plain), []string{"type", "hosts", "service_effective_date", "paid_period_start_date"}},
		{"hosts minimum", "hosts < 1 is invalid", *plain.Property("hosts").Minimum, 1.0},
		{"hosts maximum", "hosts > 2147483647 is invalid", *plain.Property("hosts").Maximum, 2147483647.0},
		{"date format", "dates are RFC 3339 full-dates", plain.Property("service_effective_date").Format, "date"},
		{"type catalog mark", "x- extensions of schemas are decoded", plain.Property("type").Extensions["x-catalog"], "addon"},
		{"phone form required", "plan_details is the whole phone form", phone.Required, []string{"plan_details"}},
		{"phone slots", "the three phone slots", propNames(phone.Property("plan_details")), []string{"plan_base", "plan_calling", "plan_number"}},
		{"phone calling items hosts ref", "a $ref'd property keeps its component name", phone.Property("plan_details").Property("plan_calling").Items.Property("hosts").Ref, "Hosts"},
		{"example name", "the page's request example is named", exampleNames(b.Examples), []string{"page"}},
		{"example value", "examples decode to JSON-compatible values (ints as int64)", b.Examples[0].Value, map[string]any{
			"service_effective_date": "2021-12-31", "hosts": int64(18), "type": "webinar500_monthly", "paid_period_start_date": "2021-12-31",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.reason, diff)
			}
		})
	}
}

func propNames(s *Schema) []string {
	var out []string
	for _, p := range s.Properties {
		out = append(out, p.Name)
	}
	return out
}

func exampleNames(es []Example) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Name)
	}
	return out
}

func TestDefaultResponses(t *testing.T) {
	_, op := addonsOp(t)
	var statuses []int
	for _, r := range op.Responses {
		statuses = append(statuses, r.Status)
	}
	if diff := cmp.Diff([]int{201, 400, 401, 404, 405, 413, 415, 429}, statuses); diff != "" {
		t.Errorf("statuses in document order (-want +got):\n%s", diff)
	}
	created := response(t, op, 201)
	require.NotNil(t, created.Schema)
	want := []string{
		"plan_webinar", "plan_zcc", "plan_znode", "plan_workforce_management", "plan_large_meeting",
		"plan_recording", "plan_zsched", "plan_audio", "plan_whiteboard", "plan_zoom_one", "plan_sdk_cmr",
		"plan_mesh", "plan_base", "plan_zoom_iq", "plan_phone", "plan_bundle", "plan_zoom_events",
		"plan_ztransl", "plan_zoom_rooms", "plan_zwr", "plan_room_connector", "plan_whiteboard_plus",
	}
	if diff := cmp.Diff(want, propNames(created.Schema)); diff != "" {
		t.Errorf("the 22 properties of the 201 body (-want +got):\n%s", diff)
	}
	require.Len(t, created.Examples, 1, "the page's 201 example")
	if _, ok := created.Examples[0].Value.(map[string]any)["plan_phone"]; !ok {
		t.Errorf("201 example lacks plan_phone: %v", created.Examples[0].Value)
	}
	limited := response(t, op, 429)
	if diff := cmp.Diff([]any{"Retry-After", true, []string{"integer"}}, []any{limited.Headers[0].Name, limited.Headers[0].Required, limited.Headers[0].Schema.Types}); diff != "" {
		t.Errorf("429 Retry-After header (-want +got):\n%s", diff)
	}
	if r := response(t, op, 405); r.MediaType != "" || r.Schema != nil {
		t.Errorf("405 has no content, got media %q", r.MediaType)
	}
}

func TestDefaultErrorMatrix(t *testing.T) {
	_, op := addonsOp(t)
	type row struct {
		ID     string
		Status int
		Code   int
	}
	want := []row{
		{"volume_license", 400, 2100}, {"self_pay", 400, 2100}, {"free_plan", 400, 2100},
		{"rooms_base", 400, 2100}, {"already_has", 400, 2100}, {"invalid_body", 400, 300},
		{"invalid_token", 401, 124}, {"token_expired", 401, 124}, {"user_missing", 404, 1001}, {"account_missing", 404, 2001},
		{"body_too_large", 413, 300}, {"unsupported_media_type", 415, 300}, {"rate_limited", 429, 429},
	}
	var got []row
	messages := map[string]string{}
	for _, r := range op.Errors {
		got = append(got, row{r.ID, r.Status, r.Code})
		messages[r.ID] = r.Message
	}
	sortRows := cmp.Transformer("sort", func(in []row) []row {
		out := append([]row(nil), in...)
		sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
		return out
	})
	if diff := cmp.Diff(want, got, sortRows); diff != "" {
		t.Errorf("error matrix (-want +got):\n%s", diff)
	}
	// The 13 ids above (the brief's 12 and token_expired), none hidden
	// elsewhere. Keep the count explicit so an added row is a conscious change.
	require.Len(t, op.Errors, len(want), "error rows")
	for id, msg := range map[string]string{
		"self_pay":        "This sub account is on self pay mode.",
		"already_has":     "This sub account already has an additional plan: {planCode}.",
		"account_missing": "Account does not exist: {subAccountId}.",
		"invalid_token":   "Invalid access token.",
		"token_expired":   "Access token is expired.",
		"user_missing":    "User does not exist.",
	} {
		if messages[id] != msg {
			t.Errorf("row %s message: got %q, want %q", id, messages[id], msg)
		}
	}
}

func TestDefaultCatalog(t *testing.T) {
	_, op := addonsOp(t)
	require.Len(t, op.Catalog, 31, "30 add-on codes plus the base plan yearly")
	byCode := map[string]Plan{}
	bases := 0
	for _, p := range op.Catalog {
		byCode[p.Code] = p
		if p.Base {
			bases++
		}
	}
	if bases != 1 || !byCode["yearly"].Base {
		t.Errorf("base plans: got %d (yearly base=%v), want only yearly", bases, byCode["yearly"].Base)
	}
	// Every pair of the catalog, literally: the code, its place in the 201
	// body and whether that place has a hosts field, as the 201 schema
	// (PlanSet) draws it. The mock and the runner read these from the
	// loader; this table is the independent statement they are held to.
	tests := []struct {
		code, place string
		hosts, base bool
		reason      string
	}{
		{"webinar500_monthly", "plan_webinar[]", true, false, "array items carry hosts"},
		{"zccp_monthly", "plan_zcc.plan_package", false, false, "the package (CalloutPlan) has type and callout_countries only"},
		{"zcc_pay_as_you_go", "plan_zcc.plan_usage[]", true, false, "nested array items (HostsType) carry hosts"},
		{"vspn_usca_monthly", "plan_zcc.plan_phone_number[]", true, false, "nested array items (HostsType) carry hosts"},
		{"zph_monthly", "plan_znode.plan_zphybrid", true, false, "znode plans (DiscountedPlan) carry hosts"},
		{"zmc_monthly", "plan_znode.plan_mchybrid", true, false, "znode plans (DiscountedPlan) carry hosts"},
		{"zm_hybrid_quarterly", "plan_znode.plan_zmhybrid", true, false, "znode plans (DiscountedPlan) carry hosts"},
		{"znode_monthly", "plan_znode.plan_znode_base", true, false, "znode plans (DiscountedPlan) carry hosts"},
		{"zrc_monthly", "plan_znode.plan_rchybrid", true, false, "znode plans (DiscountedPlan) carry hosts"},
		{"zm_wf_mgt_quarterly", "plan_workforce_management", true, false, "workforce management carries hosts"},
		{"large500_monthly", "plan_large_meeting[]", true, false, "array items carry hosts"},
		{"cmr_monthly_commitment_40", "plan_recording", false, false, "plan_recording is a bare string"},
		{"zsched_three_year", "plan_zsched", true, false, "the scheduler plan carries hosts"},
		{"tollfree_payongo", "plan_audio", false, false, "audio has countries and ddi_numbers, no hosts"},
		{"zwb_monthly", "plan_whiteboard", true, false, "whiteboard carries hosts"},
		{"zobp_usca_monthly_unlimited", "plan_zoom_one[]", true, false, "array items carry hosts"},
		{"vsdk_cmr_monthly_100", "plan_sdk_cmr", true, false, "the SDK recording plan carries hosts"},
		{"zmesh_monthly", "plan_mesh", true, false, "mesh carries hosts"},
		{"ziq_sales_monthly", "plan_zoom_iq", true, false, "Zoom IQ carries hosts"},
		{"phone_payongo", "plan_phone.plan_base", false, false, "phone base (CalloutPlan) has callout_countries, no hosts"},
		{"phone_calling_usca_monthly_unlimited", "plan_phone.plan_calling[]", true, false, "phone calling items carry hosts"},
		{"phone_toll_free_number_usca_monthly", "plan_phone.plan_number[]", true, false, "phone number items carry hosts"},
		{"zp_power_pack_monthly", "plan_phone.plan_calling_addons[]", true, false, "calling add-on items carry hosts"},
		{"ACT-ENT-LMT_500-WBN_500-T_1-monthly", "plan_bundle", true, false, "the bundle carries hosts"},
		{"zoomevents1000_yearly", "plan_zoom_events[]", true, false, "array items carry hosts"},
		{"ztransl_monthly", "plan_ztransl", true, false, "translation carries hosts"},
		{"zroom_monthly", "plan_zoom_rooms", true, false, "rooms carry hosts"},
		{"zwr_monthly", "plan_zwr", true, false, "workspace reservation carries hosts"},
		{"roomconnector_monthly", "plan_room_connector", true, false, "the room connector carries hosts"},
		{"zwb_plus_monthly", "plan_whiteboard_plus", true, false, "whiteboard plus carries hosts"},
		{"yearly", "plan_base", true, true, "the base plan: hosts and increasing_hosts; refused as an add-on"},
	}
	require.Len(t, tests, len(op.Catalog), "the table pins every catalog pair")
	for i, tt := range tests {
		require.Equal(t, tt.code, op.Catalog[i].Code, "catalog order: entry %d", i)
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			got, ok := byCode[tt.code]
			require.True(t, ok, "code %s missing from the catalog", tt.code)
			if diff := cmp.Diff(Plan{Code: tt.code, Place: tt.place, Hosts: tt.hosts, Base: tt.base}, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.reason, diff)
			}
		})
	}
}

func TestDefaultCheckOrderAndAssumptions(t *testing.T) {
	_, op := addonsOp(t)
	want := []string{"route", "invalid_token", "user_missing", "account_missing", "unsupported_media_type",
		"invalid_body", "volume_license", "self_pay", "free_plan", "rooms_base", "already_has"}
	if diff := cmp.Diff(want, op.CheckOrder); diff != "" {
		t.Errorf("check order (-want +got):\n%s", diff)
	}
	at := map[string]bool{}
	for _, a := range op.Assumptions {
		require.NotEmpty(t, a.Note, "assumption at %s", a.At)
		at[a.At] = true
	}
	for _, p := range []string{
		"/paths/~1accounts~1{accountId}~1plans~1addons/post/requestBody",                   // the body marked required
		"/paths/~1accounts~1{accountId}~1plans~1addons/post/responses/401",                 // 401/124 is a convention
		"/paths/~1accounts~1{accountId}~1plans~1addons/post/responses/429",                 // 429 is a convention
		"/paths/~1accounts~1{accountId}~1plans~1addons/post/responses/405",                 // 405 is the project's
		"/components/schemas/AddonPlanForm/properties/hosts",                               // reached through a $ref
		"/paths/~1accounts~1{accountId}~1plans~1addons/post/responses/401/x-error-codes/0", // inside an x- table
	} {
		if !at[p] {
			t.Errorf("no x-assumption recorded at %s", p)
		}
	}
	if at["/info"] {
		t.Errorf("the info object's note is not under the operation")
	}
}

func TestPetstore(t *testing.T) {
	d := mustLoad(t, "testdata/petstore.yaml")

	t.Run("by id and by method+path agree", func(t *testing.T) {
		for _, c := range []struct{ id, method, path string }{
			{"listPets", "GET", "/pets"},
			{"createPet", "post", "/pets"},
			{"showPetById", "GET", "/pets/{petId}"},
			{"showPetById", "GET", "/pets/42"},
			{"updatePet", "PUT", "/pets/7"},
		} {
			byID, err := d.Operation(c.id)
			require.NoError(t, err)
			found, err := d.Find(c.method, c.path)
			require.NoError(t, err, "%s %s", c.method, c.path)
			if byID != found {
				t.Errorf("Find(%s, %s) = %s, want %s", c.method, c.path, found.ID, c.id)
			}
		}
		_, err := d.Find("DELETE", "/pets")
		require.ErrorContains(t, err, "petstore.yaml: no operation DELETE /pets (operations: GET /pets, POST /pets")
	})

	t.Run("3.0 keywords fold into our model", func(t *testing.T) {
		op, err := d.Operation("listPets")
		require.NoError(t, err)
		limit := op.Parameters[0].Schema
		zero, hundred := 0.0, 100.0
		got := []any{limit.Minimum, limit.ExclusiveMinimum, limit.Maximum}
		if diff := cmp.Diff([]any{(*float64)(nil), &zero, &hundred}, got); diff != "" {
			t.Errorf("minimum 0 + exclusiveMinimum true is exclusiveMinimum 0 (-want +got):\n%s", diff)
		}
		pet := response(t, op, 200).Schema.Items
		require.NotNil(t, pet)
		if !pet.Property("tag").Nullable {
			t.Errorf("tag: nullable: true not folded into Nullable")
		}
		if pet.Ref != "Pet" || pet.Property("parent") != pet || pet.Property("children").Items != pet {
			t.Errorf("the Pet $ref cycle must be a pointer cycle (ref %q)", pet.Ref)
		}
		if diff := cmp.Diff([]string{"id", "name"}, pet.Required); diff != "" {
			t.Errorf("Pet required (-want +got):\n%s", diff)
		}
		if !pet.Properties[0].Required || pet.Properties[2].Required {
			t.Errorf("Property.Required flags wrong: %+v", pet.Properties)
		}
	})

	t.Run("parameters merge, operation level wins", func(t *testing.T) {
		op, err := d.Operation("showPetById")
		require.NoError(t, err)
		require.Len(t, op.Parameters, 1)
		p := op.Parameters[0]
		if p.Description != "Overridden at operation level." || *p.Schema.MinLength != 1 {
			t.Errorf("petId: got %q, want the operation's own parameter", p.Description)
		}
		put, err := d.Operation("updatePet")
		require.NoError(t, err)
		require.Len(t, put.Parameters, 1, "the path-level petId is inherited")
	})

	t.Run("responses, headers, security, examples", func(t *testing.T) {
		list, err := d.Operation("listPets")
		require.NoError(t, err)
		if diff := cmp.Diff([]Header{{Name: "X-Next", Required: true, Schema: &Schema{Types: []string{"string"}}}}, response(t, list, 200).Headers); diff != "" {
			t.Errorf("headers (-want +got):\n%s", diff)
		}
		def := response(t, list, 0)
		if def.Schema == nil || def.Schema.Ref != "Error" || def.Description != "unexpected error" {
			t.Errorf("default response through a $ref: %+v", def)
		}
		if diff := cmp.Diff([]SecurityRequirement{{Scheme: "api_key", Type: "apiKey", Scopes: []string{}}}, list.Security); diff != "" {
			t.Errorf("document-level security (-want +got):\n%s", diff)
		}
		create, err := d.Operation("createPet")
		require.NoError(t, err)
		if diff := cmp.Diff([]SecurityRequirement{{Scheme: "petstore_auth", Type: "oauth2", Bearer: true, Scopes: []string{"write:pets"}}}, create.Security); diff != "" {
			t.Errorf("operation-level security (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]Example{{Value: map[string]any{"name": "Rex", "tag": nil}}}, create.Body.Examples); diff != "" {
			t.Errorf("body example (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]Example{{Name: "rex", Value: map[string]any{"id": int64(1), "name": "Rex", "tag": nil}}}, response(t, create, 201).Examples); diff != "" {
			t.Errorf("named response example (-want +got):\n%s", diff)
		}
		if create.Extensions["x-owner"] != "shelter" {
			t.Errorf("x-owner: got %v", create.Extensions["x-owner"])
		}
		if create.Errors != nil || create.Catalog != nil || create.CheckOrder != nil {
			t.Errorf("a document without our x- tables has none")
		}
	})

	t.Run("assumptions follow refs, not other operations", func(t *testing.T) {
		show, err := d.Operation("showPetById")
		require.NoError(t, err)
		want := []Assumption{
			{At: "/paths/~1pets~1{petId}/get", Note: "pets are never deleted"},
			{At: "/components/responses/Problem", Note: "every error has this shape"},
		}
		if diff := cmp.Diff(want, show.Assumptions); diff != "" {
			t.Errorf("showPetById (-want +got):\n%s", diff)
		}
		create, err := d.Operation("createPet")
		require.NoError(t, err)
		want = []Assumption{
			{At: "/components/schemas/NewPet/properties/name", Note: "names are unique per shelter"},
			{At: "/components/responses/Problem", Note: "every error has this shape"},
		}
		if diff := cmp.Diff(want, create.Assumptions); diff != "" {
			t.Errorf("createPet (-want +got):\n%s", diff)
		}
	})
}

func TestMiniDocument(t *testing.T) {
	d := mustLoad(t, "testdata/mini.yaml")
	op, err := d.Find("POST", "/accounts/{accountId}/plans/addons")
	require.NoError(t, err)
	want := []ErrorRow{
		{ID: "invalid_body", Status: 400, Code: 300, Message: "{detail}", When: "the body fails validation", Assumption: "the vendor's general convention"},
		{ID: "already_has", Status: 400, Code: 2100, Message: "This sub account already has an additional plan: {planCode}.", When: "the add-on is already subscribed"},
		{ID: "invalid_token", Status: 401, Code: 124, Message: "Invalid access token.", When: "the token is missing or invalid", Assumption: "401 is the vendor's convention"},
		{ID: "rate_limited", Status: 429, Code: 429, Message: "You have reached the maximum per-second rate limit.", When: "the rate limit is hit"},
	}
	if diff := cmp.Diff(want, op.Errors); diff != "" {
		t.Errorf("rows gathered from inline and $ref'd responses (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Plan{
		{Code: "webinar500_monthly", Place: "plan_webinar[]", Hosts: true},
		{Code: "zccp_monthly", Place: "plan_zcc.plan_package"},
		{Code: "zcc_pay_as_you_go", Place: "plan_zcc.plan_usage[]", Hosts: true},
		{Code: "cmr_monthly_commitment_40", Place: "plan_recording"},
		{Code: "yearly", Place: "plan_base", Base: true, Hosts: true},
	}, op.Catalog); diff != "" {
		t.Errorf("catalog (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"route", "invalid_token", "invalid_body", "already_has"}, op.CheckOrder); diff != "" {
		t.Errorf("check order (-want +got):\n%s", diff)
	}
}

func TestLoadErrors(t *testing.T) {
	const item = "/paths/~1a/post"
	tests := []struct {
		file, reason string
		want         string // the whole first line of the error
	}{
		{"invalid_yaml.yaml", "a syntax error names the line",
			"invalid_yaml.yaml:3: invalid YAML/JSON: "},
		{"swagger2.yaml", "only OpenAPI 3.x is read",
			`swagger2.yaml: not an OpenAPI 3.x document (version "2.0")`},
		{"broken_ref.yaml", "a dangling $ref names the ref and where it is",
			`broken_ref.yaml:14: broken $ref "#/components/schemas/Missing" at /paths/~1a/post/responses/201/content/application~1json/schema: no such component`},
		{"error_codes_missing_code.yaml", "a row needs id, code and message",
			`error_codes_missing_code.yaml:13: ` + item + `/responses/400/x-error-codes/1: missing key "code"`},
		{"error_codes_string_code.yaml", "the code is a JSON integer",
			`error_codes_string_code.yaml:12: ` + item + `/responses/400/x-error-codes/0/code: code "2100" is not an integer`},
		{"error_codes_duplicate_id.yaml", "row ids are unique per operation",
			`error_codes_duplicate_id.yaml:16: ` + item + `/responses/413/x-error-codes/0: duplicate row id "invalid_body" (first at ` + item + `/responses/400/x-error-codes/0)`},
		{"catalog_missing_place.yaml", "a catalog entry needs a place",
			`catalog_missing_place.yaml:10: ` + item + `/x-plan-catalog/1: missing key "place"`},
		{"catalog_unknown_place.yaml", "a place must exist in the 201 schema",
			`catalog_unknown_place.yaml:10: ` + item + `/x-plan-catalog/1/place: place "plan_whiteboard": no property "plan_whiteboard" in the 2xx response schema`},
		{"catalog_array_place.yaml", "an array place ends in []",
			`catalog_array_place.yaml:9: ` + item + `/x-plan-catalog/0/place: place "plan_webinar": "plan_webinar" is an array (write "plan_webinar[]")`},
		{"check_order_unknown.yaml", "the check order names known rows",
			`check_order_unknown.yaml:8: ` + item + `/x-check-order/2: "no_such_row" is neither "route" nor an x-error-codes row id`},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, err := Load(filepath.Join("testdata", "bad", tt.file))
			require.Error(t, err, tt.reason)
			first := strings.SplitN(err.Error(), "\n", 2)[0]
			if !strings.HasPrefix(first, tt.want) {
				t.Errorf("%s:\n got %s\nwant %s", tt.reason, first, tt.want)
			}
		})
	}
}

func TestLoadMissingFileAndOperation(t *testing.T) {
	_, err := Load(filepath.Join("testdata", "no-such.yaml"))
	require.ErrorIs(t, err, os.ErrNotExist)
	require.ErrorContains(t, err, "no-such.yaml")

	d := mustLoad(t, "testdata/petstore.yaml")
	_, err = d.Operation("deletePet")
	require.EqualError(t, err, `petstore.yaml: no operation with operationId "deletePet" (operations: createPet, listPets, showPetById, updatePet)`)

	_, err = Parse("empty.yaml", []byte("  \n"))
	require.ErrorContains(t, err, "empty.yaml: empty document")
}

func TestParseJSON(t *testing.T) {
	doc := `{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
 "paths": {"/a": {"get": {"operationId": "getA", "responses": {"200": {"description": "ok",
   "content": {"application/json": {"schema": {"type": "integer", "exclusiveMaximum": true, "maximum": 5}}}}}}}}}`
	d, err := Parse("a.json", []byte(doc))
	require.NoError(t, err)
	op, err := d.Operation("getA")
	require.NoError(t, err)
	s := response(t, op, 200).Schema
	if s.Maximum != nil || s.ExclusiveMaximum == nil || *s.ExclusiveMaximum != 5 {
		t.Errorf("maximum 5 + exclusiveMaximum true: got max %v exclusive %v", s.Maximum, s.ExclusiveMaximum)
	}
	if string(d.Raw()) != doc {
		t.Errorf("Raw() does not return the bytes loaded")
	}
}

func TestCircularReferencesAccepted(t *testing.T) {
	// A required self-reference is reported by libopenapi as an "infinite"
	// circular reference; we accept the model (see Parse) and convert the
	// cycle into a pointer cycle.
	doc := `openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /n:
    get:
      operationId: getNode
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Node"}
components:
  schemas:
    Node:
      type: object
      required: [next]
      properties:
        next: {$ref: "#/components/schemas/Node"}
`
	d, err := Parse("node.yaml", []byte(doc))
	require.NoError(t, err)
	op, err := d.Operation("getNode")
	require.NoError(t, err)
	n := response(t, op, 200).Schema
	if n.Property("next") != n {
		t.Errorf("Node.next is not the Node schema itself")
	}
	v, err := d.Validator()
	require.NoError(t, err)
	r := httptest.NewRequest(http.MethodGet, "/n", nil)
	ps := v.Response(r, 200, http.Header{"Content-Type": {"application/json"}}, []byte(`{"next":{"next":{}}}`))
	require.NotEmpty(t, ps, "no finite value satisfies Node; the validator must still answer")
}
