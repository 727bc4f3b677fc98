package engine

// State is a task's state (interfaces.md §4).
type State string

// Task states.
const (
	StateQueued     State = "queued"     // waiting for a file slot
	StateHashing    State = "hashing"    // reading the file for its quick-upload hashes
	StateBeginning  State = "beginning"  // asking the server for an upload task (or resuming one)
	StateUploading  State = "uploading"  // sending parts
	StateConfirming State = "confirming" // completing the upload
	StateDone       State = "done"       // stored, bytes sent
	StateRapid      State = "rapid"      // stored by quick upload, no bytes sent
	StatePaused     State = "paused"     // stopped by the page; Resume continues
	StateFailed     State = "failed"     // stopped by an error; Retry continues
	StateCanceled   State = "canceled"   // stopped for good; the server task is deleted
)

// Terminal reports a state the task never leaves.
func (s State) Terminal() bool { return s == StateDone || s == StateRapid || s == StateCanceled }

// Active reports a state in which the task holds a file slot and works.
func (s State) Active() bool {
	return s == StateHashing || s == StateBeginning || s == StateUploading || s == StateConfirming
}

// Settled reports a state in which nothing happens until the page acts (or never again).
func (s State) Settled() bool { return s.Terminal() || s == StateFailed || s == StatePaused }

// transitions lists the legal moves. Active states may move among each other in flow order
// (hashing can follow beginning: the full hash is computed after a 202), and back to
// beginning when a run starts over (its server task was found gone, or the upload mode
// changed).
var transitions = map[State][]State{
	StateQueued:     {StateHashing, StateBeginning, StatePaused, StateFailed, StateCanceled},
	StateHashing:    {StateBeginning, StateUploading, StatePaused, StateFailed, StateCanceled},
	StateBeginning:  {StateHashing, StateUploading, StateConfirming, StateRapid, StateDone, StatePaused, StateFailed, StateCanceled},
	StateUploading:  {StateBeginning, StateConfirming, StatePaused, StateFailed, StateCanceled},
	StateConfirming: {StateBeginning, StateDone, StatePaused, StateFailed, StateCanceled},
	StatePaused:     {StateQueued, StateCanceled},
	StateFailed:     {StateQueued, StateCanceled},
}

// CanTransition reports whether a task may move from one state to another.
func CanTransition(from, to State) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}
