//go:build js && wasm

package main

import "syscall/js"

// The Worker's runtime context ({env, ctx}) that syumai/workers' worker.mjs hands the Go
// instance. Reading it here, instead of through package cloudflare, keeps that package's
// KV and R2 bindings out of a bundle that has little room below the 3 MiB limit.
var runtimeContext = js.Global().Get("context")

// getenv reads a variable or secret of the Worker; unset and empty are the same.
func getenv(name string) (string, bool) {
	env := runtimeContext.Get("env")
	if env.Type() != js.TypeObject {
		return "", false
	}
	v := env.Get(name)
	if v.Type() != js.TypeString || v.String() == "" {
		return "", false
	}
	return v.String(), true
}

// waitUntil runs task after the answer, keeping the request's lifetime open until it
// ends (ExecutionContext.waitUntil).
func waitUntil(task func()) {
	var cb js.Func
	cb = js.FuncOf(func(this js.Value, args []js.Value) any {
		resolve := args[0]
		go func() {
			defer cb.Release()
			task()
			resolve.Invoke(js.Undefined())
		}()
		return js.Undefined()
	})
	runtimeContext.Get("ctx").Call("waitUntil", js.Global().Get("Promise").New(cb))
}
