package spec

import (
	_ "embed"
	"sync"
)

// addonsYAML is the project's contract for the addons endpoint.
//
//go:embed addons.yaml
var addonsYAML []byte

// defaultDoc parses the embedded document once per process: parsing takes
// milliseconds and building its validator tens of them, and every test of
// every package wants it.
var defaultDoc = sync.OnceValues(func() (*Document, error) {
	return Parse("addons.yaml", addonsYAML)
})

// Default returns the embedded addons document (spec/addons.yaml). It is
// parsed once and shared by every caller, like its Validator: treat it and
// the operations it returns as read-only.
func Default() (*Document, error) {
	return defaultDoc()
}
