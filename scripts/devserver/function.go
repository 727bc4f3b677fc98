package main

import (
	"log/slog"
	"net/http"
	"os"

	"github.com/ferry-upload/ferry/function"
)

// inProcessFunction runs the token function inside the dev server, configured from the
// environment (SMH_API_BASE, SMH_LIBRARY_ID, SMH_LIBRARY_SECRET, DEV_MODE, AUTH_MODE,
// ALLOWED_ORIGINS, POLICY, …: the names every adapter reads).
func inProcessFunction() (http.Handler, error) {
	cfg, err := function.ConfigFromLookup(os.LookupEnv)
	if err != nil {
		return nil, err
	}
	cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	cfg.Background = func(task func()) { go task() }
	return function.New(cfg)
}
