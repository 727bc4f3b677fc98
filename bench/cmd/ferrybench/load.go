package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/ferry-upload/ferry/bench/internal/fig"
	"github.com/ferry-upload/ferry/shared/smh"
	"github.com/ferry-upload/ferry/shared/smh/smhhttp"
	"github.com/ferry-upload/ferry/shared/smhhash"
)

const secLoad = "8 Load (issue 7 item 5)"

// step names of one load iteration.
var loadSteps = []string{"token", "begin", "put", "confirm", "iteration"}

// cmdLoad: 8, bounded concurrent token and upload traffic on loopback. Each of -clients
// clients is its own user (its own JWT) and loops for -for: POST /v1/token at the local
// adapter, begin a simple upload at the emulator with that token (shared/smh's client), PUT a
// 4–64 KiB body to the data plane with the signed headers, POST /v1/confirm at the local
// adapter with the CRC-64 (default policy: the browser token may only begin; the function
// confirms). Every failure counts as an error; the run goes on.
func cmdLoad(args []string) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	out := fs.String("out", "", "fragment folder")
	fn := fs.String("function", "", "base URL of the local adapter")
	emu := fs.String("emulator", "", "emulator base URL")
	secret := fs.String("secret", benchHS256, "the adapter's AUTH_HS256_SECRET")
	clients := fs.Int("clients", 16, "concurrent clients")
	dur := fs.Duration("for", 10*time.Second, "length of each run")
	runs := fs.Int("runs", 3, "runs")
	variant := fs.String("variant", "memory", "the emulator's mode, for the labels: memory or disk")
	if err := fs.Parse(args); err != nil {
		return err
	}
	hc := httpClient()
	sc := &smh.Client{BaseURL: *emu, LibraryID: "smhdev", Doer: smhhttp.Doer{Client: hc}}
	users := make([]string, *clients)
	jwts := make([]string, *clients)
	for i := range users {
		users[i] = "load-" + strconv.Itoa(i)
		jwts[i] = mintJWT(*secret, users[i], "uploader")
		// The caller's folder, through the function (the browser token may not create it).
		if code, b, err := postJSON(hc, *fn+"/v1/directory", jwts[i], map[string]string{"path": "/users/" + users[i] + "/load"}); err != nil || code/100 != 2 {
			return fmt.Errorf("POST /v1/directory: %d %s %v", code, b, err)
		}
	}
	p99 := map[string][]float64{}
	var errsPerRun, rates []float64
	var firstErr string
	for run := range *runs {
		res := loadRun(hc, sc, *fn, users, jwts, *dur, run)
		errsPerRun = append(errsPerRun, float64(res.errors))
		rates = append(rates, float64(res.done)/res.elapsed.Seconds())
		for _, s := range loadSteps {
			p99[s] = append(p99[s], fig.Percentile(res.lat[s], 99))
		}
		if firstErr == "" && res.firstErr != "" {
			firstErr = res.firstErr
		}
	}
	note := fmt.Sprintf("%d clients (one user each) × %s × %d runs on loopback, emulator %s; p99 begin %.1f ms, PUT %.1f ms; function RATE_LIMIT=off",
		*clients, *dur, *runs, map[string]string{"memory": "in memory", "disk": "with -data (disk mode)"}[*variant],
		fig.NewStat(p99["begin"]).Median, fig.NewStat(p99["put"]).Median)
	errNote := "errors per run (any refused or failed request)"
	if firstErr != "" {
		errNote += "; first: " + firstErr
	}
	var figs []fig.Figure
	if *variant == "disk" {
		figs = []fig.Figure{
			{ID: "8f", Section: secLoad, Name: "errors, emulator in disk mode", Unit: "count", Value: fig.NewStat(errsPerRun),
				Goal: &fig.Goal{On: "max", Op: "<=", Limit: 0, Text: "0"}, Note: errNote},
			{ID: "8g", Section: secLoad, Name: "uploads completed per second, emulator in disk mode", Unit: "files/s", Value: fig.NewStat(rates), Note: note},
			{ID: "8h", Section: secLoad, Name: "p99 whole upload, emulator in disk mode", Unit: "ms", Value: fig.NewStat(p99["iteration"]),
				Note: fmt.Sprintf("p99 /v1/token %.1f ms, /v1/confirm %.1f ms", fig.NewStat(p99["token"]).Median, fig.NewStat(p99["confirm"]).Median)},
		}
	} else {
		figs = []fig.Figure{
			{ID: "8a", Section: secLoad, Name: "errors", Unit: "count", Value: fig.NewStat(errsPerRun),
				Goal: &fig.Goal{On: "max", Op: "<=", Limit: 0, Text: "0"}, Note: errNote},
			{ID: "8b", Section: secLoad, Name: "uploads completed per second (token + begin + PUT + confirm)", Unit: "files/s", Value: fig.NewStat(rates), Note: note},
			{ID: "8c", Section: secLoad, Name: "p99 POST /v1/token under load", Unit: "ms", Value: fig.NewStat(p99["token"])},
			{ID: "8d", Section: secLoad, Name: "p99 POST /v1/confirm under load", Unit: "ms", Value: fig.NewStat(p99["confirm"])},
			{ID: "8e", Section: secLoad, Name: "p99 whole upload (4 requests)", Unit: "ms", Value: fig.NewStat(p99["iteration"])},
		}
	}
	return fig.Fragment{Figures: figs}.Write(*out, "8-load-"+*variant)
}

type loadResult struct {
	done, errors int
	elapsed      time.Duration
	lat          map[string][]float64
	firstErr     string
}

func loadRun(hc *http.Client, sc *smh.Client, fn string, users, jwts []string, d time.Duration, run int) loadResult {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var mu sync.Mutex
	res := loadResult{lat: map[string][]float64{}}
	var wg sync.WaitGroup
	began := time.Now()
	for i := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(run), uint64(i)))
			body := make([]byte, 64<<10)
			lat := map[string][]float64{}
			done, errs, first := 0, 0, ""
			fail := func(step string, err error) {
				errs++
				if first == "" {
					first = step + ": " + err.Error()
				}
			}
			for n := 0; ctx.Err() == nil; n++ {
				size := 4<<10 + rng.IntN(60<<10+1)
				for j := range body[:size] {
					body[j] = byte(rng.Uint32())
				}
				start := time.Now()
				t := start
				tok, err := postToken(hc, fn, jwts[i])
				if err != nil {
					fail("token", err)
					continue
				}
				lat["token"] = append(lat["token"], ms(time.Since(t)))
				t = time.Now()
				// Not tied to ctx: an upload started finishes, so the run ends without
				// counting cut-off requests as errors.
				bg := context.Background()
				path := fmt.Sprintf("/users/%s/load/r%d-%d.bin", users[i], run, n)
				br, err := sc.Begin(bg, tok, "-", smh.BeginRequest{Path: path, Size: int64(size)})
				if err == nil && br.Upload == nil {
					err = fmt.Errorf("begin answered %d without upload info", br.Status)
				}
				if err != nil {
					fail("begin", err)
					continue
				}
				lat["begin"] = append(lat["begin"], ms(time.Since(t)))
				t = time.Now()
				if err := putData(hc, sc.DataURL(br.Upload, 0), br.Upload.Headers, body[:size]); err != nil {
					fail("put", err)
					continue
				}
				lat["put"] = append(lat["put"], ms(time.Since(t)))
				t = time.Now()
				crc := strconv.FormatUint(smhhash.CRC64(body[:size]), 10)
				code, b, err := postJSON(hc, fn+"/v1/confirm", jwts[i], map[string]string{"confirmKey": br.Upload.ConfirmKey, "crc64": crc})
				if err != nil || code != http.StatusOK {
					fail("confirm", fmt.Errorf("%d %s %v", code, b, err))
					continue
				}
				lat["confirm"] = append(lat["confirm"], ms(time.Since(t)))
				lat["iteration"] = append(lat["iteration"], ms(time.Since(start)))
				done++
			}
			mu.Lock()
			defer mu.Unlock()
			res.done += done
			res.errors += errs
			if res.firstErr == "" {
				res.firstErr = first
			}
			for k, v := range lat {
				res.lat[k] = append(res.lat[k], v...)
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(began)
	return res
}

func putData(hc *http.Client, url string, headers smh.Headers, body []byte) error {
	req, err := http.NewRequest(http.MethodPut, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("PUT: %d %s", resp.StatusCode, b)
	}
	return nil
}

func postJSON(hc *http.Client, url, jwtTok string, body any) (int, []byte, error) {
	b, _ := json.Marshal(body)
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+jwtTok)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", benchOrigin)
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	rb, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, rb, nil
}
