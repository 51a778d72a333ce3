package contract_test

import (
	"fmt"
	"net/http"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/spec"
)

// A check is a value that judges one exchange: here error-row, applied to
// a server that answers a missing sub account with the right status and
// message but code 2002 instead of the spec's 2001.
func ExampleApply() {
	doc, err := spec.Default()
	if err != nil {
		panic(err)
	}
	op, err := doc.Operation(spec.AddonsOperationID)
	if err != nil {
		panic(err)
	}
	fx := fixtures.Default()
	c := &contract.Case{ID: "matrix/account_missing", Kind: contract.KindScenario,
		Req:    contract.Request{Account: contract.AccountMissing, Token: contract.TokenMaster, ContentType: "application/json"},
		Expect: contract.Expect{Row: spec.RowAccountMissing}}
	ex := &contract.Exchange{Case: c, Method: http.MethodPost, Status: http.StatusNotFound,
		Header: http.Header{"Content-Type": {"application/json"}},
		Body:   []byte(`{"code":2002,"message":"Account does not exist: ` + fx.Accounts.Missing + `."}`)}
	checks, err := contract.SelectChecks([]string{contract.CheckErrorRow}, nil)
	if err != nil {
		panic(err)
	}
	j := &contract.Judgement{Op: op, Fixtures: fx, Case: c, Exchange: ex, AccountID: fx.Accounts.Missing}
	applied, fails := contract.Apply(checks, j)
	fmt.Println(applied)
	for _, f := range fails {
		fmt.Printf("[%s] %s: %s\n", f.Check, f.Row, f.Detail)
	}
	// Output:
	// [error-row]
	// [error-row] account_missing: got 404/2002 "Account does not exist: sub-missing-9999.", want 404/2001 "Account does not exist: sub-missing-9999."
}
