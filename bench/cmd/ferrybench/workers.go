package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ferry-upload/ferry/bench/internal/fig"
)

var dryRunSize = regexp.MustCompile(`Total Upload:\s*([\d.]+)\s*KiB\s*/\s*gzip:\s*([\d.]+)\s*KiB`)

// cmdWorkers: 7.3, the Workers bundle as `wrangler deploy --dry-run` reports it (its
// [build] runs scripts/build-workers), and the first request under `wrangler dev`, started
// the way scripts/lib/tier-workers.sh starts it (settings as --var, nothing in .dev.vars).
func cmdWorkers(args []string) error {
	fs := flag.NewFlagSet("workers", flag.ContinueOnError)
	out := fs.String("out", "", "fragment folder")
	emu := fs.String("emulator", "", "emulator base URL")
	tmp := fs.String("tmp", os.TempDir(), "scratch folder")
	runs := fs.Int("runs", 3, "wrangler dev starts")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var figs []fig.Figure
	dist, err := os.MkdirTemp(*tmp, "wrangler-dist-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dist)
	cmd := exec.Command("npx", "wrangler", "deploy", "--dry-run", "--outdir", dist)
	cmd.Env = append(os.Environ(), "WRANGLER_SEND_METRICS=false")
	outb, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("wrangler deploy --dry-run: %v\n%s", err, outb)
	}
	m := dryRunSize.FindSubmatch(outb)
	if m == nil {
		return fmt.Errorf("no 'Total Upload' line in wrangler's output:\n%s", outb)
	}
	total, _ := strconv.ParseFloat(string(m[1]), 64)
	gz, _ := strconv.ParseFloat(string(m[2]), 64)
	figs = append(figs, fig.Figure{ID: "7.3a", Section: secToken, Name: "Workers bundle, gzip (wrangler deploy --dry-run)", Unit: "KiB",
		Value: fig.NewStat([]float64{gz}),
		Goal:  &fig.Goal{On: "median", Op: "<=", Limit: 3072, Text: "≤ 3 MiB (3072 KiB)"},
		Note:  fmt.Sprintf("wrangler reports Total Upload %.2f KiB / gzip %.2f KiB", total, gz)})

	var first, warm []float64
	for range *runs {
		f, w, err := wranglerFirstRequest(*emu)
		if err != nil {
			return err
		}
		first = append(first, f)
		warm = append(warm, w)
	}
	figs = append(figs, fig.Figure{ID: "7.3b", Section: secToken, Name: "Workers first request under wrangler dev (POST /v1/token)", Unit: "ms",
		Value: fig.NewStat(first),
		Note: fmt.Sprintf("fresh `npx wrangler dev` per run, first request after 'Ready', default policy (brokered answer, checked); later requests p50 %.1f ms (each builds a fresh Go instance); %d runs",
			fig.NewStat(warm).Median, *runs)})
	return fig.Fragment{Figures: figs}.Write(*out, "7.3-workers")
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// lockedBuffer collects a child's output while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// wranglerFirstRequest starts wrangler dev, waits for its "Ready on" line, and times the
// first POST /v1/token, then the p50 of 20 more.
func wranglerFirstRequest(emu string) (first, warmP50 float64, err error) {
	port, err := freePort()
	if err != nil {
		return 0, 0, err
	}
	inspect, err := freePort()
	if err != nil {
		return 0, 0, err
	}
	cmd := exec.Command("npx", "wrangler", "dev", "--ip", "127.0.0.1", "--port", strconv.Itoa(port),
		"--inspector-port", strconv.Itoa(inspect), "--show-interactive-dev-session=false",
		"--var", "SMH_API_BASE:"+emu, "--var", "SMH_LIBRARY_ID:smhdev", "--var", "SMH_LIBRARY_SECRET:devsecret",
		"--var", "AUTH_HS256_SECRET:"+benchHS256, "--var", "ALLOWED_ORIGINS:"+benchOrigin, "--var", "RATE_LIMIT:off",
		"--var", "FERRY_TICKET_KEY:"+benchTicketKey)
	cmd.Env = append(os.Environ(), "WRANGLER_SEND_METRICS=false", "CLOUDFLARE_CF_FETCH_ENABLED=false")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // stop npx → wrangler → workerd together
	pr, pw := io.Pipe()
	var logs lockedBuffer
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); pw.Close(); close(exited) }()
	defer func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	}()
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(pr)
		once := false
		for sc.Scan() {
			line := sc.Text()
			logs.Write([]byte(line + "\n"))
			if !once && strings.Contains(line, "Ready on") {
				once = true
				close(ready)
			}
		}
	}()
	select {
	case <-ready:
	case <-exited:
		return 0, 0, fmt.Errorf("wrangler dev exited before it was ready:\n%s", logs.String())
	case <-time.After(180 * time.Second):
		return 0, 0, fmt.Errorf("wrangler dev not ready in 180 s:\n%s", logs.String())
	}
	hc := httpClient()
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	tok := mintJWT(benchHS256, "bench-workers", "uploader")
	// The first request; a refused connection (listener not up yet) is retried and not timed.
	deadline := time.Now().Add(30 * time.Second)
	for {
		t := time.Now()
		_, err := postToken(hc, base, tok)
		if err == nil {
			first = ms(time.Since(t))
			break
		}
		var op *net.OpError
		if !errors.As(err, &op) || time.Now().After(deadline) {
			return 0, 0, fmt.Errorf("first request: %v\n%s", err, logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	lat, err := sequential(20, func() error { _, err := postToken(hc, base, tok); return err })
	if err != nil {
		return 0, 0, fmt.Errorf("%v\n%s", err, logs.String())
	}
	return first, fig.Percentile(lat, 50), nil
}
