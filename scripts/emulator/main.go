// Command emulator serves a local emulator of a storage provider:
//
//	go run ./scripts/emulator [-provider smh|pds|gokuai] -addr 127.0.0.1:9100 [-data DIR] [-libraries FILE] [-v]
//
// -provider picks the service, smh by default: the SMH emulator of shared/smhemu, whose
// libraries -libraries replaces. The Alibaba PDS and Gokuai emulators do not exist yet:
// asking for one fails at start (exit status 1) and says so. Without -data all state is in
// memory; with it, everything survives a restart. -v logs every request.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/ferry-upload/ferry/shared/smhemu"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "emulator:", err)
		os.Exit(1)
	}
}

// run serves until ctx ends; ready (if set) receives the base URL once listening.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, ready func(url string)) error {
	fs := flag.NewFlagSet("emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	provider := fs.String("provider", "smh", "the service to emulate: smh, pds or gokuai")
	addr := fs.String("addr", "127.0.0.1:9100", "address to listen on")
	data := fs.String("data", "", "directory for persistent state (default: in memory)")
	libFile := fs.String("libraries", "", "smh: JSON file of libraries (default: smhdev and smhmedia)")
	verbose := fs.Bool("v", false, "log every request")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := checkProvider(*provider); err != nil {
		return err
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelInfo
	}
	opts := smhemu.Options{DataDir: *data, Logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))}
	if *libFile != "" {
		libs, err := smhemu.LoadLibraries(*libFile)
		if err != nil {
			return err
		}
		opts.Libraries = libs
	}
	emu, err := smhemu.New(opts)
	if err != nil {
		return err
	}
	defer emu.Close()
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	base := "http://" + l.Addr().String()
	describe(stdout, base, *data, opts.Libraries)
	srv := &http.Server{Handler: emu, ReadHeaderTimeout: 30 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	if ready != nil {
		ready(base)
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	emu.Close() // ends stalled requests
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// providerError is run's error for a -provider it cannot serve: one of Ferry's providers
// whose emulator does not exist yet, or a name it does not know.
type providerError struct {
	provider string
	planned  bool // pds or gokuai: its emulator is still to be written
}

func (e *providerError) Error() string {
	if e.planned {
		return fmt.Sprintf("the %s emulator does not exist yet; only -provider smh runs today", e.provider)
	}
	return fmt.Sprintf("unknown provider %q: use smh, pds or gokuai", e.provider)
}

func checkProvider(p string) error {
	switch p {
	case "smh":
		return nil
	case "pds", "gokuai":
		return &providerError{provider: p, planned: true}
	}
	return &providerError{provider: p}
}

func describe(w io.Writer, base, data string, libs []smhemu.Library) {
	if libs == nil {
		libs = smhemu.DefaultLibraries()
	}
	where := "in memory"
	if data != "" {
		where = "data in " + data
	}
	fmt.Fprintf(w, "SMH emulator on %s (%s)\n", base, where)
	for _, l := range libs {
		mode := "single-tenant, space -"
		if l.MultiTenant {
			mode = "multi-tenant, spaces " + strings.Join(l.Spaces, ",")
		}
		kind := l.Kind + " library"
		if l.Kind == smhemu.KindMedia && l.MultiAlbum {
			kind += " (multi-album)"
		}
		fmt.Fprintf(w, "  library %s: %s, %s\n", l.ID, kind, mode)
	}
	fmt.Fprintf(w, "  API %s/api/v1/  test control %s/_emulator/healthz\n", base, base)
}
