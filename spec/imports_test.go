package spec

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestOnlySpecImportsLibopenapi guards the boundary: the rest of the code
// sees our Operation model, never libopenapi's types, so a change of
// OpenAPI library touches one package.
func TestOnlySpecImportsLibopenapi(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found above spec/: %v", err)
	}
	var checked int
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		checked++
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(p, "github.com/pb33f/libopenapi") && filepath.Dir(rel) != "spec" {
				t.Errorf("%s imports %s: only package spec may use libopenapi", rel, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 20 {
		t.Fatalf("walked only %d Go files: is the module root right?", checked)
	}
}

// TestJudgingPackagesDoNotImportMock guards the other boundary: the
// packages that judge a server (contract), make its inputs (gen), read its
// contract (spec) and compare its answers (golden) know the mock only as
// one target among others, so nothing they decide can lean on how the
// mock works. Their tests may use it as a target; their code may not.
func TestJudgingPackagesDoNotImportMock(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	const mockPath = "github.com/addons-contract/contract/mock"
	var checked int
	for _, pkg := range []string{"contract", "gen", "spec", "golden"} {
		err := filepath.WalkDir(filepath.Join(root, pkg), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == "testdata" {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
			if err != nil {
				return err
			}
			checked++
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				if p == mockPath || strings.HasPrefix(p, mockPath+"/") {
					rel, _ := filepath.Rel(root, path)
					t.Errorf("%s imports %s: package %s judges servers and must not depend on the mock", rel, p, pkg)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if checked < 20 {
		t.Fatalf("walked only %d Go files of contract, gen, spec and golden: is the module root right?", checked)
	}
}
