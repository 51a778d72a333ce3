package spec_test

import (
	"fmt"

	"github.com/addons-contract/contract/spec"
)

// Load the embedded contract, pick the addons operation and ask its plan
// catalog where a code lands in the 201 body and whether hosts are echoed.
func Example() {
	doc, err := spec.Default()
	if err != nil {
		fmt.Println(err)
		return
	}
	op, err := doc.Operation(spec.AddonsOperationID)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(op.Method, op.Path)
	for _, p := range op.Catalog {
		switch p.Code {
		case "webinar500_monthly", "cmr_monthly_commitment_40", "yearly":
			fmt.Printf("%s -> %s (hosts %v, base %v)\n", p.Code, p.Place, p.Hosts, p.Base)
		}
	}
	v, err := doc.Validator()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range v.Body(op, "application/json", []byte(`{"type":"webinar500_monthly","hosts":0}`)) {
		fmt.Printf("%s [%s]: %s\n", p.Field, p.Keyword, p.Message)
	}
	// Output:
	// POST /accounts/{accountId}/plans/addons
	// webinar500_monthly -> plan_webinar[] (hosts true, base false)
	// cmr_monthly_commitment_40 -> plan_recording (hosts false, base false)
	// yearly -> plan_base (hosts true, base true)
	// hosts [minimum]: hosts: minimum: got 0, want 1
}
