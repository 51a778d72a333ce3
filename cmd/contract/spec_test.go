package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
