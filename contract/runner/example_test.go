package runner_test

import (
	"context"
	"fmt"
	"net/http"

	"github.com/addons-contract/contract/contract/runner"
	"github.com/addons-contract/contract/contract/suite"
	"github.com/addons-contract/contract/contract/target"
	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/mock"
	"github.com/addons-contract/contract/spec"
)

// What `contract run` does with no flags but the seed, on a smaller suite:
// the spec's operation, the suite built from it and the fixtures, sent to
// the embedded mock and judged by every check.
func Example() {
	doc, err := spec.Default()
	if err != nil {
		panic(err)
	}
	op, err := doc.Operation(spec.AddonsOperationID)
	if err != nil {
		panic(err)
	}
	v, err := doc.Validator()
	if err != nil {
		panic(err)
	}
	fx := fixtures.Default()
	tg, err := target.Embedded(func() (http.Handler, error) {
		return mock.New(mock.Config{Doc: doc, Fixtures: &fx})
	})
	if err != nil {
		panic(err)
	}
	cfg := runner.DefaultConfig(op, v, fx, tg, 1)
	cfg.Valid, cfg.Invalid, cfg.Sequences = 10, 20, 2 // the default is 150, 400 and 30
	// The cases: scenarios first, then the generated payloads.
	s, err := suite.For(cfg)
	if err != nil {
		panic(err)
	}
	res, err := runner.Run(context.Background(), cfg, s)
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Verdict(), len(res.Findings), "findings,", res.Cases, "cases")
	// Output: PASS 0 findings, 195 cases
}
