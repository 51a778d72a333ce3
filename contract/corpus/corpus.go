package corpus

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/internal/words"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/gen"
	"github.com/addons-contract/contract/spec"
)

// CorpusFormat tags every corpus entry file; a file with another tag is
// not ours and is refused.
const CorpusFormat = "addons-contract-corpus/1"

// Entry is one regression case of a corpus: a request described by
// fixture roles (never by fixture values, so no token is ever written),
// what a correct server must answer, and what failed when it was kept.
type Entry struct {
	Name string // file name, without the directory: "error-row__account_missing__1f2e3d4c5b6a.json"
	Path string // where the entry was read from; "" for one not yet saved
	// Source says what format the entry was read from: "corpus", or
	// "go-fuzz:FuzzRawRequest" (and the other native fuzz targets).
	Source string
	// Before are requests sent first, in order, on the same target: the
	// earlier steps of a stateful counterexample. Usually empty.
	Before    []*contract.Case
	Case      *contract.Case
	Finding   EntryFinding // what failed when the entry was saved; zero for native fuzz inputs
	SavedFrom string       // the target it failed on ("embedded mock", a base URL)

	native []any // the values of a Go fuzz input, to write a minimised one in its format
}

// EntryFinding is the failure an entry was saved for.
type EntryFinding struct {
	Check  string `json:"check"`
	Row    string `json:"row"`
	Detail string `json:"detail,omitempty"`
}

// Cases returns the entry's requests in the order they are sent.
func (e *Entry) Cases() []*contract.Case {
	return append(append([]*contract.Case(nil), e.Before...), e.Case)
}

// corpusFile is the JSON of an entry file. It mirrors Case with its own
// request shape, so bodies are readable text when they can be.
type corpusFile struct {
	Format    string        `json:"format"`
	Case      *corpusCase   `json:"case"`
	Before    []*corpusCase `json:"before,omitempty"`
	Finding   *EntryFinding `json:"finding,omitempty"`
	SavedFrom string        `json:"saved_from,omitempty"`
}

type corpusCase struct {
	ID       string          `json:"id"`
	Kind     contract.Kind   `json:"kind"`
	Class    string          `json:"class,omitempty"`
	Layer    string          `json:"layer,omitempty"`
	Field    string          `json:"field,omitempty"`
	Seed     int64           `json:"seed,omitempty"`
	Index    int             `json:"index,omitempty"`
	Writes   bool            `json:"writes,omitempty"`
	Stateful bool            `json:"stateful,omitempty"`
	Adds     []contract.Add  `json:"adds,omitempty"`
	Req      corpusRequest   `json:"request"`
	Expect   contract.Expect `json:"expect"`
}

// corpusRequest is Request with the body as text when it is valid UTF-8,
// else base64 with body_encoding "base64".
type corpusRequest struct {
	Method       string `json:"method,omitempty"`
	Account      string `json:"account"`
	Token        string `json:"token"`
	Auth         string `json:"auth,omitempty"`
	Path         string `json:"path,omitempty"`
	ContentType  string `json:"content_type,omitempty"`
	Body         string `json:"body,omitempty"`
	BodyEncoding string `json:"body_encoding,omitempty"` // "" (text) or "base64"
	// BodyTail is a long run of one ASCII byte ending the body (the
	// padding of an oversize body), kept out of the file as a count.
	BodyTail *bodyTail `json:"body_tail,omitempty"`
}

// bodyTail is Count copies of the one-byte string Repeat.
type bodyTail struct {
	Repeat string `json:"repeat"`
	Count  int    `json:"count"`
}

// minTail is the shortest trailing run stored as a bodyTail.
const minTail = 256

func toCorpusCase(c *contract.Case) *corpusCase {
	r := corpusRequest{Method: c.Req.Method, Account: c.Req.Account, Token: c.Req.Token, Auth: c.Req.Auth,
		Path: c.Req.Path, ContentType: c.Req.ContentType}
	body := c.Req.Body
	if n := len(body); n >= minTail && body[n-1] < utf8.RuneSelf {
		k := n - 1
		for k > 0 && body[k-1] == body[n-1] {
			k--
		}
		if n-k >= minTail {
			r.BodyTail = &bodyTail{Repeat: string(body[n-1:]), Count: n - k}
			body = body[:k]
		}
	}
	if utf8.Valid(body) {
		r.Body = string(body)
	} else {
		r.Body, r.BodyEncoding = base64.StdEncoding.EncodeToString(body), "base64"
	}
	return &corpusCase{ID: c.ID, Kind: c.Kind, Class: c.Class, Layer: c.Layer, Field: c.Field, Seed: c.Seed,
		Index: c.Index, Writes: c.Writes, Stateful: c.Stateful, Adds: c.Adds, Req: r, Expect: c.Expect}
}

func (cc *corpusCase) toCase() (*contract.Case, error) {
	c := &contract.Case{ID: cc.ID, Kind: cc.Kind, Class: cc.Class, Layer: cc.Layer, Field: cc.Field, Seed: cc.Seed,
		Index: cc.Index, Writes: cc.Writes, Stateful: cc.Stateful, Adds: cc.Adds, Expect: cc.Expect,
		Req: contract.Request{Method: cc.Req.Method, Account: cc.Req.Account, Token: cc.Req.Token, Auth: cc.Req.Auth,
			Path: cc.Req.Path, ContentType: cc.Req.ContentType}}
	switch cc.Req.BodyEncoding {
	case "":
		if cc.Req.Body != "" {
			c.Req.Body = []byte(cc.Req.Body)
		}
	case "base64":
		b, err := base64.StdEncoding.DecodeString(cc.Req.Body)
		if err != nil {
			return nil, fmt.Errorf("request body is not base64: %w", err)
		}
		c.Req.Body = b
	default:
		return nil, fmt.Errorf("request body_encoding %q: want \"base64\" or none", cc.Req.BodyEncoding)
	}
	if t := cc.Req.BodyTail; t != nil {
		if len(t.Repeat) != 1 || t.Count < 1 || t.Count > 64<<20 {
			return nil, fmt.Errorf("request body_tail: want one byte to repeat and a count from 1 to %d", 64<<20)
		}
		c.Req.Body = append(c.Req.Body, bytes.Repeat([]byte(t.Repeat), t.Count)...)
	}
	switch c.Kind {
	case contract.KindScenario, contract.KindValid, contract.KindInvalid, contract.KindAuth, contract.KindMethod, contract.KindState, contract.KindFuzz:
	default:
		return nil, fmt.Errorf("case kind %q: want scenario, valid, invalid, auth, method, state or fuzz", c.Kind)
	}
	if err := checkAccountRole(c.Req.Account); err != nil {
		return nil, err
	}
	if c.Req.Token == "" {
		return nil, errors.New(`request token is empty: want a role (master, volume_license, unknown_user), "none", or a literal non-fixture token`)
	}
	return c, nil
}

// checkAccountRole refuses an account that is neither a role nor a "=" literal.
func checkAccountRole(a string) error {
	switch a {
	case contract.AccountPaid, contract.AccountFree, contract.AccountSelfPay, contract.AccountRoomsBase, contract.AccountHasAddon, contract.AccountMissing:
		return nil
	}
	if _, ok := contract.MorePaidIndex(a); ok || strings.HasPrefix(a, "=") {
		return nil
	}
	return fmt.Errorf("request account %q: want paid, free, self_pay, rooms_base, has_addon, missing, paid.N (a further paid account), or =id", a)
}

// Encode returns the entry's file bytes: indented JSON ending in a newline,
// the same bytes for the same entry (a Go fuzz input: its own format).
func (e *Entry) Encode() ([]byte, error) {
	if e.native != nil {
		return encodeNative(e.native), nil
	}
	f := corpusFile{Format: CorpusFormat, Case: toCorpusCase(e.Case), SavedFrom: e.SavedFrom}
	for _, c := range e.Before {
		f.Before = append(f.Before, toCorpusCase(c))
	}
	if e.Finding != (EntryFinding{}) {
		fnd := e.Finding
		f.Finding = &fnd
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // bodies stay readable: <, > and & are no threat in a file
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("encoding corpus entry: %w", err)
	}
	return b.Bytes(), nil
}

// DecodeEntry parses an entry file in our format. name is used in errors.
// Unknown keys are refused: they are usually typos.
func DecodeEntry(name string, data []byte) (*Entry, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f corpusFile
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: not a corpus entry: %v", name, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%s: not a corpus entry: data after the JSON object", name)
	}
	if f.Format != CorpusFormat {
		return nil, fmt.Errorf("%s: format %q, want %q", name, f.Format, CorpusFormat)
	}
	if f.Case == nil {
		return nil, fmt.Errorf("%s: no \"case\"", name)
	}
	e := &Entry{Name: filepath.Base(name), Path: name, Source: "corpus", SavedFrom: f.SavedFrom}
	if f.Finding != nil {
		e.Finding = *f.Finding
	}
	var err error
	if e.Case, err = f.Case.toCase(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	for i, bc := range f.Before {
		c, err := bc.toCase()
		if err != nil {
			return nil, fmt.Errorf("%s: before[%d]: %v", name, i, err)
		}
		e.Before = append(e.Before, c)
	}
	return e, nil
}

// FileName is the stable file name of an entry:
// <check>__<row-or-class>__<hash of the requests>.json. The same case
// failing the same way gets the same name in every run.
func (e *Entry) FileName() string {
	check, row := e.Finding.Check, e.Finding.Row
	if check == "" {
		check = "entry"
	}
	if row == "" {
		row = e.Case.Class
	}
	if row == "" {
		row = "none"
	}
	return fileWord(check) + "__" + fileWord(row) + "__" + e.requestHash() + ".json"
}

// requestHash is 12 hex digits of the SHA-256 of the entry's requests.
func (e *Entry) requestHash() string {
	h := sha256.New()
	for _, c := range e.Cases() {
		r := toCorpusCase(c).Req
		b, _ := json.Marshal(r) // a struct of strings always marshals
		h.Write(b)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// fileWord makes s safe in a file name on every system: runs of anything
// but letters, digits, '.', '_' and '-' become one '-'; at most 60 bytes.
func fileWord(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-'
		if ok {
			b.WriteRune(r)
			dash = false
		} else if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.Trim(b.String(), "-.")
	if len(out) > 60 {
		out = out[:60]
	}
	if out == "" {
		out = "x"
	}
	return out
}

// Saved is what SaveFindings did.
type Saved struct {
	Paths []string // entry files written, in finding order
	// NotSaved lists the findings that could not become entries that
	// replay on their own, and why.
	NotSaved []NotSaved
}

// NotSaved is a finding SaveFindings left out.
type NotSaved struct {
	Check, Row string
	Reason     string
}

// SaveFindings writes each finding of res to dir as a corpus entry (the
// directory is created when missing): its example request, what was
// expected of it and the failure, under a name stable for the same case.
// Each file is written atomically. secrets are the fixture tokens: an entry
// that would hold one is refused, so a saved corpus can be committed.
func SaveFindings(dir string, res *contract.Result, secrets []string) (Saved, error) {
	var out Saved
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return out, fmt.Errorf("save: %w", err)
	}
	for i := range res.Findings {
		f := &res.Findings[i]
		e, why := EntryOf(res, f)
		if e == nil {
			out.NotSaved = append(out.NotSaved, NotSaved{Check: f.Check, Row: f.Row, Reason: why})
			continue
		}
		data, err := e.Encode()
		if err != nil {
			return out, err
		}
		for _, s := range secrets {
			if s != "" && bytes.Contains(data, []byte(s)) {
				return out, fmt.Errorf("save: entry %s would hold a fixture token; not written", e.FileName())
			}
		}
		path := filepath.Join(dir, e.FileName())
		if err := contract.WriteFileAtomic(path, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
			return out, fmt.Errorf("save: %w", err)
		}
		out.Paths = append(out.Paths, path)
	}
	return out, nil
}

// EntryOf makes the corpus entry of one finding of res, or says why the
// finding cannot be replayed from saved requests alone.
func EntryOf(res *contract.Result, f *contract.Finding) (*Entry, string) {
	if f.Example == nil || f.Example.Case == nil {
		return nil, "no example request"
	}
	c := f.Example.Case.Clone()
	e := &Entry{Case: c, Source: "corpus", SavedFrom: res.Target,
		Finding: EntryFinding{Check: f.Check, Row: f.Row, Detail: f.Failure.Detail}}
	if f.Check == contract.CheckGolden && f.Row == "missing" {
		return nil, "the golden set is not recorded (run with -update first)"
	}
	if f.Check == contract.CheckGolden && (c.Writes || c.Stateful) {
		return nil, "its golden answer holds what the run's earlier scenarios added, which an entry does not"
	}
	if len(f.Steps) > 1 {
		e.Before = beforeSteps(f.Steps[:len(f.Steps)-1], c)
	} else if c.Stateful && (c.Expect.State || len(c.Expect.Kept) > 0) {
		return nil, "its expectation comes from earlier answers of the run, which an entry does not hold"
	}
	e.Name = e.FileName()
	return e, ""
}

// beforeSteps are the earlier adds of a stateful counterexample as cases
// an entry replays before last, the failing step: each expectation is
// predicted afresh when it is sent.
func beforeSteps(steps []contract.Step, last *contract.Case) []*contract.Case {
	out := make([]*contract.Case, 0, len(steps))
	for i, st := range steps {
		out = append(out, &contract.Case{
			ID: fmt.Sprintf("%s/before/%02d", last.ID, i), Kind: contract.KindState, Writes: true, Stateful: true,
			Adds: append([]contract.Add(nil), st.Case.Adds...),
			Req:  contract.Request{Account: st.Case.Req.Account, Token: contract.TokenMaster, ContentType: last.Req.ContentType, Body: bytes.Clone(st.Case.Req.Body)},
		})
	}
	return out
}

// LoadCorpus reads the entries at paths, each a file or a directory
// (walked in lexical order, hidden names skipped). A file is an entry in
// our format when its name ends in .json, and a Go native fuzz input when
// it starts with "go test fuzz v1"; the fuzz target is the name of its
// directory (testdata/fuzz/FuzzRawRequest/...). In a directory other
// files are ignored; named explicitly, they are an error. Fuzz inputs
// become cases as their fuzz targets build them; g regenerates
// FuzzStructured inputs. Errors name the file and say what is wrong.
func LoadCorpus(op *spec.Operation, g *gen.Generator, paths []string) ([]*Entry, error) {
	if len(paths) == 0 {
		return nil, errors.New("no corpus path given")
	}
	var out []*Entry
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			e, ok, err := loadEntry(op, g, p)
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, fmt.Errorf("%s: neither a corpus entry (*.json) nor a Go fuzz input (go test fuzz v1)", p)
			}
			out = append(out, e)
			continue
		}
		n := len(out)
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if path != p && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil // temporary files of atomic writes, editor files
			}
			if !d.Type().IsRegular() {
				return nil
			}
			e, ok, err := loadEntry(op, g, path)
			if err != nil {
				return err
			}
			if ok {
				out = append(out, e)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(out) == n {
			return nil, fmt.Errorf("%s: no corpus entries (*.json) or Go fuzz inputs in the directory", p)
		}
	}
	return out, nil
}

// nativeHeader is the first line of a Go native fuzz corpus file.
const nativeHeader = "go test fuzz v1"

// loadEntry reads one file; ok is false when it is neither format.
func loadEntry(op *spec.Operation, g *gen.Generator, path string) (*Entry, bool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, false, err
	}
	if bytes.HasPrefix(data, []byte(nativeHeader)) {
		e, err := nativeEntry(op, g, path, data)
		return e, err == nil, err
	}
	if strings.HasSuffix(path, ".json") {
		e, err := DecodeEntry(path, data)
		if err != nil {
			return nil, false, err
		}
		for _, c := range e.Cases() {
			if _, ok := op.Row(c.Expect.Row); c.Expect.Row != "" && !ok {
				return nil, false, fmt.Errorf("%s: case %s expects row %q, which the spec does not define", path, c.ID, c.Expect.Row)
			}
		}
		return e, true, nil
	}
	return nil, false, nil
}

// FuzzTargets are the native fuzz targets whose inputs replay as cases.
var FuzzTargets = []string{"FuzzHandler", "FuzzRawRequest", "FuzzStructured"}

// nativeEntry turns a Go fuzz input into the case its fuzz target sends
// (fuzz/fuzz_test.go, mock/fuzz_test.go), with the fixture roles of the
// shipped fixtures those targets use.
func nativeEntry(op *spec.Operation, g *gen.Generator, path string, data []byte) (*Entry, error) {
	vals, err := parseNative(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	target := filepath.Base(filepath.Dir(path))
	name := filepath.Base(path)
	e := &Entry{Name: name, Path: path, Source: "go-fuzz:" + target, native: vals}
	id := "fuzz/" + target + "/" + name
	bad := func(want string) error {
		return fmt.Errorf("%s: %s takes (%s), the file holds (%s)", path, target, want, nativeTypes(vals))
	}
	switch target {
	case "FuzzRawRequest":
		if len(vals) != 4 {
			return nil, bad("byte, byte, string, []byte")
		}
		a, ok1 := vals[0].(uint8)
		t, ok2 := vals[1].(uint8)
		ct, ok3 := vals[2].(string)
		body, ok4 := vals[3].([]byte)
		if !ok1 || !ok2 || !ok3 || !ok4 {
			return nil, bad("byte, byte, string, []byte")
		}
		// The role tables of fuzz/fuzz_test.go (env.account, env.token).
		accounts := []string{contract.AccountPaid, contract.AccountFree, contract.AccountSelfPay, contract.AccountRoomsBase, contract.AccountHasAddon, contract.AccountMissing, "="}
		tokens := []string{contract.TokenMaster, contract.TokenVolumeLicense, contract.TokenUnknownUser, "not-a-fixture-token"}
		c := &contract.Case{ID: id, Kind: contract.KindFuzz, Expect: contract.Expect{Any: true},
			Req: contract.Request{Account: accounts[int(a)%len(accounts)], Token: tokens[int(t)%len(tokens)], ContentType: ct, Body: body}}
		c.Writes = mayWrite(c.Req)
		e.Case = c
	case "FuzzStructured":
		if len(vals) != 3 {
			return nil, bad("int64, uint16, bool")
		}
		seed, ok1 := vals[0].(int64)
		index, ok2 := vals[1].(uint16)
		valid, ok3 := vals[2].(bool)
		if !ok1 || !ok2 || !ok3 {
			return nil, bad("int64, uint16, bool")
		}
		if g == nil {
			return nil, fmt.Errorf("%s: FuzzStructured inputs need the operation's generator", path)
		}
		gc := g.At(seed, int(index), valid)
		// As the suite sends generated cases: to the paid account with the
		// master token; valid ones judged by the plan model.
		c := contract.Generated(op, gc, valid)
		c.Writes, c.Stateful = valid, valid
		c.ID = id
		c.Req.Account, c.Req.Token = contract.AccountPaid, contract.TokenMaster
		e.Case = c
	case "FuzzHandler":
		if len(vals) != 4 {
			return nil, bad("string, string, string, []byte")
		}
		suffix, ok1 := vals[0].(string)
		auth, ok2 := vals[1].(string)
		ct, ok3 := vals[2].(string)
		body, ok4 := vals[3].([]byte)
		if !ok1 || !ok2 || !ok3 || !ok4 {
			return nil, bad("string, string, string, []byte")
		}
		req, err := handlerRequest(suffix, auth)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		req.ContentType, req.Body = ct, body
		c := &contract.Case{ID: id, Kind: contract.KindFuzz, Req: req, Expect: contract.Expect{Any: true}}
		c.Writes = mayWrite(c.Req)
		e.Case = c
	default:
		return nil, fmt.Errorf("%s: unknown fuzz target %q (the directory name; known: %s)", path, target, strings.Join(FuzzTargets, ", "))
	}
	return e, nil
}

// mayWrite reports whether a fuzz request could add a plan on a correct
// server: the master token to an account where adds succeed.
func mayWrite(r contract.Request) bool {
	if r.Token != contract.TokenMaster || r.Path != "" {
		return false
	}
	switch r.Account {
	case contract.AccountPaid, contract.AccountRoomsBase, contract.AccountHasAddon:
		return true
	}
	_, more := contract.MorePaidIndex(r.Account)
	return more
}

// handlerRequest maps FuzzHandler's path suffix and raw Authorization
// header to roles of the shipped fixtures (the mock's, which FuzzHandler
// uses), so no token value travels into a case.
func handlerRequest(suffix, auth string) (contract.Request, error) {
	fx := fixtures.Default()
	u, err := url.Parse("/accounts/" + suffix)
	if err != nil {
		return contract.Request{}, fmt.Errorf("path suffix %q is no URL path a client can send: %v", suffix, err)
	}
	var r contract.Request
	idPart, ok := strings.CutSuffix(suffix, "/plans/addons")
	id, uerr := url.PathUnescape(idPart)
	if ok && !strings.ContainsAny(idPart, "/?#") && uerr == nil && url.PathEscape(id) == idPart {
		r.Account = "=" + id
		roles := map[string]string{fx.Accounts.Paid: contract.AccountPaid, fx.Accounts.Free: contract.AccountFree, fx.Accounts.SelfPay: contract.AccountSelfPay,
			fx.Accounts.RoomsBase: contract.AccountRoomsBase, fx.Accounts.HasAddon: contract.AccountHasAddon, fx.Accounts.Missing: contract.AccountMissing}
		if role, ok := roles[id]; ok {
			r.Account = role
		}
	} else {
		// Not the operation's path as the runner builds it: sent literally.
		r.Account, r.Path = contract.AccountPaid, u.EscapedPath()
		if u.RawQuery != "" {
			r.Path += "?" + u.RawQuery
		}
	}
	r.Token = contract.TokenNone
	if auth != "" {
		r.Auth = auth
		for _, role := range []struct{ name, value string }{
			{contract.TokenVolumeLicense, fx.Tokens.VolumeLicense}, {contract.TokenUnknownUser, fx.Tokens.UnknownUser}, {contract.TokenMaster, fx.Tokens.Master},
		} {
			if role.value != "" && strings.Contains(auth, role.value) {
				r.Token, r.Auth = role.name, strings.ReplaceAll(auth, role.value, "{token}")
				break
			}
		}
	}
	return r, nil
}

// nativeTypes lists the Go types of parsed fuzz values, for errors.
func nativeTypes(vals []any) string {
	var ts []string
	for _, v := range vals {
		t := fmt.Sprintf("%T", v)
		switch t {
		case "uint8":
			t = "byte"
		case "int32":
			t = "rune"
		case "[]uint8":
			t = "[]byte"
		}
		ts = append(ts, t)
	}
	return strings.Join(ts, ", ")
}

// parseNative decodes a "go test fuzz v1" file: one Go call expression a
// line, as internal/fuzz writes them (string("…"), []byte("…"), byte('x'),
// int64(-3), uint16(7), bool(true), float64(1.5), math.Float64frombits(…)).
// It follows internal/fuzz's parseCorpusValue, which no package exports.
func parseNative(data []byte) ([]any, error) {
	lines := bytes.Split(data, []byte("\n"))
	if strings.TrimSuffix(string(lines[0]), "\r") != nativeHeader {
		return nil, fmt.Errorf("first line %q, want %q", lines[0], nativeHeader)
	}
	var vals []any
	for i, line := range lines[1:] {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		v, err := parseNativeValue(string(line))
		if err != nil {
			return nil, fmt.Errorf("line %d %q: %v", i+2, words.Clip(string(line), 60), err)
		}
		vals = append(vals, v)
	}
	if len(vals) == 0 {
		return nil, errors.New("no values after the " + nativeHeader + " line")
	}
	return vals, nil
}

func parseNativeValue(line string) (any, error) {
	expr, err := parser.ParseExpr(line)
	if err != nil {
		return nil, err
	}
	call, ok := expr.(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return nil, errors.New("want a conversion of one literal, such as string(\"x\")")
	}
	arg := call.Args[0]
	if at, ok := call.Fun.(*ast.ArrayType); ok {
		if elt, ok := at.Elt.(*ast.Ident); !ok || at.Len != nil || elt.Name != "byte" {
			return nil, errors.New("want []byte or a basic type")
		}
		lit, ok := arg.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return nil, errors.New("[]byte takes a string literal")
		}
		s, err := strconv.Unquote(lit.Value)
		return []byte(s), err
	}
	var typ string
	switch f := call.Fun.(type) {
	case *ast.Ident:
		typ = f.Name
	case *ast.SelectorExpr:
		if x, ok := f.X.(*ast.Ident); ok && x.Name == "math" && (f.Sel.Name == "Float64frombits" || f.Sel.Name == "Float32frombits") {
			typ = f.Sel.Name
		}
	}
	if typ == "bool" {
		if id, ok := arg.(*ast.Ident); ok && (id.Name == "true" || id.Name == "false") {
			return id.Name == "true", nil
		}
		return nil, errors.New("bool takes true or false")
	}
	val, kind := "", token.ILLEGAL
	switch a := arg.(type) {
	case *ast.BasicLit:
		val, kind = a.Value, a.Kind
	case *ast.UnaryExpr:
		switch x := a.X.(type) {
		case *ast.BasicLit:
			if a.Op != token.SUB {
				return nil, fmt.Errorf("unsupported operator %v", a.Op)
			}
			val, kind = "-"+x.Value, x.Kind
		case *ast.Ident:
			if x.Name != "Inf" {
				return nil, errors.New("want a literal")
			}
			val, kind = a.Op.String()+"Inf", token.FLOAT
		}
	case *ast.Ident:
		if a.Name == "NaN" {
			val, kind = "NaN", token.FLOAT
		}
	}
	if kind == token.ILLEGAL {
		return nil, errors.New("want a literal")
	}
	switch typ {
	case "string":
		if kind != token.STRING {
			return nil, errors.New("string takes a string literal")
		}
		return strconv.Unquote(val)
	case "byte", "rune":
		if kind == token.INT {
			if typ == "byte" {
				n, err := strconv.ParseUint(val, 0, 8)
				return uint8(n), err
			}
			n, err := strconv.ParseInt(val, 0, 32)
			return int32(n), err
		}
		if kind != token.CHAR || len(val) < 2 {
			return nil, fmt.Errorf("%s takes a character literal", typ)
		}
		r, _, _, err := strconv.UnquoteChar(val[1:len(val)-1], '\'')
		if err != nil {
			return nil, err
		}
		if typ == "byte" {
			if r >= 256 {
				return nil, errors.New("byte takes a single byte")
			}
			return uint8(r), nil
		}
		return r, nil
	case "int", "int8", "int16", "int32", "int64":
		if kind != token.INT {
			return nil, fmt.Errorf("%s takes an integer literal", typ)
		}
		bits := map[string]int{"int": 64, "int8": 8, "int16": 16, "int32": 32, "int64": 64}[typ]
		n, err := strconv.ParseInt(val, 0, bits)
		if err != nil {
			return nil, err
		}
		switch typ {
		case "int":
			return int(n), nil
		case "int8":
			return int8(n), nil
		case "int16":
			return int16(n), nil
		case "int32":
			return int32(n), nil
		}
		return n, nil
	case "uint", "uint8", "uint16", "uint32", "uint64":
		if kind != token.INT {
			return nil, fmt.Errorf("%s takes an integer literal", typ)
		}
		bits := map[string]int{"uint": 64, "uint8": 8, "uint16": 16, "uint32": 32, "uint64": 64}[typ]
		n, err := strconv.ParseUint(val, 0, bits)
		if err != nil {
			return nil, err
		}
		switch typ {
		case "uint":
			return uint(n), nil
		case "uint8":
			return uint8(n), nil
		case "uint16":
			return uint16(n), nil
		case "uint32":
			return uint32(n), nil
		}
		return n, nil
	case "float32", "float64":
		if kind != token.FLOAT && kind != token.INT {
			return nil, fmt.Errorf("%s takes a number literal", typ)
		}
		if typ == "float32" {
			f, err := strconv.ParseFloat(val, 32)
			return float32(f), err
		}
		return strconv.ParseFloat(val, 64)
	case "Float64frombits", "Float32frombits":
		if kind != token.INT {
			return nil, fmt.Errorf("math.%s takes an integer literal", typ)
		}
		if typ == "Float32frombits" {
			n, err := strconv.ParseUint(val, 0, 32)
			return math.Float32frombits(uint32(n)), err
		}
		n, err := strconv.ParseUint(val, 0, 64)
		return math.Float64frombits(n), err
	}
	return nil, errors.New("want []byte or a basic type")
}
