package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const (
	testClientID = "cid-master"
	testSecret   = "s3cret-client-value"
	testAccount  = "acct-master"
)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// tokenServer is a token endpoint that checks the request the way the
// vendor's does and issues tok-1, tok-2, ...
type tokenServer struct {
	*httptest.Server
	fetches   atomic.Int64
	expiresIn int

	mu   sync.Mutex
	hold chan struct{} // when non-nil, each fetch waits for it to be closed
}

// block makes every fetch wait until the returned release is called.
func (ts *tokenServer) block() (release func()) {
	ch := make(chan struct{})
	ts.mu.Lock()
	ts.hold = ch
	ts.mu.Unlock()
	var once sync.Once
	return func() { once.Do(func() { close(ch) }) }
}

func newTokenServer(t *testing.T, expiresIn int) *tokenServer {
	ts := &tokenServer{expiresIn: expiresIn}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		id, secret, ok := r.BasicAuth()
		switch {
		case r.Method != http.MethodPost || r.URL.Path != "/oauth/token":
			w.WriteHeader(http.StatusNotFound)
			return
		case !ok || id != testClientID || secret != testSecret:
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"reason":"Invalid client_id or client_secret","error":"invalid_client"}`)
			return
		case r.URL.Query().Get("grant_type") != "account_credentials":
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"reason":"Unsupported grant type","error":"unsupported_grant_type"}`)
			return
		case r.URL.Query().Get("account_id") != testAccount:
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"reason":"Invalid account_id","error":"invalid_request"}`)
			return
		}
		if body, _ := io.ReadAll(r.Body); len(body) != 0 {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		ts.mu.Lock()
		hold := ts.hold
		ts.mu.Unlock()
		if hold != nil {
			<-hold
		}
		n := ts.fetches.Add(1)
		_ = json.NewEncoder(w).Encode(map[string]any{
			"access_token": fmt.Sprintf("tok-%d", n), "token_type": "bearer", "expires_in": ts.expiresIn,
			"scope": "billing:master", "api_url": "https://api.zoom.us",
		})
	}))
	t.Cleanup(ts.Close)
	return ts
}

func (ts *tokenServer) client(clk *clock) *Client {
	return &Client{TokenURL: ts.URL + "/oauth/token", AccountID: testAccount, ClientID: testClientID, ClientSecret: testSecret,
		HTTP: ts.Client(), Now: clk.Now}
}

func TestFetch(t *testing.T) {
	ts := newTokenServer(t, 3599)
	clk := newClock()
	got, err := ts.client(clk).Fetch(context.Background())
	require.NoError(t, err)
	want := Token{Value: "tok-1", Expiry: clk.Now().Add(3599 * time.Second), Scope: "billing:master", APIURL: "https://api.zoom.us"}
	require.Equal(t, want, got)
	require.NotContains(t, got.String(), got.Value, "a printed token does not show its value")
}

// answering is a token endpoint that answers status and body to everything.
func answering(t *testing.T, status int, body string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestFetchErrors(t *testing.T) {
	good := newTokenServer(t, 3599)
	tests := []struct {
		name, reason string
		url          string // "" = the good server's token URL
		secret       string // "" = the right one
		status       int    // with body: a server that answers this
		body         string
		want         string // the whole message, after the server URL is replaced by URL
		fetchErr     bool   // a *FetchError
	}{
		{name: "bad credentials", reason: "the vendor's answer to a wrong secret is named in full",
			secret: "wrong-secret", want: "token endpoint URL/oauth/token answered 401: invalid_client (Invalid client_id or client_secret)", fetchErr: true},
		{name: "no reason", reason: "reason is optional",
			status: 400, body: `{"error":"invalid_request"}`, want: "token endpoint URL/oauth/token answered 400: invalid_request", fetchErr: true},
		{name: "not JSON", reason: "a proxy's HTML page still gives the status",
			status: 502, body: `<html>bad gateway</html>`, want: "token endpoint URL/oauth/token answered 502 Bad Gateway", fetchErr: true},
		{name: "secret echoed", reason: "a server that echoes the secret does not leak it through us",
			status: 401, body: `{"error":"invalid_client","reason":"bad secret ` + testSecret + `"}`, want: "token endpoint URL/oauth/token answered 401: invalid_client (bad secret [client secret])", fetchErr: true},
		{name: "control characters", reason: "errors are one line",
			status: 401, body: `{"error":"invalid_client\nnext line"}`, want: "token endpoint URL/oauth/token answered 401: invalid_client next line", fetchErr: true},
		{name: "body not JSON", reason: "a 200 must be the token object",
			status: 200, body: `access_token=tok`, want: "token endpoint URL/oauth/token answered 200 with a body that is not a JSON object"},
		{name: "missing access_token", reason: "no token, nothing to send",
			status: 200, body: `{"token_type":"bearer","expires_in":3599}`, want: "token endpoint URL/oauth/token answered 200 without an access_token"},
		{name: "missing expires_in", reason: "a token without a lifetime cannot be refreshed in time",
			status: 200, body: `{"access_token":"tok-secret-value","token_type":"bearer"}`, want: "token endpoint URL/oauth/token answered 200 without expires_in"},
		{name: "zero expires_in", reason: "expires_in must be positive",
			status: 200, body: `{"access_token":"tok-secret-value","expires_in":0}`, want: "token endpoint URL/oauth/token answered 200 with expires_in 0, want 1 to 31622400 seconds"},
		{name: "negative expires_in", reason: "expires_in must be positive",
			status: 200, body: `{"access_token":"tok-secret-value","expires_in":-5}`, want: "token endpoint URL/oauth/token answered 200 with expires_in -5, want 1 to 31622400 seconds"},
		{name: "expires_in string", reason: "a type error names the field, not the body",
			status: 200, body: `{"access_token":"tok-secret-value","expires_in":"3599"}`, want: "token endpoint URL/oauth/token answered 200 with a string in expires_in"},
		{name: "not bearer", reason: "a token of another type cannot go in a Bearer header",
			status: 200, body: `{"access_token":"tok-secret-value","token_type":"mac","expires_in":3599}`, want: `token endpoint URL/oauth/token answered 200 with token_type "mac", want bearer`},
		{name: "trailing data", reason: "one answer is one object",
			status: 200, body: `{"access_token":"tok-secret-value","expires_in":3599}{}`, want: "token endpoint URL/oauth/token answered 200 with data after the JSON object"},
		{name: "too long", reason: "the answer is read up to 64 KiB",
			status: 200, body: `{"access_token":"` + strings.Repeat("x", MaxAnswer) + `","expires_in":1}`, want: "token endpoint URL/oauth/token answered 200 with more than 64 KiB"},
		{name: "not a URL", reason: "the token URL is checked before any request",
			url: "ftp://zoom.us/oauth/token", want: "oauth: the token URL must be an http or https URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good.client(newClock())
			base := good.URL
			if tt.status != 0 {
				srv := answering(t, tt.status, tt.body)
				c.TokenURL, c.HTTP, base = srv.URL+"/oauth/token", srv.Client(), srv.URL
			}
			if tt.url != "" {
				c.TokenURL = tt.url
			}
			if tt.secret != "" {
				c.ClientSecret = tt.secret
			}
			_, err := c.Fetch(context.Background())
			require.Error(t, err, tt.reason)
			msg := err.Error()
			require.Equal(t, tt.want, strings.ReplaceAll(msg, base, "URL"), tt.reason)
			var fe *FetchError
			require.Equal(t, tt.fetchErr, errors.As(err, &fe), "a *FetchError exactly for non-2xx answers")
			for _, secret := range []string{testSecret, tt.secret, "tok-secret-value", "account_credentials", testAccount} {
				if secret != "" {
					require.NotContains(t, msg, secret, "no secret, token or query in errors")
				}
			}
		})
	}
}

// TestFetchBoundedByContext: a token endpoint that never answers cannot
// hold a fetch past its context, and the error names the URL without its
// query.
func TestFetchBoundedByContext(t *testing.T) {
	ts := newTokenServer(t, 3599)
	release := ts.block()
	defer release()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := ts.client(newClock()).Fetch(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Less(t, time.Since(start), 5*time.Second)
	require.True(t, strings.HasPrefix(err.Error(), "token endpoint "+ts.URL+"/oauth/token: "), err.Error())
	require.NotContains(t, err.Error(), "account_id")
}

func TestSourceRefreshesBeforeExpiry(t *testing.T) {
	tests := []struct {
		name, reason string
		expiresIn    int
		margin       time.Duration // how long before expiry the token is replaced
	}{
		{"hour token", "a minute is the most a token is replaced early", 3600, time.Minute},
		{"short token", "a tenth of the lifetime for short tokens", 100, 10 * time.Second},
		{"tiny token", "a one-second token still lives most of its life", 1, 100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTokenServer(t, tt.expiresIn)
			clk := newClock()
			src := NewSource(ts.client(clk))
			ctx := context.Background()
			first, err := src.Token(ctx)
			require.NoError(t, err)
			require.Equal(t, "tok-1", first.Value)

			life := time.Duration(tt.expiresIn) * time.Second
			clk.Add(life - tt.margin - time.Millisecond)
			again, err := src.Token(ctx)
			require.NoError(t, err)
			require.Equal(t, first, again, "%s: cached until the margin", tt.reason)
			require.EqualValues(t, 1, ts.fetches.Load())

			clk.Add(time.Millisecond)
			next, err := src.Token(ctx)
			require.NoError(t, err)
			require.Equal(t, "tok-2", next.Value, "%s: replaced at the margin", tt.reason)
			require.Equal(t, []Token{first, next}, src.Issued())
		})
	}
}

func TestSourceExpired(t *testing.T) {
	ts := newTokenServer(t, 3600)
	clk := newClock()
	src := NewSource(ts.client(clk))
	ctx := context.Background()
	stale, err := src.Token(ctx)
	require.NoError(t, err)

	// Many requests that all used the stale token learn at once that it
	// expired; one fetch replaces it for all of them.
	release := ts.block()
	defer release()
	const callers = 20
	var wg sync.WaitGroup
	got := make([]Token, callers)
	errs := make([]error, callers)
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = src.Expired(ctx, stale.Value)
		}()
	}
	time.Sleep(50 * time.Millisecond) // let the callers pile up behind the first fetch
	release()
	wg.Wait()
	for i := range callers {
		require.NoError(t, errs[i])
		require.Equal(t, "tok-2", got[i].Value, "caller %d shares the one new token", i)
	}
	require.EqualValues(t, 2, ts.fetches.Load(), "one fetch for the first token, one for all the Expired calls")

	again, err := src.Expired(ctx, stale.Value)
	require.NoError(t, err)
	require.Equal(t, "tok-2", again.Value, "a late report about a replaced token fetches nothing")
	require.EqualValues(t, 2, ts.fetches.Load())

	newer, err := src.Expired(ctx, again.Value)
	require.NoError(t, err)
	require.Equal(t, "tok-3", newer.Value, "a report about the current token replaces it")
	require.Len(t, src.Issued(), 3)
}

func TestSourceFetchErrorKeepsNothing(t *testing.T) {
	ts := newTokenServer(t, 3600)
	c := ts.client(newClock())
	c.ClientSecret = "wrong"
	src := NewSource(c)
	_, err := src.Token(context.Background())
	var fe *FetchError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, http.StatusUnauthorized, fe.Status)
	require.Empty(t, src.Issued())

	c.ClientSecret = testSecret
	tok, err := src.Token(context.Background())
	require.NoError(t, err, "a failed fetch is tried again on the next call")
	require.Equal(t, "tok-1", tok.Value)
}

func TestSourceWaitHonoursContext(t *testing.T) {
	ts := newTokenServer(t, 3600)
	release := ts.block()
	defer release()
	src := NewSource(ts.client(newClock()))
	go func() { _, _ = src.Token(context.Background()) }() // holds the fetch slot until hold closes
	time.Sleep(20 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := src.Token(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded, "a caller waiting for another's fetch gives up with its context")
}
