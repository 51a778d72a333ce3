package fuzz

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"sync"
	"testing"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/contract/corpus"
	"github.com/addons-contract/contract/contract/runner"
	"github.com/addons-contract/contract/contract/target"
	"github.com/google/go-cmp/cmp"
)

// wire is a request as the server receives it: all a fuzz input decides.
type wire struct {
	Method, URI string
	Auth, CType []string // nil when the header is absent
	Body        string   // not []byte: go-cmp compares a byte slice byte by byte, slowly at 1 MiB
}

// recorder keeps every request it serves and answers each with a 400
// (what it answers does not matter here).
type recorder struct {
	mu  sync.Mutex
	got []wire
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	rc.got = append(rc.got, wire{Method: r.Method, URI: r.RequestURI, Auth: r.Header["Authorization"], CType: r.Header["Content-Type"], Body: string(body)})
	rc.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	_, _ = w.Write([]byte(`{"code":300,"message":"recorded"}`))
}

func (rc *recorder) wires() []wire {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]wire(nil), rc.got...)
}

// fuzzCase decodes args as the fuzz target named by source calls the
// decoder (FuzzHandler: mock/fuzz_test.go).
func (e *env) fuzzCase(t *testing.T, source string, a []any) *contract.Case {
	t.Helper()
	var c *contract.Case
	var err error
	switch source {
	case "go-fuzz:FuzzRawRequest":
		c = e.dec.RawRequest(a[0].(byte), a[1].(byte), a[2].(string), a[3].([]byte))
	case "go-fuzz:FuzzStructured":
		c, err = e.dec.Structured(a[0].(int64), a[1].(uint16), a[2].(bool))
	case "go-fuzz:FuzzHandler":
		c, err = e.dec.Handler(a[0].(string), a[1].(string), a[2].(string), a[3].([]byte))
	default:
		t.Fatalf("no fuzz target for %s", source)
	}
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Every committed fuzz input reaches the server as the same request from
// its fuzz target as from 'contract replay': both decode it with
// corpus.Decoder, and the fuzz targets send Decoder.Request, which must be
// what the runner sends for the decoded case.
func TestCommittedInputsReplayAsTheFuzzTargetsSendThem(t *testing.T) {
	e := newEnv(t)
	dirs := []string{filepath.Join("testdata", "fuzz"), filepath.Join("..", "mock", "testdata", "fuzz")}
	entries, err := corpus.LoadCorpus(e.op, e.dec.Gen, dirs)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, en := range entries {
		seen[en.Source]++
		t.Run(en.Source+"/"+en.Name, func(t *testing.T) {
			fuzzed := &recorder{}
			fe := *e
			fe.srv = fuzzed
			fe.send(t, e.fuzzCase(t, en.Source, en.Args))

			replayed := &recorder{}
			tg, err := target.Embedded(func() (http.Handler, error) { return replayed, nil })
			if err != nil {
				t.Fatal(err)
			}
			cfg := runner.DefaultConfig(e.op, e.val, e.dec.Fixtures, tg, 1)
			cfg.Shrink = false // the recorder's answers fail checks: no smaller requests
			if _, _, err := runner.Judge(context.Background(), cfg, []*contract.Case{en.Case}); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(fuzzed.wires(), replayed.wires()); diff != "" {
				t.Errorf("the fuzz target sends (-) what replay does not (+):\n%s", diff)
			}
			if n := len(fuzzed.wires()); n != 1 {
				t.Errorf("%d requests sent, want 1", n)
			}
		})
	}
	for _, src := range []string{"go-fuzz:FuzzRawRequest", "go-fuzz:FuzzStructured", "go-fuzz:FuzzHandler"} {
		if seen[src] == 0 {
			t.Errorf("no committed input of %s", src)
		}
	}
}
