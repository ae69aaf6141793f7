// Package lint holds a test that enforces blueshift's import directions, so
// the data flow of ARCHITECTURE.md stays true as the code grows.
package lint

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/blueshift-dev/blueshift/internal/"

// protocol packages are peers: none imports another, and storage imports none.
var protocol = []string{"kinesisapi", "dynamoapi", "pgwire", "web", "awsjson"}

// storage packages hold data and never import a protocol package or the engine.
var storage = []string{"streamlog", "tables", "capture"}

func TestImportDirections(t *testing.T) {
	imports := map[string]map[string]bool{} // package dir -> imported paths
	root := filepath.Join("..")
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		pkg := strings.Split(filepath.ToSlash(rel), "/")[0]
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		if imports[pkg] == nil {
			imports[pkg] = map[string]bool{}
		}
		for _, imp := range f.Imports {
			imports[pkg][strings.Trim(imp.Path.Value, `"`)] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	internal := func(p string) string {
		if !strings.HasPrefix(p, module) {
			return ""
		}
		return strings.Split(strings.TrimPrefix(p, module), "/")[0]
	}
	for pkg, imps := range imports {
		for imp := range imps {
			if strings.HasPrefix(imp, "github.com/duckdb/duckdb-go") && pkg != "warehouse" {
				t.Errorf("%s imports %s: only warehouse may use DuckDB", pkg, imp)
			}
			dep := internal(imp)
			if dep == "" || dep == pkg {
				continue
			}
			if dep == "app" {
				t.Errorf("%s imports app: app is the composition root, nothing imports it", pkg)
			}
			if contains(protocol, pkg) && contains(protocol, dep) && dep != "awsjson" {
				t.Errorf("%s imports %s: protocol packages are peers", pkg, dep)
			}
			if contains(storage, pkg) && (contains(protocol, dep) || dep == "warehouse" || dep == "sql") {
				t.Errorf("%s imports %s: storage never imports a protocol package or the engine", pkg, dep)
			}
			if pkg == "sql" && dep != "sqlerr" {
				t.Errorf("sql imports %s: the dialect front end depends on nothing but sqlerr", dep)
			}
			if (pkg == "warehouse" || pkg == "plpgsql" || pkg == "source") && contains(protocol, dep) {
				t.Errorf("%s imports %s: the engine never imports a protocol package", pkg, dep)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
