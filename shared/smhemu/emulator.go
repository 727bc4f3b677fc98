package smhemu

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// Emulator is the emulated service as an http.Handler: the SMH API under /api/v1/, the
// data plane under /cos/ and the test-control API under /_emulator/.
type Emulator struct {
	libs  map[string]Library
	order []string // library ids in configuration order
	now   func() time.Time
	log   *slog.Logger
	store blobStore
	disk  *persister // nil in memory

	mu sync.Mutex // guards st and the pending lists
	st *state
	// Blobs and part files to delete once the state that no longer needs them is saved.
	pendingBlobs []blobRef
	pendingParts []string

	faults  faultEngine
	stats   statsRecorder
	stalled atomic.Int64 // connections that stalls hold now (tests wait on it)

	done      chan struct{} // closed by Close: ends stalls and injected latency
	closeOnce sync.Once

	handlers map[op]func(*call) error
}

// New builds an Emulator. With opts.DataDir it loads the state a previous Emulator left
// there (or starts a new one).
func New(opts Options) (*Emulator, error) {
	libs := opts.Libraries
	if libs == nil {
		libs = DefaultLibraries()
	}
	if err := validateLibraries(libs); err != nil {
		return nil, err
	}
	e := &Emulator{libs: map[string]Library{}, now: opts.Now, log: opts.Logger, done: make(chan struct{})}
	for _, l := range libs {
		e.libs[l.ID] = l
		e.order = append(e.order, l.ID)
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.log == nil {
		e.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	e.stats.reset()
	e.handlers = e.handlerTable()
	if opts.DataDir == "" {
		e.store = newStoreMem()
		e.st = newState()
	} else {
		dir, err := filepath.Abs(opts.DataDir)
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
		e.store, e.disk = ds, &persister{dir: dir}
		if e.st, err = e.disk.load(e.store); err != nil {
			return nil, err
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.ensureSpaces()
	if err := e.saveLocked(); err != nil {
		return nil, err
	}
	return e, nil
}

// ensureSpaces creates the space "-" of single-tenant libraries and the configured spaces
// of multi-tenant ones, and forgets libraries no longer configured (their bytes are swept
// at the next start).
func (e *Emulator) ensureSpaces() {
	for id := range e.st.Libraries {
		if _, ok := e.libs[id]; !ok {
			delete(e.st.Libraries, id)
		}
	}
	for ck, u := range e.st.Uploads {
		if _, ok := e.libs[u.Library]; !ok {
			delete(e.st.Uploads, ck)
			delete(e.st.objects, u.ObjectKey)
		}
	}
	for v, t := range e.st.Tokens {
		if _, ok := e.libs[t.Library]; !ok {
			delete(e.st.Tokens, v)
		}
	}
	for _, id := range e.order {
		l := e.libs[id]
		ls := e.st.Libraries[id]
		if ls == nil {
			ls = &libState{Spaces: map[string]*space{}}
			e.st.Libraries[id] = ls
		}
		want := l.Spaces
		if !l.MultiTenant {
			want = []string{"-"}
		}
		for _, s := range want {
			if ls.Spaces[s] == nil {
				ls.Spaces[s] = &space{ID: s, Created: e.now(), MultiAlbum: l.MultiAlbum, Nodes: map[string]*node{}}
			}
		}
	}
}

// Close ends pending stalls and flushes the state to disk. The Emulator must not be used
// afterwards.
func (e *Emulator) Close() error {
	e.closeOnce.Do(func() { close(e.done) })
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.saveLocked()
}

// update runs fn with the state locked and then persists it (with a DataDir), so that
// whatever fn changed is on disk before the caller answers.
func (e *Emulator) update(fn func() error) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	err := fn()
	if serr := e.saveLocked(); serr != nil {
		e.log.Error("saving state", "err", serr)
		// Delete nothing now: an orphan (swept at the next start) beats a state that
		// points at deleted bytes.
		e.pendingBlobs, e.pendingParts = nil, nil
		if err == nil {
			err = serr
		}
		return err
	}
	e.collectLocked()
	return err
}

func (e *Emulator) saveLocked() error {
	if e.disk == nil {
		return nil
	}
	return e.disk.saveState(e.st)
}

// ServeHTTP serves the API, the data plane and the test-control routes.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	c := &call{w: &statusWriter{ResponseWriter: w}, r: r, id: newRequestID(), body: r.Body}
	rt, perr := parseRoute(r.Method, r.URL.EscapedPath(), r.URL.RawQuery)
	c.rt = rt
	if rt.plane != planeTest {
		c.w.record = func(outcome string, injected bool) { e.stats.request(rt.name, outcome, injected) }
	}
	h := w.Header()
	h.Set("X-Request-Id", c.id)
	if rt.plane == planeData {
		h.Set("x-cos-request-id", c.id)
		c.body = e.countBody(r.Body, rt)
	}
	setCORS(h, r)
	defer e.finish(c, start)
	if rt.op == opPreflight {
		e.preflight(c)
		return
	}
	if rt.plane != planeTest && rt.op != opUnmatched && e.injectFault(c) {
		return
	}
	err := perr
	if err == nil {
		err = e.dispatch(c)
	}
	if err != nil {
		e.writeError(c, err)
	}
}

func (e *Emulator) finish(c *call, start time.Time) {
	c.w.commit() // a handler that wrote nothing: net/http answers 200 once it returns
	e.log.Info("request", "method", c.r.Method, "route", c.rt.name, "status", c.w.outcome(),
		"requestId", c.id, "duration", time.Since(start).Round(time.Microsecond))
}

func (e *Emulator) handlerTable() map[op]func(*call) error {
	return map[op]func(*call) error{
		opTokenCreate:       e.tokenCreate,
		opTokenRenew:        e.tokenRenew,
		opTokenDelete:       e.tokenDelete,
		opTokenDeleteByUser: e.tokenDeleteByUser,
		opSpaceCreate:       e.spaceCreate,
		opSpaceList:         e.spaceList,
		opSpaceDelete:       e.spaceDelete,
		opDirCreate:         e.dirCreate,
		opDirList:           e.dirList,
		opDirInfo:           e.dirInfo,
		opDirHead:           e.dirHead,
		opDirDelete:         e.dirDelete,
		opBeginSimple:       e.begin,
		opBeginMultipart:    e.begin,
		opUploadRenew:       e.uploadRenew,
		opUploadState:       e.uploadState,
		opUploadConfirm:     e.uploadConfirm,
		opUploadCancel:      e.uploadCancel,
		opFileInfo:          e.fileInfo,
		opFileDownload:      e.fileDownload,
		opFileHead:          e.fileHead,
		opFileDelete:        e.fileDelete,
		opDataPut:           e.dataPut,
		opDataPartPut:       e.dataPut,
		opDataGet:           e.dataGet,
		opTestHealthz:       e.testHealthz,
		opTestReset:         e.testReset,
		opTestFaults:        e.testFaults,
		opTestExpire:        e.testExpire,
		opTestFiles:         e.testFiles,
		opTestUploads:       e.testUploads,
		opTestStats:         e.testStats,
	}
}

func (e *Emulator) dispatch(c *call) error {
	if h, ok := e.handlers[c.rt.op]; ok {
		return h(c)
	}
	return errors.New("smhemu: no handler for " + c.rt.name)
}
