//go:build js && wasm

package jsx

import (
	"context"
	"sync"

	"github.com/hack-pad/safejs"
)

// Await waits for a promise (or a plain value, returned as is) without blocking JavaScript:
// the callbacks only hand the outcome to a channel. When ctx ends first, Await returns and the
// callbacks are released once the promise settles.
func Await(ctx context.Context, p safejs.Value) (safejs.Value, error) {
	if p.Type() != safejs.TypeObject && p.Type() != safejs.TypeFunction {
		return p, nil
	}
	then, err := p.Get("then")
	if err != nil || then.Type() != safejs.TypeFunction {
		return p, err
	}
	type outcome struct {
		v   safejs.Value
		err error
	}
	ch := make(chan outcome, 1)
	var onOK, onErr safejs.Func
	var once sync.Once
	release := func() {
		once.Do(func() {
			onOK.Release()
			onErr.Release()
		})
	}
	onOK, err = safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		v := safejs.Undefined()
		if len(args) > 0 {
			v = args[0]
		}
		ch <- outcome{v: v}
		release()
		return nil
	})
	if err != nil {
		return safejs.Value{}, err
	}
	onErr, err = safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		reason := safejs.Undefined()
		if len(args) > 0 {
			reason = args[0]
		}
		ch <- outcome{err: errorFrom(reason)}
		release()
		return nil
	})
	if err != nil {
		onOK.Release()
		return safejs.Value{}, err
	}
	if _, err := p.Call("then", onOK, onErr); err != nil {
		release()
		return safejs.Value{}, err
	}
	select {
	case o := <-ch:
		return o.v, o.err
	case <-ctx.Done():
		return safejs.Value{}, ctx.Err()
	}
}

// newPromise returns a pending promise and the function that resolves it.
func newPromise() (promise safejs.Value, resolve safejs.Value, err error) {
	exec, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
		if len(args) > 0 {
			resolve = args[0]
		}
		return nil
	})
	if err != nil {
		return promise, resolve, err
	}
	defer exec.Release()
	promise, err = construct("Promise", exec) // the executor runs now, synchronously
	return promise, resolve, err
}
