//go:build !race

package runner_test

// raceDetector is true when the tests run under -race.
const raceDetector = false
