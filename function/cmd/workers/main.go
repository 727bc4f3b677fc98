//go:build js && wasm

// Command workers is the token function on Cloudflare Workers (syumai/workers). It is
// built by scripts/build-workers (wrangler.toml runs it). Variables and secrets come from
// the Worker's env. Each request runs in a fresh instance, so the JWKS cache and the rate
// limit last one request; webhooks are delivered with waitUntil after the answer.
package main

import (
	"log/slog"
	"net/http"
	"os"
	"sync"

	"github.com/syumai/workers"

	"github.com/ferry-upload/ferry/function"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	var bg sync.WaitGroup
	h, err := build(logger, &bg)
	if err != nil {
		logger.Error(err.Error())
		h = misconfigured()
	}
	workers.ServeNonBlock(h)
	workers.Ready()
	<-workers.Done()
	bg.Wait() // the instance ends when main returns: finish waitUntil work first
}

func build(logger *slog.Logger, bg *sync.WaitGroup) (http.Handler, error) {
	cfg, err := function.ConfigFromLookup(getenv)
	if err != nil {
		return nil, err
	}
	cfg.Logger = logger
	// Go's own js/wasm transport over fetch: it honours context deadlines (AbortController),
	// which the bounded JWKS fetch and the upstream timeout rely on. It works on workerd
	// thanks to the wasm_exec.js patch of scripts/build-workers (fetch bound to globalThis).
	cfg.HTTPClient = &http.Client{Transport: http.DefaultTransport}
	cfg.Background = func(task func()) {
		bg.Add(1)
		waitUntil(func() { defer bg.Done(); task() })
	}
	return function.New(cfg)
}

// misconfigured answers every request with 500 when the configuration was refused; the
// reason is in the Worker's log, not in the answer.
func misconfigured() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte(`{"code":"Internal","message":"the token function is misconfigured; see its log","requestId":""}` + "\n"))
	})
}
