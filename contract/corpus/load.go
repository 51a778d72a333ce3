package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/gen"
	"github.com/addons-contract/contract/spec"
)

// LoadCorpus reads the entries at paths, each a file or a directory
// (walked in lexical order, hidden names skipped). A file is an entry in
// our format when its name ends in .json, and a Go native fuzz input when
// it starts with "go test fuzz v1"; the fuzz target is the name of its
// directory (testdata/fuzz/FuzzRawRequest/...). In a directory other
// files are ignored; named explicitly, they are an error. Fuzz inputs
// become the cases their fuzz targets send (Decoder, with the shipped
// fixtures the fuzz targets use); g regenerates FuzzStructured inputs. Errors name the file and say what is wrong.
func LoadCorpus(op *spec.Operation, g *gen.Generator, paths []string) ([]*Entry, error) {
	if len(paths) == 0 {
		return nil, errors.New("no corpus path given")
	}
	dec := &Decoder{Op: op, Gen: g, Fixtures: fixtures.Default()}
	var out []*Entry
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			e, ok, err := loadEntry(dec, p)
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
			e, ok, err := loadEntry(dec, path)
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

// loadEntry reads one file; ok is false when it is neither format.
func loadEntry(d *Decoder, path string) (*Entry, bool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, false, err
	}
	if bytes.HasPrefix(data, []byte(nativeHeader)) {
		e, err := nativeEntry(d, path, data)
		return e, err == nil, err
	}
	if strings.HasSuffix(path, ".json") {
		e, err := DecodeEntry(path, data)
		if err != nil {
			return nil, false, err
		}
		for _, c := range e.Cases() {
			if _, ok := d.Op.Row(c.Expect.Row); c.Expect.Row != "" && !ok {
				return nil, false, fmt.Errorf("%s: case %s expects row %q, which the spec does not define", path, c.ID, c.Expect.Row)
			}
		}
		return e, true, nil
	}
	return nil, false, nil
}

// nativeEntry turns a Go fuzz input into the case its fuzz target sends.
func nativeEntry(d *Decoder, path string, data []byte) (*Entry, error) {
	args, err := parseNative(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	name := filepath.Base(filepath.Dir(path))
	t, ok := fuzzTarget(name)
	if !ok {
		known := make([]string, len(FuzzTargets))
		for i, t := range FuzzTargets {
			known[i] = t.Name
		}
		return nil, fmt.Errorf("%s: unknown fuzz target %q (the directory name; known: %s)", path, name, strings.Join(known, ", "))
	}
	c, err := t.Decode(d, args)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	c.ID = "fuzz/" + name + "/" + filepath.Base(path)
	return &Entry{Name: filepath.Base(path), Path: path, Source: "go-fuzz:" + name, Case: c, Args: args}, nil
}
