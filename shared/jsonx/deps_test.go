//go:build !js

package jsonx

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestDependencies: the package exists to keep encoding/json, reflection and fmt out of the
// browser build, and it is plain Go (syscall/js only through time, as every package that
// uses time). Native only (it runs the go command), checking the js/wasm build's
// dependencies.
func TestDependencies(t *testing.T) {
	cmd := exec.Command("go", "list", "-f", "{{join .Imports \" \"}}", ".")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	if imports := strings.Fields(string(out)); slices.Contains(imports, "syscall/js") {
		t.Errorf("jsonx imports syscall/js: %q", imports)
	}
	cmd = exec.Command("go", "list", "-deps", ".")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err = cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 3 {
		t.Fatalf("go list listed %q", deps)
	}
	for _, d := range deps {
		switch d {
		case "fmt", "encoding/json", "reflect":
			t.Errorf("jsonx links %s", d)
		}
	}
}
