// Command local serves the token function as a plain HTTP server on ADDR (default
// 127.0.0.1:8080), configured by the environment variables of the README's table.
package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/ferry-upload/ferry/function"
	"github.com/ferry-upload/ferry/function/internal/local"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	cfg, err := function.ConfigFromLookup(os.LookupEnv)
	if err != nil {
		fatal(logger, err)
	}
	var bg local.Background
	cfg.Logger, cfg.Background = logger, bg.Go
	h, err := function.New(cfg)
	if err != nil {
		fatal(logger, err)
	}
	addr := os.Getenv("ADDR")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	srv := local.Server(addr, h)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	logger.Info("token function listening", "addr", "http://"+addr, "devMode", cfg.DevMode)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fatal(logger, err)
	}
	bg.Wait() // deliver pending webhooks before exiting
}

func fatal(l *slog.Logger, err error) {
	l.Error(err.Error())
	os.Exit(1)
}
