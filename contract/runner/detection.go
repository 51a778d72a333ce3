package runner

import (
	"time"

	"github.com/addons-contract/contract/contract"
)

// detect notes the first failure of each check in rec; r.mu is held.
func (r *runner) detect(rec *record) {
	for _, f := range rec.fails {
		if _, ok := r.detected[f.Check]; ok {
			continue
		}
		if r.detected == nil {
			r.detected = map[string]contract.Detection{}
		}
		r.detected[f.Check] = contract.Detection{Check: f.Check, Row: f.Row, CaseID: rec.ex.Case.ID, Sent: int(r.sent.Load()), After: time.Since(r.start)}
	}
}

// detections lists the first failure of each check, in check order; r.mu is held.
func (r *runner) detections() []contract.Detection {
	var out []contract.Detection
	for _, id := range contract.CheckIDs() {
		if d, ok := r.detected[id]; ok {
			out = append(out, d)
		}
	}
	return out
}

// stop ends sending without aborting the run: -fail-fast at the first
// finding, or -max-requests spent. Cases not yet sent are skipped with the
// first reason given; the result is judged as usual.
func (r *runner) stop(reason string) { r.halt(&r.stopped, reason) }

// halt keeps reason in *first unless a reason is there already, and
// cancels the sending.
func (r *runner) halt(first *string, reason string) {
	r.mu.Lock()
	if *first == "" {
		*first = reason
	}
	r.mu.Unlock()
	if r.cancel != nil {
		r.cancel()
	}
}

// stoppedEarly reports whether the run stopped sending on purpose (stop).
func (r *runner) stoppedEarly() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stopped != ""
}
