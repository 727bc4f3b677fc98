//go:build !js

package jsonx

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies: the package exists to keep encoding/json out of the browser build and
// must not bring in fmt either (reflect it may use: fmt links it already). Native only (it
// runs the go command), checking the js/wasm build's dependencies.
func TestDependencies(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", ".")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 3 {
		t.Fatalf("go list listed %q", deps)
	}
	for _, d := range deps {
		switch d {
		case "fmt", "encoding/json", "syscall/js":
			t.Errorf("jsonx links %s", d)
		}
	}
}
