package engine

import (
	"context"
	"sync"
	"time"
)

// Task is one file's upload. Its methods are safe for concurrent use.
type Task struct {
	e         *Engine
	id        string
	src       Source
	opts      UploadOptions
	restoreID string // the checkpoint Restore resumes

	// saveMu serializes checkpoint writes; renewMu serializes renewals.
	saveMu  sync.Mutex
	renewMu sync.Mutex

	mu       sync.Mutex
	state    State
	err      *Error
	result   *Result
	path     string // full target path; the final one once known
	prog     progress
	lastEmit time.Time
	changed  chan struct{} // closed and replaced at every state change
	running  bool          // a goroutine works for the task
	settling int           // runs whose final events are still being emitted
	cancel   context.CancelFunc
	intent   State // asked while running: StatePaused, StateCanceled, or StateQueued (pause, then resume)

	// Upload state, owned by the running goroutine (read and written under mu).
	drv      Driver // picked by the token's mode when the upload was prepared
	cp       *Checkpoint
	plan     plan
	sess     *Session
	sessGen  int
	crcs     map[int]uint64
	acked    map[int]bool
	lock     string
	unlock   func()
	tailLock string // the lock finish's tail lets go, until the task settles
	fullHash string
	// hashedCRC is the whole file's CRC-64 when a hashing pass computed it (sha1Of), valid
	// while hashedCRCOK.
	hashedCRC   uint64
	hashedCRCOK bool
	saved       int // cp version last written
	version     int // cp version
	lastSave    time.Time
	secPerB     float64 // smoothed seconds per byte of one part, for renew-ahead
	persisted   bool    // cp has been written to the store
	// lost: the answer to a request that may have stored the file (a confirm, a quick
	// upload's full-hash begin) was lost; before trying again, look the file up.
	lost bool
}

// driver is the task's driver (nil before prepare).
func (t *Task) driver() Driver {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.drv
}

// call runs op with the task's driver (Engine.call).
func (t *Task) call(ctx context.Context, op func(tok *Token) error) error {
	return t.e.call(ctx, t.driver(), op)
}

func (t *Task) takeLost() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	l := t.lost
	t.lost = false
	return l
}

func (t *Task) setLost(l bool) {
	t.mu.Lock()
	t.lost = l
	t.mu.Unlock()
}

func newTask(e *Engine, id string, src Source, opts UploadOptions, restoreID string) *Task {
	return &Task{e: e, id: id, src: src, opts: opts, restoreID: restoreID, state: StateQueued,
		changed: make(chan struct{}), prog: progress{size: src.Size()}}
}

// ID is the task's id.
func (t *Task) ID() string { return t.id }

// State is the task's current state.
func (t *Task) State() State {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.state
}

// Snapshot is a task's state as interfaces.md §4 shapes it.
type Snapshot struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	Path           string   `json:"path"`
	Size           int64    `json:"size"`
	State          State    `json:"state"`
	Loaded         int64    `json:"loaded"`
	Fraction       float64  `json:"fraction"`
	BytesPerSecond *float64 `json:"bytesPerSecond"`
	EtaSeconds     *float64 `json:"etaSeconds"`
	Error          *Error   `json:"error,omitempty"`
}

// Snapshot returns the task's state now.
func (t *Task) Snapshot() Snapshot {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.snapshotLocked()
}

func (t *Task) snapshotLocked() Snapshot {
	done := t.state == StateDone || t.state == StateRapid
	loaded := t.prog.loaded()
	if done {
		loaded = t.prog.size
	}
	s := Snapshot{ID: t.id, Name: t.src.Name(), Path: t.path, Size: t.prog.size, State: t.state,
		Loaded: loaded, Fraction: t.prog.fraction(done), Error: t.err}
	if t.state == StateUploading || done {
		s.BytesPerSecond = t.prog.rate()
	}
	if t.state == StateUploading {
		s.EtaSeconds = t.prog.eta()
	}
	return s
}

// Result is the stored file, once the task is done or rapid.
func (t *Task) Result() *Result {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.result
}

// Err is the error of a failed task.
func (t *Task) Err() *Error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

// Wait waits until the task is done, rapid, failed or canceled (and its final events have
// been emitted), and returns its result, or its error (ErrCanceled for a canceled task). A
// paused task keeps Wait waiting.
func (t *Task) Wait(ctx context.Context) (*Result, error) {
	for {
		t.mu.Lock()
		st, ch, running := t.state, t.changed, t.running || t.settling > 0
		res, err := t.result, t.err
		t.mu.Unlock()
		if !running {
			switch st {
			case StateDone, StateRapid:
				return res, nil
			case StateFailed:
				return nil, err
			case StateCanceled:
				return nil, ErrCanceled
			}
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-ch:
		}
	}
}

// waitSettled waits until no goroutine works for the task and it is settled or queued.
func (t *Task) waitSettled(ctx context.Context) error {
	for {
		t.mu.Lock()
		st, ch, running := t.state, t.changed, t.running
		t.mu.Unlock()
		if !running && (st.Settled() || st == StateQueued) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
}

// waitFinished waits until the task's finishing work is over (finish's tail).
func (t *Task) waitFinished(ctx context.Context) error {
	for {
		t.mu.Lock()
		n, ch := t.settling, t.changed
		t.mu.Unlock()
		if n == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
}

// WaitState waits until the task reaches state s (or a terminal state).
func (t *Task) WaitState(ctx context.Context, s State) (State, error) {
	for {
		t.mu.Lock()
		st, ch := t.state, t.changed
		t.mu.Unlock()
		if st == s || st.Terminal() {
			return st, nil
		}
		select {
		case <-ctx.Done():
			return st, ctx.Err()
		case <-ch:
		}
	}
}

// Pause stops the task, keeping what was sent; Resume continues it.
func (t *Task) Pause() error {
	if t.e.unqueue(t) {
		t.mu.Lock()
		t.setStateLocked(StatePaused)
		t.mu.Unlock()
		t.e.emit(t, EventState, nil)
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case t.running && t.intent == "":
		t.intent = StatePaused
		t.cancel()
		return nil
	case t.running && t.intent == StateQueued: // pause, resume, pause: stay paused
		t.intent = StatePaused
		return nil
	case t.running || t.state == StatePaused:
		return nil
	}
	return newError(CodeInvalidState, "a %s task cannot be paused", t.state)
}

// Resume continues a paused task.
func (t *Task) Resume() error { return t.requeue(StatePaused) }

// Retry continues a failed task from where it stopped.
func (t *Task) Retry() error { return t.requeue(StateFailed) }

func (t *Task) requeue(from State) error {
	t.mu.Lock()
	if from == StatePaused && t.running && t.intent == StatePaused {
		t.intent = StateQueued // pause then resume at once: start again when it stops
		t.mu.Unlock()
		return nil
	}
	if t.state != from || t.running {
		st := t.state
		t.mu.Unlock()
		if st == StateQueued || (from == StatePaused && st.Active()) {
			return nil
		}
		return newError(CodeInvalidState, "a %s task cannot be resumed or retried here", st)
	}
	t.err = nil
	t.setStateLocked(StateQueued)
	t.mu.Unlock()
	t.e.emit(t, EventState, nil)
	t.e.enqueue(t)
	return nil
}

// Cancel stops the task for good: the server task and the checkpoint are deleted.
func (t *Task) Cancel() error {
	queued := t.e.unqueue(t)
	t.mu.Lock()
	switch {
	case t.state.Terminal():
		t.mu.Unlock()
		return nil
	case t.running:
		if t.intent != StateCanceled {
			t.intent = StateCanceled
			t.cancel()
		}
		t.mu.Unlock()
		return nil
	}
	// Queued, paused or failed: clean up in a goroutine of its own.
	_ = queued
	t.running = true
	t.intent = StateCanceled
	t.mu.Unlock()
	go func() {
		t.finish(context.Background(), nil, context.Canceled)
	}()
	return nil
}

// setStateLocked moves to s (t.mu held). Illegal moves are bugs; they are refused.
// settled ends a run's settling once its final events are out, waking Wait.
func (t *Task) settled() {
	t.mu.Lock()
	t.settling--
	close(t.changed)
	t.changed = make(chan struct{})
	t.mu.Unlock()
}

func (t *Task) setStateLocked(s State) bool {
	if t.state == s {
		return true
	}
	if !CanTransition(t.state, s) {
		return false
	}
	t.state = s
	close(t.changed)
	t.changed = make(chan struct{})
	return true
}

// setState moves to s and tells the page.
func (t *Task) setState(s State) {
	t.mu.Lock()
	ok := t.setStateLocked(s)
	t.mu.Unlock()
	if ok {
		t.e.emit(t, EventState, nil)
	}
}

// Event kinds, after the element's DOM events (ferry-state, ferry-progress…).
type EventKind string

const (
	EventState    EventKind = "state"
	EventProgress EventKind = "progress"
	EventComplete EventKind = "complete"
	EventError    EventKind = "error"
)

// Event is what OnEvent receives.
type Event struct {
	Kind   EventKind
	Task   Snapshot
	Result *Result // EventComplete
}

// emit sends an event. Events are serialized, each with a snapshot taken in order, so a
// task's fraction never goes backwards from one event to the next.
func (e *Engine) emit(t *Task, kind EventKind, res *Result) {
	if e.cfg.OnEvent == nil {
		return
	}
	e.emitMu.Lock()
	defer e.emitMu.Unlock()
	t.mu.Lock()
	if kind == EventProgress || kind == EventState {
		t.prog.sample(e.cfg.Clock.Now())
	}
	s := t.snapshotLocked()
	t.lastEmit = e.cfg.Clock.Now()
	t.mu.Unlock()
	e.cfg.OnEvent(Event{Kind: kind, Task: s, Result: res})
}

// progressed emits a progress event unless one went out within ProgressInterval.
func (t *Task) progressed(force bool) {
	t.mu.Lock()
	due := force || t.e.cfg.Clock.Now().Sub(t.lastEmit) >= t.e.opts.ProgressInterval
	t.mu.Unlock()
	if due {
		t.e.emit(t, EventProgress, nil)
	}
}

func (t *Task) releaseLock() {
	t.mu.Lock()
	u, name := t.unlock, t.lock
	t.unlock, t.lock = nil, ""
	t.mu.Unlock()
	if u != nil {
		u()
		t.e.letGo(name)
	}
}
