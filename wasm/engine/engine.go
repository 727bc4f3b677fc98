package engine

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"
)

// Config is everything an Engine needs: its options and its seams.
type Config struct {
	Options

	// Tokens mints tokens (required): a *Function in production.
	Tokens TokenSource
	// Driver uploads for direct tokens (an *SMHDriver), Brokered for brokered ones (a
	// *BrokeredDriver): the engine picks one per token answer. At least one is required; a
	// token whose mode has no driver fails its uploads with InvalidOptions.
	Driver   Driver
	Brokered Driver
	// Sender PUTs parts to the data plane (required).
	Sender PartSender
	// Hasher computes chained-hash blocks (required): native.Hasher, or crypto.subtle in the
	// browser.
	Hasher BlockHasher
	// Clock; nil uses SystemClock.
	Clock Clock
	// Checkpoints; nil keeps them in memory.
	Checkpoints CheckpointStore
	// Locker; nil locks within this engine only.
	Locker Locker
	// LockGrace: for this long after New, a busy lock is waited for (where the Locker is a
	// WaitLocker), since the page a reload replaced may still hold it for a moment
	// (default DefaultLockGrace; negative: never wait).
	LockGrace time.Duration
	// OnEvent receives state, progress, complete and error events. Calls are serialized and
	// come from the engine's goroutines; it must return quickly and not call the engine
	// synchronously.
	OnEvent func(Event)
}

// Engine uploads files. Create one with New; it is safe for concurrent use.
type Engine struct {
	cfg    Config
	opts   Options
	tokens *tokenCache
	parts  *pool // Concurrency part slots and their buffers
	blocks *pool // ParallelFiles block buffers, for hashing and verifying

	ctx    context.Context
	cancel context.CancelFunc

	started   time.Time
	lockGrace time.Duration

	emitMu sync.Mutex

	mu       sync.Mutex
	released map[string]time.Time // locks let go lately (Engine.letGo)
	tasks    map[string]*Task
	order    []*Task // creation order
	queue    []*Task
	running  int
	nextID   int
	closed   bool
}

// New checks cfg and returns an Engine.
func New(cfg Config) (*Engine, error) {
	if cfg.Tokens == nil || cfg.Driver == nil && cfg.Brokered == nil || cfg.Sender == nil || cfg.Hasher == nil {
		return nil, newError(CodeInvalidOptions, "engine: Tokens, Driver or Brokered, Sender and Hasher are required")
	}
	if cfg.Clock == nil {
		cfg.Clock = SystemClock{}
	}
	if cfg.Checkpoints == nil {
		cfg.Checkpoints = NewMemoryStore()
	}
	if cfg.Locker == nil {
		cfg.Locker = &MemoryLocker{}
	}
	opts := cfg.Options.withDefaults()
	e := &Engine{
		cfg:      cfg,
		opts:     opts,
		tokens:   &tokenCache{src: cfg.Tokens, clock: cfg.Clock},
		parts:    newPool(opts.Concurrency),
		blocks:   newPool(opts.ParallelFiles),
		tasks:    map[string]*Task{},
		released: map[string]time.Time{},

		started:   time.Now(),
		lockGrace: cfg.LockGrace,
	}
	if e.lockGrace == 0 {
		e.lockGrace = DefaultLockGrace
	}
	e.ctx, e.cancel = context.WithCancel(context.Background())
	return e, nil
}

// Options returns the options in effect, defaults filled in.
func (e *Engine) Options() Options { return e.opts }

// Upload queues a file. The task starts when a file slot is free; a file and path with a
// checkpoint resume it.
func (e *Engine) Upload(src Source, opts UploadOptions) (*Task, error) {
	return e.add(src, opts, "")
}

// UploadWithID is Upload with the caller's task id (the page's), which must be unused.
func (e *Engine) UploadWithID(id string, src Source, opts UploadOptions) (*Task, error) {
	if id == "" {
		return nil, newError(CodeInvalidOptions, "empty task id")
	}
	return e.addWithID(id, src, opts, "")
}

func (e *Engine) add(src Source, opts UploadOptions, restoreID string) (*Task, error) {
	return e.addWithID("", src, opts, restoreID)
}

func (e *Engine) addWithID(id string, src Source, opts UploadOptions, restoreID string) (*Task, error) {
	if src == nil || src.Size() < 0 {
		return nil, newError(CodeInvalidOptions, "no file")
	}
	switch opts.Conflict {
	case "", "ask", "rename", "overwrite":
	default:
		return nil, newError(CodeInvalidOptions, "conflict must be ask, rename or overwrite, not %q", opts.Conflict)
	}
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil, newError(CodeInvalidState, "the engine is closed")
	}
	if id == "" {
		e.nextID++
		id = "t" + strconv.Itoa(e.nextID)
	}
	if _, dup := e.tasks[id]; dup {
		e.mu.Unlock()
		return nil, newError(CodeInvalidOptions, "task id %q is in use", id)
	}
	t := newTask(e, id, src, opts, restoreID)
	e.tasks[id] = t
	e.order = append(e.order, t)
	e.queue = append(e.queue, t)
	e.mu.Unlock()
	e.emit(t, EventState, nil)
	e.dispatch()
	return t, nil
}

// Task returns the task with the id, or nil.
func (e *Engine) Task(id string) *Task {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.tasks[id]
}

// Tasks returns every task, in creation order.
func (e *Engine) Tasks() []*Task {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]*Task(nil), e.order...)
}

// dispatch starts queued tasks while file slots are free.
func (e *Engine) dispatch() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for !e.closed && e.running < e.opts.ParallelFiles && len(e.queue) > 0 {
		t := e.queue[0]
		e.queue = e.queue[1:]
		e.running++
		ctx, cancel := context.WithCancel(e.ctx)
		t.mu.Lock()
		t.cancel, t.running = cancel, true
		t.mu.Unlock()
		go t.run(ctx)
	}
}

// unqueue removes t from the queue; false when it was not queued (it runs, or never will).
func (e *Engine) unqueue(t *Task) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i, q := range e.queue {
		if q == t {
			e.queue = append(e.queue[:i], e.queue[i+1:]...)
			return true
		}
	}
	return false
}

func (e *Engine) enqueue(t *Task) {
	e.mu.Lock()
	e.queue = append(e.queue, t)
	e.mu.Unlock()
	e.dispatch()
}

// release frees a file slot.
func (e *Engine) release() {
	e.mu.Lock()
	e.running--
	e.mu.Unlock()
	e.dispatch()
}

// SignOut cancels every task (deleting their server tasks), forgets the checkpoints of the
// current user (deleting their server tasks too), then revokes the user's tokens through the
// token source when it can (Function: DELETE /v1/token).
func (e *Engine) SignOut(ctx context.Context) error {
	for _, t := range e.Tasks() {
		t.Cancel()
	}
	for _, t := range e.Tasks() {
		if err := t.waitSettled(ctx); err != nil {
			return AsError(err)
		}
	}
	var errs []error
	cps, err := e.checkpoints(ctx)
	if err != nil {
		errs = append(errs, err)
	}
	if len(cps) > 0 { // only a token says whose they are: ask for one only then
		if tok, err := e.token(ctx); err == nil {
			for _, cp := range cps {
				if !e.mine(cp, tok) {
					continue
				}
				if d := e.driverNamed(cp.Driver); cp.Session != nil && d != nil {
					_ = d.Abort(ctx, tok, cp.Session) // best effort
				}
				if err := e.cfg.Checkpoints.Delete(ctx, cp.ID); err != nil {
					errs = append(errs, err)
				}
			}
		} else {
			errs = append(errs, err)
		}
	}
	if r, ok := e.cfg.Tokens.(interface{ RevokeTokens(context.Context) error }); ok {
		if err := r.RevokeTokens(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	e.tokens.forget()
	if len(errs) > 0 {
		return AsError(errors.Join(errs...))
	}
	return nil
}

// Close stops every task as if paused (checkpoints are kept, so a later engine can restore
// them), waits for them to stop and releases their locks.
func (e *Engine) Close() {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return
	}
	e.closed = true
	e.queue = nil
	tasks := append([]*Task(nil), e.order...)
	e.mu.Unlock()
	for _, t := range tasks {
		t.Pause()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, t := range tasks {
		_ = t.waitSettled(ctx)
		t.releaseLock()
	}
	e.cancel()
}

// token gets a token, retrying network errors.
func (e *Engine) token(ctx context.Context) (*Token, error) {
	var a attempts
	for {
		tok, err := e.tokens.get(ctx)
		if err == nil {
			return tok, nil
		}
		if err := e.recover(ctx, nil, err, &a, nil, nil); err != nil {
			return nil, err
		}
	}
}

// driverFor is the driver of a token's mode.
func (e *Engine) driverFor(tok *Token) (Driver, error) {
	d := e.cfg.Driver
	if tok.Mode == ModeBrokered {
		d = e.cfg.Brokered
	}
	if d == nil {
		return nil, newError(CodeInvalidOptions, "the token function answered mode %q, which this engine has no driver for", tok.Mode)
	}
	return d, nil
}

// driverNamed is the configured driver a checkpoint names, or nil.
func (e *Engine) driverNamed(name string) Driver {
	if d := e.cfg.Driver; d != nil && d.Name() == name {
		return d
	}
	if d := e.cfg.Brokered; d != nil && d.Name() == name {
		return d
	}
	return nil
}

func lockName(checkpointID string) string { return "ferry:" + checkpointID }
