package engine_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/shared/smh"
	"github.com/ferry-upload/ferry/shared/smh/smhhttp"
	"github.com/ferry-upload/ferry/wasm/engine"
)

// TestConflict: ask refuses with the server's code, rename lands beside the existing file,
// overwrite (with a force grant) replaces it; overwrite without the grant is refused.
func TestConflict(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	old := randomSource(t, "c.txt", 100)
	if err := h.emu.PutFile(lib, "-", prefix+"conf/c.txt", old.Data); err != nil {
		t.Fatal(err)
	}
	e := h.engine(h.config())
	for _, size := range []int{10, 2*engine.MiB + 3} { // simple and multipart
		src := randomSource(t, "c.txt", size)
		_, _, err := h.upload(e, src, engine.UploadOptions{Path: "/conf/", Conflict: "ask"})
		if engine.Code(err) != smh.CodeSameNameExists {
			t.Fatalf("ask: %v; want %s", err, smh.CodeSameNameExists)
		}
		_, _, err = h.upload(e, src, engine.UploadOptions{Path: "/conf/", Conflict: "overwrite"})
		if engine.Code(err) != smh.CodeNoPermission {
			t.Fatalf("overwrite without upload_file_force: %v; want NoPermission", err)
		}
	}
	src := randomSource(t, "c.txt", 2*engine.MiB+3)
	_, res, err := h.upload(e, src, engine.UploadOptions{Path: "/conf/", Conflict: "rename"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Path != prefix+"conf/c (1).txt" || res.Name != "c (1).txt" {
		t.Fatalf("rename: %+v", res)
	}
	h.checkStored(res.Path, src)
	h.checkStored(prefix+"conf/c.txt", old)

	h.grants = []string{"upload_file_force"}
	e2 := h.engine(h.config())
	_, res, err = h.upload(e2, src, engine.UploadOptions{Path: "/conf/c.txt", Conflict: "overwrite"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Path != prefix+"conf/c.txt" {
		t.Fatalf("overwrite: %+v", res)
	}
	h.checkStored(prefix+"conf/c.txt", src)
}

// TestLabelsAndMeta: labels and x-smh-meta-* metadata reach the server at begin.
func TestLabelsAndMeta(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	e := h.engine(h.config())
	for _, size := range []int{5, 2 * engine.MiB} {
		src := randomSource(t, "m.bin", size)
		_, res, err := h.upload(e, src, engine.UploadOptions{Path: "/meta/", Conflict: "rename",
			Labels: []string{"red", "blue"}, Meta: map[string]string{"x-smh-meta-owner": "ana", "Project": "ferry"}})
		if err != nil {
			t.Fatal(err)
		}
		c := &smh.Client{BaseURL: h.srv.URL(), LibraryID: lib, Doer: smhhttp.Doer{Client: h.client}}
		tok, err := c.CreateToken(context.Background(), smh.TokenRequest{Secret: secret, Grants: []string{"admin"}})
		if err != nil {
			t.Fatal(err)
		}
		f, err := c.FileInfo(context.Background(), tok.AccessToken, "-", res.Path)
		if err != nil {
			t.Fatal(err)
		}
		if f.MetaData["x-smh-meta-owner"] != "ana" || f.MetaData["x-smh-meta-project"] != "ferry" {
			t.Fatalf("metadata %v", f.MetaData)
		}
		if len(f.Labels) != 2 || f.Labels[0] != "red" || f.Labels[1] != "blue" {
			t.Fatalf("labels %v", f.Labels)
		}
	}
}

// TestConcurrencyLimits: at most Concurrency parts in flight in total, from at most
// ParallelFiles files at once; every file lands.
func TestConcurrencyLimits(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cfg := h.config()
	cfg.Concurrency, cfg.ParallelFiles = 3, 2
	var mu sync.Mutex
	inflight, maxInflight := 0, 0
	files := map[string]int{}
	maxFiles := 0
	next := cfg.Sender
	cfg.Sender = senderFunc(func(ctx context.Context, req *engine.PartRequest) (*engine.PartResponse, error) {
		name := req.Source.Name()
		mu.Lock()
		inflight++
		files[name]++
		maxInflight = max(maxInflight, inflight)
		maxFiles = max(maxFiles, len(files))
		mu.Unlock()
		time.Sleep(5 * time.Millisecond)
		resp, err := next.SendPart(ctx, req)
		mu.Lock()
		inflight--
		if files[name]--; files[name] == 0 {
			delete(files, name)
		}
		mu.Unlock()
		return resp, err
	})
	e := h.engine(cfg)
	var tasks []*engine.Task
	var srcs []*engine.BytesSource
	for i := range 5 {
		src := randomSource(t, string(rune('a'+i))+".bin", 4*engine.MiB+i)
		task, err := e.Upload(src, engine.UploadOptions{Path: "/conc/"})
		if err != nil {
			t.Fatal(err)
		}
		tasks, srcs = append(tasks, task), append(srcs, src)
	}
	ctx := ctxTimeout(t, time.Minute)
	for i, task := range tasks {
		res, err := task.Wait(ctx)
		if err != nil {
			t.Fatal(err)
		}
		h.checkStored(res.Path, srcs[i])
	}
	if maxInflight != 3 || maxFiles > 2 {
		t.Fatalf("at most %d parts and %d files in flight; want 3 parts from at most 2 files", maxInflight, maxFiles)
	}
	tot := e.Totals()
	if tot.Fraction != 1 || tot.Loaded != tot.Size || tot.Active != 0 {
		t.Fatalf("totals %+v", tot)
	}
}

// TestPolicy: the token's limits refuse a file before anything is sent.
func TestPolicy(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cfg := h.config()
	base := cfg.Tokens
	cfg.Tokens = engine.TokenSourceFunc(func(ctx context.Context) (*engine.Token, error) {
		tok, err := base.FetchToken(ctx)
		if err == nil {
			tok.Limits.MaxFileSize = 1000
			tok.Limits.AllowedTypes = []string{"image/*", ".pdf"}
		}
		return tok, err
	})
	e := h.engine(cfg)
	for _, c := range []struct {
		src  *engine.BytesSource
		code string
	}{
		{&engine.BytesSource{FileName: "big.pdf", Data: make([]byte, 1001)}, engine.CodePolicyViolation},
		{&engine.BytesSource{FileName: "a.exe", Data: make([]byte, 10)}, engine.CodePolicyViolation},
		{&engine.BytesSource{FileName: "a.PDF", Data: make([]byte, 10)}, ""},
		{&engine.BytesSource{FileName: "photo", MIMEType: "image/png", Data: make([]byte, 10)}, ""},
	} {
		_, _, err := h.upload(e, c.src, engine.UploadOptions{Path: "/pol/"})
		if engine.Code(err) != c.code {
			t.Fatalf("%s: %v; want %q", c.src.FileName, err, c.code)
		}
	}
	if n := h.emu.Stats().DataPlane.BytesReceived; n != 20 {
		t.Fatalf("data plane received %d bytes; want only the two allowed files' 20", n)
	}
}
