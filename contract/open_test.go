package contract_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/contract/suite"
	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/gen"
	"github.com/addons-contract/contract/golden"
	"github.com/addons-contract/contract/spec"
)

// A case the contract leaves open is sent but never judged: against a
// server answering it with any documented status, in any shape, no check
// fires (no-server-error still holds every answer to no 5xx).
func TestOpenCasesAreNeverJudged(t *testing.T) {
	_, op, _ := addons(t)
	g, err := gen.New(op, gen.Options{})
	require.NoError(t, err)
	all, err := suite.Build(op, fixtures.Default(), g, 1, 1, 1)
	require.NoError(t, err)
	scenarios := all.Scenarios
	doc, err := spec.Default()
	require.NoError(t, err)
	v, err := doc.Validator()
	require.NoError(t, err)
	set := golden.Open(t.TempDir()) // empty: golden would report every file missing
	var open []*contract.Case
	for _, c := range scenarios {
		if c.Expect.Open {
			open = append(open, c)
		}
	}
	require.Len(t, open, 2, "the trailing slash and the encoded slash")
	answers := []struct {
		ct, body, reason string
	}{
		{"application/json", `{"code":404}`, "the route's own 404 body"},
		{"application/json", `{"code":300,"message":"x"}`, "an error body"},
		{"text/html", `<h1>moved</h1>`, "an HTML page"},
		{"", ``, "no body at all"},
	}
	for _, c := range open {
		var checks []contract.Check // every check, golden with a set
		for _, c := range contract.AllChecks() {
			if c.ID() == contract.CheckGolden {
				c = contract.Golden(&set, nil, false)
			}
			checks = append(checks, c)
		}
		for _, r := range op.Responses {
			if r.Status == 0 {
				continue
			}
			for _, a := range answers {
				h := http.Header{}
				if a.ct != "" {
					h.Set("Content-Type", a.ct)
				}
				if r.Status == http.StatusTooManyRequests {
					h.Set("Retry-After", "x") // even a broken 429 is not judged here
				}
				ex := &contract.Exchange{Case: c, Method: http.MethodPost, Status: r.Status, Header: h, Body: []byte(a.body)}
				j := &contract.Judgement{Op: op, Validator: v, Fixtures: fixtures.Default(), Case: c, Exchange: ex,
					AccountID: fixtures.Default().Accounts.Missing}
				applied, fails := contract.Apply(checks, j)
				require.Empty(t, fails, "%s answered %d with %s: the contract leaves it open", c.ID, r.Status, a.reason)
				require.Equal(t, []string{contract.CheckNoServerError}, applied, "%s: only no-server-error judges an open case", c.ID)
			}
		}
	}
}
