package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ferry-upload/ferry/bench/internal/fig"
	"github.com/ferry-upload/ferry/function"
)

const (
	benchHS256  = "ferry-bench-hs256-secret-0123456789abcdef"
	benchOrigin = "http://127.0.0.1:1"
	secToken    = "7 Token function"
)

// mintJWT signs an HS256 JWT like a host application's sign-in would.
func mintJWT(secret, sub, role string) string {
	now := time.Now()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"sub": sub, "role": role, "iat": now.Unix(), "exp": now.Add(2 * time.Hour).Unix(),
	}).SignedString([]byte(secret))
	if err != nil {
		panic(err)
	}
	return s
}

// httpClient keeps enough idle loopback connections for the concurrency used here.
func httpClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = 256, 256
	return &http.Client{Transport: t, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// stubUpstream answers the SMH token API like SMH does, and nothing else.
func stubUpstream() *httptest.Server {
	var n atomic.Int64
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/api/v1/token" || r.URL.Query().Get("library_secret") == "" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"accessToken":"stub-access-token-%024d","expiresIn":3600}`, n.Add(1))
	}))
}

// cmdToken: 7.1, the handler in-process (ServeHTTP called directly) with a stub upstream.
func cmdToken(args []string) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	out := fs.String("out", "", "fragment folder")
	runs := fs.Int("runs", 5, "runs")
	perRun := fs.Int("n", 2000, "sequential requests per latency run")
	rpsFor := fs.Duration("rps-for", 2*time.Second, "length of each throughput run")
	if err := fs.Parse(args); err != nil {
		return err
	}
	stub := stubUpstream()
	defer stub.Close()
	hc := stub.Client()
	hc.Transport.(*http.Transport).MaxIdleConnsPerHost = 256
	// The default policy (brokered: the answer needs no upstream call), and for context the
	// same role in direct mode (an SMH token minted at the stub per request).
	h, err := inProcessHandler(stub.URL, hc, nil)
	if err != nil {
		return err
	}
	direct, err := function.ParsePolicy(`{"roles":{"uploader":{"grants":["begin_upload"],"mode":"direct"}}}`)
	if err != nil {
		return err
	}
	hd, err := inProcessHandler(stub.URL, hc, direct)
	if err != nil {
		return err
	}
	tok := mintJWT(benchHS256, "bench-user", "uploader")
	call := func(h http.Handler) (int, []byte) {
		r := httptest.NewRequest(http.MethodPost, "http://fn.example/v1/token", nil)
		r.Header.Set("Authorization", "Bearer "+tok)
		r.Header.Set("Origin", benchOrigin)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code, w.Body.Bytes()
	}
	one := func() error {
		code, b := call(h)
		if code != http.StatusOK {
			return fmt.Errorf("POST /v1/token: %d %s", code, b)
		}
		_, err := checkBrokered(b)
		return err
	}
	oneDirect := func() error {
		if code, b := call(hd); code != http.StatusOK || !strings.Contains(string(b), `"accessToken":"stub-access-token-`) {
			return fmt.Errorf("POST /v1/token (direct role): %d %s", code, b)
		}
		return nil
	}
	for range 200 { // warm up
		if err := one(); err != nil {
			return err
		}
		if err := oneDirect(); err != nil {
			return err
		}
	}
	var p50, p99, direct50, rps []float64
	for range *runs {
		lat, err := sequential(*perRun, one)
		if err != nil {
			return err
		}
		p50 = append(p50, fig.Percentile(lat, 50))
		p99 = append(p99, fig.Percentile(lat, 99))
		dlat, err := sequential(*perRun/2, oneDirect)
		if err != nil {
			return err
		}
		direct50 = append(direct50, fig.Percentile(dlat, 50))
		n, errs := parallelFor(*rpsFor, 4*runtime.GOMAXPROCS(0), one)
		if errs > 0 {
			return fmt.Errorf("%d errors while measuring requests per second", errs)
		}
		rps = append(rps, float64(n)/rpsFor.Seconds())
	}
	figs := []fig.Figure{
		{ID: "7.1a", Section: secToken, Name: "handler in-process, default (brokered) answer: p50 latency", Unit: "ms", Value: fig.NewStat(p50),
			Note: fmt.Sprintf("%d sequential POST /v1/token per run (HS256 JWT, CORS, rate limiter, JSON log line); the brokered answer makes no upstream call. The same role in direct mode (an SMH token minted at a stub on loopback): p50 %.3f ms", *perRun, fig.NewStat(direct50).Median)},
		{ID: "7.1b", Section: secToken, Name: "handler in-process, default (brokered) answer: p99 latency", Unit: "ms", Value: fig.NewStat(p99)},
		{ID: "7.1c", Section: secToken, Name: "handler in-process, default (brokered) answer: requests per second", Unit: "req/s", Value: fig.NewStat(rps),
			Note: fmt.Sprintf("%d goroutines for %s per run, %d cores", 4*runtime.GOMAXPROCS(0), *rpsFor, runtime.NumCPU())},
	}
	return fig.Fragment{Figures: figs}.Write(*out, "7.1-token-inprocess")
}

// inProcessHandler is the function as deployed (a JSON log line per request) with the
// bench's secrets, against upstream; pol nil means the default policy.
func inProcessHandler(upstream string, hc *http.Client, pol *function.Policy) (http.Handler, error) {
	return function.New(function.Config{
		APIBase:        upstream,
		LibraryID:      "smhdev",
		LibrarySecret:  "stub-library-secret",
		TicketKey:      benchTicketKey,
		Auth:           function.AuthConfig{HS256Secret: benchHS256},
		Policy:         pol,
		AllowedOrigins: []string{benchOrigin},
		// A limit that never triggers, so the limiter's cost is in the figure.
		RateLimit:  function.RateLimit{Requests: 1 << 30, Per: time.Second},
		HTTPClient: hc,
		Logger:     slog.New(slog.NewJSONHandler(io.Discard, nil)),
	})
}

// sequential runs f n times and returns each call's latency in ms.
func sequential(n int, f func() error) ([]float64, error) {
	lat := make([]float64, 0, n)
	for range n {
		t := time.Now()
		if err := f(); err != nil {
			return nil, err
		}
		lat = append(lat, float64(time.Since(t).Nanoseconds())/1e6)
	}
	return lat, nil
}

// parallelFor runs f from `workers` goroutines for d; it returns calls done and errors.
func parallelFor(d time.Duration, workers int, f func() error) (n, errs int64) {
	var cn, ce atomic.Int64
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				if err := f(); err != nil {
					ce.Add(1)
				} else {
					cn.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return cn.Load(), ce.Load()
}

// postToken calls POST {fn}/v1/token and returns the brokered answer (anything else is an
// error).
func postToken(hc *http.Client, fn, jwtTok string) (*brokeredToken, error) {
	b, err := postTokenRaw(hc, fn, jwtTok)
	if err != nil {
		return nil, err
	}
	return checkBrokered(b)
}

// postTokenDirect calls POST {fn}/v1/token for a direct role and returns its SMH token.
func postTokenDirect(hc *http.Client, fn, jwtTok string) (string, error) {
	b, err := postTokenRaw(hc, fn, jwtTok)
	if err != nil {
		return "", err
	}
	var a struct {
		Mode        string `json:"mode"`
		AccessToken string `json:"accessToken"`
	}
	if err := json.Unmarshal(b, &a); err != nil || a.Mode != "direct" || a.AccessToken == "" {
		return "", fmt.Errorf("POST /v1/token: want a direct answer with an accessToken: %.200s", b)
	}
	return a.AccessToken, nil
}

func postTokenRaw(hc *http.Client, fn, jwtTok string) ([]byte, error) {
	req, _ := http.NewRequest(http.MethodPost, fn+"/v1/token", nil)
	req.Header.Set("Authorization", "Bearer "+jwtTok)
	req.Header.Set("Origin", benchOrigin)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("POST /v1/token: %d %s", resp.StatusCode, b)
	}
	return b, nil
}

// cmdTokenE2E: 7.2, over loopback through the local adapter's binary, against the emulator in
// its own process: POST /v1/token (the default, brokered answer: no upstream call), then
// POST /v1/uploads, where the brokered flow reaches SMH (the policy check, a server-side
// token, begin at the emulator, a sealed ticket).
func cmdTokenE2E(args []string) error {
	fs := flag.NewFlagSet("token-e2e", flag.ContinueOnError)
	out := fs.String("out", "", "fragment folder")
	fn := fs.String("function", "", "base URL of the local adapter")
	secret := fs.String("secret", benchHS256, "its AUTH_HS256_SECRET")
	runs := fs.Int("runs", 5, "runs")
	perRun := fs.Int("n", 300, "sequential requests per run")
	if err := fs.Parse(args); err != nil {
		return err
	}
	hc := httpClient()
	tok := mintJWT(*secret, "bench-e2e", "uploader")
	var uploadsURL string
	one := func() error {
		t, err := postToken(hc, *fn, tok)
		if err == nil {
			uploadsURL = t.UploadsURL
		}
		return err
	}
	n := 0
	begin := func() error { // begun and left: an unfinished task costs the emulator in memory little
		n++
		_, _, err := beginBrokered(hc, uploadsURL, tok, fmt.Sprintf("/e2e/b%d.bin", n), 1024)
		return err
	}
	for range 20 {
		if err := one(); err != nil {
			return err
		}
		if err := begin(); err != nil {
			return err
		}
	}
	var p50, p99, b50, b99 []float64
	for range *runs {
		lat, err := sequential(*perRun, one)
		if err != nil {
			return err
		}
		p50 = append(p50, fig.Percentile(lat, 50))
		p99 = append(p99, fig.Percentile(lat, 99))
		lat, err = sequential(*perRun, begin)
		if err != nil {
			return err
		}
		b50 = append(b50, fig.Percentile(lat, 50))
		b99 = append(b99, fig.Percentile(lat, 99))
	}
	figs := []fig.Figure{
		{ID: "7.2a", Section: secToken, Name: "/v1/token end to end (local adapter), default (brokered) answer: p50", Unit: "ms", Value: fig.NewStat(p50),
			Note: fmt.Sprintf("built function/cmd/local and scripts/emulator (in memory) as separate processes, %d sequential requests per run over keep-alive loopback connections; the brokered answer makes no upstream call", *perRun)},
		{ID: "7.2b", Section: secToken, Name: "/v1/token end to end (local adapter), default (brokered) answer: p99", Unit: "ms", Value: fig.NewStat(p99)},
		{ID: "7.2c", Section: secToken, Name: "POST /v1/uploads end to end (local adapter → emulator begin): p50", Unit: "ms", Value: fig.NewStat(b50),
			Note: "a 1 KiB file (one body, one target): policy check, the function's server-side token (minted once, then reused), begin at the emulator, ticket sealed"},
		{ID: "7.2d", Section: secToken, Name: "POST /v1/uploads end to end (local adapter → emulator begin): p99", Unit: "ms", Value: fig.NewStat(b99)},
	}
	return fig.Fragment{Figures: figs}.Write(*out, "7.2-token-e2e")
}
