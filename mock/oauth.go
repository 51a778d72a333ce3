package mock

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/addons-contract/contract/fixtures"
)

// DefaultTokenTTL is the lifetime of the mock's OAuth tokens when
// OAuth.TTL is 0: the vendor's Server-to-Server tokens live about an hour.
const DefaultTokenTTL = time.Hour

// DefaultTokenPath is the path of the mock's token endpoint when
// OAuth.Path is "".
const DefaultTokenPath = "/oauth/token"

// OAuth configures the mock's Server-to-Server OAuth token endpoint. The
// tokens it issues act as the fixtures' token of their client's role until
// they expire; then they answer the spec's token_expired row.
type OAuth struct {
	Clients []OAuthClient
	// TTL is the tokens' lifetime, in whole seconds (expires_in); 0 means
	// DefaultTokenTTL.
	TTL time.Duration
	// Path is where the token endpoint answers; "" means DefaultTokenPath.
	Path string
	// Now dates the tokens and decides when they expire; nil means time.Now.
	Now func() time.Time
}

// OAuthClient is one app the token endpoint knows: its credentials, the
// account it may get tokens for, and the fixtures role its tokens play
// (fixtures.RoleMaster or fixtures.RoleVolumeLicense).
type OAuthClient struct {
	ID, Secret, AccountID, Role string
}

// Bounds of the issued-token table, so that a client that asks for tokens
// in a loop cannot grow it without end.
const (
	// maxIssued is the most tokens remembered; beyond it the oldest is
	// forgotten (and then answers invalid_token).
	maxIssued = 4096
	// forgetExpiredAfter is how long an expired token keeps answering
	// token_expired before it is forgotten.
	forgetExpiredAfter = time.Hour
)

// issuer is the token endpoint and the table of the tokens it issued.
type issuer struct {
	clients   map[string]OAuthClient // by ID
	roles     map[tokenRole]bool     // the roles some client plays
	ttl       time.Duration
	path      string
	now       func() time.Time
	maxIssued int

	mu     sync.Mutex
	issued map[string]issuedToken
	order  []string // issued tokens, oldest first (and so soonest to expire)
}

type issuedToken struct {
	role   tokenRole
	expiry time.Time
}

// newIssuer checks cfg and builds the issuer.
func newIssuer(cfg OAuth) (*issuer, error) {
	o := &issuer{
		clients:   map[string]OAuthClient{},
		roles:     map[tokenRole]bool{},
		ttl:       cfg.TTL,
		path:      cfg.Path,
		now:       cfg.Now,
		maxIssued: maxIssued,
		issued:    map[string]issuedToken{},
	}
	if o.ttl == 0 {
		o.ttl = DefaultTokenTTL
	}
	o.ttl = o.ttl.Truncate(time.Second)
	if o.ttl < time.Second {
		return nil, fmt.Errorf("mock: oauth token TTL %v must be at least 1s (expires_in is in seconds)", cfg.TTL)
	}
	if o.path == "" {
		o.path = DefaultTokenPath
	}
	if !strings.HasPrefix(o.path, "/") {
		return nil, fmt.Errorf("mock: oauth path %q must start with /", o.path)
	}
	if o.now == nil {
		o.now = time.Now
	}
	if len(cfg.Clients) == 0 {
		return nil, fmt.Errorf("mock: oauth needs at least one client")
	}
	for i, c := range cfg.Clients {
		var role tokenRole
		switch c.Role {
		case fixtures.RoleMaster:
			role = roleMaster
		case fixtures.RoleVolumeLicense:
			role = roleVolumeLicense
		default:
			return nil, fmt.Errorf("mock: oauth client %d: role %q is neither %s nor %s", i, c.Role, fixtures.RoleMaster, fixtures.RoleVolumeLicense)
		}
		switch {
		case c.ID == "" || strings.Contains(c.ID, ":"):
			// HTTP Basic splits at the first colon.
			return nil, fmt.Errorf("mock: oauth client %d: the id must be non-empty and hold no colon", i)
		case c.Secret == "":
			return nil, fmt.Errorf("mock: oauth client %s: empty secret", c.ID)
		case c.AccountID == "":
			return nil, fmt.Errorf("mock: oauth client %s: empty account id", c.ID)
		}
		if _, dup := o.clients[c.ID]; dup {
			return nil, fmt.Errorf("mock: oauth client %s is listed twice", c.ID)
		}
		o.clients[c.ID] = c
		o.roles[role] = true
	}
	return o, nil
}

// roleOf returns the role of an issued token and whether it has expired;
// ok is false for a token the issuer does not know.
func (o *issuer) roleOf(token string) (role tokenRole, expired, ok bool) {
	now := o.now()
	o.mu.Lock()
	defer o.mu.Unlock()
	t, ok := o.issued[token]
	if !ok {
		return roleNone, false, false
	}
	if !now.Before(t.expiry) {
		return roleNone, true, true
	}
	return t.role, false, true
}

// issue records a new token of role and returns it with its expiry.
func (o *issuer) issue(role tokenRole) (string, time.Time) {
	var b [24]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	token := "mock-oauth-" + base64.RawURLEncoding.EncodeToString(b[:])
	now := o.now()
	expiry := now.Add(o.ttl)

	o.mu.Lock()
	defer o.mu.Unlock()
	// Forget tokens long expired, then the oldest while the table is full.
	for len(o.order) > 0 {
		oldest := o.order[0]
		if len(o.order) < o.maxIssued && now.Before(o.issued[oldest].expiry.Add(forgetExpiredAfter)) {
			break
		}
		delete(o.issued, oldest)
		o.order = o.order[1:]
	}
	o.issued[token] = issuedToken{role: role, expiry: expiry}
	o.order = append(o.order, token)
	return token, expiry
}

// size is the number of tokens the table holds.
func (o *issuer) size() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.issued)
}

// oauthError is the token endpoint's error body, shaped like the vendor's.
type oauthError struct {
	Reason string `json:"reason"`
	Error  string `json:"error"`
}

// serveToken answers POST {path}?grant_type=account_credentials&account_id=ID
// with HTTP Basic client credentials, as the vendor's token endpoint does.
func (o *issuer) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeJSON(w, http.StatusMethodNotAllowed, oauthError{"Method not allowed; use POST.", "invalid_request"})
		return
	}
	id, secret, _ := r.BasicAuth()
	c, known := o.clients[id]
	// Compare the secret in constant time, even for an unknown id.
	good := subtle.ConstantTimeCompare([]byte(secret), []byte(c.Secret)) == 1
	if !known || !good {
		writeJSON(w, http.StatusUnauthorized, oauthError{"Invalid client_id or client_secret", "invalid_client"})
		return
	}
	q := r.URL.Query()
	switch grant := q.Get("grant_type"); {
	case grant == "":
		writeJSON(w, http.StatusBadRequest, oauthError{"Missing grant_type", "invalid_request"})
		return
	case grant != "account_credentials":
		writeJSON(w, http.StatusBadRequest, oauthError{"Unsupported grant_type", "unsupported_grant_type"})
		return
	}
	switch account := q.Get("account_id"); {
	case account == "":
		writeJSON(w, http.StatusBadRequest, oauthError{"Missing account_id", "invalid_request"})
		return
	case account != c.AccountID:
		writeJSON(w, http.StatusBadRequest, oauthError{"Invalid account_id", "invalid_request"})
		return
	}
	role := roleMaster
	if c.Role == fixtures.RoleVolumeLicense {
		role = roleVolumeLicense
	}
	token, _ := o.issue(role)
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int64  `json:"expires_in"`
		Scope       string `json:"scope"`
		APIURL      string `json:"api_url"`
	}{token, "bearer", int64(o.ttl / time.Second), "billing:master", scheme + "://" + r.Host})
}

// writeJSON writes v as a JSON answer.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := marshal(v)
	if err != nil {
		panic(fmt.Sprintf("mock: oauth answer does not marshal: %v", err))
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
