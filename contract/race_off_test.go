//go:build !race

package contract_test

// raceDetector is true when the tests run under -race.
const raceDetector = false
