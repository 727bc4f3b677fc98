package smhemu

import (
	"io"
	"maps"
	"sync"
)

// Stats is the answer of GET /_emulator/stats.
type Stats struct {
	// Requests counts API and data-plane requests by "METHOD route" and outcome (the
	// status code, or "reset" / "stall" for an injected connection fault).
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

// UploadStats are the counters of one upload task (kept after confirm until reset): its
// path (the final one once confirmed), the bytes it holds (the file size once confirmed),
// the body bytes received for it, retries included, and the body bytes stored: every
// complete body kept, a part stored twice counting twice (so BytesStored − Size is what
// was sent again after the data plane had already taken it; bodies refused or faulted count
// in BytesReceived only).
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

func (s *statsRecorder) trackUpload(confirmKey, path string, size int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.byUpload[confirmKey]
	if u == nil {
		u = &UploadStats{}
		s.byUpload[confirmKey] = u
	}
	u.Path, u.Size = path, size
}

// stored counts a complete body kept for the upload.
func (s *statsRecorder) stored(confirmKey string, n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.byUpload[confirmKey]; u != nil {
		u.BytesStored += uint64(n)
	}
}

func (s *statsRecorder) addBytes(confirmKey string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bytes += uint64(n)
	if u := s.byUpload[confirmKey]; u != nil {
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
	stats      *statsRecorder
	confirmKey string
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.stats.addBytes(b.confirmKey, n)
	}
	return n, err
}

// countBody wraps a data-plane request body; bytes of a PUT count for its upload task.
func (e *Emulator) countBody(body io.ReadCloser, rt *route) io.ReadCloser {
	ck := ""
	if rt.op == opDataPut || rt.op == opDataPartPut {
		e.mu.Lock()
		ck = e.st.objects[rt.key]
		e.mu.Unlock()
	}
	return &countingBody{ReadCloser: body, stats: &e.stats, confirmKey: ck}
}
