package gen

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// digest summarises Cases(seed, n) valid and invalid: class, layer, field,
// content type and bytes of every case.
func digest(g *Generator, seed int64, n int) string {
	h := sha256.New()
	for _, valid := range []bool{true, false} {
		for _, c := range g.Cases(seed, n, valid) {
			fmt.Fprintf(h, "%s|%s|%s|%s|%d|", c.Class, c.Layer, c.Field, c.ContentType, len(c.Body))
			h.Write(c.Body)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestCasesAreDeterministic(t *testing.T) {
	f := addons(t)
	g := newGen(t, f, Options{})
	a := g.Cases(7, 300, false)
	b := g.Cases(7, 300, false)
	if diff := cmp.Diff(a, b, bodyText); diff != "" {
		t.Fatalf("Cases(7, 300) differ between two calls (-first +second):\n%s", diff)
	}

	// A second Generator from a freshly loaded document gives the same bytes.
	g2 := newGen(t, addons(t), Options{})
	if d1, d2 := digest(g, 7, 300), digest(g2, 7, 300); d1 != d2 {
		t.Fatalf("digest differs between generators: %s vs %s", d1, d2)
	}

	// Case i depends on (seed, i) only.
	for i := range 50 {
		if diff := cmp.Diff(a[i], g.At(7, i, false), bodyText); diff != "" {
			t.Fatalf("At(7, %d) differs from Cases(7, 300)[%d] (-cases +at):\n%s", i, i, diff)
		}
	}
	short := g.Cases(7, 20, true)
	if diff := cmp.Diff(short, g.Cases(7, 300, true)[:20], bodyText); diff != "" {
		t.Fatalf("Cases(7, 20) is not a prefix of Cases(7, 300) (-20 +300):\n%s", diff)
	}

	// Another seed gives other bytes.
	for _, valid := range []bool{true, false} {
		x, y := g.Cases(7, 100, valid), g.Cases(8, 100, valid)
		same := 0
		for i := range x {
			if string(x[i].Body) == string(y[i].Body) {
				same++
			}
		}
		// Bodies like "{}" or an empty body can coincide; most must not.
		if same > 20 {
			t.Errorf("valid=%v: %d of 100 cases have the same bytes for seeds 7 and 8", valid, same)
		}
	}
}

// TestCasesAcrossProcesses runs this test binary again and compares the
// digest it prints: a map iterated during generation would differ between
// processes, whose map seeds differ.
func TestCasesAcrossProcesses(t *testing.T) {
	if os.Getenv("GEN_DIGEST_CHILD") == "1" {
		g := newGen(t, addons(t), Options{})
		fmt.Printf("digest=%s\n", digest(g, 11, 200))
		return
	}
	if testing.Short() {
		t.Skip("spawns a process")
	}
	g := newGen(t, addons(t), Options{})
	want := digest(g, 11, 200)
	for run := range 2 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCasesAcrossProcesses$", "-test.count=1")
		cmd.Env = append(os.Environ(), "GEN_DIGEST_CHILD=1")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "child process: %s", out)
		_, after, ok := strings.Cut(string(out), "digest=")
		require.True(t, ok, "child printed no digest: %s", out)
		got := strings.Fields(after)[0]
		if got != want {
			t.Fatalf("run %d: digest of Cases(11, 200) in another process: got %s, want %s", run, got, want)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	g := newGen(t, addons(t), Options{})
	want := g.Cases(3, 80, false)
	var wg sync.WaitGroup
	got := make([][]Case, 4)
	for w := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range want {
				got[w] = append(got[w], g.At(3, i, false))
			}
		}()
	}
	wg.Wait()
	for w := range got {
		if diff := cmp.Diff(want, got[w], bodyText); diff != "" {
			t.Fatalf("goroutine %d (-serial +concurrent):\n%s", w, diff)
		}
	}
}
