package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	libs := filepath.Join(t.TempDir(), "libs.json")
	os.WriteFile(libs, []byte(`[{"id":"mylib","secret":"mysecret","kind":"file"}]`), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	var out, logs bytes.Buffer
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-data", t.TempDir(), "-libraries", libs}, &out, &logs, func(u string) { ready <- u })
	}()
	var base string
	select {
	case base = <-ready:
	case err := <-done:
		t.Fatal(err)
	case <-time.After(10 * time.Second):
		t.Fatal("not listening")
	}
	resp, err := http.Get(base + "/_emulator/healthz")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != `{"ok":true}` {
		t.Fatalf("healthz %s", b)
	}
	resp, err = http.Get(base + "/api/v1/token?library_id=mylib&library_secret=mysecret")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("token: %v %v", resp, err)
	}
	resp.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "library mylib: file library, single-tenant") || strings.Contains(out.String()+logs.String(), "mysecret") {
		t.Fatalf("output:\n%s\nlogs:\n%s", out.String(), logs.String())
	}
}

func TestRunBadFlags(t *testing.T) {
	var out, logs bytes.Buffer
	if err := run(context.Background(), []string{"-libraries", "/no/such/file"}, &out, &logs, nil); err == nil {
		t.Fatal("a missing library file was accepted")
	}
	if err := run(context.Background(), []string{"-nope"}, &out, &logs, nil); err == nil {
		t.Fatal("an unknown flag was accepted")
	}
}

// TestMain lets a test run the command itself (main, exit status included) in a child
// process of the test binary.
func TestMain(m *testing.M) {
	if os.Getenv("FERRY_EMULATOR_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestProvider: -provider smh serves SMH; pds and gokuai, whose emulators do not exist
// yet, and unknown names fail at start, before listening.
func TestProvider(t *testing.T) {
	for _, c := range []struct {
		provider string
		planned  bool
	}{{"pds", true}, {"gokuai", true}, {"s3", false}, {"", false}, {"SMH", false}} {
		var out, logs bytes.Buffer
		err := run(context.Background(), []string{"-provider", c.provider, "-addr", "256.0.0.1:0"}, &out, &logs, func(string) {
			t.Errorf("-provider %q listened", c.provider)
		})
		var pe *providerError
		require.ErrorAs(t, err, &pe, "-provider %q", c.provider)
		require.Equal(t, c.provider, pe.provider)
		require.Equal(t, c.planned, pe.planned, "-provider %q", c.provider)
		require.Empty(t, out.String())
	}

	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	var out, logs bytes.Buffer
	go func() {
		done <- run(ctx, []string{"-provider", "smh", "-addr", "127.0.0.1:0"}, &out, &logs, func(u string) { ready <- u })
	}()
	var base string
	select {
	case base = <-ready:
	case err := <-done:
		t.Fatal(err)
	case <-time.After(time.Minute):
		t.Fatal("not listening")
	}
	resp, err := http.Get(base + "/api/v1/token?library_id=smhdev&library_secret=devsecret")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	cancel()
	require.NoError(t, <-done)
}

// TestProviderNotYetExitStatus runs the command: pds and gokuai exit with status 1 and a
// message that says their emulator does not exist yet.
func TestProviderNotYetExitStatus(t *testing.T) {
	for _, p := range []string{"pds", "gokuai"} {
		cmd := exec.Command(os.Args[0], "-provider", p, "-addr", "127.0.0.1:0")
		cmd.Env = append(os.Environ(), "FERRY_EMULATOR_TEST_MAIN=1")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, "-provider %s: %s", p, stderr.String())
		require.Equal(t, 1, exit.ExitCode())
		require.Equal(t, "emulator: the "+p+" emulator does not exist yet; only -provider smh runs today\n", stderr.String())
		require.Empty(t, stdout.String())
	}
}
