// Package emukit is the provider-neutral half of Ferry's local emulators of storage
// services: shared/smhemu (Tencent SMH) is built on it, and the Alibaba PDS and Gokuai
// emulators are to be. A provider emulator brings its routes, authentication, error shape
// and state; the kit brings the rest:
//
//   - the http.Handler (Kit.ServeHTTP): a request id (X-Request-Id) and CORS headers on
//     every answer, CORS preflights (Kit.Preflight), one log line per request;
//   - the test-control API under /_emulator/ (healthz, reset, faults, expire, files,
//     uploads, stats; interfaces.md §2 and §5.4), the same for every provider;
//   - fault injection: latency, "500", "503", "reset" (TCP RST; on the data plane after
//     half the body) and "stall", drawn per plane from a PRNG seeded by FaultConfig.Seed, so
//     a run can be repeated, and always before the request changes any state;
//   - request stats, each request counted before its client can see any of its answer (or
//     its connection go), a fault in the same update as its outcome, data-plane body bytes
//     by upload;
//   - persistence, in memory or in a data directory: the provider's state as state.json
//     (for a Journaled provider, plus a journal of the entries each UpdateEntries changed,
//     folded into state.json every JournalLimit records and at Close), each received part
//     of an open upload in a file of its own, blobs streamed to disk; every file written
//     to a temporary name and renamed, journal records checksummed (a torn one is
//     dropped), the state saved before each answer, so a killed process loses nothing it
//     acknowledged, and what a crash left behind swept at the next start;
//   - id generation (RandomHex, RandomAlnum, ValidID) and Redact for logs;
//   - Server: the kit behind a loopback listener or an in-memory transport, for tests.
//
// # The contract
//
// A provider implements Provider and keeps to these rules:
//
//   - Route places each request outside /_emulator/: a stats name ("METHOD /template"), a
//     plane (PlaneControl for its API, PlaneData where the bytes go), NoFault for CORS
//     preflights and unmatched requests, the upload a data-plane body counts for, and
//     Serve. The kit injects any fault before Serve runs, so handlers hold no fault logic
//     and a faulted request has changed nothing.
//   - WriteError renders every error in the service's shape, the kit's own included
//     (ErrInvalidParameter, ErrRouteNotFound, ErrMethodNotAllowed, ErrInternal,
//     ErrServiceUnavailable; map their codes if the service spells them otherwise). Errors
//     are *Error values with stable codes; clients never match messages.
//   - The state is one value that marshals as a JSON object without a "version" or
//     "journal" key (State). It changes only inside Kit.Update (or UpdateEntries, whose fn
//     names each entry it changes with Changed), which saves it before the caller answers
//     and then deletes what was released (Release for blobs, ReleaseParts for a finished
//     upload's part files), and is read under Kit.Lock. Blobs names every blob it needs.
//   - Bytes go to the blob store (WriteBlob, OpenContent), never into the state. A received
//     part of an open upload is saved with SavePart, with the state locked; Load reads the
//     state back at start and its callback reads the parts back (LoadParts). Upload keys
//     are ValidID.
//   - Reset, Expire, Files and Uploads serve the control API: Files entries carry "path",
//     "size" and "sha256" (FileEntry, or a type with more), Uploads entries "path"
//     (UploadEntry). The ?library= of files and uploads names the provider's library,
//     drive or mount.
//   - Upload counters: TrackUpload when an upload begins, grows and completes; CountStored
//     for each body kept. Expiry caps: read Faults().ExpireUploadAfter and
//     ExpireTokenAfter when issuing signatures and tokens.
//
// # Example
//
// A provider that takes one body per upload (condensed from the toy provider in this
// package's tests, which proves faults, stats, reset and persistence over real HTTP):
//
//	type memo struct {
//		kit *emukit.Kit
//		st  *memoState // guarded by kit.Lock; implements emukit.Provider with memo's methods
//	}
//
//	func newMemo(dataDir string) (*memo, error) {
//		m := &memo{st: newMemoState()}
//		k, err := emukit.New(emukit.Config{Provider: m, DataDir: dataDir, StateVersion: 1})
//		if err != nil {
//			return nil, err
//		}
//		m.kit = k
//		return m, k.Load(m.st, m.loadParts) // loadParts: kit.LoadParts per open upload
//	}
//
//	func (m *memo) Route(c *emukit.Call) (emukit.Route, error) {
//		r := c.Request()
//		if id, ok := strings.CutPrefix(r.URL.Path, "/memo/data/"); ok && r.Method == http.MethodPut {
//			return emukit.Route{Name: "PUT /memo/data/{id}", Plane: emukit.PlaneData, Upload: id,
//				Serve: func(c *emukit.Call) error { return m.put(c, id) }}, nil
//		}
//		// … the control-plane routes; OPTIONS: Serve: m.kit.Preflight, NoFault: true
//		return emukit.Route{Name: r.Method + " (unmatched)", NoFault: true}, emukit.ErrRouteNotFound
//	}
//
//	func (m *memo) put(c *emukit.Call, id string) error {
//		ref, err := m.kit.WriteBlob(c.Body(), c.Request().ContentLength)
//		if err != nil {
//			return errBadBody // an *emukit.Error of the memo service
//		}
//		err = m.kit.Update(func() error {
//			p := &emukit.Part{Number: 1, Blob: ref, Modified: time.Now()}
//			if err := m.kit.SavePart(id, p); err != nil {
//				m.kit.RemoveBlob(ref.ID)
//				return err
//			}
//			// … keep p in m.st, Release the part it replaces, CountStored(id, ref.Size)
//			return nil
//		})
//		if err != nil {
//			return err
//		}
//		return c.Empty(http.StatusOK) // only once the state is saved
//	}
//
// It is then served with emukit.NewServer(m.kit) in tests, or m.kit as the http.Handler
// of scripts/emulator.
package emukit
