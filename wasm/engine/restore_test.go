package engine_test

import (
	"testing"
	"time"

	"github.com/ferry-upload/ferry/wasm/engine"
)

// TestRestorableAsksNoTokenWithoutCheckpoints: a page view with nothing to restore costs no
// call to the token function; with something stored, a token says whose it is.
func TestRestorableAsksNoTokenWithoutCheckpoints(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	store := engine.NewMemoryStore()
	cfg := h.config()
	cfg.Checkpoints = store
	e := h.engine(cfg)
	ctx := ctxTimeout(t, time.Minute)
	list, err := e.Restorable(ctx)
	if err != nil || len(list) != 0 {
		t.Fatalf("restorable %v %v", list, err)
	}
	if n := h.tokenFetches.Load(); n != 0 {
		t.Fatalf("%d token fetches to list no checkpoints", n)
	}

	src := randomSource(t, "n.bin", 4*engine.MiB)
	interrupted(t, h, store, src, "/notoken/")
	before := h.tokenFetches.Load()
	cfg = h.config()
	cfg.Checkpoints = store
	e = h.engine(cfg)
	if list, err := e.Restorable(ctx); err != nil || len(list) != 1 {
		t.Fatalf("restorable %v %v", list, err)
	}
	if h.tokenFetches.Load() == before {
		t.Fatal("checkpoints were listed without a token to say whose they are")
	}

	// Another user's checkpoints are not listed (the token decides).
	h.user = "u2"
	cfg = h.config()
	cfg.Checkpoints = store
	if list, err := h.engine(cfg).Restorable(ctx); err != nil || len(list) != 0 {
		t.Fatalf("another user sees %v %v", list, err)
	}
}

// TestSignOutWithoutCheckpointsAsksNoToken: signing out with nothing stored only revokes.
func TestSignOutWithoutCheckpointsAsksNoToken(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	e := h.engine(h.config())
	if err := e.SignOut(ctxTimeout(t, time.Minute)); err != nil {
		t.Fatal(err)
	}
	if n := h.tokenFetches.Load(); n != 0 {
		t.Fatalf("%d token fetches to sign out with no checkpoints", n)
	}
}

// TestForget: a restorable upload can be forgotten without its file: the server task and the
// checkpoint are deleted. An unknown entry is NotFound; one another tab owns is Busy.
func TestForget(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	store := engine.NewMemoryStore()
	a := randomSource(t, "a.bin", 4*engine.MiB)
	b := randomSource(t, "b.bin", 4*engine.MiB)
	interrupted(t, h, store, a, "/forget/")
	interrupted(t, h, store, b, "/forget/")
	if ups := h.openUploads(); len(ups) != 2 {
		t.Fatalf("open uploads before: %v", ups)
	}
	locks := &engine.MemoryLocker{}
	cfg := h.config()
	cfg.Checkpoints, cfg.Locker, cfg.LockGrace = store, locks, -1
	e := h.engine(cfg)
	ctx := ctxTimeout(t, time.Minute)
	list, err := e.Restorable(ctx)
	if err != nil || len(list) != 2 {
		t.Fatalf("restorable %v %v", list, err)
	}
	var ida, idb string
	for _, r := range list {
		if r.Name == "a.bin" {
			ida = r.ID
		} else {
			idb = r.ID
		}
	}
	if err := e.Forget(ctx, ida); err != nil {
		t.Fatal(err)
	}
	list, err = e.Restorable(ctx)
	if err != nil || len(list) != 1 || list[0].ID != idb {
		t.Fatalf("restorable after forget %v %v", list, err)
	}
	if ups := h.openUploads(); len(ups) != 1 {
		t.Fatalf("open uploads after forget: %v (the server task must go)", ups)
	}
	if err := e.Forget(ctx, ida); engine.Code(err) != engine.CodeNotFound {
		t.Fatalf("forget again: %v; want NotFound", err)
	}
	if _, err := e.Restore(ctx, ida, a, engine.UploadOptions{}); engine.Code(err) != engine.CodeNotFound {
		t.Fatalf("restore a forgotten entry: %v; want NotFound", err)
	}

	// Owned by another tab: Busy, and nothing is deleted.
	unlock, err := locks.TryLock(ctx, "ferry:"+idb)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Forget(ctx, idb); engine.Code(err) != engine.CodeBusy {
		t.Fatalf("forget while another tab owns it: %v; want Busy", err)
	}
	if cps, _ := store.List(ctx); len(cps) != 1 {
		t.Fatalf("checkpoints %v", cps)
	}
	unlock()

	// Another user cannot forget it.
	h.user = "u2"
	cfg2 := h.config()
	cfg2.Checkpoints = store
	if err := h.engine(cfg2).Forget(ctx, idb); engine.Code(err) != engine.CodeNotFound {
		t.Fatalf("another user's forget: %v; want NotFound", err)
	}
	h.user = "u1"
	if err := e.Forget(ctx, idb); err != nil {
		t.Fatal(err)
	}
	if ups := h.openUploads(); len(ups) != 0 {
		t.Fatalf("open uploads at the end: %v", ups)
	}
	if cps, _ := store.List(ctx); len(cps) != 0 {
		t.Fatalf("checkpoints at the end: %v", cps)
	}
}

// TestRestorableWaitsForAPageGoingAway: right after a reload the previous page's worker may
// still hold its uploads' locks for a moment. An engine that just started waits (bounded) for
// such a lock, so restorable() lists the upload at once rather than nothing; later, a busy
// lock (a live tab) is not waited for.
func TestRestorableWaitsForAPageGoingAway(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	store := engine.NewMemoryStore()
	locks := &engine.MemoryLocker{}
	src := randomSource(t, "w.bin", 4*engine.MiB)

	cfgA := h.config()
	cfgA.Checkpoints, cfgA.Locker, cfgA.Concurrency = store, locks, 1
	started := make(chan struct{})
	cfgA.Sender = holdAfter(cfgA.Sender, 2, started)
	old, err := engine.New(cfgA)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.Upload(src, engine.UploadOptions{Path: "/away/"}); err != nil {
		t.Fatal(err)
	}
	<-started

	// The new page's engine starts while the old one still runs; the old one goes away
	// a moment later.
	cfgB := h.config()
	cfgB.Checkpoints, cfgB.Locker = store, locks
	cfgB.LockGrace = 20 * time.Second
	b := h.engine(cfgB)
	go func() {
		time.Sleep(300 * time.Millisecond)
		old.Close()
	}()
	ctx := ctxTimeout(t, time.Minute)
	list, err := b.Restorable(ctx)
	if err != nil || len(list) != 1 || list[0].Name != "w.bin" {
		t.Fatalf("restorable right after the reload: %v %v", list, err)
	}

	// Past the grace, a lock held by a live tab is not waited for.
	unlock, err := locks.TryLock(ctx, "ferry:"+list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	cfgC := h.config()
	cfgC.Checkpoints, cfgC.Locker = store, locks
	cfgC.LockGrace = 100 * time.Millisecond
	c := h.engine(cfgC)
	time.Sleep(150 * time.Millisecond)
	start := time.Now()
	if list, err := c.Restorable(ctx); err != nil || len(list) != 0 {
		t.Fatalf("restorable while a live tab owns it: %v %v", list, err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("restorable took %v with a busy lock past the grace", d)
	}
	// Within the grace, the wait is bounded by it.
	cfgD := h.config()
	cfgD.Checkpoints, cfgD.Locker = store, locks
	cfgD.LockGrace = 500 * time.Millisecond
	d := h.engine(cfgD)
	start = time.Now()
	if list, err := d.Restorable(ctx); err != nil || len(list) != 0 {
		t.Fatalf("restorable while a live tab owns it: %v %v", list, err)
	}
	if el := time.Since(start); el > 10*time.Second {
		t.Fatalf("restorable waited %v; the grace is 500 ms", el)
	}
	// The same holds for a task: an upload of that file waits out the grace, then is Busy.
	if _, _, err := h.upload(d, src, engine.UploadOptions{Path: "/away/"}); engine.Code(err) != engine.CodeBusy {
		t.Fatalf("upload while a live tab owns it: %v; want Busy", err)
	}
}
