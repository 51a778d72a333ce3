package main

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/internal/oauth"
	"github.com/addons-contract/contract/mock"
)

// TestMockServesAndStops starts the mock on a free port in-process, sends
// one request, cancels the context as SIGINT would, and expects a clean exit.
func TestMockServesAndStops(t *testing.T) {
	lines, stop := startMock(t)
	base, ok := strings.CutPrefix(lines[0], "mock listening on ")
	require.True(t, ok, "first line %q", lines[0])

	fx := fixtures.Default()
	req, err := http.NewRequest(http.MethodPost, base+"/accounts/"+fx.Accounts.Paid+"/plans/addons",
		strings.NewReader(`{"type":"zwb_monthly","hosts":3}`))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+fx.Tokens.Master)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusCreated, res.StatusCode)
	http.DefaultClient.CloseIdleConnections()

	require.Equal(t, exitPass, stop(), "a cancel (SIGINT) is a clean exit")
	banner := strings.Join(lines, "\n")
	for _, want := range []string{fx.Tokens.Master, fx.Tokens.VolumeLicense, fx.Tokens.UnknownUser, fx.Accounts.Paid, fx.Accounts.Missing, fx.HasAddonPlan} {
		require.Contains(t, banner, want)
	}
}

func TestMockListsFaults(t *testing.T) {
	code, stdout, stderr := runCLI(t, "mock", "-faults")
	require.Equal(t, exitPass, code, stderr)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	require.Len(t, lines, len(mock.Faults())+1, "a header and a line per fault")
	for i, f := range mock.Faults() {
		fields := strings.Fields(lines[i+1])
		require.Equal(t, []string{f.Name, f.Breaks}, fields[:2])
	}
}

func TestMockBadInput(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.json")
	require.NoError(t, os.WriteFile(broken, []byte(`{"tokens": {`), 0o600))
	typo := filepath.Join(dir, "typo.json")
	require.NoError(t, os.WriteFile(typo, []byte(strings.Replace(string(fixtures.DefaultJSON()), `"paid"`, `"payd"`, 1)), 0o600))
	baseAddon := filepath.Join(dir, "base.json")
	require.NoError(t, os.WriteFile(baseAddon, []byte(strings.Replace(string(fixtures.DefaultJSON()), `"webinar500_monthly"`, `"yearly"`, 1)), 0o600))

	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()

	tests := []struct {
		name string
		args []string
		want string // in the one stderr line
	}{
		{"malformed fixtures", []string{"-fixtures", broken}, "broken.json"},
		{"unknown key in fixtures", []string{"-fixtures", typo}, `unknown key "payd"`},
		{"missing fixtures file", []string{"-fixtures", filepath.Join(dir, "nope.json")}, "nope.json"},
		{"has_addon_plan not an add-on", []string{"-fixtures", baseAddon}, `has_addon_plan "yearly"`},
		{"unknown fault", []string{"-fault", "nope"}, `unknown fault "nope"`},
		{"negative rate", []string{"-rate", "-1"}, "rate -1"},
		{"port in use", []string{"-addr", busy.Addr().String()}, "cannot listen on " + busy.Addr().String()},
		{"bad spec", []string{"-spec", filepath.Join(dir, "nope.yaml")}, "nope.yaml"},
		{"stray argument", []string{"extra"}, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"mock", "-addr", "127.0.0.1:0"}, tt.args...)
			// A cancelled context: a case that wrongly starts serving exits
			// at once instead of hanging the test.
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			var stdout, errb strings.Builder
			code := run(ctx, args, strings.NewReader(""), &stdout, &errb)
			stderr := errb.String()
			require.Equal(t, exitUsage, code, "stderr: %s", stderr)
			require.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
			require.Contains(t, stderr, tt.want)
			require.True(t, strings.HasPrefix(stderr, "contract mock: "), "stderr: %q", stderr)
			require.NotContains(t, stderr, "mock: mock:")
		})
	}
}

// startMock runs "contract mock -addr 127.0.0.1:0 args..." in-process and
// returns its banner, up to "stop with Ctrl-C", and a stop function that
// cancels it as SIGINT would and returns the exit code.
func startMock(t *testing.T, args ...string) (banner []string, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	lines := make(chan string, 256)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	done := make(chan int, 1)
	var stderr strings.Builder
	go func() {
		done <- run(ctx, append([]string{"mock", "-addr", "127.0.0.1:0"}, args...), strings.NewReader(""), pw, &stderr)
		pw.Close()
	}()
	stop = func() int {
		cancel()
		select {
		case code := <-done:
			for range lines { // drain
			}
			return code
		case <-time.After(10 * time.Second):
			t.Fatal("mock did not stop within 10s of cancel")
			return -1
		}
	}
	timeout := time.After(10 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("mock exited before its banner ended: %s", stderr.String())
			}
			banner = append(banner, l)
			if l == "stop with Ctrl-C" {
				return banner, stop
			}
		case <-timeout:
			cancel()
			t.Fatalf("no complete banner in 10s: %q", banner)
		}
	}
}

// exportsIn reads the "export NAME=VALUE" lines of a banner.
func exportsIn(banner []string) map[string]string {
	env := map[string]string{}
	for _, l := range banner {
		if kv, ok := strings.CutPrefix(l, "export "); ok {
			name, value, _ := strings.Cut(kv, "=")
			env[name] = strings.Trim(value, "'")
		}
	}
	return env
}

// selfSignedPair writes a certificate for 127.0.0.1 and its key as PEM
// files, and returns them with a pool that trusts the certificate.
func selfSignedPair(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "contract mock test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	keyDER, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	require.NoError(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600))
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestMockOAuthOverTLS is the whole round trip a staging run makes: the
// printed fixtures and export lines give OAuth clients, internal/oauth
// fetches tokens over HTTPS (HTTP/2), the tokens act as their roles and
// expire after -token-ttl.
func TestMockOAuthOverTLS(t *testing.T) {
	certFile, keyFile, pool := selfSignedPair(t)
	banner, stop := startMock(t, "-oauth", "-token-ttl", "1s", "-tls-cert", certFile, "-tls-key", keyFile)
	base, ok := strings.CutPrefix(banner[0], "mock listening on ")
	require.True(t, ok, "first line %q", banner[0])
	require.True(t, strings.HasPrefix(base, "https://127.0.0.1:"), base)
	text := strings.Join(banner, "\n")
	require.Contains(t, text, "oauth token endpoint: "+base+"/oauth/token (tokens expire after 1s)")

	// The fixtures are printed between their heading and the last line.
	start := slices.IndexFunc(banner, func(l string) bool { return strings.HasPrefix(l, "fixtures (save as FILE") })
	require.Positive(t, start, "banner:\n%s", text)
	data := strings.Join(banner[start+1:len(banner)-1], "\n")
	env := exportsIn(banner)
	require.Equal(t, map[string]string{"CONTRACT_MOCK_MASTER_SECRET": "mock-master-client-secret", "CONTRACT_MOCK_VOLUME_SECRET": "mock-volume-license-client-secret"}, env)
	fx, err := fixtures.ParseEnv("printed.json", []byte(data), func(name string) (string, bool) { v, ok := env[name]; return v, ok })
	require.NoError(t, err, "the printed fixtures parse with the printed exports")
	require.Equal(t, fixtures.Default().Accounts, fx.Accounts, "the mock's own accounts")
	for _, secret := range env {
		require.Equal(t, 1, strings.Count(text, secret), "a secret is printed on its export line only")
	}

	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	tokenOf := func(role string) oauth.Token {
		c := fx.OAuth[role]
		require.Equal(t, base+"/oauth/token", c.TokenURL)
		tok, err := (&oauth.Client{TokenURL: c.TokenURL, AccountID: c.AccountID, ClientID: c.ClientID, ClientSecret: c.ClientSecret, HTTP: hc}).Fetch(context.Background())
		require.NoError(t, err)
		return tok
	}
	post := func(token, account, body string) (int, string) {
		req, err := http.NewRequest(http.MethodPost, base+"/accounts/"+account+"/plans/addons", strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res, err := hc.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		require.Equal(t, 2, res.ProtoMajor, "HTTPS offers HTTP/2, as staging does")
		b, err := io.ReadAll(res.Body)
		require.NoError(t, err)
		return res.StatusCode, string(b)
	}
	master := tokenOf(fixtures.RoleMaster)
	status, body := post(master.Value, fx.Accounts.Paid, `{"type":"zwb_monthly","hosts":3}`)
	require.Equal(t, http.StatusCreated, status, body)
	status, body = post(tokenOf(fixtures.RoleVolumeLicense).Value, fx.Accounts.Paid, `{"type":"zwr_monthly","hosts":3}`)
	require.Equal(t, http.StatusBadRequest, status, body)
	require.Contains(t, body, "volume license")

	time.Sleep(time.Until(master.Expiry) + 100*time.Millisecond)
	status, body = post(master.Value, fx.Accounts.Paid, `{"type":"zwr_monthly","hosts":3}`)
	require.Equal(t, http.StatusUnauthorized, status)
	require.JSONEq(t, `{"code":124,"message":"Access token is expired."}`, body)

	bad := fx.OAuth[fixtures.RoleMaster]
	_, err = (&oauth.Client{TokenURL: bad.TokenURL, AccountID: bad.AccountID, ClientID: bad.ClientID, ClientSecret: "wrong", HTTP: hc}).Fetch(context.Background())
	require.EqualError(t, err, "token endpoint "+base+"/oauth/token answered 401: invalid_client (Invalid client_id or client_secret)")

	tr.CloseIdleConnections()
	require.Equal(t, exitPass, stop())
}

// TestMockWritesFixtures: -write-fixtures writes the file (and does not
// print it); secrets come from the flag, else the environment, else the
// defaults.
func TestMockWritesFixtures(t *testing.T) {
	t.Setenv("CONTRACT_MOCK_MASTER_SECRET", "master from env")
	t.Setenv("CONTRACT_MOCK_VOLUME_SECRET", "volume-from-env")
	path := filepath.Join(t.TempDir(), "mock-oauth.json")
	banner, stop := startMock(t, "-oauth", "-write-fixtures", path, "-client-secret-volume", "volume-from-flag")
	require.Equal(t, exitPass, stop())
	text := strings.Join(banner, "\n")
	require.NotContains(t, text, `"oauth"`, "written, not printed")
	require.Contains(t, text, "fixtures written to "+path)
	require.Contains(t, text, "export CONTRACT_MOCK_MASTER_SECRET='master from env'", "the environment's secret, quoted for the shell")
	require.Contains(t, text, "export CONTRACT_MOCK_VOLUME_SECRET=volume-from-flag", "the flag wins over the environment")

	data, err := os.ReadFile(path)
	require.NoError(t, err)
	env := exportsIn(banner)
	fx, err := fixtures.ParseEnv(path, data, func(name string) (string, bool) { v, ok := env[name]; return v, ok })
	require.NoError(t, err)
	require.Equal(t, "master from env", fx.OAuth[fixtures.RoleMaster].ClientSecret)
	require.Equal(t, "volume-from-flag", fx.OAuth[fixtures.RoleVolumeLicense].ClientSecret)
	require.Equal(t, "mock-master-client", fx.OAuth[fixtures.RoleMaster].ClientID)
	require.Empty(t, fx.Tokens.Master, "an OAuth role has no fixtures token")
	require.Equal(t, fixtures.Default().Tokens.UnknownUser, fx.Tokens.UnknownUser)

	// The written file serves the mock itself, as a staging file would.
	t.Setenv("CONTRACT_MOCK_VOLUME_SECRET", "volume-from-flag")
	banner, stop = startMock(t, "-oauth", "-fixtures", path)
	require.Equal(t, exitPass, stop())
	require.NotContains(t, strings.Join(banner, "\n"), "tokens.master ", "no fixtures token to print for an OAuth role")
}

func TestMockOAuthBadInput(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.pem")
	require.NoError(t, os.WriteFile(garbage, []byte("not PEM\n"), 0o600))
	certFile, _, _ := selfSignedPair(t)
	_, otherKey, _ := selfSignedPair(t)
	withOAuth := filepath.Join(dir, "oauth.json")
	require.NoError(t, os.WriteFile(withOAuth, []byte(strings.Replace(string(fixtures.DefaultJSON()), `"mock-master-token"`,
		`{"oauth": {"token_url": "http://127.0.0.1:1/oauth/token", "account_id": "a", "client_id": "c", "client_secret": "s"}}`, 1)), 0o600))

	tests := []struct {
		name, reason string
		args         []string
		want         string // in the one stderr line
	}{
		{"cert without key", "a certificate alone cannot serve TLS", []string{"-tls-cert", garbage}, "-tls-cert and -tls-key go together"},
		{"key without cert", "nor a key alone", []string{"-tls-key", garbage}, "-tls-cert and -tls-key go together"},
		{"garbage pair", "a file that is no PEM is named", []string{"-tls-cert", garbage, "-tls-key", garbage}, "-tls-cert " + garbage + " -tls-key " + garbage + ": tls: "},
		{"mismatched pair", "a key of another certificate is caught at start", []string{"-tls-cert", certFile, "-tls-key", otherKey}, "private key does not match public key"},
		{"missing cert file", "an absent file is named", []string{"-tls-cert", filepath.Join(dir, "nope.pem"), "-tls-key", garbage}, "nope.pem"},
		{"ttl without oauth", "the OAuth flags need -oauth", []string{"-token-ttl", "5s"}, "-token-ttl needs -oauth"},
		{"write without oauth", "the OAuth flags need -oauth", []string{"-write-fixtures", filepath.Join(dir, "f.json")}, "-write-fixtures needs -oauth"},
		{"secret without oauth", "the OAuth flags need -oauth", []string{"-client-secret-master", "x"}, "-client-secret-master needs -oauth"},
		{"sub-second ttl", "expires_in is in whole seconds", []string{"-oauth", "-token-ttl", "500ms"}, "-token-ttl 500ms: want whole seconds, at least 1s"},
		{"fractional ttl", "expires_in is in whole seconds", []string{"-oauth", "-token-ttl", "1.5s"}, "-token-ttl 1.5s: want whole seconds"},
		{"empty secret", "an empty secret authenticates anyone", []string{"-oauth", "-client-secret-volume", ""}, "-client-secret-volume must not be empty"},
		{"OAuth fixtures without -oauth", "an OAuth role needs the token endpoint", []string{"-fixtures", withOAuth}, "tokens.master is an OAuth client; add -oauth"},
		{"unwritable fixtures", "a write error is one line", []string{"-oauth", "-write-fixtures", filepath.Join(dir, "no", "such", "dir", "f.json")}, "-write-fixtures: write "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			var stdout, errb strings.Builder
			code := run(ctx, append([]string{"mock", "-addr", "127.0.0.1:0"}, tt.args...), strings.NewReader(""), &stdout, &errb)
			stderr := errb.String()
			require.Equal(t, exitUsage, code, "%s: stderr %s", tt.reason, stderr)
			require.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
			require.Contains(t, stderr, tt.want, tt.reason)
			require.True(t, strings.HasPrefix(stderr, "contract mock: "), "stderr: %q", stderr)
		})
	}
}
