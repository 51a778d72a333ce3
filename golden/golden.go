// Package golden compares the deterministic answers of scenarios with golden
// files and rewrites those files on -update. It owns the file layout, the
// normalisation of bodies (fixture ids to placeholders, masked fields) and the
// canonical encoding; it does not send requests or decide which scenarios are
// deterministic — the runner does. Each file records the spec revision it
// was made against (Entry.Spec), so a run can tell a stale file from a
// server's fault (Check), and a spec change can list the files it reaches
// (Affected; docs/SPEC-CHANGES.md).
package golden

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// The set recorded against the embedded mock. "all:" keeps names that start
// with "_" (valid scenario names) from being silently dropped by go:embed.
//
//go:embed all:mock
var embedded embed.FS

// embeddedRoot is the directory of the embedded set inside embedded.
const embeddedRoot = "mock"

// ext is the extension of every golden file.
const ext = ".json"

// Entry is one scenario's answer as stored in a golden file.
type Entry struct {
	// Spec is the hash of the spec revision the answer was recorded against
	// (spec.Document.Hash); "" in files recorded before hashes were kept.
	// Compare ignores it: Check says when it differs from a run's.
	Spec        string `json:"spec,omitempty"`
	Status      int    `json:"status"`
	ContentType string `json:"content_type"`
	Body        any    `json:"body"` // a Normalize result: JSON values with json.Number numbers, or a string
}

// Set is a directory of golden files, one "<name>.json" per scenario. A name
// is slash-separated and each element becomes a directory: the scenario
// "matrix/self_pay" lives in "matrix/self_pay.json" under Dir. The zero Set
// is the embedded default set.
type Set struct {
	Dir string // on-disk directory; "" = the embedded default set (read-only)
}

// Open returns the set of golden files under dir; the directory need not
// exist until Write creates it.
func Open(dir string) Set { return Set{Dir: dir} }

// Default returns the embedded set recorded against the mock (golden/mock).
func Default() Set { return Set{} }

// String names the set in messages.
func (s Set) String() string {
	if s.Dir == "" {
		return "embedded golden/mock"
	}
	return s.Dir
}

func (s Set) fsys() fs.FS {
	if s.Dir == "" {
		sub, err := fs.Sub(embedded, embeddedRoot)
		if err != nil {
			panic("golden: embedded set is broken: " + err.Error()) // embeddedRoot is a constant
		}
		return sub
	}
	return os.DirFS(s.Dir)
}

// file returns the slash path of name's golden file inside the set.
func file(name string) (string, error) {
	if err := checkName(name); err != nil {
		return "", err
	}
	return name + ext, nil
}

// checkName keeps names to characters every file system and a Go module zip
// accept, so a recorded file can always be committed and embedded.
func checkName(name string) error {
	if name == "" {
		return errors.New("golden: empty scenario name")
	}
	for _, elem := range strings.Split(name, "/") {
		if elem == "" || elem == "." || elem == ".." || strings.HasPrefix(elem, ".") {
			return fmt.Errorf("golden: scenario name %q: empty, dot or hidden path element", name)
		}
	}
	for _, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			strings.ContainsRune("/-_.+=@", r)
		if !ok {
			return fmt.Errorf("golden: scenario name %q: character %q is not allowed (use letters, digits and -_.+=@/)", name, r)
		}
	}
	return nil
}

// Load reads the golden file of the scenario name. A missing file is an
// error wrapping fs.ErrNotExist whose text says to record it with -update.
func (s Set) Load(name string) (Entry, error) {
	p, err := file(name)
	if err != nil {
		return Entry{}, err
	}
	data, err := fs.ReadFile(s.fsys(), p)
	if errors.Is(err, fs.ErrNotExist) {
		return Entry{}, fmt.Errorf("golden: no golden file %s in %s (run with -update to record it): %w", p, s, err)
	}
	if err != nil {
		return Entry{}, fmt.Errorf("golden: %w", err)
	}
	e, err := decode(data)
	if err != nil {
		return Entry{}, fmt.Errorf("golden: %s in %s: %w", p, s, err)
	}
	return e, nil
}

// decode reads a golden file strictly: one object, known keys, numbers kept
// as json.Number so they compare by their text.
func decode(data []byte) (Entry, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	var e Entry
	if err := dec.Decode(&e); err != nil {
		return Entry{}, fmt.Errorf("invalid golden file: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Entry{}, errors.New("invalid golden file: trailing data after the JSON object")
	}
	return e, nil
}

// Compare loads name's golden file and returns cmp.Diff(want, got) under the
// "(-want +got)" convention, "" when they are equal. got is compared as it
// would be stored, so a float64 18 and a json.Number "18" are equal while
// "18" and "18.0" are not.
func (s Set) Compare(name string, got Entry) (diff string, err error) {
	v, err := s.Check(name, got, "")
	return v.Diff, err
}

// Canonical returns e as Load would return it after Write: plain JSON values
// with json.Number numbers. A Failure's Got built from it diffs against a
// loaded Want without spurious float64-versus-json.Number differences.
func Canonical(e Entry) (Entry, error) {
	data, err := encode(e)
	if err != nil {
		return Entry{}, err
	}
	return decode(data)
}

// Write records e as name's golden file, atomically: a reader, or a failed
// write, never leaves a half-written file behind. The embedded set is
// read-only.
func (s Set) Write(name string, e Entry) error {
	if s.Dir == "" {
		return errors.New("golden: the embedded set is read-only; open its directory (golden/mock) to rewrite it")
	}
	p, err := file(name)
	if err != nil {
		return err
	}
	data, err := encode(e)
	if err != nil {
		return fmt.Errorf("golden: %s: %w", name, err)
	}
	dst := filepath.Join(s.Dir, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("golden: %w", err)
	}
	if err := writeAtomic(dst, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}); err != nil {
		return fmt.Errorf("golden: %w", err)
	}
	return nil
}

// Names lists the scenarios that have a golden file, sorted, so a runner can
// report files no scenario uses any more.
func (s Set) Names() ([]string, error) {
	var names []string
	err := fs.WalkDir(s.fsys(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll // a set not recorded yet has no names
			}
			return err
		}
		if !d.IsDir() && path.Ext(p) == ext {
			names = append(names, strings.TrimSuffix(p, ext))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("golden: %s: %w", s, err)
	}
	sort.Strings(names)
	return names, nil
}
