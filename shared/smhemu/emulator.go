package smhemu

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// Emulator is the emulated service as an http.Handler: the SMH API under /api/v1/, the
// data plane under /cos/ and the test-control API under /_emulator/. It is the SMH half
// of an emulator built on shared/emukit, which serves the test-control API, injects
// faults, counts stats and persists the state.
type Emulator struct {
	libs  map[string]Library
	order []string // library ids in configuration order
	now   func() time.Time
	log   *slog.Logger
	kit   *emukit.Kit
	st    *state // guarded by kit.Lock

	handlers map[op]func(*call) error
}

// stateVersion is the version of state.json this emulator reads and writes.
const stateVersion = 1

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
	e := &Emulator{libs: map[string]Library{}, now: opts.Now, log: opts.Logger}
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
	e.handlers = e.handlerTable()
	kit, err := emukit.New(emukit.Config{Provider: provider{e}, DataDir: opts.DataDir, StateVersion: stateVersion,
		Logger: e.log, CORS: smhCORS})
	if err != nil {
		return nil, err
	}
	e.kit, e.st = kit, newState()
	if err := kit.Load(e.st, e.loadedLocked); err != nil {
		return nil, err
	}
	if err := kit.Update(func() error { e.ensureSpaces(); return nil }); err != nil {
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
func (e *Emulator) Close() error { return e.kit.Close() }

// ServeHTTP serves the API, the data plane and the test-control routes.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) { e.kit.ServeHTTP(w, r) }

func (e *Emulator) handlerTable() map[op]func(*call) error {
	return map[op]func(*call) error{
		opPreflight:         e.preflight,
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
	}
}

func (e *Emulator) dispatch(c *call) error {
	if h, ok := e.handlers[c.rt.op]; ok {
		return h(c)
	}
	return errors.New("smhemu: no handler for " + c.rt.name)
}
