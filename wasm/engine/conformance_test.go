package engine_test

import (
	"testing"

	"github.com/ferry-upload/ferry/wasm/engine/drivertest"
)

// TestConformance runs the conformance suite (wasm/engine/drivertest) against every
// provider and mode the engine speaks: SMH direct and SMH brokered, each through its
// emulator and the real token function.
func TestConformance(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run("smh-"+mode, func(t *testing.T) {
			t.Parallel()
			drivertest.RunConformanceTests(t, newSMHHarness(mode))
		})
	}
}
