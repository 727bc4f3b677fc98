//go:build !js

package urlx

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies: the package exists to keep net/url (and with it fmt, net/netip,
// unique, weak) out of the browser build, and links no reflect. Native only (it runs the go
// command), checking the js/wasm build's dependencies.
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
		case "fmt", "net/url", "net/netip", "unique", "weak", "reflect", "syscall/js":
			t.Errorf("urlx links %s", d)
		}
	}
}
