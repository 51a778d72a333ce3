package main

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/mock"
	"github.com/addons-contract/contract/spec"
	"github.com/stretchr/testify/require"
)

// oauthStaging is the mock with its OAuth token endpoint behind TLS with
// its own CA and under a base path: the whole staging flow without the
// vendor. It records every
// access token it hands out, so tests can grep for them.
type oauthStaging struct {
	srv     *httptest.Server
	caFile  string
	fxFile  string
	mu      sync.Mutex
	tokens  []string
	fetches int
}

// newOAuthStaging starts it with tokens living ttl; with lie, the token
// endpoint says they live an hour (the client then meets "Access token is
// expired." in flight, as with a clock skew or an early revocation).
// Each wrap, when given, wraps the whole server's handler.
func newOAuthStaging(t *testing.T, ttl time.Duration, lie bool, wrap ...func(http.Handler) http.Handler) *oauthStaging {
	t.Helper()
	doc, err := spec.Default()
	require.NoError(t, err)
	fx := fixtures.Default()
	clients, err := mockOAuthClients(true, map[string]bool{}, time.Second, "", "")
	require.NoError(t, err)
	m, err := mock.New(mock.Config{Doc: doc, Fixtures: &fx, UnknownUserLimit: -1, OAuth: &mock.OAuth{Clients: clients, TTL: ttl}})
	require.NoError(t, err)
	s := &oauthStaging{}
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != mock.DefaultTokenPath {
			// The API lives under a base path, as the vendor's does.
			if !strings.HasPrefix(r.URL.Path, "/v2/") {
				http.NotFound(w, r)
				return
			}
			r.URL.Path = strings.TrimPrefix(r.URL.Path, "/v2")
			r.URL.RawPath = ""
			m.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		m.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		var tok map[string]any
		if json.Unmarshal(body, &tok) == nil && tok["access_token"] != nil {
			s.mu.Lock()
			s.tokens = append(s.tokens, tok["access_token"].(string))
			s.fetches++
			s.mu.Unlock()
			if lie {
				tok["expires_in"] = 3600
				body, _ = json.Marshal(tok)
			}
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		w.Write(body)
	})
	for _, f := range wrap {
		h = f(h)
	}
	s.srv = httptest.NewTLSServer(h)
	t.Cleanup(s.srv.Close)
	dir := t.TempDir()
	s.caFile = filepath.Join(dir, "ca.pem")
	require.NoError(t, os.WriteFile(s.caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.srv.Certificate().Raw}), 0o644))
	s.fxFile = filepath.Join(dir, "staging.json")
	require.NoError(t, os.WriteFile(s.fxFile, oauthFixturesJSON(fx, s.srv.URL+mock.DefaultTokenPath, clients), 0o644))
	return s // the secrets are in the environment (TestMain)
}

// issued returns the access tokens handed out so far.
func (s *oauthStaging) issued() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.tokens...)
}

// runStaging runs a small suite against s with writes, and returns the
// exit code and everything the run wrote (stdout, stderr, reports).
func runStaging(t *testing.T, s *oauthStaging, extra ...string) (int, string, string) {
	t.Helper()
	dir := t.TempDir()
	a := append([]string{"run", "-target", s.srv.URL + "/v2", "-fixtures", s.fxFile, "-ca-file", s.caFile, "-allow-writes",
		"-seed", "3", "-valid", "20", "-invalid", "40", "-sequences", "2",
		"-json", filepath.Join(dir, "r.json"), "-junit", filepath.Join(dir, "r.xml"), "-save", filepath.Join(dir, "corpus")}, extra...)
	code, stdout, stderr := runCLI(t, a...)
	var all bytes.Buffer
	all.WriteString(stdout + stderr)
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			f, _ := os.Open(p)
			io.Copy(&all, f)
			f.Close()
		}
		return nil
	})
	return code, stdout + "\n" + stderr, all.String()
}

// The vendor's flow end to end, over TLS with the staging's CA: tokens are
// fetched with client credentials read from the environment, refreshed
// before they expire, a master token kept past its lifetime gets the
// token_expired row, and the run passes. No client secret and no fetched
// token appears in any output, report or corpus entry.
func TestOAuthOverTLSPasses(t *testing.T) {
	t.Parallel() // it waits for tokens to expire, not for the CPU
	s := newOAuthStaging(t, 2*time.Second, false)
	code, out, all := runStaging(t, s, "-rate", "100")
	require.Equal(t, exitPass, code, out)
	require.Contains(t, out, "\nPASS")
	require.GreaterOrEqual(t, len(s.issued()), 3, "a first token per role, and a refresh before expiry")
	require.NotContains(t, out, "expired-token case", "the expired master token was sent")
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "error rows reached") {
			require.NotContains(t, line, "token_expired", "the expired token got the token_expired row")
		}
	}
	for _, secret := range append(s.issued(), defaultMasterSecret, defaultVolumeSecret) {
		require.NotContains(t, all, secret, "a secret or token leaked")
	}
}

// Tokens that expire before the client expects: the run meets "Access token
// is expired." in flight, fetches a new token once and resends; those
// exchanges are not judged, and the run passes.
func TestOAuthExpiryMidRunIsRefetched(t *testing.T) {
	t.Parallel() // it waits for tokens to expire, not for the CPU
	s := newOAuthStaging(t, time.Second, true)
	code, out, all := runStaging(t, s, "-rate", "100")
	require.Equal(t, exitPass, code, out)
	require.Greater(t, len(s.issued()), 2, "tokens were fetched anew after the target said they expired")
	for _, tok := range s.issued() {
		require.NotContains(t, all, tok)
	}
}

// A wrong client secret is exit 3 at once, naming the role and what the
// token endpoint answered, never the secret.
func TestOAuthBadSecretIsExit3(t *testing.T) {
	s := newOAuthStaging(t, time.Hour, false)
	t.Setenv(envMasterSecret, "wrong-secret-value")
	code, out, _ := runStaging(t, s)
	require.Equal(t, exitUnreachable, code, out)
	require.Contains(t, out, "the master token: ")
	require.Contains(t, out, "401")
	require.Contains(t, out, "invalid_client")
	require.NotContains(t, out, "wrong-secret-value")
}

// An unset env: variable is exit 2, naming the variable.
func TestOAuthUnsetSecretIsExit2(t *testing.T) {
	s := newOAuthStaging(t, time.Hour, false)
	t.Setenv(envMasterSecret, "") // restored after the test
	os.Unsetenv(envMasterSecret)
	code, out, _ := runStaging(t, s)
	require.Equal(t, exitUsage, code, out)
	require.Contains(t, out, envMasterSecret)
	require.Zero(t, strings.Count(strings.TrimSpace(out), "\n"), "one line: %q", out)
}

// The two commands a user runs, end to end: `contract mock -oauth` over
// TLS writes its fixtures, and `contract run` against it with those
// fixtures and -ca-file passes, its tokens expiring during the run.
func TestMockCommandAndRunOverTLS(t *testing.T) {
	t.Parallel() // it waits for tokens to expire, not for the CPU
	certFile, keyFile, _ := selfSignedPair(t)
	fxFile := filepath.Join(t.TempDir(), "staging.json")
	banner, stop := startMock(t, "-oauth", "-token-ttl", "2s", "-tls-cert", certFile, "-tls-key", keyFile, "-write-fixtures", fxFile)
	defer stop()
	base, ok := strings.CutPrefix(banner[0], "mock listening on ")
	require.True(t, ok, "first line %q", banner[0])
	code, stdout, stderr := runCLI(t, "run", "-target", base, "-fixtures", fxFile, "-ca-file", certFile, "-allow-writes",
		"-seed", "3", "-valid", "20", "-invalid", "40", "-sequences", "2", "-rate", "100")
	require.Equal(t, exitPass, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	require.Contains(t, stdout, "\nPASS")
	require.NotContains(t, stdout+stderr, defaultMasterSecret)
}
