// Package mock is the stateful mock of the addons endpoint: an http.Handler
// that answers exactly as the spec (spec/addons.yaml) says, deriving messages, codes, the check
// order, the catalog and body validation from the loaded spec. It can be
// started with one deliberate fault to test the harness itself, and with
// the vendor's Server-to-Server OAuth token endpoint, whose tokens expire
// (Config.OAuth). It owns no socket: cmd/contract's mock subcommand wraps it
// in an http.Server.
package mock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/spec"
)

// MaxBody is the largest request body the mock reads; a longer one answers 413.
const MaxBody = 1 << 20

// DefaultSlowBy is the slow fault's delay: clearly beyond the runner's
// default response-time budget (2s), so the default suite catches it with
// a margin rather than by the handler's own microseconds.
const DefaultSlowBy = 3 * time.Second

// Config configures a Server; the zero value serves the embedded spec with the shipped fixtures.
type Config struct {
	Doc      *spec.Document     // nil: spec.Default()
	Fixtures *fixtures.Fixtures // nil: fixtures.Default()
	Fault    string             // "" for none; see Faults()
	Rate     float64            // requests per second per token; 0 = no limit
	SlowBy   time.Duration      // delay used by the "slow" fault; 0 = DefaultSlowBy
	OAuth    *OAuth             // nil: no token endpoint, the fixtures' tokens only
	// UnknownUserLimit is how many requests the fixtures' unknown_user
	// token may make in one UnknownUserWindow, counted from the first,
	// before the next answers 429 (rate_limited) with Retry-After 0 and
	// ends the window; 0 means DefaultUnknownUserLimit, < 0 no limit. Which requests count toward a
	// limit is the server's business (spec: rate_limited); only scenarios
	// send that token, so a run reaches this limit where its rate-limit
	// scenario means to and nowhere else.
	UnknownUserLimit int
}

// DefaultUnknownUserLimit is the unknown_user token's limit per
// UnknownUserWindow when Config.UnknownUserLimit is 0.
const DefaultUnknownUserLimit = 12

// UnknownUserWindow is the window of Config.UnknownUserLimit: long enough
// that a paced run (-rate 1) still meets the limit within one window.
const UnknownUserWindow = 10 * time.Minute

// Server is the mock: an http.Handler safe for concurrent use, holding the
// plan sets of the fixture sub accounts.
type Server struct {
	op        *spec.Operation
	val       *spec.Validator
	fx        fixtures.Fixtures
	fault     string
	slowBy    time.Duration
	limit     *limiter
	oauth     *issuer // nil when the token endpoint is off
	quota     *window // the unknown_user token's limit; nil = none
	mediaType string
	reqSchema *spec.Schema
	route     []string // path template segments
	pathHint  string   // the path template for messages, e.g. /accounts/<accountId>/plans/addons
	prefixes  []string // base paths of the spec's servers, e.g. "/v2"

	roomsAddon  string // the code the rooms_base row applies to
	catalog     map[string]spec.Plan
	catalogList []spec.Plan
	places      map[string]place    // by code
	slotCodes   map[string][]string // codes by catalog place
	order       []string
	checks      map[string]func(*exchange) *answer

	mu       sync.Mutex
	accounts map[string]*account // keys fixed after New; contents guarded by mu
}

// knownPlaceholders are the message placeholders the mock knows how to fill.
var knownPlaceholders = map[string]bool{"planCode": true, "subAccountId": true, "detail": true}

// servedRows are the error rows the mock answers whatever its Config;
// token_expired is needed only with Config.OAuth.
var servedRows = []string{spec.RowVolumeLicense, spec.RowSelfPay, spec.RowFreePlan, spec.RowRoomsBase, spec.RowAlreadyHas,
	spec.RowInvalidBody, spec.RowInvalidToken, spec.RowUserMissing, spec.RowAccountMissing, spec.RowBodyTooLarge,
	spec.RowUnsupportedMedia, spec.RowRateLimited}

// New builds a Server. It fails when the spec lacks something the mock
// derives from it, when the fault is unknown, or when the fixtures do not fit
// the catalog (has_addon_plan not an add-on).
func New(cfg Config) (*Server, error) {
	if err := checkFault(cfg.Fault); err != nil {
		return nil, err
	}
	if cfg.Rate < 0 || math.IsNaN(cfg.Rate) || math.IsInf(cfg.Rate, 0) {
		return nil, fmt.Errorf("mock: rate %v must be a finite number >= 0", cfg.Rate)
	}
	if cfg.SlowBy < 0 {
		return nil, fmt.Errorf("mock: slow-by %v must not be negative", cfg.SlowBy)
	}
	doc := cfg.Doc
	if doc == nil {
		var err error
		if doc, err = spec.Default(); err != nil {
			return nil, fmt.Errorf("mock: %w", err)
		}
	}
	fx := fixtures.Default()
	if cfg.Fixtures != nil {
		fx = *cfg.Fixtures
	}
	op, err := doc.Operation(spec.AddonsOperationID)
	if err != nil {
		return nil, fmt.Errorf("mock: %w", err)
	}
	val, err := doc.Validator()
	if err != nil {
		return nil, fmt.Errorf("mock: %w", err)
	}
	s := &Server{
		op:     op,
		val:    val,
		fx:     fx,
		fault:  cfg.Fault,
		slowBy: cfg.SlowBy,
	}
	if s.slowBy == 0 {
		s.slowBy = DefaultSlowBy
	}
	if cfg.Rate > 0 {
		s.limit = newLimiter(cfg.Rate, time.Now)
	}
	switch n := cfg.UnknownUserLimit; {
	case n == 0:
		s.quota = newWindow(DefaultUnknownUserLimit, UnknownUserWindow, time.Now)
	case n > 0:
		s.quota = newWindow(n, UnknownUserWindow, time.Now)
	}
	if err := s.derive(); err != nil {
		return nil, err
	}
	if cfg.OAuth != nil {
		if s.oauth, err = newIssuer(*cfg.OAuth); err != nil {
			return nil, err
		}
		if _, ok := s.op.Row(spec.RowTokenExpired); !ok {
			return nil, fmt.Errorf("mock: the spec's error matrix lacks row %s, which expired OAuth tokens answer", spec.RowTokenExpired)
		}
		if _, clash := s.matchPath(&url.URL{Path: s.oauth.path}); clash {
			return nil, fmt.Errorf("mock: oauth path %s is a path of the operation", s.oauth.path)
		}
	}
	if s.accounts, err = s.initialAccounts(fx); err != nil {
		return nil, err
	}
	return s, nil
}

// derive reads from the operation everything the handler needs, and fails
// on what it cannot serve.
func (s *Server) derive() error {
	op := s.op
	if op.Body == nil || op.Body.Schema == nil {
		return fmt.Errorf("mock: operation %s has no request body schema", op.ID)
	}
	s.mediaType = strings.ToLower(op.Body.MediaType)
	s.reqSchema = op.Body.Schema

	s.route = strings.Split(op.Path, "/")
	// Braces in a message read as an unfilled placeholder.
	s.pathHint = strings.NewReplacer("{", "<", "}", ">").Replace(op.Path)
	params := 0
	for _, seg := range s.route {
		if strings.HasPrefix(seg, "{") {
			params++
		}
	}
	if params != 1 {
		return fmt.Errorf("mock: path %s must have exactly one parameter", op.Path)
	}
	for _, srv := range op.Servers {
		if u, err := url.Parse(srv); err == nil {
			if p := strings.TrimRight(u.Path, "/"); p != "" {
				s.prefixes = append(s.prefixes, p)
			}
		}
	}

	for _, r := range op.Errors {
		for _, name := range spec.Placeholders(r.Message) {
			if !knownPlaceholders[name] {
				return fmt.Errorf("mock: error row %s: unknown placeholder {%s}", r.ID, name)
			}
		}
	}
	for _, id := range servedRows {
		if _, ok := op.Row(id); !ok {
			return fmt.Errorf("mock: the spec's error matrix lacks row %s", id)
		}
	}

	if len(op.Catalog) == 0 {
		return fmt.Errorf("mock: operation %s has no x-plan-catalog", op.ID)
	}
	created := responseSchema(op, http.StatusCreated)
	if created == nil {
		return fmt.Errorf("mock: operation %s documents no 201 body schema", op.ID)
	}
	s.catalog = map[string]spec.Plan{}
	s.places = map[string]place{}
	s.catalogList = op.Catalog
	for _, p := range op.Catalog {
		pl, err := resolvePlace(created, p)
		if err != nil {
			return fmt.Errorf("mock: %w", err)
		}
		s.catalog[p.Code] = p
		s.places[p.Code] = pl
	}
	s.slotCodes = slotCodesOf(op.Catalog)
	rooms, ok := op.RoomsAddon()
	if !ok {
		return fmt.Errorf("mock: the spec's rooms_base row names no single plan (its plans key)")
	}
	s.roomsAddon = rooms.Code

	s.checks = map[string]func(*exchange) *answer{
		spec.RowBodyTooLarge:     s.checkBodySize,
		spec.CheckRoute:          s.checkRoute,
		spec.RowRateLimited:      s.checkRate,
		spec.RowInvalidToken:     s.checkToken,
		spec.RowUserMissing:      s.checkUser,
		spec.RowAccountMissing:   s.checkAccount,
		spec.RowUnsupportedMedia: s.checkMediaType,
		spec.RowInvalidBody:      s.checkBody,
		spec.RowVolumeLicense:    s.checkVolumeLicense,
		spec.RowSelfPay:          s.checkSelfPay,
		spec.RowFreePlan:         s.checkFreePlan,
		spec.RowRoomsBase:        s.checkRoomsBase,
		spec.RowAlreadyHas:       s.checkAlreadyHas,
	}
	return s.deriveOrder(op.FullCheckOrder)
}

// deriveOrder takes the spec's full check order (x-check-order with the
// rows x-check-placement places) and makes sure it holds every check of
// the mock and no other (the loader has made sure none is there twice).
func (s *Server) deriveOrder(full []string) error {
	if len(full) == 0 {
		return fmt.Errorf("mock: operation %s has no x-check-order", s.op.ID)
	}
	for _, id := range full {
		if _, ok := s.checks[id]; !ok {
			return fmt.Errorf("mock: the spec's check order names %q, a check the mock does not know", id)
		}
	}
	for id := range s.checks {
		if !slices.Contains(full, id) {
			return fmt.Errorf("mock: the spec's check order (x-check-order, x-check-placement) lacks %q", id)
		}
	}
	order := slices.Clone(full)
	if s.fault == faultBodyBeforeAccount {
		swap(order, spec.RowAccountMissing, spec.RowInvalidBody)
	}
	if s.fault == faultLateSizeCheck {
		order = moveBefore(order, spec.RowBodyTooLarge, spec.RowInvalidBody)
	}
	s.order = order
	return nil
}

// swap exchanges two ids in order, where both are present.
func swap(order []string, a, b string) {
	i, j := -1, -1
	for k, id := range order {
		switch id {
		case a:
			i = k
		case b:
			j = k
		}
	}
	if i >= 0 && j >= 0 {
		order[i], order[j] = order[j], order[i]
	}
}

// moveBefore moves id to just before anchor, where both are present.
func moveBefore(order []string, id, anchor string) []string {
	if !slices.Contains(order, id) || !slices.Contains(order, anchor) {
		return order
	}
	out := make([]string, 0, len(order))
	for _, o := range order {
		switch o {
		case id:
			continue
		case anchor:
			out = append(out, id)
		}
		out = append(out, o)
	}
	return out
}

func responseSchema(op *spec.Operation, status int) *spec.Schema {
	for _, r := range op.Responses {
		if r.Status == status {
			return r.Schema
		}
	}
	return nil
}

// exchange is one request on its way through the checks.
type exchange struct {
	r         *http.Request
	body      []byte
	readErr   error
	accountID string
	role      tokenRole
	acct      *account
	items     []planItem
	locked    bool
}

type tokenRole int

const (
	roleNone tokenRole = iota
	roleMaster
	roleVolumeLicense
	roleUnknownUser
)

// answer is what the handler will write.
type answer struct {
	status int
	header http.Header
	body   []byte
	drop   bool // close the connection without answering
}

// ServeHTTP answers one request. Nothing a client sends may panic it; a
// panic would be a bug, answered 500 so the fuzz target notices.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = fmt.Fprintf(w, `{"code":500,"message":%q}`, fmt.Sprint("internal error: ", v))
		}
	}()
	if s.oauth != nil && r.URL.Path == s.oauth.path {
		s.oauth.serveToken(w, r)
		return
	}
	a := s.handle(&exchange{r: r})
	if s.fault == faultSlow {
		t := time.NewTimer(s.slowBy)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
		}
	}
	if a.drop {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		// No connection to close (an in-process caller): net/http's own
		// signal for "abort without answering".
		panic(http.ErrAbortHandler)
	}
	h := w.Header()
	for k, v := range a.header {
		h[k] = v
	}
	if s.fault == faultTextContentType {
		h.Set("Content-Type", "text/plain; charset=utf-8")
	} else {
		h.Set("Content-Type", "application/json")
	}
	h.Set("Content-Length", strconv.Itoa(len(a.body)))
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
}

// handle runs the checks in order; the first that answers wins, else the
// plan is added.
func (s *Server) handle(x *exchange) *answer {
	if x.r.Body != nil {
		x.body, x.readErr = readBody(x.r)
	}
	defer func() {
		if x.locked {
			s.mu.Unlock()
		}
	}()
	for _, id := range s.order {
		if a := s.checks[id](x); a != nil {
			return a
		}
	}
	return s.add(x)
}

// readBody is io.ReadAll of at most MaxBody+1 bytes of r's body, into a
// buffer sized by its Content-Length when that is declared: io.ReadAll
// would grow a megabyte body from 512 bytes, copying and clearing it a
// dozen times.
func readBody(r *http.Request) ([]byte, error) {
	lr := io.LimitReader(r.Body, MaxBody+1)
	n := r.ContentLength
	if n <= 0 {
		return io.ReadAll(lr)
	}
	buf := make([]byte, 0, min(n, MaxBody+1)+1) // +1: room to see a body longer than declared
	for len(buf) < cap(buf) {
		k, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+k]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
	rest, err := io.ReadAll(lr)
	return append(buf, rest...), err
}

// lock takes the state lock once per exchange, from the first check that
// reads state to the end of the exchange, so check-then-add is atomic.
func (s *Server) lock(x *exchange) *account {
	if !x.locked {
		s.mu.Lock()
		x.locked = true
	}
	return s.account(x)
}

func (s *Server) checkBodySize(x *exchange) *answer {
	limit := MaxBody
	if s.fault == faultSmallSizeLimit {
		limit = MaxBody / 2
	}
	if len(x.body) > limit {
		return s.row(spec.RowBodyTooLarge, map[string]string{"detail": fmt.Sprintf("The request body is over %d bytes (1 MiB).", MaxBody)})
	}
	return nil
}

func (s *Server) checkRoute(x *exchange) *answer {
	id, ok := s.matchPath(x.r.URL)
	if !ok {
		return s.errorAnswer(http.StatusNotFound, http.StatusNotFound,
			fmt.Sprintf("No route for %s; this server serves %s %s.", quoteShort(x.r.URL.Path), s.op.Method, s.pathHint))
	}
	x.accountID = id
	if s.fault == faultQueryNotFound && (x.r.URL.RawQuery != "" || x.r.URL.ForceQuery) {
		return s.errorAnswer(http.StatusNotFound, http.StatusNotFound,
			fmt.Sprintf("No route for %s with a query; this server serves %s %s.", quoteShort(x.r.URL.Path), s.op.Method, s.pathHint))
	}
	if x.r.Method == s.op.Method {
		return nil
	}
	switch {
	case s.fault == faultMethodAllowed:
		return &answer{status: http.StatusOK, body: []byte("{}")}
	case s.fault == faultHeadAllowed && x.r.Method == http.MethodHead:
		return &answer{status: http.StatusOK}
	case s.fault == faultOptionsAllowed && x.r.Method == http.MethodOptions:
		return &answer{status: http.StatusNoContent, header: http.Header{"Allow": {s.op.Method + ", " + http.MethodOptions}}}
	}
	a := s.errorAnswer(http.StatusMethodNotAllowed, http.StatusMethodNotAllowed,
		fmt.Sprintf("Method %s is not allowed here; use %s.", quoteShort(x.r.Method), s.op.Method))
	a.header = http.Header{"Allow": {s.op.Method}}
	return a
}

// matchPath matches the escaped path against the operation's template, with
// or without a server base path in front, and returns the decoded account id.
func (s *Server) matchPath(u *url.URL) (string, bool) {
	p := u.EscapedPath()
	for _, prefix := range append([]string{""}, s.prefixes...) {
		rest, ok := strings.CutPrefix(p, prefix)
		if !ok {
			continue
		}
		segs := strings.Split(rest, "/")
		if len(segs) != len(s.route) {
			continue
		}
		id, matched := "", true
		for i, tmpl := range s.route {
			if s.fault == faultEscapedIDNotFound && strings.HasPrefix(tmpl, "{") && strings.Contains(segs[i], "%") {
				matched = false
				break
			}
			seg, err := url.PathUnescape(segs[i])
			if err != nil {
				matched = false
				break
			}
			if strings.HasPrefix(tmpl, "{") {
				id = seg
			} else if seg != tmpl {
				matched = false
				break
			}
		}
		if matched {
			return id, true
		}
	}
	return "", false
}

func (s *Server) checkRate(x *exchange) *answer {
	token, _ := bearer(x.r.Header.Get("Authorization"))
	role, _ := s.roleOf(token)
	if s.quota != nil && role == roleUnknownUser {
		if ok, retry := s.quota.take(); !ok {
			return s.rateLimited(retry)
		}
	}
	if s.limit == nil {
		return nil
	}
	// A bucket per role, so that a refreshed OAuth token does not start a
	// fresh limit; unknown and expired tokens share one bucket, so client
	// input cannot grow the map.
	key := ""
	if role != roleNone {
		key = strconv.Itoa(int(role))
	}
	if ok, retry := s.limit.take(key); !ok {
		return s.rateLimited(retry)
	}
	return nil
}

// rateLimited is the rate_limited row with Retry-After in seconds.
func (s *Server) rateLimited(retry int) *answer {
	// The seconds are in Retry-After only, so that the message is the same
	// whenever in the window the limit is met (golden files keep it).
	a := s.row(spec.RowRateLimited, map[string]string{"detail": "Too many requests; retry after the seconds in Retry-After."})
	if s.fault != faultRateLimitNoRetryAfter {
		a.header = http.Header{"Retry-After": {strconv.Itoa(retry)}}
	}
	return a
}

// bearer returns the token of an Authorization header with the Bearer
// scheme, matched case-insensitively.
func bearer(h string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// roleOf maps a bearer token to its role: a fixtures token, or a token the
// OAuth endpoint issued (expired reports one whose time has run out).
// token is never empty: bearer does not return an empty token, and an
// OAuth role's fixtures token is empty.
func (s *Server) roleOf(token string) (role tokenRole, expired bool) {
	switch token {
	case s.fx.Tokens.Master:
		return roleMaster, false
	case s.fx.Tokens.VolumeLicense:
		return roleVolumeLicense, false
	case s.fx.Tokens.UnknownUser:
		return roleUnknownUser, false
	}
	if s.oauth != nil {
		role, expired, _ := s.oauth.roleOf(token)
		return role, expired
	}
	return roleNone, false
}

func (s *Server) checkToken(x *exchange) *answer {
	expired := false
	if token, ok := bearer(x.r.Header.Get("Authorization")); ok {
		x.role, expired = s.roleOf(token)
	}
	if x.role == roleNone {
		if s.fault == faultAuthIgnored {
			x.role = roleMaster
			return nil
		}
		if expired {
			return s.row(spec.RowTokenExpired, nil)
		}
		return s.row(spec.RowInvalidToken, nil)
	}
	return nil
}

func (s *Server) checkUser(x *exchange) *answer {
	if x.role == roleUnknownUser {
		return s.row(spec.RowUserMissing, nil)
	}
	return nil
}

func (s *Server) checkAccount(x *exchange) *answer {
	if s.account(x) != nil {
		return nil
	}
	return s.row(spec.RowAccountMissing, map[string]string{"subAccountId": x.accountID})
}

// account is the exchange's sub account, nil when there is none. Checks that
// need it tolerate nil: a -spec may order them before account_missing.
func (s *Server) account(x *exchange) *account {
	if x.acct == nil {
		x.acct = s.accounts[x.accountID]
	}
	return x.acct
}

func (s *Server) checkMediaType(x *exchange) *answer {
	if s.fault == faultIgnoreContentType {
		return nil
	}
	ct := x.r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	// A malformed parameter is a Content-Type oddity the spec (spec/addons.yaml) leaves open;
	// the media type itself decides, compared case-insensitively (RFC 9110
	// 8.3.1; ParseMediaType lowers it).
	ok := (err == nil || errors.Is(err, mime.ErrInvalidMediaParameter)) && mt == s.mediaType
	switch {
	case s.fault == faultMediaTypeCaseSens:
		raw, _, _ := strings.Cut(ct, ";")
		ok = ok && strings.TrimSpace(raw) == s.mediaType
	case s.fault == faultMediaTypeNoParams:
		ok = ok && !strings.Contains(ct, ";")
	}
	if ok {
		return nil
	}
	detail := fmt.Sprintf("Content-Type must be %s, not %s.", s.mediaType, quoteShort(ct))
	if ct == "" {
		detail = fmt.Sprintf("Content-Type is missing; send %s.", s.mediaType)
	}
	return s.row(spec.RowUnsupportedMedia, map[string]string{"detail": detail})
}

func (s *Server) checkBody(x *exchange) *answer {
	bad := s.judgeBody(x)
	if bad == nil {
		return nil
	}
	detail := bad.detail()
	if s.fault == faultServerError && (bad.field == "type" || strings.HasSuffix(bad.field, ".type")) {
		return s.errorAnswer(http.StatusInternalServerError, http.StatusInternalServerError, "Internal error.")
	}
	a := s.row(spec.RowInvalidBody, map[string]string{"detail": cut(detail, maxDetail)})
	if s.fault == faultUndocumentedStatus {
		a.status = http.StatusUnprocessableEntity
	}
	return a
}

// judgeBody validates the body: strict JSON first, then the spec's validator,
// then the catalog rules on top. On success x.items holds the plan codes.
func (s *Server) judgeBody(x *exchange) *invalid {
	if x.readErr != nil {
		return &invalid{text: "The request body could not be read."}
	}
	tree, body, bad := decodeStrict(x.body, s.fault == faultAcceptDuplicateKey)
	if bad != nil {
		return bad
	}
	raw := x.body
	switch s.fault {
	case faultAcceptBadDate, faultAcceptZeroHosts, faultAcceptUnknownProperty, faultAcceptDuplicateKey, faultAcceptHostsOverMax:
		_, relaxed, _ := decodeStrict(x.body, true)
		if raw, bad = marshalBody(s.relax(s.reqSchema, relaxed, 0, false)); bad != nil {
			return bad
		}
	case faultPhoneFormDates:
		if _, phone := body["plan_details"]; phone {
			_, relaxed, _ := decodeStrict(x.body, true)
			delete(relaxed, "service_effective_date")
			delete(relaxed, "paid_period_start_date")
			if raw, bad = marshalBody(relaxed); bad != nil {
				return bad
			}
		}
	case faultRejectLeapDay:
		for _, k := range []string{"service_effective_date", "paid_period_start_date"} {
			if d, ok := body[k].(string); ok && strings.HasSuffix(d, "-02-29") {
				return &invalid{field: k, text: "not a real calendar day: " + quoteShort(d)}
			}
		}
	}
	if problems := s.val.Body(s.op, s.mediaType, raw); len(problems) > 0 {
		p := pickProblem(problems, body)
		// The spec's messages already lead with the field ("hosts: minimum:
		// got 0, want 1") or with "body: " ("body: missing property 'hosts'").
		if p.Field != "" {
			return &invalid{field: p.Field, text: strings.TrimPrefix(p.Message, p.Field+": ")}
		}
		return &invalid{text: "Invalid request body: " + strings.TrimPrefix(p.Message, "body: ")}
	}
	items := s.planItems(tree)
	if s.fault == faultCodesIgnoreCase {
		s.foldCodes(items)
	}
	if bad := s.catalogRules(items); bad != nil {
		return bad
	}
	if len(items) == 0 {
		return &invalid{text: "The request body names no plan."}
	}
	x.items = items
	return nil
}

// foldCodes is the codes-ignore-case fault: a code that matches a catalog
// code but for case is taken as that code.
func (s *Server) foldCodes(items []planItem) {
	for i, it := range items {
		for _, p := range s.catalogList {
			if strings.EqualFold(p.Code, it.code) {
				items[i].code = p.Code
			}
		}
	}
}

func marshalBody(v any) ([]byte, *invalid) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, &invalid{text: "The request body could not be re-encoded."}
	}
	return b, nil
}

func (s *Server) checkVolumeLicense(x *exchange) *answer {
	if x.role == roleVolumeLicense && s.fault != faultIgnoreVolumeLicense {
		return s.row(spec.RowVolumeLicense, nil)
	}
	return nil
}

func (s *Server) checkSelfPay(x *exchange) *answer {
	if a := s.account(x); a != nil && a.kind == kindSelfPay && s.fault != faultIgnoreSelfPay {
		return s.row(spec.RowSelfPay, nil)
	}
	return nil
}

func (s *Server) checkFreePlan(x *exchange) *answer {
	if a := s.account(x); a != nil && a.kind == kindFree && s.fault != faultIgnoreFreePlan {
		return s.row(spec.RowFreePlan, nil)
	}
	return nil
}

func (s *Server) checkRoomsBase(x *exchange) *answer {
	if s.fault == faultIgnoreRoomsBase {
		return nil
	}
	a := s.lock(x)
	for _, it := range x.items {
		if a != nil && it.code == s.roomsAddon && s.holdsForeignBase(a, it.code) {
			return s.row(spec.RowRoomsBase, nil)
		}
	}
	return nil
}

func (s *Server) checkAlreadyHas(x *exchange) *answer {
	a := s.lock(x)
	for _, it := range x.items {
		if a != nil && a.held[it.code] {
			return s.row(spec.RowAlreadyHas, map[string]string{"planCode": it.code})
		}
	}
	return nil
}

// add lands the body's plans on the account and answers 201 with the whole
// plan set after the change.
func (s *Server) add(x *exchange) *answer {
	a := s.lock(x)
	if a == nil || x.items == nil {
		// Only a -spec whose x-check-order puts account_missing or
		// invalid_body nowhere useful gets here.
		return s.errorAnswer(http.StatusBadRequest, 300, "The request cannot be served in this check order.")
	}
	after := deepCopy(a.plans).(map[string]any)
	for _, it := range x.items {
		hosts := it.hosts
		if s.fault == faultWrongHosts {
			hosts++
		}
		if pl, ok := s.places[it.code]; ok {
			put(after, pl, it.code, hosts)
			if s.fault == faultHostlessPlaceHosts && !pl.hosts {
				if m, ok := at(after, pl).(map[string]any); ok {
					m["hosts"] = hosts
				}
			}
		}
	}
	if s.fault == faultDropRoomsBasePlan && a.kind == kindRoomsBase {
		if pl, ok := s.places[s.roomsAddon]; ok && s.holdsForeignBase(&account{plans: after}, s.roomsAddon) {
			parent := after
			for _, k := range pl.keys[:len(pl.keys)-1] {
				parent, _ = parent[k].(map[string]any)
			}
			if parent != nil {
				delete(parent, pl.keys[len(pl.keys)-1])
			}
		}
	}
	shown := after
	if s.fault == faultDropAddedPlan {
		shown = a.plans
	}
	if s.fault != faultForgetState {
		a.plans = after
		for _, it := range x.items {
			a.held[it.code] = true
		}
	}
	if s.fault == faultHostsString {
		shown = hostsAsStrings(deepCopy(shown)).(map[string]any)
	}
	body, err := marshal(shown)
	if err != nil {
		panic(fmt.Sprintf("mock: plan set does not marshal: %v", err))
	}
	status := http.StatusCreated
	if s.fault == faultSuccess200 {
		status = http.StatusOK
	}
	return &answer{status: status, body: body, drop: s.fault == faultDropConnection}
}

// hostsAsStrings turns every "hosts" number into a JSON string, for the
// hosts-string fault.
func hostsAsStrings(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if n, ok := e.(int64); ok && k == "hosts" {
				t[k] = strconv.FormatInt(n, 10)
			} else {
				t[k] = hostsAsStrings(e)
			}
		}
	case []any:
		for i, e := range t {
			t[i] = hostsAsStrings(e)
		}
	}
	return v
}

// row answers an error row of the matrix with its placeholders filled.
func (s *Server) row(id string, vars map[string]string) *answer {
	r, _ := s.op.Row(id) // New made sure the mock's rows are there
	status, code, msg := r.Status, r.Code, r.Message
	switch {
	case s.fault == faultWrongErrorCode && id == spec.RowAccountMissing:
		code = 2002
	case s.fault == faultWrongStatus && id == spec.RowAccountMissing:
		status = http.StatusBadRequest
	case s.fault == faultWrongMessage && id == spec.RowSelfPay:
		msg = "This sub account pays its own bills."
	}
	if s.fault != faultUnfilledMessage {
		// Every placeholder is filled (New allows only known ones): what
		// the caller has, else empty, else for {detail} a plain sentence.
		fill := spec.Fill{}
		for name := range knownPlaceholders {
			fill[name] = []string{vars[name]}
		}
		if vars["detail"] == "" {
			fill["detail"] = []string{"The request is invalid."}
		}
		msg = spec.FillMessage(msg, fill)
	}
	return s.errorAnswer(status, code, msg)
}

// errorAnswer is an Error body {code, message}.
func (s *Server) errorAnswer(status, code int, msg string) *answer {
	var v any = struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}{code, msg}
	if s.fault == faultErrorNoMessage {
		v = struct {
			Code int `json:"code"`
		}{code}
	}
	body, err := marshal(v)
	if err != nil {
		panic(fmt.Sprintf("mock: error body does not marshal: %v", err))
	}
	if s.fault == faultDuplicateErrorCode {
		// A stray code first: decoders that keep the last value see the right one.
		body = append([]byte(`{"code":0,`), body[1:]...)
	}
	return &answer{status: status, body: body}
}

// marshal encodes v without HTML escaping: answers are read by programs and
// people, not embedded in pages, and "<accountId>" reads better unescaped.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// maxDetail bounds the {detail} of a 400: validator messages may list
// client-chosen property names.
const maxDetail = 512

// cut shortens s to at most n bytes on a rune boundary, marking the cut.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}
