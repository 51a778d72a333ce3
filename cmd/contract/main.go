// Command contract tests the addons endpoint against its OpenAPI contract:
// it runs the suite (run), prints the contract (spec), serves the mock (mock),
// replays saved cases (replay) and compares two targets (diff).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
