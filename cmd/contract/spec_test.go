package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/addons-contract/contract/spec"
	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// update rewrites the golden files of package main's tests instead of
// comparing against them: go test ./cmd/contract -run TestSpec -update.
var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// checkGolden compares got with testdata/name, or rewrites it under -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run with -update to create it")
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got); rerun with -update if the change is intended:\n%s", path, diff)
	}
}

func TestSpecText(t *testing.T) {
	code, stdout, stderr := runCLI(t, "spec")
	require.Equal(t, exitPass, code, stderr)
	require.Empty(t, stderr)
	checkGolden(t, "spec.golden", stdout)

	// Key lines, so a golden rewritten by mistake still cannot lose them.
	for _, line := range []string{
		"POST /accounts/{accountId}/plans/addons",
		"  security     openapi_oauth (oauth2, bearer) scopes billing:master",
		"  rate limit   HEAVY",
		"branch 1 of 2 (one of): AddonPlanForm",
		"branch 2 of 2 (one of): PhonePlanForm",
		"hosts                   integer  yes       min=1 max=2147483647",
		"429     application/json  Error    Retry-After (required)",
		"404     2001  account_missing         Account does not exist: {subAccountId}.",
		"plan_recording                    no",
		"plan_webinar[]                    yes",
		"yearly                                plan_base                         yes    base plan (rejected)",
		"1.   route",
		"(list them with -assumptions)",
	} {
		if !strings.Contains(stdout, line) {
			t.Errorf("output lacks %q", line)
		}
	}
}

func TestSpecAssumptions(t *testing.T) {
	code, stdout, _ := runCLI(t, "spec", "-assumptions")
	require.Equal(t, exitPass, code)
	require.Contains(t, stdout, "AT")
	require.Contains(t, stdout, "/paths/~1accounts~1{accountId}~1plans~1addons/post/requestBody")
	require.NotContains(t, stdout, "(list them with -assumptions)")
}

func TestSpecJSON(t *testing.T) {
	code, stdout, stderr := runCLI(t, "spec", "-json")
	require.Equal(t, exitPass, code, stderr)
	var got struct {
		ID     string `json:"id"`
		Errors []struct {
			ID     string `json:"id"`
			Status int    `json:"status"`
			Code   int    `json:"code"`
		} `json:"errors"`
		Catalog []struct {
			Code  string `json:"code"`
			Hosts bool   `json:"hosts"`
		} `json:"catalog"`
		Body struct {
			Schema map[string]any `json:"schema"`
		} `json:"body"`
		CheckOrder []string `json:"check_order"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &got))
	require.Equal(t, "accountPlanAddonCreate", got.ID)
	// The embedded document carries the 12 row ids of the project brief
	// and token_expired.
	require.Len(t, got.Errors, 13)
	require.Len(t, got.Catalog, 31)
	require.Len(t, got.Body.Schema["oneOf"], 2)
	require.Equal(t, "route", got.CheckOrder[0])
}

func TestSpecJSONCycles(t *testing.T) {
	// The petstore's Pet refers to itself; the JSON must end, naming the
	// schema instead of repeating it.
	code, stdout, stderr := runCLI(t, "spec", "-spec", "../../spec/testdata/petstore.yaml", "-op", "listPets", "-json")
	require.Equal(t, exitPass, code, stderr)
	require.True(t, json.Valid([]byte(stdout)))
	require.Contains(t, stdout, `"$ref": "Pet"`)
}

func TestSpecOtherDocumentText(t *testing.T) {
	code, stdout, stderr := runCLI(t, "spec", "-spec", "../../spec/testdata/petstore.yaml", "-op", "createPet")
	require.Equal(t, exitPass, code, stderr)
	require.Contains(t, stdout, "POST /pets")
	require.Contains(t, stdout, "ERROR MATRIX (0 rows)")
}

func TestSpecUsageErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("openapi: 3.1.0\ninfo: {title: t\n"), 0o644))
	tests := []struct {
		name, reason string
		args         []string
		want         string
	}{
		{"bad spec file", "a broken document names the file", []string{"spec", "-spec", bad}, "contract spec: bad.yaml:2: invalid YAML/JSON"},
		{"missing spec file", "an unreadable file is named", []string{"spec", "-spec", filepath.Join(dir, "nope.yaml")}, "nope.yaml"},
		{"unknown operation", "the operations that exist are listed", []string{"spec", "-op", "nope"}, `no operation with operationId "nope" (operations: accountPlanAddonCreate)`},
		{"unknown flag", "flags are checked", []string{"spec", "-frob"}, "flag provided but not defined: -frob"},
		{"stray argument", "no positional arguments", []string{"spec", "extra"}, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			require.Equal(t, exitUsage, code, tt.reason)
			require.Empty(t, stdout, "usage text is for -h only")
			require.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
			require.Contains(t, stderr, tt.want, tt.reason)
		})
	}
}

// specRevision writes spec/testdata/diff/<name>.edit applied to the embedded
// contract to a temporary file: one change, whatever else the contract says.
func specRevision(t *testing.T, name string) string {
	t.Helper()
	doc, err := spec.Default()
	require.NoError(t, err)
	edit, err := os.ReadFile(filepath.Join("..", "..", "spec", "testdata", "diff", name+".edit"))
	require.NoError(t, err)
	_, rest, _ := strings.Cut(string(edit), "-- replace --\n")
	from, to, ok := strings.Cut(rest, "-- with --\n")
	require.True(t, ok && strings.Count(string(doc.Raw()), from) == 1, "%s.edit must match spec/addons.yaml once", name)
	path := filepath.Join(t.TempDir(), name+".yaml")
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(doc.Raw()), from, to, 1)), 0o644))
	return path
}

// diffOutput is what the tests read of 'contract spec -diff -json'.
type diffOutput struct {
	Breaking bool `json:"breaking"`
	Changes  []struct {
		Area     string `json:"area"`
		Kind     string `json:"kind"`
		Property string `json:"property"`
		Client   bool   `json:"breaks_client"`
		Server   bool   `json:"breaks_server"`
	} `json:"changes"`
	Suite struct {
		Rows         []string `json:"rows"`
		Codes        []string `json:"codes"`
		Classes      []string `json:"classes"`
		NewScenarios []string `json:"new_scenarios"`
		Goldens      []struct {
			Name string `json:"name"`
		} `json:"goldens"`
		Corpus []struct {
			Path string `json:"path"`
		} `json:"corpus"`
	} `json:"consequences"`
}

func (d diffOutput) goldens() []string {
	var out []string
	for _, g := range d.Suite.Goldens {
		out = append(out, g.Name)
	}
	return out
}

func (d diffOutput) corpus() []string {
	var out []string
	for _, c := range d.Suite.Corpus {
		out = append(out, filepath.ToSlash(c.Path))
	}
	return out
}

// TestSpecDiffRevisions is issue 15's acceptance: each kind of revision
// gets its classification and the goldens, rows and corpus entries it
// reaches, against the committed golden set and corpus.
func TestSpecDiffRevisions(t *testing.T) {
	tests := []struct {
		name, reason        string
		area, kind, prop    string
		client, server      bool
		rows, codes         []string
		goldens, notGoldens []string // exactly goldens when notGoldens is nil; else a subset
		corpus              []string
		classes, notClasses []string
	}{
		{
			name: "add-code", reason: "a server must accept the new code; every later 201 of the catalog sweep holds it",
			area: "catalog", kind: "added", prop: "code", server: true,
			rows: []string{"invalid_body"}, codes: []string{"webinar1000_monthly"},
			goldens:    []string{"success/plan/zcc_pay_as_you_go", "success/plan/zwb_monthly", "success/plan/zwr_monthly"},
			notGoldens: []string{"matrix/self_pay", "success/page-example", "precedence/invalid_token-before-self_pay"},
			classes:    []string{"unknown-code", "wrong-slot-code", "base-code", "duplicate-code"}, notClasses: []string{"missing-required"},
		},
		{
			name: "remove-201-property", reason: "the 201s that hold plan_whiteboard.hosts, no other",
			area: "response", kind: "removed", prop: "properties", client: true,
			codes: []string{"zwb_monthly"},
			goldens: []string{
				"success/plan/ACT-ENT-LMT_500-WBN_500-T_1-monthly", "success/plan/roomconnector_monthly", "success/plan/vsdk_cmr_monthly_100",
				"success/plan/ziq_sales_monthly", "success/plan/zmesh_monthly", "success/plan/zobp_usca_monthly_unlimited",
				"success/plan/zoomevents1000_yearly", "success/plan/zp_power_pack_monthly", "success/plan/zroom_monthly",
				"success/plan/ztransl_monthly", "success/plan/zwb_monthly", "success/plan/zwb_plus_monthly", "success/plan/zwr_monthly",
			},
		},
		{
			name: "message", reason: "the answers of self_pay, wherever a scenario gets it",
			area: "errors", kind: "modified", prop: "message", server: true,
			rows:    []string{"self_pay"},
			goldens: []string{"boundary/body-at-size-limit", "matrix/self_pay", "rules/media-type/charset-parameter", "rules/media-type/other-case"},
		},
		{
			name: "required-field", reason: "every answer given after the body check; entries answered before it keep their meaning",
			area: "request", kind: "added", prop: "required", client: true, server: true,
			rows:       []string{"invalid_body"},
			goldens:    []string{"matrix/self_pay", "matrix/already_has", "success/page-example", "success/plan/zwb_monthly"},
			notGoldens: []string{"matrix/account_missing", "matrix/invalid_token", "matrix/invalid_body", "precedence/invalid_token-before-self_pay"},
			corpus:     []string{"../../corpus/unfilled-message/error-row__already_has__edfdd3698a21.json"},
			classes:    []string{"missing-required", "null-required", "unknown-property"}, notClasses: []string{"unknown-code", "truncated"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rev := specRevision(t, tt.name)
			code, stdout, stderr := runCLI(t, "spec", "-spec", rev, "-diff", "../../spec/addons.yaml", "-corpus", "../../corpus", "-json")
			require.Equal(t, exitPass, code, stderr)
			var got diffOutput
			require.NoError(t, json.Unmarshal([]byte(stdout), &got))
			require.True(t, got.Breaking)
			var found bool
			for _, c := range got.Changes {
				if c.Area == tt.area && c.Kind == tt.kind && c.Property == tt.prop {
					found = true
					require.Equal(t, []bool{tt.client, tt.server}, []bool{c.Client, c.Server}, "%s: whom it breaks", tt.reason)
				}
			}
			require.True(t, found, "no %s %s %s change in %s", tt.area, tt.kind, tt.prop, stdout)
			require.Equal(t, tt.rows, got.Suite.Rows)
			require.Equal(t, tt.codes, got.Suite.Codes)
			if tt.notGoldens == nil {
				require.Equal(t, tt.goldens, got.goldens(), tt.reason)
			} else {
				require.Subset(t, got.goldens(), tt.goldens, tt.reason)
				for _, g := range tt.notGoldens {
					require.NotContains(t, got.goldens(), g, tt.reason)
				}
			}
			require.Equal(t, tt.corpus, got.corpus(), tt.reason)
			require.Subset(t, got.Suite.Classes, tt.classes)
			for _, c := range tt.notClasses {
				require.NotContains(t, got.Suite.Classes, c)
			}
		})
	}
}

func TestSpecDiffText(t *testing.T) {
	rev := specRevision(t, "message")
	code, stdout, stderr := runCLI(t, "spec", "-spec", rev, "-diff", "../../spec/addons.yaml", "-corpus", "../../corpus")
	require.Equal(t, exitPass, code, stderr)
	for _, line := range []string{
		"accountPlanAddonCreate: addons.yaml (",
		"\nBREAKING FOR SERVERS (1)\n",
		`  modified error row self_pay (400): message "This sub account is on self pay mode." -> "This sub account pays its own bills." (line `,
		"           the suite compares the message; a client keys on the code\n",
		"\nCONSEQUENCES FOR THIS SUITE\n",
		"  error rows        self_pay\n",
		"  goldens to re-record: 4 of ",
		"    matrix/self_pay: answers row self_pay: error row self_pay (400) message modified\n",
		"    then: go run ./cmd/contract run -update",
		"  corpus entries to re-read: 0 of ",
	} {
		require.Contains(t, stdout, line)
	}
	require.NotContains(t, stdout, "BREAKING FOR CLIENTS", "a reworded message does not break a client")
}

func TestSpecDiffFailOn(t *testing.T) {
	message, noHosts := specRevision(t, "message"), specRevision(t, "remove-201-property")
	tests := []struct {
		name, rev, failOn string
		want              int
	}{
		{"a server-breaking change fails -fail-on breaking", message, "breaking", exitFindings},
		{"and -fail-on server", message, "server", exitFindings},
		{"but not -fail-on client", message, "client", exitPass},
		{"a client-breaking change fails -fail-on client", noHosts, "client", exitFindings},
		{"but not -fail-on server", noHosts, "server", exitPass},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "spec", "-spec", tt.rev, "-diff", "../../spec/addons.yaml", "-corpus", t.TempDir(), "-fail-on", tt.failOn)
			require.Equal(t, tt.want, code, stderr)
			if tt.want == exitFindings {
				require.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
				require.Contains(t, stderr, "1 of 1 changes break")
			}
		})
	}
	code, _, _ := runCLI(t, "spec", "-spec", message, "-diff", "../../spec/addons.yaml", "-corpus", t.TempDir())
	require.Equal(t, exitPass, code, "without -fail-on a diff is a report")
}

func TestSpecDiffUsageErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("openapi: 3.1.0\ninfo: {title: t\n"), 0o644))
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"OLD neither a file nor a revision", []string{"spec", "-diff", "no-such-revision-xyz"}, "-diff no-such-revision-xyz: no such file, and git show no-such-revision-xyz:spec/addons.yaml failed"},
		{"OLD not a document", []string{"spec", "-diff", bad}, "-diff bad.yaml:2: invalid YAML/JSON"},
		{"OLD without the operation", []string{"spec", "-diff", "../../spec/testdata/petstore.yaml"}, `-diff: petstore.yaml: no operation with operationId "accountPlanAddonCreate"`},
		{"an unknown -fail-on", []string{"spec", "-diff", "../../spec/addons.yaml", "-fail-on", "always"}, `-fail-on "always": want breaking, client or server`},
		{"-fail-on without -diff", []string{"spec", "-fail-on", "breaking"}, "-fail-on, -golden and -corpus go with -diff OLD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			require.Equal(t, exitUsage, code)
			require.Empty(t, stdout)
			require.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
			require.Contains(t, stderr, tt.want)
		})
	}
}

func TestSpecDiffGitRevision(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	if err := exec.Command("git", "rev-parse", "HEAD:spec/addons.yaml").Run(); err != nil {
		t.Skip("not a git checkout with spec/addons.yaml committed")
	}
	code, stdout, stderr := runCLI(t, "spec", "-diff", "HEAD", "-corpus", t.TempDir())
	require.Equal(t, exitPass, code, stderr)
	require.True(t, strings.HasPrefix(stdout, "accountPlanAddonCreate: HEAD:spec/addons.yaml ("), stdout)

	code, stdout, stderr = runCLI(t, "spec", "-diff", "HEAD:spec/testdata/diff/plain.yaml", "-corpus", t.TempDir())
	require.Equal(t, exitPass, code, stderr)
	require.Contains(t, stdout, "WHAT addons.yaml ADDS ON TOP OF HEAD:spec/testdata/diff/plain.yaml\n")
}

// TestSpecDiffVendorDocument compares our contract with the vendor's plain
// document of the same operation: the diff lists our tables and every
// x-assumption note as what ours adds.
func TestSpecDiffVendorDocument(t *testing.T) {
	doc, err := spec.Default()
	require.NoError(t, err)
	op, err := doc.Operation(spec.AddonsOperationID)
	require.NoError(t, err)
	code, stdout, stderr := runCLI(t, "spec", "-diff", "../../spec/testdata/diff/plain.yaml", "-corpus", t.TempDir())
	require.Equal(t, exitPass, code, stderr)
	for _, line := range []string{
		"\nWHAT addons.yaml ADDS ON TOP OF plain.yaml\n",
		"  tables: x-error-codes, x-plan-catalog, x-check-order",
		fmt.Sprintf("  x-assumption notes added (%d):\n", len(op.Assumptions)),
		"    /paths/~1accounts~1{accountId}~1plans~1addons/post/requestBody\n",
		"  added    error row self_pay (400): row",
		"  added    request body (AddonPlanForm): hosts: minimum \"1\"",
	} {
		require.Contains(t, stdout, line)
	}
}

func TestSpecPlainDocument(t *testing.T) {
	code, stdout, stderr := runCLI(t, "spec", "-spec", "../../spec/testdata/diff/plain.yaml")
	require.Equal(t, exitPass, code, stderr)
	require.Contains(t, stdout, "  missing      x-error-codes, x-plan-catalog, x-check-order (")
	require.Contains(t, stdout, "ERROR MATRIX (0 rows)")

	code, stdout, _ = runCLI(t, "spec", "-spec", "../../spec/testdata/diff/plain.yaml", "-json")
	require.Equal(t, exitPass, code)
	var got struct {
		Missing []string `json:"missing_tables"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &got))
	require.Equal(t, []string{spec.TableErrors, spec.TableCatalog, spec.TableCheckOrder}, got.Missing)

	_, stdout, _ = runCLI(t, "spec")
	require.NotContains(t, stdout, "  missing ", "our contract lacks no table")
}
