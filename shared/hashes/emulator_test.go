//go:build !js

package hashes

import (
	"os/exec"
	"strings"
	"testing"
)

// The emulators compute CRCs and quick-upload hashes on their own, so a bug here cannot pass
// both sides unseen: the emulator program (every provider's) must not link this package,
// even indirectly.
func TestEmulatorDoesNotLinkHashes(t *testing.T) {
	const module = "github.com/ferry-upload/ferry"
	out, err := exec.Command("go", "list", "-deps", module+"/scripts/emulator", module+"/shared/smhemu",
		module+"/shared/pdsemu", module+"/shared/gokuaiemu").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list listed %d packages: %s", len(deps), out)
	}
	for _, p := range deps {
		if p == module+"/shared/hashes" || strings.HasPrefix(p, module+"/shared/hashes/") {
			t.Errorf("the emulator links %s", p)
		}
	}
}
