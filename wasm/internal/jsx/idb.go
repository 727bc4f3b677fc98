//go:build js && wasm

package jsx

import (
	"context"
	"errors"

	"github.com/hack-pad/safejs"

	"github.com/ferry-upload/ferry/wasm/engine"
)

// checkpointStore is the object store that holds checkpoints (JSON strings by id).
const checkpointStore = "checkpoints"

// IDB is an engine.KV over an IndexedDB database, written directly over safejs: it needs
// four requests, and github.com/hack-pad/go-indexeddb (with the log package it pulls in) would
// add about 40 KB gzip to ferry.wasm.
type IDB struct{ db safejs.Value }

var _ engine.KV = (*IDB)(nil)

// ErrNoIndexedDB reports a context without IndexedDB (Node, some private modes).
var ErrNoIndexedDB = errors.New("jsx: IndexedDB is not available")

// OpenIDB opens (creating it when needed) the database name with its checkpoint store.
func OpenIDB(ctx context.Context, name string) (*IDB, error) {
	f, err := global("indexedDB")
	if err != nil || f.IsUndefined() || f.IsNull() {
		return nil, ErrNoIndexedDB
	}
	req, err := f.Call("open", name, 1)
	if err != nil {
		return nil, err
	}
	upgrade, err := safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
		db, err := req.Get("result")
		if err != nil {
			return nil
		}
		names, _ := db.Get("objectStoreNames")
		if has, err := names.Call("contains", checkpointStore); err == nil {
			if ok, _ := has.Bool(); ok {
				return nil
			}
		}
		_, _ = db.Call("createObjectStore", checkpointStore)
		return nil
	})
	if err != nil {
		return nil, err
	}
	defer upgrade.Release()
	if err := req.Set("onupgradeneeded", upgrade); err != nil {
		return nil, err
	}
	if _, err := wait(ctx, req, "success", "error", "blocked"); err != nil {
		return nil, err
	}
	db, err := req.Get("result")
	if err != nil {
		return nil, err
	}
	return &IDB{db: db}, nil
}

// wait waits for one of target's events: ok ends it well (target.result is the outcome),
// any of fail with target.error. Handlers are set as on<event> properties and removed.
func wait(ctx context.Context, target safejs.Value, ok string, fail ...string) (safejs.Value, error) {
	type outcome struct {
		event string
	}
	ch := make(chan outcome, 1)
	var funcs []safejs.Func
	defer func() {
		for _, ev := range append([]string{ok}, fail...) {
			_ = target.Set("on"+ev, safejs.Null())
		}
		for _, f := range funcs {
			f.Release()
		}
	}()
	for _, ev := range append([]string{ok}, fail...) {
		f, err := safejs.FuncOf(func(safejs.Value, []safejs.Value) any {
			select {
			case ch <- outcome{event: ev}:
			default:
			}
			return nil
		})
		if err != nil {
			return safejs.Value{}, err
		}
		funcs = append(funcs, f)
		if err := target.Set("on"+ev, f); err != nil {
			return safejs.Value{}, err
		}
	}
	select {
	case <-ctx.Done():
		return safejs.Value{}, ctx.Err()
	case o := <-ch:
		if o.event == ok {
			if r, err := target.Get("result"); err == nil {
				return r, nil
			}
			return safejs.Undefined(), nil
		}
		if e, err := target.Get("error"); err == nil && !e.IsNull() && !e.IsUndefined() {
			return safejs.Value{}, errorFrom(e)
		}
		return safejs.Value{}, &JSError{Name: "IndexedDBError", Message: o.event}
	}
}

// store opens a transaction on the checkpoint store.
func (s *IDB) store(mode string) (tx, st safejs.Value, err error) {
	if tx, err = s.db.Call("transaction", checkpointStore, mode); err != nil {
		return
	}
	st, err = tx.Call("objectStore", checkpointStore)
	return
}

func (s *IDB) Get(ctx context.Context, key string) (string, bool, error) {
	_, st, err := s.store("readonly")
	if err != nil {
		return "", false, err
	}
	req, err := st.Call("get", key)
	if err != nil {
		return "", false, err
	}
	v, err := wait(ctx, req, "success", "error")
	if err != nil || v.Type() != safejs.TypeString {
		return "", false, err
	}
	str, err := v.String()
	return str, err == nil, err
}

// write runs one request in a readwrite transaction and waits for it to commit.
func (s *IDB) write(ctx context.Context, method string, args ...any) error {
	tx, st, err := s.store("readwrite")
	if err != nil {
		return err
	}
	if _, err := st.Call(method, args...); err != nil {
		return err
	}
	_, err = wait(ctx, tx, "complete", "error", "abort")
	return err
}

func (s *IDB) Put(ctx context.Context, key, value string) error {
	return s.write(ctx, "put", value, key)
}

func (s *IDB) Delete(ctx context.Context, key string) error {
	return s.write(ctx, "delete", key)
}

func (s *IDB) Values(ctx context.Context) ([]string, error) {
	_, st, err := s.store("readonly")
	if err != nil {
		return nil, err
	}
	req, err := st.Call("getAll")
	if err != nil {
		return nil, err
	}
	arr, err := wait(ctx, req, "success", "error")
	if err != nil {
		return nil, err
	}
	n, err := arr.Length()
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, n)
	for i := range n {
		v, err := arr.Index(i)
		if err == nil && v.Type() == safejs.TypeString {
			if s, err := v.String(); err == nil {
				out = append(out, s)
			}
		}
	}
	return out, nil
}
