package engine

import (
	"math"
	"testing"
)

// TestTotalsETAAtLeastSlowestFile: speeds do not transfer between files (a slow file stays
// slow when a fast one finishes), so the total time left is never shorter than the longest
// estimate of a file that is uploading.
func TestTotalsETAAtLeastSlowestFile(t *testing.T) {
	e := &Engine{tasks: map[string]*Task{}}
	add := func(id string, size, acked int64, speed float64, st State) *Task {
		tk := newTask(e, id, &BytesSource{FileName: id, Data: make([]byte, size)}, UploadOptions{}, "")
		tk.state = st
		tk.prog.acked = acked
		if speed > 0 {
			tk.prog.speed, tk.prog.known = speed, true
		}
		e.tasks[id] = tk
		e.order = append(e.order, tk)
		return tk
	}
	add("fast", 1000, 0, 100, StateUploading) // 10 s left
	add("slow", 1000, 0, 1, StateUploading)   // 1000 s left
	tot := e.Totals()
	if tot.EtaSeconds == nil || tot.BytesPerSecond == nil {
		t.Fatalf("totals %+v: no speed or ETA", tot)
	}
	if *tot.EtaSeconds < 1000 {
		t.Fatalf("total ETA %.1f s, shorter than the slow file's 1000 s", *tot.EtaSeconds)
	}

	// When the sum is the longer estimate (the queue behind), it stays.
	e2 := &Engine{tasks: map[string]*Task{}}
	e = e2
	add("a", 1000, 0, 100, StateUploading) // 10 s
	add("q", 9000, 0, 0, StateQueued)
	tot = e.Totals()
	if tot.EtaSeconds == nil || math.Abs(*tot.EtaSeconds-100) > 1e-9 {
		t.Fatalf("total ETA %v; want 100 s (10000 bytes left at 100 B/s)", tot.EtaSeconds)
	}

	// A paused file's estimate does not count (it is not running).
	e = &Engine{tasks: map[string]*Task{}}
	add("p", 1000, 0, 1, StatePaused)
	add("r", 1000, 0, 100, StateUploading)
	tot = e.Totals()
	if tot.EtaSeconds == nil || *tot.EtaSeconds > 1000 {
		t.Fatalf("total ETA %v; a paused file must not hold it up", tot.EtaSeconds)
	}
}
