//go:build js && wasm

// Command wasm is Ferry's upload worker: built with GOOS=js GOARCH=wasm into web/ferry.wasm
// and run by web/worker.js inside a dedicated Web Worker. It serves the page ↔ worker
// protocol of PROTOCOL.md with the engine of package engine, its seams implemented with the
// browser's APIs (package jsx).
package main

import (
	"context"
	"time"

	"github.com/ferry-upload/ferry/shared/jsonx"
	"github.com/ferry-upload/ferry/wasm/engine"
	"github.com/ferry-upload/ferry/wasm/internal/bridge"
	"github.com/ferry-upload/ferry/wasm/internal/jsx"
)

// checkpointDB is the IndexedDB database of checkpoints (per origin).
const checkpointDB = "ferry"

func main() {
	port := jsx.NewPort()
	b := bridge.New(port, newEngine)
	err := port.Serve(func(m jsx.Message, err error) {
		var msg bridge.Incoming
		if err == nil {
			err = jsonx.Decode(m.JSON, &msg)
		}
		if err != nil {
			port.Post(bridge.Fatal("InvalidRequest", "a message that does not decode: "+err.Error()))
			return
		}
		if m.File != nil {
			msg.File = m.File
		}
		b.Receive(msg)
	})
	if err != nil {
		port.Post(bridge.Fatal("WorkerFailed", err.Error()))
		return
	}
	select {} // serve until the page terminates the worker
}

// newEngine builds the engine for an "init" message, with the browser's seams: fetch for
// JSON, XMLHttpRequest with Blob bodies for parts, crypto.subtle for hashing, IndexedDB for
// checkpoints and Web Locks for ownership (memory stand-ins where an API is missing).
func newEngine(cfg bridge.ClientConfig, headers func(context.Context) (map[string]string, error), onEvent func(engine.Event)) (*engine.Engine, error) {
	fn := &engine.Function{TokenURL: cfg.TokenURL, Doer: jsx.Fetch{Credentials: cfg.Credentials}, Headers: headers,
		SpaceID: cfg.SpaceID, ClientID: cfg.ClientID, SessionID: cfg.SessionID}
	opts := cfg.Options()
	opts.StreamParts = true
	c := engine.Config{
		Options: opts,
		Tokens:  fn,
		// The token answer's mode picks one: direct tokens speak SMH, brokered ones only the
		// function's routes (their bytes go to the targets it hands out, by XHR too).
		Driver:   &engine.SMHDriver{Doer: jsx.Fetch{Credentials: "omit"}, Function: fn},
		Brokered: &engine.BrokeredDriver{Function: fn},
		Sender:   jsx.XHRSender{},
		Hasher:   jsx.SubtleHasher{},
		OnEvent:  onEvent,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if db, err := jsx.OpenIDB(ctx, checkpointDB); err == nil {
		c.Checkpoints = engine.KVStore{KV: db}
	}
	if locks, ok := jsx.NewWebLocks(); ok {
		c.Locker = locks
	}
	return engine.New(c)
}
