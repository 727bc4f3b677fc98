package smhemu

// StallsHeld is how many connections injected stalls hold now, for tests that wait for a
// stall to begin or end.
func (e *Emulator) StallsHeld() int64 { return e.kit.StallsHeld() }
