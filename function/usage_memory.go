package function

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// maxUsageEntries bounds the memory of the default store. Entries are only made for roles
// with a limit, and each lives at most a ticket's lifetime.
const maxUsageEntries = 100_000

// memoryUsage is the default UsageStore: counts in process memory, per instance.
type memoryUsage struct {
	mu      sync.Mutex
	now     func() time.Time
	keys    map[string]map[string]usageEntry
	entries int
}

type usageEntry struct {
	size  int64
	until time.Time
}

func newMemoryUsage(now func() time.Time) *memoryUsage {
	return &memoryUsage{now: now, keys: map[string]map[string]usageEntry{}}
}

var _ UsageStore = (*memoryUsage)(nil)

func (m *memoryUsage) Reserve(_ context.Context, key, id string, size int64, until time.Time, lim UsageLimit) (OpenUsage, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	ups := m.live(key, now)
	var u OpenUsage
	for eid, e := range ups {
		if eid != id {
			u.Open++
			u.Bytes += e.size
		}
	}
	if !lim.admits(u, size) {
		return u, false, nil
	}
	if _, again := ups[id]; !again {
		if m.entries >= maxUsageEntries {
			m.sweep(now)
		}
		if m.entries >= maxUsageEntries {
			// Refusing is safer than forgetting counts (which would lift every cap).
			return u, false, &Error{Code: CodeRateLimited, Status: http.StatusTooManyRequests,
				Message: "too many uploads are open at this instance; try again later", Header: map[string]string{"Retry-After": "60"}}
		}
		m.entries++
	}
	if ups == nil {
		ups = map[string]usageEntry{}
		m.keys[key] = ups
	}
	ups[id] = usageEntry{size: size, until: until}
	return u, true, nil
}

func (m *memoryUsage) Release(_ context.Context, key, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if ups := m.keys[key]; ups != nil {
		if _, ok := ups[id]; ok {
			delete(ups, id)
			m.entries--
		}
		if len(ups) == 0 {
			delete(m.keys, key)
		}
	}
	return nil
}

// live drops key's expired entries and returns the rest.
func (m *memoryUsage) live(key string, now time.Time) map[string]usageEntry {
	ups := m.keys[key]
	for id, e := range ups {
		if !e.until.After(now) {
			delete(ups, id)
			m.entries--
		}
	}
	return ups
}

// sweep drops every expired entry.
func (m *memoryUsage) sweep(now time.Time) {
	for key := range m.keys {
		if len(m.live(key, now)) == 0 {
			delete(m.keys, key)
		}
	}
}
