package smhemu

import "encoding/json"

// StallsHeld is how many connections injected stalls hold now, for tests that wait for a
// stall to begin or end.
func (e *Emulator) StallsHeld() int64 { return e.kit.StallsHeld() }

// StateJSON is the whole state as saved, plus the parts of open uploads (saved apart),
// for tests that compare an emulator with one restarted from its data directory.
func (e *Emulator) StateJSON() []byte {
	e.kit.Lock()
	defer e.kit.Unlock()
	parts := map[string]map[int]*part{}
	for ck, u := range e.st.Uploads {
		parts[ck] = u.Parts
	}
	b, err := json.Marshal(struct {
		St    *state
		Parts map[string]map[int]*part
	}{e.st, parts})
	if err != nil {
		panic(err)
	}
	return b
}
