//go:build !js

// The native twin of the Workers entry point: the same handler on a plain HTTP server
// ($PORT, default 9900), so go build and go vet work on the host and the Workers
// configuration can be tried without wrangler.
package main

import (
	"log/slog"
	"os"

	"github.com/syumai/workers"

	"github.com/ferry-upload/ferry/function"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	cfg, err := function.ConfigFromLookup(os.LookupEnv)
	if err != nil {
		logger.Error(err.Error())
		os.Exit(1)
	}
	cfg.Logger = logger
	h, err := function.New(cfg)
	if err != nil {
		logger.Error(err.Error())
		os.Exit(1)
	}
	workers.Serve(h)
}
