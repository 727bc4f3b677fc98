package drivertest

import (
	"slices"
	"testing"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// TestFaultKindsCoverEmukit: the suite injects every kind the emulators' fault API knows; a
// kind added to emukit fails here until the suite injects it too.
func TestFaultKindsCoverEmukit(t *testing.T) {
	if !slices.Equal(FaultKinds, emukit.FaultKinds) {
		t.Fatalf("drivertest.FaultKinds %v; emukit.FaultKinds %v", FaultKinds, emukit.FaultKinds)
	}
}
