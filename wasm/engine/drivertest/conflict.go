package drivertest

import (
	"errors"
	"path"
	"testing"

	"github.com/ferry-upload/ferry/wasm/engine"
)

// testConflicts: a file already holds the name. "ask" (fail) refuses with AlreadyExists and
// leaves it; "rename" stores beside it; "overwrite" (replace) replaces it. For a one-body
// and a multipart upload.
func testConflicts(t *testing.T, newHarness HarnessMaker) {
	for _, shape := range []struct {
		name string
		size func(part int64) int64
	}{
		{"one-body", func(p int64) int64 { return p / 2 }},
		{"multipart", func(p int64) int64 { return 2*p + 3 }},
	} {
		for _, conflict := range []string{"fail", "rename", "replace"} {
			t.Run(conflict+"/"+shape.name, func(t *testing.T) {
				t.Parallel()
				r := newRun(t, newHarness)
				if conflict == "replace" {
					need(t, r.caps.Replace, "Replace")
				}
				e := r.engine(r.config(ConfigOptions{}))
				dir, target := r.full("conf/"), r.full("conf/c.bin")
				old := r.source("c.bin", shape.size(r.part))
				task, res, err := r.upload(e, old, engine.UploadOptions{Path: "/conf/"})
				r.checkDone(task, res, err, target, old)

				src := r.source("c.bin", shape.size(r.part))
				switch conflict {
				case "fail":
					task, _, err := r.upload(e, src, engine.UploadOptions{Path: "/conf/", Conflict: "ask"})
					if want := r.caps.code("AlreadyExists"); engine.Code(err) != want || task.State() != engine.StateFailed {
						t.Fatalf("state %s, err %v; want failed with %s", task.State(), err, want)
					}
					r.checkStored(target, old)
					r.checkFiles(dir, 1)
					if ups := r.emu.uploads(); len(ups) > 1 {
						t.Fatalf("open upload tasks %+v", ups)
					}
					r.checkProgress(task.ID(), false)
				case "rename":
					task, res, err := r.upload(e, src, engine.UploadOptions{Path: "/conf/", Conflict: "rename"})
					if err != nil {
						t.Fatal(err)
					}
					if res.Path == target || path.Dir(res.Path)+"/" != dir {
						t.Fatalf("renamed to %s; want another name in %s", res.Path, dir)
					}
					r.checkDone(task, res, err, res.Path, src)
					r.checkStored(target, old)
					r.checkFiles(dir, 2)
				case "replace":
					task, res, err := r.upload(e, src, engine.UploadOptions{Path: "/conf/", Conflict: "overwrite"})
					r.checkDone(task, res, err, target, src)
					r.checkFiles(dir, 1)
				}
			})
		}
	}
}

// testConflictsAtComplete: the name was free at begin and is taken (by another upload)
// before the complete. "ask" fails with AlreadyExists, leaving the other file, and a cancel
// then leaves nothing; "rename" stores beside it.
func testConflictsAtComplete(t *testing.T, newHarness HarnessMaker) {
	for _, shape := range []struct {
		name  string
		size  func(part int64) int64
		parts int32
	}{
		{"one-body", func(p int64) int64 { return p / 2 }, 1},
		{"multipart", func(p int64) int64 { return 2*p + 3 }, 3},
	} {
		for _, conflict := range []string{"ask", "rename"} {
			name := map[string]string{"ask": "fail", "rename": "rename"}[conflict]
			t.Run(name+"-at-complete/"+shape.name, func(t *testing.T) {
				t.Parallel()
				r := newRun(t, newHarness)
				dir, target := r.full("conf/"), r.full("conf/c.bin")
				cfg := r.config(ConfigOptions{})
				cfg.Concurrency = 1
				reached, release := make(chan struct{}), make(chan struct{})
				cfg.Sender = gateAt(cfg.Sender, shape.parts, reached, release)
				src := r.source("c.bin", shape.size(r.part))
				task := r.start(r.engine(cfg), src, engine.UploadOptions{Path: "/conf/", Conflict: conflict})
				r.await(reached, "the upload's last part")

				other := r.source("c.bin", shape.size(r.part))
				other.Modified++ // another file: not the paused upload's checkpoint
				otask, ores, err := r.upload(r.engine(r.config(ConfigOptions{})), other, engine.UploadOptions{Path: "/conf/"})
				if err != nil || ores.Path != target {
					t.Fatalf("the other upload: %+v %v (state %s); want it at %s", ores, err, otask.State(), target)
				}
				r.checkProgress(otask.ID(), true)
				close(release)
				res, err := task.Wait(r.ctx())
				r.checkStored(target, other)
				if conflict == "rename" {
					if err != nil || res.Path == target || path.Dir(res.Path)+"/" != dir {
						t.Fatalf("result %+v, err %v; want another name in %s", res, err, dir)
					}
					r.checkDone(task, res, err, res.Path, src)
					r.checkFiles(dir, 2)
					return
				}
				if want := r.caps.code("AlreadyExists"); engine.Code(err) != want || task.State() != engine.StateFailed {
					t.Fatalf("state %s, err %v; want failed with %s", task.State(), err, want)
				}
				r.checkProgress(task.ID(), false)
				if err := task.Cancel(); err != nil {
					t.Fatal(err)
				}
				if _, err := task.Wait(r.ctx()); !errors.Is(err, engine.ErrCanceled) {
					t.Fatalf("cancel after the conflict: %v", err)
				}
				r.checkClean()
				r.checkStored(target, other)
				r.checkFiles(dir, 1)
			})
		}
	}
}
