package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/mock"
)

func init() {
	register(command{
		name:    "mock",
		summary: "serve the mock addons endpoint on a port",
		run:     runMock,
	})
}

// Timeouts of the mock's http.Server: generous for a test double, but no
// client can hold a connection open forever.
const (
	mockReadHeaderTimeout = 5 * time.Second
	mockReadTimeout       = 30 * time.Second
	mockWriteTimeout      = 30 * time.Second // plus -slow-by, so the slow fault still answers
	mockIdleTimeout       = 60 * time.Second
	mockShutdownGrace     = 5 * time.Second
)

func runMock(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "mock", "[-addr HOST:PORT] [-fixtures FILE] [-spec FILE] [-fault NAME] [-rate N] [-slow-by DURATION] | -faults")
	addr := fs.String("addr", "127.0.0.1:8089", "address to listen on (port 0 picks a free port)")
	fixturesPath := fs.String("fixtures", "", "fixtures file to serve instead of the shipped default")
	specPath := fs.String("spec", "", "OpenAPI file to read instead of the embedded addons.yaml")
	fault := fs.String("fault", "", "break exactly one contract rule (see -faults)")
	listFaults := fs.Bool("faults", false, "list the faults -fault accepts and exit")
	rate := fs.Float64("rate", 0, "requests per second per token before 429 (0 = no limit)")
	slowBy := fs.Duration("slow-by", mock.DefaultSlowBy, "delay of the slow fault")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q (see 'contract mock -h')", fs.Arg(0))
	}
	if *listFaults {
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "FAULT\tBREAKS\tDESCRIPTION")
		for _, f := range mock.Faults() {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", f.Name, f.Breaks, f.Description)
		}
		return tw.Flush()
	}

	doc, _, err := loadOperation(*specPath)
	if err != nil {
		return err
	}
	fx := fixtures.Default()
	if *fixturesPath != "" {
		if fx, err = fixtures.Load(*fixturesPath); err != nil {
			return usageError("%v", err)
		}
	}
	srv, err := mock.New(mock.Config{Doc: doc, Fixtures: &fx, Fault: *fault, Rate: *rate, SlowBy: *slowBy})
	if err != nil {
		// The line already starts "contract mock: ".
		return usageError("%s", strings.TrimPrefix(err.Error(), "mock: "))
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return usageError("cannot listen on %s: %v (pick another -addr)", *addr, err)
	}
	printMockBanner(e, ln.Addr().String(), fx, *fault, *rate)

	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: mockReadHeaderTimeout,
		ReadTimeout:       mockReadTimeout,
		WriteTimeout:      mockWriteTimeout + *slowBy,
		IdleTimeout:       mockIdleTimeout,
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case err := <-served:
		return unreachableError("mock server stopped: %v", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), mockShutdownGrace)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		_ = hs.Close()
		return unreachableError("mock shutdown: %v", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return unreachableError("mock server stopped: %v", err)
	}
	return nil
}

// printMockBanner prints the address and the roles served. The tokens are
// the mock's own published test credentials, so printing them is the point.
func printMockBanner(e *env, addr string, fx fixtures.Fixtures, fault string, rate float64) {
	w := e.stdout
	fmt.Fprintf(w, "mock listening on http://%s\n", addr)
	tw := tabwriter.NewWriter(w, 0, 4, 1, ' ', 0)
	for _, kv := range [][2]string{
		{"tokens.master", fx.Tokens.Master},
		{"tokens.volume_license", fx.Tokens.VolumeLicense},
		{"tokens.unknown_user", fx.Tokens.UnknownUser},
		{"accounts.paid", fx.Accounts.Paid},
		{"accounts.free", fx.Accounts.Free},
		{"accounts.self_pay", fx.Accounts.SelfPay},
		{"accounts.rooms_base", fx.Accounts.RoomsBase},
		{"accounts.has_addon", fx.Accounts.HasAddon},
		{"accounts.missing", fx.Accounts.Missing},
		{"has_addon_plan", fx.HasAddonPlan},
	} {
		fmt.Fprintf(tw, "  %s\t%s\n", kv[0], kv[1])
	}
	_ = tw.Flush()
	if fault != "" {
		for _, f := range mock.Faults() {
			if f.Name == fault {
				fmt.Fprintf(w, "fault %s (breaks %s): %s\n", f.Name, f.Breaks, f.Description)
			}
		}
	}
	if rate > 0 {
		fmt.Fprintf(w, "rate limit: %g requests per second per token (429 beyond)\n", rate)
	}
	fmt.Fprintln(w, "stop with Ctrl-C")
}
