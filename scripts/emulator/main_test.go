package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
