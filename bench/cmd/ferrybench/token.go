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

	"github.com/ferry-upload/ferry/bench/internal/fig"
	"github.com/ferry-upload/ferry/function"
	"github.com/golang-jwt/jwt/v5"
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
	h, err := function.New(function.Config{
		APIBase:        stub.URL,
		LibraryID:      "smhdev",
		LibrarySecret:  "stub-library-secret",
		Auth:           function.AuthConfig{HS256Secret: benchHS256},
		AllowedOrigins: []string{benchOrigin},
		// A limit that never triggers, so the limiter's cost is in the figure.
		RateLimit:  function.RateLimit{Requests: 1 << 30, Per: time.Second},
		HTTPClient: hc,
		Logger:     slog.New(slog.NewJSONHandler(io.Discard, nil)), // a log line per request, as deployed
	})
	if err != nil {
		return err
	}
	tok := mintJWT(benchHS256, "bench-user", "uploader")
	one := func() error {
		r := httptest.NewRequest(http.MethodPost, "http://fn.example/v1/token", nil)
		r.Header.Set("Authorization", "Bearer "+tok)
		r.Header.Set("Origin", benchOrigin)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"accessToken":"stub-access-token-`) {
			return fmt.Errorf("POST /v1/token: %d %s", w.Code, w.Body.String())
		}
		return nil
	}
	// The bare round trip to the stub, for context: the handler's own cost is the rest.
	stubRT := func() error {
		resp, err := hc.Post(stub.URL+"/api/v1/token?library_id=smhdev&library_secret=x&grant=begin_upload", "", nil)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return nil
	}
	for range 200 { // warm up
		if err := one(); err != nil {
			return err
		}
	}
	var p50, p99, stub50, rps []float64
	for range *runs {
		lat, err := sequential(*perRun, one)
		if err != nil {
			return err
		}
		p50 = append(p50, fig.Percentile(lat, 50))
		p99 = append(p99, fig.Percentile(lat, 99))
		slat, err := sequential(*perRun/2, stubRT)
		if err != nil {
			return err
		}
		stub50 = append(stub50, fig.Percentile(slat, 50))
		n, errs := parallelFor(*rpsFor, 4*runtime.GOMAXPROCS(0), one)
		if errs > 0 {
			return fmt.Errorf("%d errors while measuring requests per second", errs)
		}
		rps = append(rps, float64(n)/rpsFor.Seconds())
	}
	stubMed := fig.NewStat(stub50).Median
	figs := []fig.Figure{
		{ID: "7.1a", Section: secToken, Name: "handler in-process, stub upstream: p50 latency", Unit: "ms", Value: fig.NewStat(p50),
			Note: fmt.Sprintf("%d sequential POST /v1/token per run (HS256 JWT, CORS, rate limiter, JSON log line); the stub's own loopback round trip is %.3f ms of it", *perRun, stubMed)},
		{ID: "7.1b", Section: secToken, Name: "handler in-process, stub upstream: p99 latency", Unit: "ms", Value: fig.NewStat(p99)},
		{ID: "7.1c", Section: secToken, Name: "handler in-process, stub upstream: requests per second", Unit: "req/s", Value: fig.NewStat(rps),
			Note: fmt.Sprintf("%d goroutines for %s per run, stub on loopback, %d cores", 4*runtime.GOMAXPROCS(0), *rpsFor, runtime.NumCPU())},
	}
	return fig.Fragment{Figures: figs}.Write(*out, "7.1-token-inprocess")
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

// postToken calls POST {fn}/v1/token and returns the access token.
func postToken(hc *http.Client, fn, jwtTok string) (string, error) {
	req, _ := http.NewRequest(http.MethodPost, fn+"/v1/token", nil)
	req.Header.Set("Authorization", "Bearer "+jwtTok)
	req.Header.Set("Origin", benchOrigin)
	resp, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("POST /v1/token: %d %s", resp.StatusCode, b)
	}
	var a struct {
		AccessToken string `json:"accessToken"`
	}
	if err := json.Unmarshal(b, &a); err != nil || a.AccessToken == "" {
		return "", fmt.Errorf("POST /v1/token: no accessToken in %s", b)
	}
	return a.AccessToken, nil
}

// cmdTokenE2E: 7.2, /v1/token over loopback through the local adapter's binary, against the
// emulator in its own process.
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
	one := func() error { _, err := postToken(hc, *fn, tok); return err }
	for range 20 {
		if err := one(); err != nil {
			return err
		}
	}
	var p50, p99 []float64
	for range *runs {
		lat, err := sequential(*perRun, one)
		if err != nil {
			return err
		}
		p50 = append(p50, fig.Percentile(lat, 50))
		p99 = append(p99, fig.Percentile(lat, 99))
	}
	figs := []fig.Figure{
		{ID: "7.2a", Section: secToken, Name: "/v1/token end to end (local adapter → emulator): p50", Unit: "ms", Value: fig.NewStat(p50),
			Note: fmt.Sprintf("built function/cmd/local and scripts/emulator (in memory) as separate processes, %d sequential requests per run over keep-alive loopback connections", *perRun)},
		{ID: "7.2b", Section: secToken, Name: "/v1/token end to end (local adapter → emulator): p99", Unit: "ms", Value: fig.NewStat(p99)},
	}
	return fig.Fragment{Figures: figs}.Write(*out, "7.2-token-e2e")
}
