package research_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestMessagesAreForPeople: what the service writes is shown by every face
// as it is (issue 25), so no text in backend/research or backend/worker
// names a setting variable or a CLI flag, or says "Nothing was submitted"
// (an estimate refuses before anything is tried). The settings tables
// (settings*.go) and the CLI's doctor report name variables on purpose; a
// lone variable name (no space: a table key) is not a message. The
// window's own dialogs (app*.go) are held to the same rule.
func TestMessagesAreForPeople(t *testing.T) {
	for _, dir := range []string{".", "../worker", "../.."} { // ../..: the window's own messages (app*.go)
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			base := filepath.Base(f)
			if strings.HasSuffix(base, "_test.go") || strings.HasPrefix(base, "settings") || base == "helper_settings.go" || base == "doctor.go" {
				continue
			}
			fs := token.NewFileSet()
			af, err := parser.ParseFile(fs, f, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(af, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				for _, a := range call.Args { // a variable's name passed into a message
					if bl, ok := a.(*ast.BasicLit); ok && bl.Kind == token.STRING && strings.HasPrefix(bl.Value, `"DEEPR_`) && len(call.Args) > 2 {
						t.Errorf("%s: %s is put into a message", fs.Position(bl.Pos()), bl.Value)
					}
				}
				return true
			})
			ast.Inspect(af, func(n ast.Node) bool {
				bl, ok := n.(*ast.BasicLit)
				if !ok || bl.Kind != token.STRING {
					return true
				}
				v, _ := strconv.Unquote(bl.Value)
				if (strings.Contains(v, "DEEPR_") && strings.Contains(v, " ")) || strings.Contains(v, " --") || strings.Contains(v, "Nothing was submitted") {
					t.Errorf("%s: a message written for one face: %q", fs.Position(bl.Pos()), v)
				}
				return true
			})
		}
	}
}
