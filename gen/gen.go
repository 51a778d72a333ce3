// Package gen derives gopter generators of request bodies from an operation's
// spec.Schema: valid bodies (the endpoint accepts them, catalog and examples
// included) and invalid ones, each tagged with its mutation class, the field
// it breaks and the layer of a correct server that must reject it. Every case
// is reproducible from (seed, index) and carries its exact bytes; failing
// cases shrink while staying valid, or invalid for the same reason.
//
// gen owns generation and shrinking only. It does not send requests, judge
// responses or load documents (package spec does), and it never imports
// libopenapi: schema re-checks during shrinking go through Options.Validate.
package gen

import (
	"errors"
	"fmt"
	"math/rand"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/addons-contract/contract/spec"
	"github.com/leanovate/gopter"
	gopterGen "github.com/leanovate/gopter/gen"
)

// Layer says which layer of a correct server rejects an invalid case.
type Layer string

const (
	// LayerNone marks a valid case.
	LayerNone Layer = ""
	// LayerSchema: the spec's schema rejects the body (the validator says so).
	LayerSchema Layer = "schema"
	// LayerCatalog: schema-valid, but a catalog rule rejects it (unknown code,
	// base plan, code outside its slot, duplicate code).
	LayerCatalog Layer = "catalog"
	// LayerSyntax: not one well-formed JSON value: empty, truncated, trailing
	// data, duplicate keys, nesting deeper than MaxNesting.
	LayerSyntax Layer = "syntax"
	// LayerMedia: wrong or missing Content-Type (the server answers 415).
	LayerMedia Layer = "media"
	// LayerSize: body over the size limit (the server answers 413).
	LayerSize Layer = "size"
)

// MaxNesting is the nesting depth beyond which a body counts as malformed:
// encoding/json's own limit. deep-nesting cases nest deeper than this.
const MaxNesting = 10000

// Case is one generated request body, reproducible from (Seed, Index) with a
// Generator built from the same operation and Options.
type Case struct {
	Seed        int64
	Index       int
	Class       string // mutation class id ("" for valid), e.g. "missing-required"
	Layer       Layer
	Field       string // JSON path of the mutated field ("hosts", "plan_details.plan_calling[0].type"), "" for the whole body
	ContentType string // the Content-Type to send ("" = send none)
	Body        []byte // the exact bytes to send
	Shrunk      int    // shrink steps taken since generation; 0 = Cases(Seed, Index+1, ...)[Index] reproduces Body
}

// String is one line: class, layer, field, a short body preview and where the
// case comes from.
func (c Case) String() string {
	class := c.Class
	if class == "" {
		class = "valid"
	}
	var sb strings.Builder
	sb.WriteString(class)
	if c.Layer != LayerNone {
		sb.WriteString("/" + string(c.Layer))
	}
	if c.Field != "" {
		sb.WriteString(" field=" + c.Field)
	}
	if c.Class == "wrong-content-type" || c.Class == "missing-content-type" {
		sb.WriteString(" content-type=" + strconv.Quote(c.ContentType))
	}
	sb.WriteString(" body=" + preview(c.Body, 80))
	fmt.Fprintf(&sb, " (seed=%d index=%d", c.Seed, c.Index)
	if c.Shrunk > 0 {
		fmt.Fprintf(&sb, " shrunk=%d", c.Shrunk)
	}
	sb.WriteString(")")
	return sb.String()
}

// preview quotes at most n bytes of b, noting the full length when cut.
func preview(b []byte, n int) string {
	if len(b) <= n {
		return strconv.Quote(string(b))
	}
	return fmt.Sprintf("%s…(%d bytes)", strconv.Quote(string(b[:n])), len(b))
}

// Options configures a Generator. The zero value is useful.
type Options struct {
	// MaxDepth is the nesting depth beyond which optional properties and
	// extra array items are left out (0 means 6).
	MaxDepth int
	// SizeLimit is the server's body size limit, for LayerSize cases
	// (0 means 1 MiB, 1<<20).
	SizeLimit int
	// Classes restricts invalid generation to these class ids (empty: all).
	Classes []string
	// Validate, when set, re-checks bodies against the spec while
	// shrinking: a valid case must keep passing it, a schema-layer case keep
	// failing it, a catalog-layer case keep passing it. Typically
	// func(b []byte) []spec.Problem { return v.Body(op, "application/json", b) }.
	// Without it, shrinking relies on this package's own schema checker.
	Validate func(body []byte) []spec.Problem
}

// Generator makes request bodies for one operation. Build it once with New;
// it is safe for concurrent use.
type Generator struct {
	op        *spec.Operation
	body      *spec.Schema
	mediaType string
	opts      Options
	patterns  map[string]*regexp.Regexp
	regexGens map[string]gopter.Gen
	examples  map[string][]any // body example leaves by normalised path ("plan_details.plan_calling[].type")
	active    []*classDef      // the classes this operation can produce, in Classes() order
	fallback  value            // a valid body found by New, the last resort of valid generation
}

// New builds the generators of op's request body. It fails when op has no
// JSON request body schema, when Options name an unknown class, or when no
// valid body can be generated from the schema.
func New(op *spec.Operation, opts Options) (*Generator, error) {
	if op == nil {
		return nil, errors.New("gen: no operation given")
	}
	if op.Body == nil || op.Body.Schema == nil {
		return nil, fmt.Errorf("gen: operation %s has no JSON request body schema", op.ID)
	}
	if opts.MaxDepth <= 0 {
		opts.MaxDepth = 6
	}
	if opts.SizeLimit <= 0 {
		opts.SizeLimit = 1 << 20
	}
	g := &Generator{
		op:        op,
		body:      op.Body.Schema,
		mediaType: op.Body.MediaType,
		opts:      opts,
		patterns:  map[string]*regexp.Regexp{},
		regexGens: map[string]gopter.Gen{},
		examples:  map[string][]any{},
	}
	if g.mediaType == "" {
		g.mediaType = "application/json"
	}
	compilePatterns(g.body, g.patterns, map[*spec.Schema]bool{})
	for p, re := range g.patterns {
		if re != nil {
			g.regexGens[p] = gopterGen.RegexMatch(p)
		}
	}
	for _, ex := range op.Body.Examples {
		g.collectExamples(ex.Value, "")
	}

	// A fixed probe seed keeps New deterministic.
	const probeSeed = 0x5eed
	p := caseParams(probeSeed, 0, streamValid)
	found := false
	for range 256 {
		if v, ok := g.genBody(&genCtx{p: p}); ok {
			g.fallback, found = v, true
			break
		}
	}
	if !found {
		return nil, fmt.Errorf("gen: operation %s: no valid body could be generated from its schema", op.ID)
	}

	want := opts.Classes
	for _, id := range want {
		if classByID(id) == nil {
			return nil, fmt.Errorf("gen: unknown class %q", id)
		}
	}
	for i, cd := range classDefs {
		if len(want) > 0 && !slices.Contains(want, cd.info.ID) {
			continue
		}
		p := caseParams(probeSeed, i, streamInvalid)
		for range 64 {
			if _, ok := g.produce(cd, p); ok {
				g.active = append(g.active, cd)
				break
			}
		}
	}
	if len(g.active) == 0 {
		return nil, fmt.Errorf("gen: operation %s: none of the classes %v applies", op.ID, want)
	}
	return g, nil
}

// Active lists the ids of the classes this operation can produce (a class
// needs something to break: no date field, no malformed-date), in Classes()
// order. Invalid cases rotate through them.
func (g *Generator) Active() []string {
	out := make([]string, len(g.active))
	for i, cd := range g.active {
		out[i] = cd.info.ID
	}
	return out
}

// stream separates the random streams of valid and invalid cases.
type stream uint64

const (
	streamValid   stream = 0x76616c6964
	streamInvalid stream = 0x696e76616c6964
)

// caseParams are the gopter parameters of case index of seed: the RNG is
// seeded from (seed, index, stream) alone, so a case never depends on the
// cases before it.
func caseParams(seed int64, index int, s stream) *gopter.GenParameters {
	x := splitmix(uint64(seed) ^ splitmix(uint64(index)+uint64(s)))
	return &gopter.GenParameters{
		MinSize:        0,
		MaxSize:        100,
		MaxShrinkCount: 1000,
		Rng:            rand.New(gopter.NewLockedSource(int64(x >> 1))),
	}
}

// splitmix is SplitMix64's finaliser: neighbouring inputs give unrelated seeds.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Cases returns n cases of seed: valid ones, or invalid ones rotating
// through Active() (case i has class Active()[i%len]). Case i is generated
// from gopter parameters seeded from (seed, i) only: the same inputs give
// the same bytes in every run and process.
func (g *Generator) Cases(seed int64, n int, valid bool) []Case {
	out := make([]Case, 0, max(n, 0))
	for i := range n {
		out = append(out, g.At(seed, i, valid))
	}
	return out
}

// At returns case index of seed, the one Cases(seed, index+1, valid) ends with.
func (g *Generator) At(seed int64, index int, valid bool) Case {
	if valid {
		p := caseParams(seed, index, streamValid)
		c := Case{Seed: seed, Index: index, ContentType: g.mediaType}
		v := g.fallback
		for range 256 {
			if x, ok := g.genBody(&genCtx{p: p}); ok {
				v = x
				break
			}
		}
		c.Body = v.encode()
		return c
	}
	p := caseParams(seed, index, streamInvalid)
	k := len(g.active)
	start := ((index % k) + k) % k
	// A class that cannot be produced from this seed (after many draws)
	// hands over to the next one in the rotation, deterministically;
	// empty-body always can.
	for j := range k + 1 {
		cd := g.active[(start+j)%k]
		if j == k {
			cd = classByID("empty-body")
		}
		for range 64 {
			if m, ok := g.produce(cd, p); ok {
				return Case{Seed: seed, Index: index, Class: cd.info.ID, Layer: m.layer,
					Field: m.field, ContentType: m.contentType, Body: m.body}
			}
		}
	}
	panic("gen: empty-body could not be produced") // unreachable: empty-body never fails
}

var caseType = reflect.TypeOf(Case{})

// Valid generates valid cases (class ""), with a shrinker that keeps every
// step valid (re-checked with Options.Validate when set) and makes the body
// smaller: optional members and items dropped, numbers toward the smallest
// in range, codes toward the first in the catalog, strings shorter.
func (g *Generator) Valid() gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		seed := p.Rng.Int63()
		return gopter.NewGenResult(g.At(seed, 0, true), g.shrinker)
	}
}

// Invalid generates invalid cases across all active classes; its shrinker
// keeps each step invalid for the same class, layer and field.
func (g *Generator) Invalid() gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		seed := p.Rng.Int63()
		index := int(p.Rng.Int31n(1 << 20))
		return gopter.NewGenResult(g.At(seed, index, false), g.shrinker)
	}
}

// Class generates invalid cases of one class. For a class that is unknown
// or not active for this operation the generator yields no value (a gopter
// property using it is undecided).
func (g *Generator) Class(id string) gopter.Gen {
	pos := slices.IndexFunc(g.active, func(cd *classDef) bool { return cd.info.ID == id })
	if pos < 0 {
		return gopterGen.Fail(caseType)
	}
	k := len(g.active)
	return func(p *gopter.GenParameters) *gopter.GenResult {
		seed := p.Rng.Int63()
		index := pos + k*int(p.Rng.Int31n(1<<12))
		return gopter.NewGenResult(g.At(seed, index, false), g.shrinker)
	}
}
