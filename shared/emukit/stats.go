package emukit

import (
	"io"
	"maps"
	"sync"
)

// Stats is the answer of GET /_emulator/stats.
type Stats struct {
	// Requests counts API and data-plane requests by route name ("METHOD route") and
	// outcome (the status code, or "reset" / "stall" for an injected connection fault).
	Requests map[string]map[string]uint64 `json:"requests"`
	// FaultsInjected counts the requests answered with an injected fault, each in the same
	// update as its outcome in Requests (a stall as it begins).
	FaultsInjected uint64         `json:"faultsInjected"`
	DataPlane      DataPlaneStats `json:"dataPlane"`
}

// DataPlaneStats counts body bytes the data plane read, faulted requests included.
type DataPlaneStats struct {
	BytesReceived uint64                 `json:"bytesReceived"`
	ByUpload      map[string]UploadStats `json:"byUpload"`
}

// UploadStats are the counters of one upload task (kept after it completes, until reset):
// its path (the final one once complete), the bytes it holds (the file size once
// complete), the body bytes received for it, retries included, and the body bytes stored:
// every complete body kept, a part stored twice counting twice (so BytesStored − Size is
// what was sent again after the data plane had already taken it; bodies refused or
// faulted count in BytesReceived only).
type UploadStats struct {
	Path          string `json:"path"`
	Size          int64  `json:"size"`
	BytesReceived uint64 `json:"bytesReceived"`
	BytesStored   uint64 `json:"bytesStored"`
}

type statsRecorder struct {
	mu       sync.Mutex
	requests map[string]map[string]uint64
	faults   uint64
	bytes    uint64
	byUpload map[string]*UploadStats
}

func (s *statsRecorder) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests, s.faults, s.bytes, s.byUpload = map[string]map[string]uint64{}, 0, 0, map[string]*UploadStats{}
}

// request counts a request's outcome and, in the same update, whether it was an injected
// fault, so that no snapshot holds one without the other.
func (s *statsRecorder) request(route, outcome string, injected bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.requests[route]
	if m == nil {
		m = map[string]uint64{}
		s.requests[route] = m
	}
	m[outcome]++
	if injected {
		s.faults++
	}
}

func (s *statsRecorder) trackUpload(key, path string, size int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.byUpload[key]
	if u == nil {
		u = &UploadStats{}
		s.byUpload[key] = u
	}
	u.Path, u.Size = path, size
}

func (s *statsRecorder) stored(key string, n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.byUpload[key]; u != nil {
		u.BytesStored += uint64(n)
	}
}

func (s *statsRecorder) addBytes(key string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bytes += uint64(n)
	if u := s.byUpload[key]; u != nil {
		u.BytesReceived += uint64(n)
	}
}

func (s *statsRecorder) snapshot() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Stats{Requests: map[string]map[string]uint64{}, FaultsInjected: s.faults,
		DataPlane: DataPlaneStats{BytesReceived: s.bytes, ByUpload: map[string]UploadStats{}}}
	for k, v := range s.requests {
		st.Requests[k] = maps.Clone(v)
	}
	for k, v := range s.byUpload {
		st.DataPlane.ByUpload[k] = *v
	}
	return st
}

// countingBody counts the body bytes the data plane reads.
type countingBody struct {
	io.ReadCloser
	stats  *statsRecorder
	upload string
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.stats.addBytes(b.upload, n)
	}
	return n, err
}

// Stats returns the request, fault and data-plane counters. A request is counted before
// its client can see any of its answer (or its connection dropped), so a client that saw
// an answer finds it in the stats.
func (k *Kit) Stats() Stats { return k.stats.snapshot() }

// TrackUpload creates or updates the counters of an upload (Stats.DataPlane.ByUpload):
// its path and the bytes it holds. Bytes of data-plane requests whose Route names the
// upload count for it from its first TrackUpload on.
func (k *Kit) TrackUpload(upload, path string, size int64) { k.stats.trackUpload(upload, path, size) }

// CountStored counts a complete body of n bytes kept for the upload.
func (k *Kit) CountStored(upload string, n int64) { k.stats.stored(upload, n) }
