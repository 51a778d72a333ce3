// Package contract runs contract cases against a target and judges every
// answer with named checks derived from the spec: the error matrix, the
// response schemas, the plan catalog and the state rule of the endpoint.
// It knows checks and targets; it does not know how any server, the mock
// included, stores its accounts.
package contract

import (
	"net/http"
	"time"
)

// Check ids, the names users pass to -checks and -skip-checks.
const (
	CheckNoServerError    = "no-server-error"    // no 5xx, no dropped connection
	CheckStatusDocumented = "status-documented"  // the status is one the operation documents
	CheckContentType      = "content-type"       // answers carry the documented media type
	CheckResponseSchema   = "response-schema"    // the body conforms to its status's schema (formats asserted)
	CheckErrorRow         = "error-row"          // status, code and message match the matrix row the input must hit
	CheckInvalidRejected  = "invalid-rejected"   // an invalid request is answered 4xx, never 2xx
	CheckValidAccepted    = "valid-accepted"     // a valid add is answered 201 with the plan at its place and hosts echoed
	CheckAuthEnforced     = "auth-enforced"      // missing, malformed and unknown tokens get 401
	CheckMethodNotAllowed = "method-not-allowed" // other methods on the path get 405 with Allow
	CheckStateModel       = "state-model"        // answers follow the per-account plan model across sequences
	CheckGolden           = "golden"             // deterministic scenarios match their golden files
	CheckResponseTime     = "response-time"      // every answer arrives within the budget
)

// Kind says what a case is for; it decides which checks apply.
type Kind string

// Case kinds.
const (
	KindScenario Kind = "scenario" // deterministic, compared with a golden file
	KindValid    Kind = "valid"    // a generated valid body
	KindInvalid  Kind = "invalid"  // a generated invalid request (one mutation class)
	KindAuth     Kind = "auth"     // missing, malformed or unknown credentials
	KindMethod   Kind = "method"   // another method on the operation's path
	KindState    Kind = "state"    // one step of a stateful sequence
)

// Token roles a case may send; anything else in Request.Token is sent literally.
const (
	TokenMaster        = "master"
	TokenVolumeLicense = "volume_license"
	TokenUnknownUser   = "unknown_user"
	TokenNone          = "none" // no Authorization header
)

// Request is a request described by fixture roles, not by fixture values, so
// the same case runs against any target and prints without secrets.
type Request struct {
	Method      string // "" = the operation's method
	Account     string // account role ("paid", "free", ...) or, with a "=" prefix, a literal id ("=" alone is the empty id)
	Token       string // token role (TokenMaster, ...) or TokenNone; see Auth to send a raw header
	Auth        string // when set, the raw Authorization header, with "{token}" standing for the Token role's value
	Path        string // when set, a literal path sent instead of the operation's (unknown routes)
	ContentType string // "" = no Content-Type header
	Body        []byte
}

// Expect is what a correct server must answer to a case.
type Expect struct {
	Row         string // error row id the answer must match; "" when success is expected
	Status      int    // expected status when no row applies (405, route 404); 0 = from Row or 201
	Plans       []Add  // plans a success adds; checked at their catalog place
	MayHoldPlan bool   // the account may already hold the plan (state unknown): "already_has" naming it is correct too
}

// Add is one plan a request adds, with the hosts it sends (0 = no hosts sent).
type Add struct {
	Code  string
	Hosts int64
}

// Case is one request of a run and what it must get back.
type Case struct {
	ID     string // stable, unique within a run: "matrix/self_pay", "invalid/wrong-type/0017", ...
	Kind   Kind
	Class  string // mutation class for invalid cases, "" otherwise
	Field  string // JSON path the mutation touched
	Seed   int64  // generator seed, 0 for hand-built scenarios
	Index  int    // generator index
	Writes bool   // a correct server changes state on this case (expected 201)
	Req    Request
	Expect Expect
}

// Exchange is one case as sent and as answered.
type Exchange struct {
	Case      *Case
	Method    string
	URL       string      // the full URL as sent (account ids are not secrets)
	ReqHeader http.Header // request headers as sent, every token replaced by "$TOKEN"
	Header    http.Header // response header
	Status    int         // 0 when no answer came
	Body      []byte      // response body (capped)
	Err       error       // transport error: refused, reset, timeout
	Elapsed   time.Duration
	Retries   int // 429 answers retried before this one
}

// Failure is one way one exchange broke one check.
type Failure struct {
	Check  string // check id
	Row    string // matrix row or class the failure is about, for grouping
	Detail string // one line: "got 200, want 201"
	Want   any    // expected value, for a go-cmp diff (nil when Detail says it all)
	Got    any
}

// Finding is every failure of one (check, row) group: a cause, counted once.
type Finding struct {
	Check    string
	Row      string
	Count    int       // exchanges that failed this way
	Example  *Exchange // the smallest failing exchange
	Failure  Failure   // its failure
	Diff     string    // cmp.Diff(want, got), "(-want +got)"
	Shrunk   []byte    // the shrunk body still failing this check, nil when not shrunk
	Curl     string    // a command reproducing Example, token as $TOKEN
	CaseID   string
	CaseSeed int64
}
