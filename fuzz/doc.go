// Package fuzz holds the native Go fuzz targets of the harness (go test
// -fuzz): one over raw request bytes and one over structured cases from the
// generators, both sending to the in-process mock and holding the contract's
// invariants. Each target turns its arguments into a case with
// contract/corpus's Decoder, as 'contract replay' turns the seed corpora in
// testdata/fuzz into cases; the seeds also replay under plain go test. The
// package has no non-test code; `make fuzz` runs every target.
package fuzz
