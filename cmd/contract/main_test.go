package main

import (
	"os"
	"testing"
)

// TestMain puts the OAuth client secrets of the test staging servers
// (newOAuthStaging, `contract mock -oauth`) in the environment once, where
// the fixtures' env: references find them, so the tests that use them can
// run in parallel; a test that needs another value sets it with t.Setenv
// and runs alone.
func TestMain(m *testing.M) {
	os.Setenv(envMasterSecret, defaultMasterSecret)
	os.Setenv(envVolumeSecret, defaultVolumeSecret)
	os.Exit(m.Run())
}
