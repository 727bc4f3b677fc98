//go:build !js

// The guards run natively: they call the go command.

package main

import (
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const (
	module  = "github.com/ferry-upload/ferry"
	jsxPath = module + "/wasm/internal/jsx"
)

// TestOnlyJSXTouchesJavaScript: no file under wasm/ or shared/ (whatever may end up in
// ferry.wasm, under any build tag) imports syscall/js, and only wasm/internal/jsx imports
// github.com/hack-pad/safejs. A raw syscall/js call panics on the first JavaScript exception
// and kills the worker; safejs turns exceptions into errors. (The token function's Workers
// adapter, function/cmd/workers, is another program, on another runtime.)
func TestOnlyJSXTouchesJavaScript(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, dir := range []string{"wasm", "shared"} {
		if err := walk(t, fset, root, filepath.Join(root, dir), &checked); err != nil {
			t.Fatal(err)
		}
	}
	if checked < 50 {
		t.Fatalf("checked only %d files: is the walk rooted at the module?", checked)
	}
}

func walk(t *testing.T, fset *token.FileSet, root, dir string, checked *int) error {
	return filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "node_modules", ".git", "testdata", "vendor":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		*checked++
		rel, _ := filepath.Rel(root, p)
		inJSX := filepath.Dir(rel) == filepath.FromSlash("wasm/internal/jsx")
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			switch {
			case path == "syscall/js":
				t.Errorf("%s imports syscall/js: use wasm/internal/jsx (safejs) instead", rel)
			case path == "github.com/hack-pad/safejs" && !inJSX:
				t.Errorf("%s imports safejs: only wasm/internal/jsx may touch JavaScript", rel)
			}
		}
		return nil
	})
}

// TestBrowserBuildDependencies lists what GOOS=js GOARCH=wasm ./wasm links: never net/http
// (it would triple the module), crypto/sha256 (the browser hashes with crypto.subtle),
// encoding/json (~140 KB gzip; shared/jsonx speaks JSON instead) nor net/url (~35 KB gzip
// with net/netip, unique and weak; shared/urlx escapes and resolves instead), fmt (~60 KB
// gzip with os; shared/msgf formats messages, third_party/safejs has its fmt calls written
// out) nor crypto/sha1 (~65 KB gzip with Go's FIPS module; shared/hashes/sha1sum hashes
// instead), and within the module only jsx imports safejs.
func TestBrowserBuildDependencies(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "-f", `{{.ImportPath}} {{join .Imports " "}}`, ".")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, imports := fields[0], fields[1:]
		seen++
		switch pkg {
		case "net/http", "crypto/sha256", "encoding/json", "net/url", "fmt", "crypto/sha1", "github.com/hack-pad/go-indexeddb/idb":
			t.Errorf("the browser build links %s", pkg)
		}
		if !strings.HasPrefix(pkg, module) {
			continue
		}
		for _, imp := range imports {
			if imp == "syscall/js" || (imp == "github.com/hack-pad/safejs" && pkg != jsxPath) {
				t.Errorf("%s imports %s", pkg, imp)
			}
		}
	}
	if seen < 20 {
		t.Fatalf("go list listed %d packages", seen)
	}
}
