// Command emulator serves a local emulator of a storage provider:
//
//	go run ./scripts/emulator [-provider smh|pds|gokuai] -addr 127.0.0.1:9100 [-data DIR] [-v]
//	    [-libraries FILE] (smh) [-pds-jwt-public-key FILE] (pds)
//
// -provider picks the service, smh by default: the SMH emulator of shared/smhemu (whose
// libraries -libraries replaces), the Alibaba PDS emulator of shared/pdsemu (whose JWT app's
// public key -pds-jwt-public-key names: without it every JWT-bearer assertion is refused), or
// the Gokuai emulator of shared/gokuaiemu. Without -data all state is in memory; with it,
// everything survives a restart. -v logs every request.
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

	"github.com/ferry-upload/ferry/shared/gokuaiemu"
	"github.com/ferry-upload/ferry/shared/pdsemu"
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
	pdsKey := fs.String("pds-jwt-public-key", "", "pds: PEM file of the JWT app's RSA public key")
	verbose := fs.Bool("v", false, "log every request")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := checkProvider(*provider); err != nil {
		return err
	}
	if *libFile != "" && *provider != "smh" || *pdsKey != "" && *provider != "pds" {
		return fmt.Errorf("-libraries is for -provider smh and -pds-jwt-public-key for -provider pds")
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelInfo
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	emu, describe, err := build(*provider, *data, *libFile, *pdsKey, logger)
	if err != nil {
		return err
	}
	defer emu.Close()
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	base := "http://" + l.Addr().String()
	where := "in memory"
	if *data != "" {
		where = "data in " + *data
	}
	describe(stdout, base, where)
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

// providerError is run's error for a -provider it does not know.
type providerError struct{ provider string }

func (e *providerError) Error() string {
	return fmt.Sprintf("unknown provider %q: use smh, pds or gokuai", e.provider)
}

func checkProvider(p string) error {
	switch p {
	case "smh", "pds", "gokuai":
		return nil
	}
	return &providerError{provider: p}
}

// emulator is what every provider's emulator is to this command.
type emulator interface {
	http.Handler
	Close() error
}

// build makes the provider's emulator and the function that prints where it listens.
func build(provider, data, libFile, pdsKey string, logger *slog.Logger) (emulator, func(w io.Writer, base, where string), error) {
	switch provider {
	case "pds":
		opts := pdsemu.Options{DataDir: data, Logger: logger}
		if pdsKey != "" {
			pem, err := os.ReadFile(pdsKey)
			if err != nil {
				return nil, nil, err
			}
			opts.JWTPublicKeyPEM = pem
		}
		e, err := pdsemu.New(opts)
		return e, func(w io.Writer, base, where string) { describePDS(w, base, where, pdsKey != "") }, err
	case "gokuai":
		e, err := gokuaiemu.New(gokuaiemu.Options{DataDir: data, Logger: logger})
		return e, describeGokuai, err
	}
	opts := smhemu.Options{DataDir: data, Logger: logger}
	if libFile != "" {
		libs, err := smhemu.LoadLibraries(libFile)
		if err != nil {
			return nil, nil, err
		}
		opts.Libraries = libs
	}
	e, err := smhemu.New(opts)
	return e, func(w io.Writer, base, where string) { describeSMH(w, base, where, opts.Libraries) }, err
}

func describePDS(w io.Writer, base, where string, key bool) {
	fmt.Fprintf(w, "PDS emulator on %s (%s)\n", base, where)
	fmt.Fprintf(w, "  domain %s; JWT app %s (%s); web app %s / %s, loopback redirect URIs\n", pdsemu.DevDomainID,
		pdsemu.DevJWTClientID, map[bool]string{true: "public key given", false: "no public key: assertions refused"}[key],
		pdsemu.DevWebClientID, pdsemu.DevWebClientSecret)
	fmt.Fprintf(w, "  API %s/v2/  test control %s/_emulator/healthz\n", base, base)
}

func describeGokuai(w io.Writer, base, where string) {
	fmt.Fprintf(w, "Gokuai emulator on %s (%s)\n", base, where)
	fmt.Fprintf(w, "  enterprise %s / %s; library %s (org_id %d); members dev-user, alice, bob\n", gokuaiemu.DevClientID,
		gokuaiemu.DevClientSecret, gokuaiemu.DevLibraryName, gokuaiemu.DevOrgID)
	fmt.Fprintf(w, "  API %s%s/  test control %s/_emulator/healthz\n", base, gokuaiemu.APIPrefix, base)
}

func describeSMH(w io.Writer, base, where string, libs []smhemu.Library) {
	if libs == nil {
		libs = smhemu.DefaultLibraries()
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
