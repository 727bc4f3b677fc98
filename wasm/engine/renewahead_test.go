package engine

import (
	"testing"
	"time"
)

// TestRenewAheadIgnoresShortParts: the last part of a file may be a few bytes, and with
// parts in flight it often finishes first. Its time is the request's, not its bytes':
// taken per byte, 40 ms for 3 bytes (a busy machine) predicts hours for a 1 MiB part, and every part started
// after it renewed signatures valid for an hour (TestBrokeredHoldsNoProviderCredential saw
// a second /targets request now and then).
func TestRenewAheadIgnoresShortParts(t *testing.T) {
	task := &Task{e: &Engine{cfg: Config{Clock: SystemClock{}}}}
	task.observe(MiB, 100*time.Millisecond)
	task.observe(3, 40*time.Millisecond)
	if sess := (&Session{Expires: time.Now().Add(time.Hour)}); task.needsRenew(sess, MiB) {
		t.Fatalf("a 1 MiB part renews signatures valid for an hour (%.6f s per byte)", task.secPerB)
	}
}
