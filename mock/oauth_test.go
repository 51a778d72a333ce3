package mock

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/spec"
)

const msgExpired = "Access token is expired."

var (
	masterClient = OAuthClient{ID: "cid-master", Secret: "secret-master", AccountID: "acct-master", Role: fixtures.RoleMaster}
	volumeClient = OAuthClient{ID: "cid-volume", Secret: "secret-volume", AccountID: "acct-volume", Role: fixtures.RoleVolumeLicense}
)

// fakeClock is a settable clock for token expiry.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// oauthServer is a mock with the token endpoint on, both clients, a TTL
// of a minute and a fake clock.
func oauthServer(t *testing.T, cfg Config) (*Server, *fakeClock) {
	t.Helper()
	clk := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	if cfg.OAuth == nil {
		cfg.OAuth = &OAuth{Clients: []OAuthClient{masterClient, volumeClient}, TTL: time.Minute}
	}
	cfg.OAuth.Now = clk.Now
	return newServer(t, cfg), clk
}

// tokenReq is one request to the token endpoint.
type tokenReq struct {
	method         string // "" = POST
	id, secret     string // Basic credentials; id "" = none
	grant, account string // query values; "-" = left out
	path           string // "" = DefaultTokenPath
	host           string // "" = httptest's example.com
	tls            bool
}

func (q tokenReq) do(t *testing.T, s *Server) (int, http.Header, map[string]any) {
	t.Helper()
	method := q.method
	if method == "" {
		method = http.MethodPost
	}
	v := url.Values{}
	if q.grant != "-" {
		v.Set("grant_type", q.grant)
	}
	if q.account != "-" {
		v.Set("account_id", q.account)
	}
	path := q.path
	if path == "" {
		path = DefaultTokenPath
	}
	target := "http://example.com" + path + "?" + v.Encode()
	if q.tls {
		target = "https://example.com" + path + "?" + v.Encode()
	}
	r := httptest.NewRequest(method, target, nil)
	if q.id != "" {
		r.SetBasicAuth(q.id, q.secret)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, r)
	var body map[string]any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body), "body %s", rec.Body)
	require.Equal(t, "application/json", rec.Header().Get("Content-Type"))
	return rec.Code, rec.Header(), body
}

// fetch gets a token for c from s.
func fetch(t *testing.T, s *Server, c OAuthClient) string {
	t.Helper()
	status, _, body := tokenReq{id: c.ID, secret: c.Secret, grant: "account_credentials", account: c.AccountID}.do(t, s)
	require.Equal(t, http.StatusOK, status, "%v", body)
	token, _ := body["access_token"].(string)
	require.NotEmpty(t, token)
	return token
}

func TestTokenEndpoint(t *testing.T) {
	ok := tokenReq{id: masterClient.ID, secret: masterClient.Secret, grant: "account_credentials", account: masterClient.AccountID}
	with := func(edit func(*tokenReq)) tokenReq { q := ok; edit(&q); return q }
	tests := []struct {
		name, reason string
		q            tokenReq
		status       int
		errCode      string // the answer's "error"; "" for a token
		errReason    string // the answer's "reason", when compared
	}{
		{"good", "the master app gets a token for its account", ok, 200, "", ""},
		{"volume license app", "each client gets tokens of its own account", tokenReq{id: volumeClient.ID, secret: volumeClient.Secret, grant: "account_credentials", account: volumeClient.AccountID}, 200, "", ""},
		{"wrong secret", "the vendor's answer to bad credentials", with(func(q *tokenReq) { q.secret = "nope" }), 401, "invalid_client", "Invalid client_id or client_secret"},
		{"unknown client", "an unknown id is bad credentials too", with(func(q *tokenReq) { q.id = "cid-nobody" }), 401, "invalid_client", "Invalid client_id or client_secret"},
		{"another client's secret", "secrets are per client", with(func(q *tokenReq) { q.secret = volumeClient.Secret }), 401, "invalid_client", "Invalid client_id or client_secret"},
		{"no credentials", "Basic auth is required", with(func(q *tokenReq) { q.id = "" }), 401, "invalid_client", "Invalid client_id or client_secret"},
		{"wrong grant", "only account_credentials is served", with(func(q *tokenReq) { q.grant = "client_credentials" }), 400, "unsupported_grant_type", ""},
		{"no grant", "grant_type is required", with(func(q *tokenReq) { q.grant = "-" }), 400, "invalid_request", ""},
		{"other account", "a client gets tokens for its own account only", with(func(q *tokenReq) { q.account = volumeClient.AccountID }), 400, "invalid_request", ""},
		{"no account", "account_id is required", with(func(q *tokenReq) { q.account = "-" }), 400, "invalid_request", ""},
		{"GET", "the endpoint takes POST", with(func(q *tokenReq) { q.method = http.MethodGet }), 405, "invalid_request", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := oauthServer(t, Config{})
			status, header, body := tt.q.do(t, s)
			require.Equal(t, tt.status, status, "%s: %v", tt.reason, body)
			if tt.errCode != "" {
				require.Equal(t, tt.errCode, body["error"], tt.reason)
				require.NotEmpty(t, body["reason"], tt.reason)
				if tt.errReason != "" {
					require.Equal(t, tt.errReason, body["reason"], tt.reason)
				}
				require.Zero(t, s.oauth.size(), "no token issued")
				return
			}
			require.Equal(t, "bearer", body["token_type"])
			require.Equal(t, 60.0, body["expires_in"], "the TTL in seconds")
			require.Equal(t, "billing:master", body["scope"])
			require.Equal(t, "http://example.com", body["api_url"])
			require.Equal(t, "no-store", header.Get("Cache-Control"))
			require.Equal(t, 1, s.oauth.size())
		})
	}
	t.Run("https api_url", func(t *testing.T) {
		s, _ := oauthServer(t, Config{})
		q := ok
		q.tls = true
		_, _, body := q.do(t, s)
		require.Equal(t, "https://example.com", body["api_url"], "the API URL follows the scheme the token was fetched over")
	})
	t.Run("tokens differ", func(t *testing.T) {
		s, _ := oauthServer(t, Config{})
		require.NotEqual(t, fetch(t, s, masterClient), fetch(t, s, masterClient), "each fetch issues a new token")
	})
}

func TestOAuthTokensActAsTheirRole(t *testing.T) {
	s, clk := oauthServer(t, Config{})
	master := fetch(t, s, masterClient)
	volume := fetch(t, s, volumeClient)

	tests := []struct {
		name, reason string
		q            req
		want         outcome
	}{
		{"master token adds", "an issued master token is the master", req{auth: "Bearer " + master, body: plain("zwb_monthly", 2)}, outcome{Status: 201}},
		{"volume token refused", "an issued volume-license token is the volume-license master", req{auth: "Bearer " + volume, body: plain("zwr_monthly", 2)}, outcome{400, 2100, msgVolume}},
		{"literal token still works", "the fixtures' tokens keep working beside OAuth", req{body: plain("zwr_monthly", 2)}, outcome{Status: 201}},
		{"unknown token", "a token nobody issued is invalid, not expired", req{auth: "Bearer mock-oauth-made-up", body: validBody}, outcome{401, 124, msgToken}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := call(t, s, tt.q)
			require.Equal(t, tt.want, outcomeOf(got, tt.want.Message != ""), "%s: %s", tt.reason, got.body)
		})
	}

	clk.Add(time.Minute - time.Second)
	require.Equal(t, 404, call(t, s, req{auth: "Bearer " + master, account: fx.Accounts.Missing, body: validBody}).status, "valid until its TTL has run out")

	clk.Add(time.Second)
	for _, token := range []string{master, volume} {
		q := req{auth: "Bearer " + token, body: validBody}
		got := call(t, s, q)
		require.Equal(t, outcome{401, 124, msgExpired}, outcomeOf(got, true), "an expired token answers the token_expired row")
		require.Empty(t, responseProblems(t, q, got), "the answer is a documented 401")
	}
	require.Equal(t, 201, call(t, s, req{auth: "Bearer " + fetch(t, s, masterClient), body: validBody}).status, "a new token works again")
}

// TestOAuthFixturesRoles: with OAuth on, a role served by an OAuth client
// needs no fixtures token, as in a fixtures file whose master is an OAuth
// client.
func TestOAuthFixturesRoles(t *testing.T) {
	noMaster := fx
	noMaster.Tokens.Master = ""
	s, _ := oauthServer(t, Config{Fixtures: &noMaster})
	require.Equal(t, 201, call(t, s, req{auth: "Bearer " + fetch(t, s, masterClient), body: validBody}).status)

	onlyVolume := &OAuth{Clients: []OAuthClient{volumeClient}}
	_, err := New(Config{Doc: testDoc(t), Fixtures: &noMaster, OAuth: onlyVolume})
	require.ErrorContains(t, err, "master or volume_license may be empty only when an OAuth client plays that role",
		"no client plays master, so the master needs its token")

	morePaid := fx
	morePaid.Accounts.MorePaid = []string{"sub-paid-0006", "sub-paid-0007"}
	s = newServer(t, Config{Fixtures: &morePaid})
	for _, id := range morePaid.PaidAccounts() {
		require.Equal(t, 201, call(t, s, req{account: id, body: validBody}).status, "every paid account of the fixtures is served: %s", id)
	}
}

func TestOAuthTableIsBounded(t *testing.T) {
	t.Run("long expired tokens are forgotten", func(t *testing.T) {
		s, clk := oauthServer(t, Config{})
		old := fetch(t, s, masterClient)
		clk.Add(time.Minute + forgetExpiredAfter - time.Second)
		fetch(t, s, masterClient)
		require.Equal(t, 2, s.oauth.size(), "an expired token is remembered for a while")
		require.Equal(t, msgExpired, call(t, s, req{auth: "Bearer " + old, body: validBody}).message)

		clk.Add(time.Second)
		fetch(t, s, masterClient)
		require.Equal(t, 2, s.oauth.size(), "the long expired token is dropped at the next issue")
		require.Equal(t, msgToken, call(t, s, req{auth: "Bearer " + old, body: validBody}).message, "a forgotten token is unknown")
	})
	t.Run("a full table drops the oldest", func(t *testing.T) {
		s, _ := oauthServer(t, Config{})
		s.oauth.maxIssued = 3
		var tokens []string
		for range 5 {
			tokens = append(tokens, fetch(t, s, masterClient))
		}
		require.Equal(t, 3, s.oauth.size())
		require.Equal(t, 401, call(t, s, req{auth: "Bearer " + tokens[0], body: validBody}).status, "the oldest is forgotten")
		require.Equal(t, 201, call(t, s, req{auth: "Bearer " + tokens[4], body: validBody}).status, "the newest works")
	})
}

// TestOAuthRateLimitPerRole: refreshing a token does not reset the limit,
// since the buckets belong to roles, not token values.
func TestOAuthRateLimitPerRole(t *testing.T) {
	s, _ := oauthServer(t, Config{Rate: 1})
	now := time.Unix(1000, 0)
	s.limit.now = func() time.Time { return now }
	get := func(token string) int {
		return call(t, s, req{auth: "Bearer " + token, ctype: "text/plain", body: "x"}).status
	}
	require.Equal(t, 415, get(fetch(t, s, masterClient)))
	require.Equal(t, 429, get(fetch(t, s, masterClient)), "a new master token shares the master's bucket")
	require.Equal(t, 429, get(fx.Tokens.Master), "so does the master's fixtures token")
	require.Equal(t, 415, get(fetch(t, s, volumeClient)), "another role has its own bucket")
	fetch(t, s, masterClient) // the token endpoint itself is not rate limited
}

func TestOAuthOffByDefault(t *testing.T) {
	s := newServer(t, Config{})
	got := call(t, s, req{method: http.MethodPost, path: DefaultTokenPath + "?grant_type=account_credentials&account_id=x"})
	require.Equal(t, outcome{Status: 404, Code: 404}, outcomeOf(got, false), "without OAuth the token path is an unknown route")
}

func TestNewOAuth(t *testing.T) {
	both := []OAuthClient{masterClient, volumeClient}
	noRow := strings.ReplaceAll(string(testDoc(t).Raw()), "id: token_expired", "id: token_gone")
	tests := []struct {
		name, reason string
		oauth        OAuth
		spec         string // "" = the embedded spec
		want         string
	}{
		{"no clients", "a token endpoint without clients issues nothing", OAuth{}, "", "at least one client"},
		{"bad role", "tokens play master or volume_license", OAuth{Clients: []OAuthClient{{ID: "c", Secret: "s", AccountID: "a", Role: "unknown_user"}}}, "", `role "unknown_user"`},
		{"colon in id", "Basic auth splits at the first colon", OAuth{Clients: []OAuthClient{{ID: "c:1", Secret: "s", AccountID: "a", Role: "master"}}}, "", "no colon"},
		{"empty secret", "an empty secret authenticates anyone", OAuth{Clients: []OAuthClient{{ID: "c", AccountID: "a", Role: "master"}}}, "", "empty secret"},
		{"empty account", "tokens are for an account", OAuth{Clients: []OAuthClient{{ID: "c", Secret: "s", Role: "master"}}}, "", "empty account id"},
		{"duplicate id", "one id, one client", OAuth{Clients: []OAuthClient{masterClient, masterClient}}, "", "listed twice"},
		{"sub-second TTL", "expires_in is in whole seconds", OAuth{Clients: both, TTL: 500 * time.Millisecond}, "", "at least 1s"},
		{"relative path", "a path starts with /", OAuth{Clients: both, Path: "oauth/token"}, "", "must start with /"},
		{"path of the operation", "the token endpoint must not hide the route", OAuth{Clients: both, Path: addonsPath("x")}, "", "is a path of the operation"},
		{"spec without the row", "expired tokens answer the spec's row", OAuth{Clients: both}, noRow, "lacks row token_expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := testDoc(t)
			if tt.spec != "" {
				var err error
				doc, err = spec.Parse("edited.yaml", []byte(tt.spec))
				require.NoError(t, err)
			}
			_, err := New(Config{Doc: doc, OAuth: &tt.oauth})
			require.Error(t, err, tt.reason)
			require.Contains(t, err.Error(), tt.want, tt.reason)
			require.True(t, strings.HasPrefix(err.Error(), "mock: "), err.Error())
		})
	}
}

// TestOAuthConcurrent fetches and uses tokens from parallel clients: under
// -race, the issuer's table and the role lookups are safe together.
func TestOAuthConcurrent(t *testing.T) {
	s, clk := oauthServer(t, Config{})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := masterClient
			if i%2 == 1 {
				c = volumeClient
			}
			for range 20 {
				rec := httptest.NewRecorder()
				r := httptest.NewRequest(http.MethodPost, DefaultTokenPath+"?grant_type=account_credentials&account_id="+c.AccountID, nil)
				r.SetBasicAuth(c.ID, c.Secret)
				s.ServeHTTP(rec, r)
				var ans struct {
					AccessToken string `json:"access_token"`
				}
				if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &ans) != nil || ans.AccessToken == "" {
					t.Errorf("token endpoint: got %d %s, want 200 with a token", rec.Code, rec.Body)
					return
				}
				token := ans.AccessToken
				got := call(t, s, req{auth: "Bearer " + token, account: fx.Accounts.Missing, body: validBody})
				if got.status != 404 && got.status != 401 {
					t.Errorf("got %d %s, want 404 (or 401 once the clock has moved)", got.status, got.body)
				}
				clk.Add(time.Second)
			}
		}()
	}
	wg.Wait()
}
