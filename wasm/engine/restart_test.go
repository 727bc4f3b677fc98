package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/shared/smh"
	"github.com/ferry-upload/ferry/shared/smh/smhhttp"
	"github.com/ferry-upload/ferry/wasm/engine"
	"github.com/ferry-upload/ferry/wasm/engine/native"
)

// emulatorProcess is scripts/emulator run as its own process with -data, so it can be
// killed and started again on the same address and data directory.
type emulatorProcess struct {
	t    *testing.T
	bin  string
	addr string
	data string
	cmd  *exec.Cmd
}

func startEmulatorProcess(t *testing.T) *emulatorProcess {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "emulator")
	build := exec.Command("go", "build", "-o", bin, "github.com/ferry-upload/ferry/scripts/emulator")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building scripts/emulator: %v\n%s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	p := &emulatorProcess{t: t, bin: bin, addr: addr, data: filepath.Join(dir, "data")}
	p.start()
	t.Cleanup(func() {
		if p.cmd != nil {
			p.cmd.Process.Kill()
			p.cmd.Wait()
		}
	})
	return p
}

func (p *emulatorProcess) url() string { return "http://" + p.addr }

func (p *emulatorProcess) start() {
	p.t.Helper()
	cmd := exec.Command(p.bin, "-addr", p.addr, "-data", p.data)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	p.cmd = cmd
	for deadline := time.Now().Add(30 * time.Second); ; {
		resp, err := http.Get(p.url() + "/_emulator/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("the emulator did not start on %s: %v", p.addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop ends the process with sig and waits for it.
func (p *emulatorProcess) stop(sig syscall.Signal) {
	p.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatal(err)
	}
	p.cmd.Wait()
	p.cmd = nil
}

func (p *emulatorProcess) get(route string, v any) error {
	resp, err := http.Get(p.url() + route)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("%s: HTTP %d", route, resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// held is the number of bytes the emulator holds for open tasks and stored files.
func (p *emulatorProcess) held() int64 {
	var ups []struct{ Size int64 }
	var files []struct{ Size int64 }
	if p.get("/_emulator/uploads?library=smhdev&space=-", &ups) != nil || p.get("/_emulator/files?library=smhdev&space=-", &files) != nil {
		return -1
	}
	var n int64
	for _, u := range ups {
		n += u.Size
	}
	for _, f := range files {
		n += f.Size
	}
	return n
}

// gatedSource holds reads of the bytes at or past each gate's offset until that gate
// opens, so a test can be sure an upload is not finished when it acts, however fast or
// slow the machine is.
type gatedSource struct {
	*engine.BytesSource
	gates []gate
}

type gate struct {
	off  int64
	open chan struct{}
}

func (s *gatedSource) ReadAt(p []byte, off int64) (int, error) {
	for _, g := range s.gates {
		if off+int64(len(p)) > g.off {
			<-g.open
		}
	}
	return s.BytesSource.ReadAt(p, off)
}

// TestEmulatorRestart: the emulator (with -data, as its own process) is killed with
// SIGKILL a third of the way through three uploads, started again on the same address and
// data directory, stopped with SIGTERM at two thirds and started again: the uploads resume
// (the engine retries what met a dead connection) and every file is stored byte-identical,
// with no task left open. The largest file's reads are gated (at 16 and 32 MiB) so that
// neither stop can come after the uploads are done.
func TestEmulatorRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs scripts/emulator")
	}
	t.Parallel()
	p := startEmulatorProcess(t)
	// Slow requests down so the stops land mid-upload. Faults are not state: a restarted
	// emulator forgets them, so they are set again after each start.
	slow := func() {
		t.Helper()
		req, _ := http.NewRequest("POST", p.url()+"/_emulator/faults", strings.NewReader(`{"latency":"100ms"}`))
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
			t.Fatalf("faults: %v %v", resp, err)
		}
	}
	slow()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	api := &smh.Client{BaseURL: p.url(), LibraryID: lib, Doer: smhhttp.Doer{Client: client}}
	grants := []string{"upload_file", "create_directory"}
	tokens := engine.TokenSourceFunc(func(ctx context.Context) (*engine.Token, error) {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		tok, err := api.CreateToken(ctx, smh.TokenRequest{Secret: secret, UserID: "u1", Grants: grants})
		if err != nil {
			return nil, err
		}
		return &engine.Token{AccessToken: tok.AccessToken, ExpiresIn: tok.ExpiresIn, LibraryID: lib, SpaceID: "-",
			APIBase: p.url(), UserID: "u1", Grants: grants, Confirm: engine.ConfirmDirect, Limits: engine.Limits{PathPrefix: prefix}}, nil
	})
	e, err := engine.New(engine.Config{
		Options: engine.Options{PartSize: engine.MiB, SimpleThreshold: engine.MiB, Concurrency: 4, ParallelFiles: 3,
			DisableQuickUpload: true, StallTimeout: 5 * time.Second,
			// An outage of a few seconds: enough attempts, short waits.
			Retry: engine.Backoff{Base: 50 * time.Millisecond, Max: time.Second, MaxAttempts: 40, Seed: 3}},
		Tokens: tokens,
		Driver: &engine.SMHDriver{Doer: smhhttp.Doer{Client: client}, RequestTimeout: 10 * time.Second},
		Sender: native.Sender{Client: client},
		Hasher: native.Hasher{},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	srcs := []*engine.BytesSource{randomSource(t, "a.bin", 40*engine.MiB+5), randomSource(t, "b.bin", 24*engine.MiB), randomSource(t, "c.bin", 700<<10)}
	// Before the first gate opens at most 16 MiB + b + c (61 %) can be held, before the
	// second 32 MiB + b + c (85 %): each stop below comes before that.
	gates := []gate{{16 * engine.MiB, make(chan struct{})}, {32 * engine.MiB, make(chan struct{})}}
	opened := 0
	openGate := func() { close(gates[opened].open); opened++ }
	t.Cleanup(func() {
		for opened < len(gates) {
			openGate()
		}
	})
	var total int64
	var tasks []*engine.Task
	for i, src := range srcs {
		total += src.Size()
		var s engine.Source = src
		if i == 0 {
			s = &gatedSource{BytesSource: src, gates: gates}
		}
		task, err := e.UploadWithID(fmt.Sprintf("r%d", i), s, engine.UploadOptions{Path: "/restart/"})
		if err != nil {
			t.Fatal(err)
		}
		tasks = append(tasks, task)
	}
	waitHeld := func(share float64) {
		t.Helper()
		for deadline := time.Now().Add(2 * time.Minute); p.held() < int64(share*float64(total)); {
			if time.Now().After(deadline) {
				t.Fatalf("%d of %d bytes held after 2 minutes", p.held(), total)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	for _, stop := range []struct {
		at  float64
		sig syscall.Signal
	}{{0.3, syscall.SIGKILL}, {0.65, syscall.SIGTERM}} {
		waitHeld(stop.at)
		held := p.held()
		p.stop(stop.sig)
		if held >= total {
			t.Fatalf("stopped (%v) after the uploads were done", stop.sig)
		}
		t.Logf("%v with %d of %d bytes held", stop.sig, held, total)
		time.Sleep(400 * time.Millisecond) // parts meet a refused connection meanwhile
		p.start()
		slow()
		openGate()
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	for i, task := range tasks {
		res, err := task.Wait(ctx)
		if err != nil {
			t.Fatalf("%s: %v", srcs[i].Name(), err)
		}
		if res.Path != "/t/restart/"+srcs[i].Name() {
			t.Fatalf("stored at %s", res.Path)
		}
	}
	var files []struct {
		Path, SHA256 string
		Size         int64
	}
	if err := p.get("/_emulator/files?library=smhdev&space=-", &files); err != nil {
		t.Fatal(err)
	}
	if len(files) != len(srcs) {
		t.Fatalf("files %+v", files)
	}
	for _, src := range srcs {
		found := false
		for _, f := range files {
			if f.Path == "/t/restart/"+src.Name() {
				found = true
				if f.Size != src.Size() || f.SHA256 != sha256Of(t, src) {
					t.Fatalf("%s: %d bytes sha256 %s, want %d bytes %s", f.Path, f.Size, f.SHA256, src.Size(), sha256Of(t, src))
				}
			}
		}
		if !found {
			t.Fatalf("%s not stored: %+v", src.Name(), files)
		}
	}
	var open []any
	if err := p.get("/_emulator/uploads?library=smhdev&space=-", &open); err != nil || len(open) != 0 {
		t.Fatalf("open tasks %v %v", open, err)
	}
	// The last process (its stats start empty) took parts and the confirms.
	var st struct{ Requests map[string]map[string]int }
	if err := p.get("/_emulator/stats", &st); err != nil {
		t.Fatal(err)
	}
	ok := func(what string) (n int) {
		for route, by := range st.Requests {
			if strings.Contains(route, what) {
				n += by["200"]
			}
		}
		return n
	}
	if ok("?partNumber") == 0 || ok("?confirm") == 0 {
		t.Fatalf("after the last restart: %v", st.Requests)
	}
}
