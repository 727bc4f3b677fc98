// Package local serves the token function as a plain net/http server with the timeouts a
// public server needs, and runs background work (webhook delivery) in goroutines that a
// graceful shutdown waits for.
package local

import (
	"net/http"
	"sync"
	"time"
)

// Server returns an *http.Server for h on addr.
func Server(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    32 << 10,
	}
}

// Background runs tasks in goroutines; Wait blocks until all have finished.
type Background struct{ wg sync.WaitGroup }

// Go runs task in a goroutine.
func (b *Background) Go(task func()) { b.wg.Go(task) }

// Wait waits for every task started with Go.
func (b *Background) Wait() { b.wg.Wait() }
