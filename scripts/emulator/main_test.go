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

// TestProvider: unknown names fail at start, before listening; smh, pds and gokuai each
// serve their API (answering in their own shapes) and the shared /_emulator/ API.
func TestProvider(t *testing.T) {
	for _, p := range []string{"s3", "", "SMH"} {
		var out, logs bytes.Buffer
		err := run(context.Background(), []string{"-provider", p, "-addr", "256.0.0.1:0"}, &out, &logs, func(string) {
			t.Errorf("-provider %q listened", p)
		})
		var pe *providerError
		require.ErrorAs(t, err, &pe, "-provider %q", p)
		require.Equal(t, p, pe.provider)
		require.Empty(t, out.String())
	}
	var out, logs bytes.Buffer
	err := run(context.Background(), []string{"-provider", "gokuai", "-libraries", "x.json"}, &out, &logs, nil)
	require.ErrorContains(t, err, "-libraries is for -provider smh")

	for _, c := range []struct {
		provider, method, path, body, banner string
		status                               int
		want                                 string // in the answer body
	}{
		{"smh", "GET", "/api/v1/token?library_id=smhdev&library_secret=devsecret", "", "SMH emulator on", 200, "accessToken"},
		{"pds", "POST", "/v2/oauth/token", "grant_type=password", "PDS emulator on", 400, `"code":`},
		{"gokuai", "POST", "/m-open/1/org/ls", "client_id=gkdev&dateline=1&sign=x", "Gokuai emulator on", 401, `"error_code":`},
	} {
		t.Run(c.provider, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			ready := make(chan string, 1)
			done := make(chan error, 1)
			var out, logs bytes.Buffer
			go func() {
				done <- run(ctx, []string{"-provider", c.provider, "-addr", "127.0.0.1:0", "-data", t.TempDir()}, &out, &logs, func(u string) { ready <- u })
			}()
			var base string
			select {
			case base = <-ready:
			case err := <-done:
				t.Fatal(err)
			case <-time.After(time.Minute):
				t.Fatal("not listening")
			}
			req, err := http.NewRequest(c.method, base+c.path, strings.NewReader(c.body))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			require.Equal(t, c.status, resp.StatusCode, "%s", b)
			require.Contains(t, string(b), c.want)
			resp, err = http.Get(base + "/_emulator/healthz")
			require.NoError(t, err)
			resp.Body.Close()
			require.Equal(t, 200, resp.StatusCode)
			cancel()
			require.NoError(t, <-done)
			require.Contains(t, out.String(), c.banner)
		})
	}
}

// TestUnknownProviderExitStatus runs the command: an unknown provider exits with status 1
// and says which names it knows.
func TestUnknownProviderExitStatus(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-provider", "s3", "-addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "FERRY_EMULATOR_TEST_MAIN=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "%s", stderr.String())
	require.Equal(t, 1, exit.ExitCode())
	require.Equal(t, "emulator: unknown provider \"s3\": use smh, pds or gokuai\n", stderr.String())
	require.Empty(t, stdout.String())
}
