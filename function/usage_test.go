package function

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	smhprovider "github.com/ferry-upload/ferry/function/smh"
)

func TestMemoryUsage(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1_800_000_000, 0)
	m := newMemoryUsage(func() time.Time { return now })
	day := now.Add(24 * time.Hour)
	reserve := func(key, id string, size int64, until time.Time, lim UsageLimit) (OpenUsage, bool) {
		t.Helper()
		u, ok, err := m.Reserve(ctx, key, id, size, until, lim)
		if err != nil {
			t.Fatal(err)
		}
		return u, ok
	}
	capTwo := UsageLimit{MaxOpen: 2}
	if _, ok := reserve("a", "1", 10, day, capTwo); !ok {
		t.Fatal("first refused")
	}
	if _, ok := reserve("a", "2", 20, now.Add(time.Hour), capTwo); !ok {
		t.Fatal("second refused")
	}
	if u, ok := reserve("a", "3", 1, day, capTwo); ok || u != (OpenUsage{Open: 2, Bytes: 30}) {
		t.Fatalf("third: ok %v usage %+v", ok, u)
	}
	if _, ok := reserve("b", "3", 1, day, capTwo); !ok {
		t.Fatal("another key shares the count")
	}
	// Reserving an id again replaces its entry rather than adding one.
	if u, ok := reserve("a", "1", 15, day, UsageLimit{}); !ok || u.Open != 1 || u.Bytes != 20 {
		t.Fatalf("again: ok %v usage %+v", ok, u)
	}
	if err := m.Release(ctx, "a", "1"); err != nil {
		t.Fatal(err)
	}
	if err := m.Release(ctx, "a", "unknown"); err != nil {
		t.Fatal("releasing an unknown id:", err)
	}
	if u, ok := reserve("a", "4", 1, day, capTwo); !ok || u != (OpenUsage{Open: 1, Bytes: 20}) {
		t.Fatalf("after release: ok %v usage %+v", ok, u)
	}
	// The hour-long entry expires by the clock.
	now = now.Add(time.Hour)
	if u, ok := reserve("a", "5", 1, day, capTwo); !ok || u != (OpenUsage{Open: 1, Bytes: 1}) {
		t.Fatalf("after expiry: ok %v usage %+v", ok, u)
	}
	// Bytes: stored + open + size must stay within the quota.
	q := UsageLimit{Quota: 100, Stored: 60}
	if u, ok := reserve("c", "1", 30, day, q); !ok || u != (OpenUsage{}) {
		t.Fatalf("within quota: %v %+v", ok, u)
	}
	if u, ok := reserve("c", "2", 11, day, q); ok || u.Bytes != 30 {
		t.Fatalf("over quota: %v %+v", ok, u)
	}
	if _, ok := reserve("c", "2", 10, day, q); !ok {
		t.Fatal("exactly the quota refused")
	}
}

func TestMemoryUsageBounded(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1_800_000_000, 0)
	m := newMemoryUsage(func() time.Time { return now })
	for i := range maxUsageEntries {
		until := now.Add(time.Hour)
		if i%2 == 0 {
			until = now.Add(time.Minute)
		}
		if _, ok, err := m.Reserve(ctx, fmt.Sprint("k", i), "u", 1, until, UsageLimit{}); err != nil || !ok {
			t.Fatalf("entry %d: %v %v", i, ok, err)
		}
	}
	_, _, err := m.Reserve(ctx, "new", "x", 1, now.Add(time.Hour), UsageLimit{})
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeRateLimited {
		t.Fatalf("full of live entries: %v", err)
	}
	// Once half of them have expired, a sweep makes room.
	now = now.Add(2 * time.Minute)
	if _, ok, err := m.Reserve(ctx, "new", "x", 1, now.Add(time.Hour), UsageLimit{}); err != nil || !ok {
		t.Fatalf("after expiry: %v %v", ok, err)
	}
	if n := m.entries; n != maxUsageEntries/2+1 {
		t.Fatalf("entries = %d", n)
	}
}

// noUsageProvider cannot read what a caller stores.
type noUsageProvider struct{}

func (noUsageProvider) Name() string    { return "none" }
func (noUsageProvider) Library() string { return "lib" }

func TestQuotaNeedsUsageReader(t *testing.T) {
	withQuota, err := ParsePolicy(`{"roles":{"q":{"grants":["begin_upload"],"quotaBytes":1000},"c":{"grants":["begin_upload"],"maxOpenUploads":3}}}`)
	if err != nil {
		t.Fatal(err)
	}
	capOnly, _ := ParsePolicy(`{"roles":{"c":{"grants":["begin_upload"],"maxOpenUploads":3}}}`)
	var p Provider = &noUsageProvider{}
	if _, ok := p.(UsageReader); ok {
		t.Fatal("the test provider reads usage")
	}
	if err := checkQuotaSupport(p, withQuota); err == nil || !strings.Contains(err.Error(), "quotaBytes") {
		t.Fatalf("a quota on a provider that cannot measure it: %v", err)
	}
	if err := checkQuotaSupport(p, capOnly); err != nil {
		t.Fatalf("an open-upload cap needs no usage reader: %v", err)
	}
	if err := checkQuotaSupport(&smhprovider.Provider{}, withQuota); err != nil {
		t.Fatalf("smh: %v", err)
	}
}
