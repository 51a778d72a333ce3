package contract_test

import (
	"testing"

	"github.com/addons-contract/contract/internal/contracttest"
	"github.com/addons-contract/contract/spec"
)

// Short names for the shared test helpers (package contracttest).
func addons(t testing.TB) (*spec.Document, *spec.Operation, *spec.Validator) {
	t.Helper()
	return contracttest.Addons(t)
}
