package corpus

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/contract/runner"
	"github.com/addons-contract/contract/internal/atomicfile"
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
	// Spec is the spec revision the entry was saved against
	// (spec.Operation.Revision); "" for entries saved before revisions were
	// kept and for native fuzz inputs.
	Spec string

	// Args are the values of a Go fuzz input, in its file's order (nil
	// for an entry in our format): Encode writes them back in that format.
	Args []any
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
	Spec      string        `json:"spec,omitempty"`
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
	if _, ok := contract.MorePaidIndex(a); ok || slices.Contains(accountRoles, a) || strings.HasPrefix(a, "=") {
		return nil
	}
	return fmt.Errorf("request account %q: want paid, free, self_pay, rooms_base, has_addon, missing, paid.N (a further paid account), or =id", a)
}

// Encode returns the entry's file bytes: indented JSON ending in a newline,
// the same bytes for the same entry (a Go fuzz input: its own format).
func (e *Entry) Encode() ([]byte, error) {
	if e.Args != nil {
		return encodeNative(e.Args), nil
	}
	f := corpusFile{Format: CorpusFormat, Case: toCorpusCase(e.Case), SavedFrom: e.SavedFrom, Spec: e.Spec}
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
	e := &Entry{Name: filepath.Base(name), Path: name, Source: "corpus", SavedFrom: f.SavedFrom, Spec: f.Spec}
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
		if err := atomicfile.Write(path, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
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
	e := &Entry{Case: c, Source: "corpus", SavedFrom: res.Target, Spec: res.Spec,
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

// Part returns the entries shard sh replays: runner.Split over the
// entries' cases, so entries that touch the same server state stay in
// one shard, in order. The whole run replays every entry.
func Part(entries []*Entry, sh contract.Shard) []*Entry {
	if sh.Whole() {
		return entries
	}
	units := make([][]*contract.Case, len(entries))
	for i, e := range entries {
		units[i] = e.Cases()
	}
	var out []*Entry
	for i, s := range runner.Split(units, sh.N) {
		if s == sh.K-1 {
			out = append(out, entries[i])
		}
	}
	return out
}
