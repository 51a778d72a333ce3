package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/internal/atomicfile"
	"github.com/addons-contract/contract/mock"
)

func init() {
	register(command{
		name:    "mock",
		summary: "serve the mock addons endpoint on a port",
		flags:   func(fs *flag.FlagSet) { defineMockFlags(fs) },
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

// mockFlags are the flags of mock.
type mockFlags struct {
	addr, fixtures, spec, fault string
	listFaults, oauth           bool
	rate                        float64
	unknownLimit                int
	slowBy, tokenTTL            time.Duration
	masterSecret, volumeSecret  string
	writeFixtures               string
	tlsCert, tlsKey             string
}

func defineMockFlags(fs *flag.FlagSet) *mockFlags {
	o := &mockFlags{}
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8089", "address to listen on (port 0 picks a free port)")
	fs.StringVar(&o.fixtures, "fixtures", "", "fixtures file to serve instead of the shipped default")
	fs.StringVar(&o.spec, "spec", "", "OpenAPI file to read instead of the embedded addons.yaml")
	fs.StringVar(&o.fault, "fault", "", "break exactly one contract rule (see -faults)")
	fs.BoolVar(&o.listFaults, "faults", false, "list the faults -fault accepts and exit")
	fs.Float64Var(&o.rate, "rate", 0, "requests per second per token before 429 (0 = no limit; the tokens of one OAuth role share a limit)")
	fs.IntVar(&o.unknownLimit, "unknown-user-limit", 0, fmt.Sprintf("answer 429 once the unknown_user token has made this many requests in %v, as the embedded mock does (%d) so that a run reaches the rate_limited row (0 = no such limit: runs against this server can repeat)", mock.UnknownUserWindow, mock.DefaultUnknownUserLimit))
	fs.DurationVar(&o.slowBy, "slow-by", mock.DefaultSlowBy, "delay of the slow fault")
	fs.BoolVar(&o.oauth, "oauth", false, "also serve a Server-to-Server OAuth token endpoint at "+mock.DefaultTokenPath+" for two fixed clients (master, volume_license), and print fixtures that use it")
	fs.DurationVar(&o.tokenTTL, "token-ttl", mock.DefaultTokenTTL, "with -oauth, the lifetime of issued tokens (whole seconds, at least 1s)")
	fs.StringVar(&o.masterSecret, "client-secret-master", "", "with -oauth, the master client's secret (default: $"+envMasterSecret+", else "+defaultMasterSecret+")")
	fs.StringVar(&o.volumeSecret, "client-secret-volume", "", "with -oauth, the volume_license client's secret (default: $"+envVolumeSecret+", else "+defaultVolumeSecret+")")
	fs.StringVar(&o.writeFixtures, "write-fixtures", "", "with -oauth, write the fixtures for 'contract run -target' to this file instead of printing them")
	fs.StringVar(&o.tlsCert, "tls-cert", "", "serve HTTPS with this PEM certificate (with -tls-key)")
	fs.StringVar(&o.tlsKey, "tls-key", "", "the PEM private key of -tls-cert")
	return o
}

func runMock(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "mock", "[-addr HOST:PORT] [-fixtures FILE] [-spec FILE] [-fault NAME] [-rate N] [-slow-by DURATION] [-oauth [-token-ttl DURATION] [-write-fixtures FILE]] [-tls-cert FILE -tls-key FILE] | -faults")
	o := defineMockFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q (see 'contract mock -h')", fs.Arg(0))
	}
	if o.listFaults {
		return printFaults(e.stdout)
	}
	clients, err := mockOAuthClients(o.oauth, givenFlags(fs), o.tokenTTL, o.masterSecret, o.volumeSecret)
	if err != nil {
		return err
	}
	tlsConfig, err := loadTLS(o.tlsCert, o.tlsKey)
	if err != nil {
		return err
	}
	srv, fx, err := o.handler(clients)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return usageError("cannot listen on %s: %v (pick another -addr)", o.addr, err)
	}
	b, err := o.banner(ln, tlsConfig != nil, fx, clients)
	if err != nil {
		ln.Close()
		return err
	}
	printMockBanner(e, b)
	return o.serve(ctx, ln, srv, tlsConfig)
}

// printFaults lists the faults -fault accepts (-faults).
func printFaults(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FAULT\tBREAKS\tDESCRIPTION")
	for _, f := range mock.Faults() {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", f.Name, f.Breaks, f.Description)
	}
	return tw.Flush()
}

// handler loads the spec and fixtures and makes the mock's handler.
func (o *mockFlags) handler(clients []mock.OAuthClient) (http.Handler, fixtures.Fixtures, error) {
	doc, _, err := loadOperation(o.spec)
	if err != nil {
		return nil, fixtures.Fixtures{}, err
	}
	fx, err := loadFixtures(o.fixtures)
	if err != nil {
		return nil, fx, err
	}
	if o.fixtures != "" && len(fx.OAuth) > 0 && !o.oauth {
		return nil, fx, usageError("fixtures %s: %s an OAuth client; add -oauth to serve a token endpoint", o.fixtures, oauthRoles(fx))
	}
	cfg := mock.Config{Doc: doc, Fixtures: &fx, Fault: o.fault, Rate: o.rate, SlowBy: o.slowBy, UnknownUserLimit: -1}
	if o.unknownLimit > 0 {
		cfg.UnknownUserLimit = o.unknownLimit
	}
	if o.oauth {
		cfg.OAuth = &mock.OAuth{Clients: clients, TTL: o.tokenTTL}
	}
	srv, err := mock.New(cfg)
	if err != nil {
		// The line already starts "contract mock: ".
		return nil, fx, usageError("%s", strings.TrimPrefix(err.Error(), "mock: "))
	}
	return srv, fx, nil
}

// banner is what the mock listening on ln prints; with -oauth and
// -write-fixtures it writes the fixtures file first.
func (o *mockFlags) banner(ln net.Listener, https bool, fx fixtures.Fixtures, clients []mock.OAuthClient) (mockBanner, error) {
	scheme := "http"
	if https {
		scheme = "https"
	}
	base := scheme + "://" + ln.Addr().String()
	b := mockBanner{base: base, fx: fx, fault: o.fault, rate: o.rate}
	if !o.oauth {
		return b, nil
	}
	ob := &oauthBanner{tokenURL: base + mock.DefaultTokenPath, ttl: o.tokenTTL, clients: clients, writtenTo: o.writeFixtures}
	ob.fixtures = oauthFixturesJSON(fx, ob.tokenURL, clients)
	if o.writeFixtures != "" {
		if err := atomicfile.Write(o.writeFixtures, func(w io.Writer) error { _, err := w.Write(ob.fixtures); return err }); err != nil {
			return b, usageError("-write-fixtures: %v", err)
		}
	}
	b.oauth = ob
	return b, nil
}

// serve serves srv on ln until ctx is done, then shuts down gracefully.
func (o *mockFlags) serve(ctx context.Context, ln net.Listener, srv http.Handler, tlsConfig *tls.Config) error {
	hs := &http.Server{
		Handler:           srv,
		TLSConfig:         tlsConfig,
		ReadHeaderTimeout: mockReadHeaderTimeout,
		ReadTimeout:       mockReadTimeout,
		WriteTimeout:      mockWriteTimeout + o.slowBy,
		IdleTimeout:       mockIdleTimeout,
	}
	served := make(chan error, 1)
	go func() {
		if tlsConfig != nil {
			// The certificate is in TLSConfig; ServeTLS also offers HTTP/2.
			served <- hs.ServeTLS(ln, "", "")
			return
		}
		served <- hs.Serve(ln)
	}()
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

// The mock's two OAuth clients. Their secrets are no real secrets: they
// have fixed defaults, and are printed as export lines for the fixtures'
// env:NAME values to read.
const (
	masterClientID      = "mock-master-client"
	masterAccountID     = "mock-master-account"
	volumeClientID      = "mock-volume-license-client"
	volumeAccountID     = "mock-volume-license-account"
	envMasterSecret     = "CONTRACT_MOCK_MASTER_SECRET"
	envVolumeSecret     = "CONTRACT_MOCK_VOLUME_SECRET"
	defaultMasterSecret = "mock-master-client-secret"
	defaultVolumeSecret = "mock-volume-license-client-secret"
)

// mockOAuthClients checks the OAuth flags and returns the two clients, or
// nil when -oauth is off.
func mockOAuthClients(on bool, set map[string]bool, ttl time.Duration, masterSecret, volumeSecret string) ([]mock.OAuthClient, error) {
	if !on {
		for _, name := range []string{"token-ttl", "client-secret-master", "client-secret-volume", "write-fixtures"} {
			if set[name] {
				return nil, usageError("-%s needs -oauth", name)
			}
		}
		return nil, nil
	}
	if ttl < time.Second || ttl%time.Second != 0 {
		return nil, usageError("-token-ttl %v: want whole seconds, at least 1s (expires_in is in seconds)", ttl)
	}
	secret := func(flagName, flagValue, envName, def string) (string, error) {
		if set[flagName] {
			if flagValue == "" {
				return "", usageError("-%s must not be empty", flagName)
			}
			return flagValue, nil
		}
		if v, ok := os.LookupEnv(envName); ok && v != "" {
			return v, nil
		}
		return def, nil
	}
	ms, err := secret("client-secret-master", masterSecret, envMasterSecret, defaultMasterSecret)
	if err != nil {
		return nil, err
	}
	vs, err := secret("client-secret-volume", volumeSecret, envVolumeSecret, defaultVolumeSecret)
	if err != nil {
		return nil, err
	}
	return []mock.OAuthClient{
		{ID: masterClientID, Secret: ms, AccountID: masterAccountID, Role: fixtures.RoleMaster},
		{ID: volumeClientID, Secret: vs, AccountID: volumeAccountID, Role: fixtures.RoleVolumeLicense},
	}, nil
}

// loadTLS loads the -tls-cert/-tls-key pair; nil for plain HTTP.
func loadTLS(certFile, keyFile string) (*tls.Config, error) {
	switch {
	case certFile == "" && keyFile == "":
		return nil, nil
	case certFile == "" || keyFile == "":
		return nil, usageError("-tls-cert and -tls-key go together: give both or neither")
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, usageError("-tls-cert %s -tls-key %s: %s", certFile, keyFile, strings.ReplaceAll(err.Error(), "\n", " "))
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// oauthRoles names the fixtures' OAuth roles for a message.
func oauthRoles(fx fixtures.Fixtures) string {
	var keys []string
	for _, role := range []string{fixtures.RoleMaster, fixtures.RoleVolumeLicense} {
		if _, ok := fx.OAuth[role]; ok {
			keys = append(keys, "tokens."+role)
		}
	}
	if len(keys) == 1 {
		return keys[0] + " is"
	}
	return strings.Join(keys, " and ") + " are"
}

// secretEnv is the environment variable the printed fixtures read a
// client's secret from.
func secretEnv(c mock.OAuthClient) string {
	if c.Role == fixtures.RoleMaster {
		return envMasterSecret
	}
	return envVolumeSecret
}

// oauthFixturesJSON is a fixtures file for the running mock with OAuth:
// its master and volume_license roles are the mock's clients, with their
// secrets read from the environment; the rest is the mock's fixtures.
func oauthFixturesJSON(fx fixtures.Fixtures, tokenURL string, clients []mock.OAuthClient) []byte {
	type role struct {
		OAuth fixtures.OAuthClient `json:"oauth"`
	}
	roles := map[string]role{}
	for _, c := range clients {
		roles[c.Role] = role{fixtures.OAuthClient{TokenURL: tokenURL, AccountID: c.AccountID, ClientID: c.ID, ClientSecret: fixtures.EnvPrefix + secretEnv(c)}}
	}
	var paid any = fx.Accounts.Paid
	if len(fx.Accounts.MorePaid) > 0 {
		paid = fx.PaidAccounts()
	}
	file := struct {
		Tokens struct {
			Master        role   `json:"master"`
			VolumeLicense role   `json:"volume_license"`
			UnknownUser   string `json:"unknown_user"`
		} `json:"tokens"`
		Accounts struct {
			Paid      any    `json:"paid"`
			Free      string `json:"free"`
			SelfPay   string `json:"self_pay"`
			RoomsBase string `json:"rooms_base"`
			HasAddon  string `json:"has_addon"`
			Missing   string `json:"missing"`
		} `json:"accounts"`
		HasAddonPlan string `json:"has_addon_plan"`
	}{}
	file.Tokens.Master = roles[fixtures.RoleMaster]
	file.Tokens.VolumeLicense = roles[fixtures.RoleVolumeLicense]
	file.Tokens.UnknownUser = fx.Tokens.UnknownUser
	a := fx.Accounts
	file.Accounts.Paid, file.Accounts.Free, file.Accounts.SelfPay = paid, a.Free, a.SelfPay
	file.Accounts.RoomsBase, file.Accounts.HasAddon, file.Accounts.Missing = a.RoomsBase, a.HasAddon, a.Missing
	file.HasAddonPlan = fx.HasAddonPlan
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(file); err != nil {
		panic("contract mock: fixtures do not marshal: " + err.Error()) // strings only: cannot happen
	}
	return buf.Bytes()
}

// mockBanner is what the mock prints once it listens.
type mockBanner struct {
	base  string // scheme://host:port
	fx    fixtures.Fixtures
	fault string
	rate  float64
	oauth *oauthBanner // nil without -oauth
}

type oauthBanner struct {
	tokenURL  string
	ttl       time.Duration
	clients   []mock.OAuthClient
	fixtures  []byte // the fixtures file for the mock with OAuth
	writtenTo string // where they were written; "" = print them
}

// printMockBanner prints the address and the roles served. The tokens are
// the mock's own published test credentials, so printing them is the
// point; the OAuth client secrets are printed only as export lines for
// the fixtures' env:NAME values.
func printMockBanner(e *env, b mockBanner) {
	w := e.stdout
	fx := b.fx
	fmt.Fprintf(w, "mock listening on %s\n", b.base)
	tw := tabwriter.NewWriter(w, 0, 4, 1, ' ', 0)
	rows := [][2]string{
		{"tokens.master", fx.Tokens.Master},
		{"tokens.volume_license", fx.Tokens.VolumeLicense},
		{"tokens.unknown_user", fx.Tokens.UnknownUser},
	}
	for i, id := range fx.PaidAccounts() {
		key := "accounts.paid"
		if i > 0 {
			key = fmt.Sprintf("accounts.paid[%d]", i)
		}
		rows = append(rows, [2]string{key, id})
	}
	rows = append(rows, [][2]string{
		{"accounts.free", fx.Accounts.Free},
		{"accounts.self_pay", fx.Accounts.SelfPay},
		{"accounts.rooms_base", fx.Accounts.RoomsBase},
		{"accounts.has_addon", fx.Accounts.HasAddon},
		{"accounts.missing", fx.Accounts.Missing},
		{"has_addon_plan", fx.HasAddonPlan},
	}...)
	for _, kv := range rows {
		if kv[1] == "" {
			continue // a role only an OAuth client plays
		}
		fmt.Fprintf(tw, "  %s\t%s\n", kv[0], kv[1])
	}
	_ = tw.Flush()
	if b.fault != "" {
		for _, f := range mock.Faults() {
			if f.Name == b.fault {
				fmt.Fprintf(w, "fault %s (breaks %s): %s\n", f.Name, f.Breaks, f.Description)
			}
		}
	}
	if b.rate > 0 {
		fmt.Fprintf(w, "rate limit: %g requests per second per token (429 beyond)\n", b.rate)
	}
	if b.oauth != nil {
		printOAuthBanner(w, b.base, b.oauth)
	}
	fmt.Fprintln(w, "stop with Ctrl-C")
}

// printOAuthBanner prints the token endpoint, the clients, the export
// lines of their secrets and the fixtures file (or where it was written).
func printOAuthBanner(w io.Writer, base string, o *oauthBanner) {
	fmt.Fprintf(w, "oauth token endpoint: %s (tokens expire after %v)\n", o.tokenURL, o.ttl)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, c := range o.clients {
		fmt.Fprintf(tw, "  %s\tclient_id %s\taccount_id %s\tsecret $%s\n", c.Role, c.ID, c.AccountID, secretEnv(c))
	}
	_ = tw.Flush()
	fmt.Fprintln(w, "the fixtures read the client secrets from the environment; set them with:")
	for _, c := range o.clients {
		fmt.Fprintf(w, "export %s=%s\n", secretEnv(c), shellQuote(c.Secret))
	}
	if o.writtenTo != "" {
		fmt.Fprintf(w, "fixtures written to %s: contract run -target %s -fixtures %s\n", o.writtenTo, base, o.writtenTo)
	} else {
		fmt.Fprintf(w, "fixtures (save as FILE, then: contract run -target %s -fixtures FILE):\n%s", base, o.fixtures)
	}
}

// shellQuote quotes s for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	safe := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.,:/@%+=", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
