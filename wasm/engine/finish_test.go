package engine_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/wasm/engine"
)

// gatedStore is a checkpoint store whose first Delete waits until open is closed.
type gatedStore struct {
	engine.CheckpointStore
	once    sync.Once
	open    chan struct{}
	deleted chan struct{} // closed when the first Delete has begun
}

func newGatedStore() *gatedStore {
	return &gatedStore{CheckpointStore: engine.NewMemoryStore(), open: make(chan struct{}), deleted: make(chan struct{})}
}

func (s *gatedStore) Delete(ctx context.Context, id string) error {
	first := false
	s.once.Do(func() { first = true; close(s.deleted) })
	if first {
		select {
		case <-s.open:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return s.CheckpointStore.Delete(ctx, id)
}

// TestDoneBeforeFinishingWork: a stored file is reported done, and its file slot given to
// the next file, before its checkpoint is deleted and its lock let go; Wait still returns
// only once that is over (no checkpoint left).
func TestDoneBeforeFinishingWork(t *testing.T) {
	t.Parallel()
	h := newModeHarness(t, engine.ModeBrokered)
	cfg := h.config()
	cfg.Options.ParallelFiles = 1
	store := newGatedStore()
	cfg.Checkpoints = store
	var completed atomic.Int32
	cfg.OnEvent = func(ev engine.Event) {
		if ev.Kind == engine.EventComplete {
			completed.Add(1)
		}
	}
	e := h.engine(cfg)
	a, err := e.Upload(randomSource(t, "a.bin", 3000), engine.UploadOptions{Path: "/f/"})
	require.NoError(t, err)
	b, err := e.Upload(randomSource(t, "b.bin", 4000), engine.UploadOptions{Path: "/f/"})
	require.NoError(t, err)
	ctx := ctxTimeout(t, 2*time.Minute)
	select {
	case <-store.deleted:
	case <-ctx.Done():
		t.Fatal("a's checkpoint was never deleted")
	}
	_, err = b.Wait(ctx) // b had to wait for a's slot
	require.NoError(t, err, "b ran while a's checkpoint was still being deleted")
	assert.Equal(t, engine.StateDone, a.State(), "a reported done before its finishing work")
	assert.EqualValues(t, 2, completed.Load())
	close(store.open)
	_, err = a.Wait(ctx)
	require.NoError(t, err)
	cps, err := store.List(ctx)
	require.NoError(t, err)
	assert.Empty(t, cps, "no checkpoint once Wait returned")
}

// TestSameFileRightAfterDone: the same file uploaded again the moment it is reported done
// (its lock not yet let go) waits for that instead of failing Busy.
func TestSameFileRightAfterDone(t *testing.T) {
	t.Parallel()
	h := newModeHarness(t, engine.ModeBrokered)
	cfg := h.config()
	store := newGatedStore()
	cfg.Checkpoints = store
	e := h.engine(cfg)
	src := randomSource(t, "same.bin", 3000)
	first, err := e.Upload(src, engine.UploadOptions{Path: "/s/"})
	require.NoError(t, err)
	ctx := ctxTimeout(t, 2*time.Minute)
	select {
	case <-store.deleted:
	case <-ctx.Done():
		t.Fatal("the first upload's checkpoint was never deleted")
	}
	again, err := e.Upload(src, engine.UploadOptions{Path: "/s/", Conflict: "rename"})
	require.NoError(t, err)
	_, err = again.WaitState(ctx, engine.StateHashing)
	require.NoError(t, err)
	close(store.open)
	res, err := again.Wait(ctx)
	require.NoError(t, err, "the same file right after done")
	assert.Equal(t, "/t/s/same (1).bin", res.Path)
	_, err = first.Wait(ctx)
	require.NoError(t, err)
}

// lateLocker frees a lock a moment after it is let go, as a browser frees a Web Lock: the
// first TryLock after the release is still refused.
type lateLocker struct {
	engine.MemoryLocker
	mu      sync.Mutex
	pending map[string]func()
}

func (l *lateLocker) wrap(name string, unlock func()) func() {
	return func() {
		l.mu.Lock()
		l.pending[name] = unlock
		l.mu.Unlock()
	}
}

// flush frees name if it was let go; it reports whether it was.
func (l *lateLocker) flush(name string) bool {
	l.mu.Lock()
	u := l.pending[name]
	delete(l.pending, name)
	l.mu.Unlock()
	if u != nil {
		u()
	}
	return u != nil
}

func (l *lateLocker) TryLock(ctx context.Context, name string) (func(), error) {
	u, err := l.MemoryLocker.TryLock(ctx, name)
	if err != nil {
		l.flush(name) // refused this once; free a moment later
		return nil, err
	}
	return l.wrap(name, u), nil
}

func (l *lateLocker) Lock(ctx context.Context, name string) (func(), error) {
	l.flush(name)
	u, err := l.MemoryLocker.Lock(ctx, name)
	if err != nil {
		return nil, err
	}
	return l.wrap(name, u), nil
}

// TestSameFileAfterLateRelease: the same file uploaded again once the first upload settled,
// while the browser has not yet freed the lock it let go, waits for the grant instead of
// failing Busy (long after the engine started: no start-up grace).
func TestSameFileAfterLateRelease(t *testing.T) {
	t.Parallel()
	h := newModeHarness(t, engine.ModeBrokered)
	cfg := h.config()
	cfg.LockGrace = -1
	cfg.Locker = &lateLocker{pending: map[string]func(){}}
	e := h.engine(cfg)
	src := randomSource(t, "late.bin", 3000)
	_, _, err := h.upload(e, src, engine.UploadOptions{Path: "/l/"})
	require.NoError(t, err)
	_, res, err := h.upload(e, src, engine.UploadOptions{Path: "/l/", Conflict: "rename"})
	require.NoError(t, err, "the same file after its lock was let go")
	assert.Equal(t, "/t/l/late (1).bin", res.Path)
}

// listedStore signals each List and Load once it has read the checkpoints.
type listedStore struct {
	*gatedStore
	listed chan struct{}
}

func (s listedStore) Load(ctx context.Context, id string) (*engine.Checkpoint, error) {
	cp, err := s.gatedStore.Load(ctx, id)
	s.listed <- struct{}{}
	return cp, err
}

func (s listedStore) List(ctx context.Context) ([]*engine.Checkpoint, error) {
	cps, err := s.gatedStore.List(ctx)
	s.listed <- struct{}{}
	return cps, err
}

// TestRestorableRightAfterDone: a look for restorable uploads that reads the checkpoints of
// an upload reported done, before its checkpoint is deleted, does not list it once it gets
// its lock (the restore prompt showed a finished upload again; CI at a4c7529).
func TestRestorableRightAfterDone(t *testing.T) {
	t.Parallel()
	h := newModeHarness(t, engine.ModeBrokered)
	cfg := h.config()
	store := listedStore{newGatedStore(), make(chan struct{}, 4)}
	cfg.Checkpoints = store
	e := h.engine(cfg)
	a, err := e.Upload(randomSource(t, "a.bin", 3000), engine.UploadOptions{Path: "/r/"})
	require.NoError(t, err)
	ctx := ctxTimeout(t, 2*time.Minute)
	select {
	case <-store.deleted:
	case <-ctx.Done():
		t.Fatal("a's checkpoint was never deleted")
	}
	for len(store.listed) > 0 {
		<-store.listed
	}
	type answer struct {
		list []engine.Restorable
		err  error
	}
	got := make(chan answer, 1)
	go func() {
		l, err := e.Restorable(ctx)
		got <- answer{l, err}
	}()
	<-store.listed // it read a's checkpoint, not yet deleted
	close(store.open)
	ans := <-got
	require.NoError(t, ans.err)
	assert.Empty(t, ans.list, "an upload reported done is listed as restorable")
	_, err = a.Wait(ctx)
	require.NoError(t, err)
}

// TestForgetRightAfterDone: forgetting an entry whose upload is reported done while the
// forget waits for its lock answers NotFound and aborts nothing.
func TestForgetRightAfterDone(t *testing.T) {
	t.Parallel()
	h := newModeHarness(t, engine.ModeBrokered)
	cfg := h.config()
	store := listedStore{newGatedStore(), make(chan struct{}, 8)}
	cfg.Checkpoints = store
	e := h.engine(cfg)
	a, err := e.Upload(randomSource(t, "a.bin", 3000), engine.UploadOptions{Path: "/g/"})
	require.NoError(t, err)
	ctx := ctxTimeout(t, 2*time.Minute)
	select {
	case <-store.deleted:
	case <-ctx.Done():
		t.Fatal("a's checkpoint was never deleted")
	}
	cps, err := store.gatedStore.List(ctx)
	require.NoError(t, err)
	require.Len(t, cps, 1)
	for len(store.listed) > 0 {
		<-store.listed
	}
	got := make(chan error, 1)
	go func() { got <- e.Forget(ctx, cps[0].ID) }()
	<-store.listed // it read a's checkpoint, not yet deleted
	close(store.open)
	err = <-got
	require.Error(t, err)
	assert.Equal(t, engine.CodeNotFound, engine.AsError(err).Code, "%v", err)
	_, err = a.Wait(ctx)
	require.NoError(t, err)
}
