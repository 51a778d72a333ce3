package golden

import (
	"fmt"

	"github.com/google/go-cmp/cmp"

	"github.com/addons-contract/contract/spec"
)

// Verdict is the comparison of an answer with its golden file.
type Verdict struct {
	Diff string // cmp.Diff(want, got) under "(-want +got)", spec hashes left out; "" when equal
	Want Entry  // the golden file as loaded
	// Stale is true when the file records a spec revision and the run's is
	// another: a Diff may then be the spec's own doing, to re-record rather
	// than to report as the server's fault.
	Stale bool
}

// Check compares got with name's golden file like Compare and says whether
// the file was recorded against another spec revision than hash (the run's
// spec.Document.Hash). A file without a hash is never stale: nothing says
// which revision it was made against.
func (s Set) Check(name string, got Entry, hash string) (Verdict, error) {
	want, err := s.Load(name)
	if err != nil {
		return Verdict{}, err
	}
	v, err := Against(want, got, hash)
	if err != nil {
		return Verdict{}, fmt.Errorf("golden: %s: %w", name, err)
	}
	return v, nil
}

// Against is Check with the golden file given: want as loaded, or as a
// caller trimmed it (a shard of a run leaves out other shards' plans).
func Against(want, got Entry, hash string) (Verdict, error) {
	canon, err := Canonical(got)
	if err != nil {
		return Verdict{}, err
	}
	bare := want
	bare.Spec, canon.Spec = "", ""
	return Verdict{Diff: cmp.Diff(bare, canon), Want: want, Stale: want.Spec != "" && hash != "" && want.Spec != hash}, nil
}

// Hit is a golden file that changes between two spec revisions reach.
type Hit struct {
	Name    string   `json:"name"`           // the scenario
	Spec    string   `json:"spec,omitempty"` // the spec hash the file records, "" when none
	Reasons []string `json:"reasons"`        // why it must be re-recorded, one line each (spec.Changes.Recorded)
}

// Affected lists the golden files of the set that ch reaches, sorted by
// name: those to re-record against the new revision. A file that records
// the new revision's hash is current and left out.
func (s Set) Affected(ch *spec.Changes) ([]Hit, error) {
	names, err := s.Names()
	if err != nil {
		return nil, err
	}
	var out []Hit
	for _, name := range names {
		e, err := s.Load(name)
		if err != nil {
			return nil, err
		}
		if e.Spec != "" && e.Spec == ch.New.Hash {
			continue // recorded against the new revision already
		}
		if why := ch.Recorded(name, e.Status, e.Body); len(why) > 0 {
			out = append(out, Hit{Name: name, Spec: e.Spec, Reasons: why})
		}
	}
	return out, nil
}

// String is "name: first reason (and N more)".
func (h Hit) String() string {
	s := h.Name + ": " + h.Reasons[0]
	if len(h.Reasons) > 1 {
		s += fmt.Sprintf(" (and %d more)", len(h.Reasons)-1)
	}
	return s
}
