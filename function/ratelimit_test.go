package function

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Unix(1000, 0)
	l := newLimiter(RateLimit{Requests: 3, Per: time.Minute}, func() time.Time { return now })
	for i := range 3 {
		if ok, _ := l.allow("alice"); !ok {
			t.Fatalf("request %d refused", i)
		}
	}
	ok, wait := l.allow("alice")
	if ok || wait <= 0 || wait > 20*time.Second {
		t.Fatalf("4th: ok=%v wait=%v", ok, wait)
	}
	if ok, _ := l.allow("bob"); !ok {
		t.Fatal("bob has his own bucket")
	}
	now = now.Add(20 * time.Second)
	if ok, _ := l.allow("alice"); !ok {
		t.Fatal("refilled one token after 20 s")
	}
	if ok, _ := l.allow("alice"); ok {
		t.Fatal("only one token refilled")
	}
	if ok, _ := newLimiter(RateLimit{Off: true}, time.Now).allow("x"); !ok {
		t.Fatal("off")
	}
}

func TestLimiterBounded(t *testing.T) {
	now := time.Unix(0, 0)
	l := newLimiter(RateLimit{Requests: 1, Per: time.Second}, func() time.Time { return now })
	for i := range maxBuckets + 10 {
		l.allow(string(rune(i)))
	}
	if len(l.buckets) > maxBuckets {
		t.Fatalf("%d buckets", len(l.buckets))
	}
}
