package engine_test

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/wasm/engine"
)

// A page reload ends the worker at once: nothing is written after that moment, not even by
// a graceful close. frozenStore is a checkpoint store that can be frozen so: after freeze,
// writes and deletes are dropped.
type frozenStore struct {
	engine.CheckpointStore
	frozen atomic.Bool
}

func (s *frozenStore) freeze() { s.frozen.Store(true) }

func (s *frozenStore) Save(ctx context.Context, cp *engine.Checkpoint) error {
	if s.frozen.Load() {
		return nil
	}
	return s.CheckpointStore.Save(ctx, cp)
}

func (s *frozenStore) Delete(ctx context.Context, id string) error {
	if s.frozen.Load() {
		return nil
	}
	return s.CheckpointStore.Delete(ctx, id)
}

// reloadDuring uploads src on an engine over store whose parts go through send; when
// reload is closed, the store freezes and the engine closes (the reload).
func reloadDuring(t *testing.T, h *harness, store *frozenStore, src engine.Source, path string, concurrency int,
	send func(next engine.PartSender) engine.PartSender, reload chan struct{}) {
	t.Helper()
	cfg := h.config()
	cfg.Concurrency = concurrency
	cfg.Checkpoints = store
	cfg.Sender = send(cfg.Sender)
	e, err := engine.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.UploadWithID(h.id(), src, engine.UploadOptions{Path: path}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-reload:
	case <-time.After(time.Minute):
		t.Fatal("the upload never reached the moment of the reload")
	}
	store.freeze()
	e.Close()
}

// resumeAfterReload resumes the one restorable upload with src and returns the part numbers
// sent (0 for a simple upload's body).
func resumeAfterReload(t *testing.T, h *harness, store *frozenStore, src engine.Source) []int {
	t.Helper()
	store.frozen.Store(false)
	cfg := h.config()
	cfg.Checkpoints = store
	var log partLog
	cfg.Sender = log.sender(cfg.Sender)
	e := h.engine(cfg)
	ctx := ctxTimeout(t, time.Minute)
	task := restoreOnly(t, ctx, e, src)
	res, err := task.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h.checkStored(res.Path, src)
	if ups := h.openUploads(); len(ups) != 0 {
		t.Fatalf("open upload tasks after the resume: %+v", ups)
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	return slices.Sorted(slices.Values(log.parts))
}

// TestReloadKeepsEveryAcknowledgedPart: three parts are acknowledged within a few
// milliseconds, then the page reloads while the fourth is on the wire. Every acknowledged
// part is in the checkpoint (none waits for a throttled write), so the resume sends the
// fourth and fifth only.
func TestReloadKeepsEveryAcknowledgedPart(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			h := newModeHarness(t, mode)
			store := &frozenStore{CheckpointStore: engine.NewMemoryStore()}
			src := randomSource(t, "k.bin", 5*engine.MiB)
			reload := make(chan struct{})
			reloadDuring(t, h, store, src, "/reload/", 1, func(next engine.PartSender) engine.PartSender {
				return holdAfter(next, 3, reload)
			}, reload)
			if got, want := resumeAfterReload(t, h, store, src), []int{4, 5}; !slices.Equal(got, want) {
				t.Fatalf("parts sent after the reload %v; want %v", got, want)
			}
		})
	}
}

// TestReloadKeepsPartsAcknowledgedOutOfOrder: part 2 hangs while parts 1, 3 and 4 are
// acknowledged (a retried or slow part is overtaken, as happens all the time with several
// parts in flight), then the page reloads with parts 2, 5 and 6 on the wire. The resume
// verifies and keeps parts 3 and 4 too: it sends 2 and 5 to 8, and no part acknowledged
// before the reload.
func TestReloadKeepsPartsAcknowledgedOutOfOrder(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	store := &frozenStore{CheckpointStore: engine.NewMemoryStore()}
	src := randomSource(t, "o.bin", 8*engine.MiB)
	reload := make(chan struct{})
	reloadDuring(t, h, store, src, "/reload/", 3, func(next engine.PartSender) engine.PartSender {
		var acked, hanging atomic.Int32
		var once sync.Once
		check := func() {
			if acked.Load() == 3 && hanging.Load() == 3 {
				once.Do(func() { close(reload) })
			}
		}
		return senderFunc(func(ctx context.Context, req *engine.PartRequest) (*engine.PartResponse, error) {
			if n := partNumber(req.URL); n == 2 || n >= 5 {
				hanging.Add(1)
				check()
				<-ctx.Done()
				return nil, ctx.Err()
			}
			resp, err := next.SendPart(ctx, req)
			if err == nil && resp.StatusCode == 200 {
				acked.Add(1)
				check()
			}
			return resp, err
		})
	}, reload)
	if got, want := resumeAfterReload(t, h, store, src), []int{2, 5, 6, 7, 8}; !slices.Equal(got, want) {
		t.Fatalf("parts sent after the reload %v; want %v", got, want)
	}
}

// TestReloadDuringSimpleUpload: the page reloads while a simple upload's body is on the
// wire. Its task was begun, so it has a checkpoint too: restorable() lists it, and resuming
// it stores the file and leaves no task open (the old one is begun again, and deleted).
func TestReloadDuringSimpleUpload(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			h := newModeHarness(t, mode)
			store := &frozenStore{CheckpointStore: engine.NewMemoryStore()}
			src := randomSource(t, "s.bin", 600<<10)
			reload := make(chan struct{})
			reloadDuring(t, h, store, src, "/reload/", 1, func(next engine.PartSender) engine.PartSender {
				return holdAfter(next, 0, reload)
			}, reload)
			if ups := h.openUploads(); len(ups) != 1 {
				t.Fatalf("open tasks at the reload: %+v", ups)
			}
			if got, want := resumeAfterReload(t, h, store, src), []int{0}; !slices.Equal(got, want) {
				t.Fatalf("bodies sent after the reload %v; want %v", got, want)
			}
		})
	}
}
