package pdsemu

import (
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// Emulator is the emulated PDS domain as an http.Handler: the API under /v2/, the OSS-like
// data plane under /_oss/ and the test-control API under /_emulator/. It is the PDS half
// of an emulator built on shared/emukit.
type Emulator struct {
	cfg config
	now func() time.Time
	log *slog.Logger
	kit *emukit.Kit
	st  *state // guarded by kit.Lock
}

// stateVersion is the version of state.json this emulator reads and writes.
const stateVersion = 1

// pdsCORS: the API and the OSS bucket behind it both allow cross-origin requests; clients
// read ETag and the CRC of each part (the official SDK fails without ETag exposed).
var pdsCORS = emukit.CORS{
	Methods: []string{"GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"},
	Expose: []string{"ETag", "x-oss-hash-crc64ecma", "x-oss-request-id", "x-ca-request-id", "X-Request-Id",
		"Content-Length", "Location", "Retry-After"},
	Headers:        []string{"authorization", "content-type", "content-md5", "x-share-token", "cache-control"},
	HeaderPrefixes: []string{"x-oss-", "x-ca-"},
}

// New builds an Emulator. With opts.DataDir it loads the state a previous Emulator left
// there (or starts a new one).
func New(opts Options) (*Emulator, error) {
	cfg, err := opts.config()
	if err != nil {
		return nil, err
	}
	e := &Emulator{cfg: cfg, now: opts.Now, log: opts.Logger}
	if e.now == nil {
		e.now = time.Now
	}
	if e.log == nil {
		e.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	kit, err := emukit.New(emukit.Config{Provider: provider{e}, DataDir: opts.DataDir, StateVersion: stateVersion,
		Logger: e.log, CORS: pdsCORS})
	if err != nil {
		return nil, err
	}
	e.kit, e.st = kit, newState()
	if err := kit.Load(e.st, e.loadedLocked); err != nil {
		return nil, err
	}
	return e, nil
}

// loadedLocked completes a state read from state.json: missing maps and the received
// parts of open uploads.
func (e *Emulator) loadedLocked() error {
	e.st.fill()
	for id, u := range e.st.Uploads {
		parts, err := e.kit.LoadParts(id)
		if err != nil {
			return err
		}
		u.Parts = parts
	}
	return nil
}

// Close ends pending stalls and flushes the state to disk. The Emulator must not be used
// afterwards.
func (e *Emulator) Close() error { return e.kit.Close() }

// Kit is the emulator kit serving this emulator (scripts/emulator serves it).
func (e *Emulator) Kit() *emukit.Kit { return e.kit }

// ServeHTTP serves the API, the data plane and the test-control routes.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) { e.kit.ServeHTTP(w, r) }

// DomainID is the domain the emulator serves (the aud of assertions).
func (e *Emulator) DomainID() string { return e.cfg.domain }
