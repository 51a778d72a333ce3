//go:build race

package gen

// raceEnabled: the race detector slows generation ~10×; the big self-check
// runs in the plain `go test`, a smaller one under -race.
const raceEnabled = true
