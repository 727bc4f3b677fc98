package emukit

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ControlPrefix is where the test-control API lives; providers' routes stay out of it.
const ControlPrefix = "/_emulator/"

// Config configures a Kit.
type Config struct {
	// Provider is the provider half (required).
	Provider Provider
	// DataDir keeps the state, parts and blobs on disk so that they survive a restart; ""
	// keeps everything in memory. One Kit at a time may use a data directory.
	DataDir string
	// StateVersion is the version of the provider's state format: a state.json of another
	// version is refused at Load.
	StateVersion int
	// Logger receives one line per request; nil discards.
	Logger *slog.Logger
	// CORS is what browsers may do; the zero value allows any origin, the usual methods
	// and no request headers beyond the simple ones.
	CORS CORS
}

// Kit is the provider-neutral half of an emulator: the http.Handler that places
// requests (Provider.Route or the test-control API), injects faults, counts stats and
// answers errors through the provider; the lock, persistence and blob store of the
// provider's state.
type Kit struct {
	p     Provider
	log   *slog.Logger
	cors  CORS
	store blobStore
	disk  *persister // nil in memory

	mu sync.Mutex // guards the provider's state and the pending lists
	// Blobs and part files to delete once the state that no longer needs them is saved.
	pendingBlobs []BlobRef
	pendingParts []string
	keptParts    map[string]bool // uploads whose parts Load read
	journal      *journal        // a Journaled provider's, from Load on (with a data directory)
	entryMode    bool            // the running fn names its changes (UpdateEntries)
	changed      map[string]any  // entries the running fn named (Changed)
	changedOrder []string

	faults  faultEngine
	stats   statsRecorder
	stalled atomic.Int64 // connections that stalls hold now

	done      chan struct{} // closed by EndStalls: ends stalls and injected latency
	closeOnce sync.Once
}

// New builds a Kit. With cfg.DataDir it prepares the directory (dropping blobs a killed
// process was receiving); the provider then calls Load.
func New(cfg Config) (*Kit, error) {
	if cfg.Provider == nil {
		return nil, fmt.Errorf("emukit: no provider")
	}
	k := &Kit{p: cfg.Provider, log: cfg.Logger, cors: cfg.CORS, done: make(chan struct{})}
	if k.log == nil {
		k.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	k.stats.reset()
	if cfg.DataDir == "" {
		k.store = newStoreMem()
		return k, nil
	}
	dir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	ds, err := newStoreDisk(dir)
	if err != nil {
		return nil, err
	}
	k.store, k.disk = ds, &persister{dir: dir, version: cfg.StateVersion}
	return k, nil
}

// ServeHTTP serves the provider's routes and the test-control API.
func (k *Kit) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	c := &Call{w: &statusWriter{ResponseWriter: w}, r: r, id: newRequestID(), body: r.Body}
	h := w.Header()
	h.Set("X-Request-Id", c.id)
	k.setCORS(h, r)
	var (
		rt  Route
		err error
	)
	if strings.HasPrefix(r.URL.EscapedPath(), ControlPrefix) {
		rt, err = k.controlRoute(c)
	} else {
		rt, err = k.p.Route(c)
		if rt.Plane == PlaneTest {
			rt.Plane = PlaneControl // a provider's request is always counted
		}
		if rt.Name == "" {
			rt.Name = r.Method + " (unmatched)"
		}
		c.w.record = func(outcome string, injected bool) { k.stats.request(rt.Name, outcome, injected) }
	}
	c.route = rt
	if rt.Plane == PlaneData {
		c.body = &countingBody{ReadCloser: r.Body, stats: &k.stats, upload: rt.Upload}
	}
	defer k.finish(c, start)
	if rt.Plane != PlaneTest && !rt.NoFault && k.injectFault(c) {
		return
	}
	if err == nil {
		if rt.Serve == nil {
			err = fmt.Errorf("emukit: route %s has nothing to serve it", rt.Name)
		} else {
			err = rt.Serve(c)
		}
	}
	if err != nil {
		k.p.WriteError(c, err)
	}
}

func (k *Kit) finish(c *Call, start time.Time) {
	c.w.commit() // a handler that wrote nothing: net/http answers 200 once it returns
	k.log.Info("request", "method", c.r.Method, "route", c.route.Name, "status", c.w.outcome(),
		"requestId", c.id, "duration", time.Since(start).Round(time.Microsecond))
}

// EndStalls ends stalls and injected latency now and from now on (Close does it too).
// Servers call it before waiting for the requests in flight.
func (k *Kit) EndStalls() { k.closeOnce.Do(func() { close(k.done) }) }

// StallsHeld is how many connections injected stalls hold now, for tests that wait for a
// stall to begin or end.
func (k *Kit) StallsHeld() int64 { return k.stalled.Load() }

// Close ends stalls and flushes the whole state to disk (a Journaled provider's journal
// folded into it). The Kit must not serve afterwards.
func (k *Kit) Close() error {
	k.EndStalls()
	k.mu.Lock()
	defer k.mu.Unlock()
	err := k.saveLocked()
	if k.journal != nil {
		k.journal.close()
	}
	return err
}

// SetFaults replaces the fault configuration (the zero value clears it), restarts the
// fault streams from its seed and ends the stalls in progress.
func (k *Kit) SetFaults(cfg FaultConfig) error {
	if err := cfg.validate(); err != nil {
		return err
	}
	k.faults.set(cfg)
	return nil
}

// Faults returns the fault configuration in force.
func (k *Kit) Faults() FaultConfig { return k.faults.config() }

// Reset clears faults and stats, then drops the provider's state (Provider.Reset,
// inside Update).
func (k *Kit) Reset() error {
	k.faults.set(FaultConfig{})
	k.stats.reset()
	return k.Update(k.p.Reset)
}
