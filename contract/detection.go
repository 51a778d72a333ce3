package contract

import "time"

// Detection is when a run first saw one check fail: how many requests it had
// sent and how long it had run by then. It is how quickly a defect is caught;
// with several workers the count includes requests still in flight, so it
// varies a little between runs of one seed.
type Detection struct {
	Check  string        // the check that failed
	Row    string        // the row (or other cause) of that first failure
	CaseID string        // the case whose answer failed
	Sent   int           // requests sent when the failure was judged, its own included
	After  time.Duration // time from the start of the run
}

// detect notes the first failure of each check in rec; r.mu is held.
func (r *runner) detect(rec *record) {
	for _, f := range rec.fails {
		if _, ok := r.detected[f.Check]; ok {
			continue
		}
		if r.detected == nil {
			r.detected = map[string]Detection{}
		}
		r.detected[f.Check] = Detection{Check: f.Check, Row: f.Row, CaseID: rec.ex.Case.ID, Sent: int(r.sent.Load()), After: time.Since(r.start)}
	}
}

// detections lists the first failure of each check, in check order; r.mu is held.
func (r *runner) detections() []Detection {
	var out []Detection
	for _, id := range CheckIDs() {
		if d, ok := r.detected[id]; ok {
			out = append(out, d)
		}
	}
	return out
}

// stop ends sending without aborting the run: -fail-fast at the first
// finding, or -max-requests spent. Cases not yet sent are skipped with the
// first reason given; the result is judged as usual.
func (r *runner) stop(reason string) {
	r.mu.Lock()
	if r.stopped == "" {
		r.stopped = reason
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
