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
	"github.com/ferry-upload/ferry/shared/hashes"
	"github.com/ferry-upload/ferry/shared/smh"
	"github.com/ferry-upload/ferry/shared/smh/smhhttp"
)

const secLoad = "8 Load (issue 7 item 5)"

// step names of one load iteration.
var loadSteps = []string{"token", "begin", "put", "complete", "iteration"}

// cmdLoad: 8, bounded concurrent token and upload traffic on loopback. Each of -clients
// clients is its own user (its own JWT) and loops for -for over one upload of 4–64 KiB, as
// the browser's engine does it for the -flow:
//
//	brokered (the default policy): POST /v1/token, POST /v1/uploads (the function checks
//	the policy and begins at the emulator), PUT the body to its one target, POST
//	/v1/uploads/{id}/complete with the CRC-64;
//	direct (a role with "mode":"direct"): POST /v1/token (an SMH token), begin at the
//	emulator with it (shared/smh's client), PUT, POST /v1/confirm with the CRC-64.
//
// Every failure counts as an error; the run goes on.
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
	flow := fs.String("flow", "brokered", "brokered (the default role) or direct (the JWT role -direct-role, in mode direct)")
	directRole := fs.String("direct-role", "direct", "the policy role of the direct flow")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *variant != "memory" && *variant != "disk" {
		return fmt.Errorf("-variant %q: memory or disk", *variant)
	}
	hc := httpClient()
	users := make([]string, *clients)
	jwts := make([]string, *clients)
	var iter iteration
	switch *flow {
	case "brokered":
		for i := range users {
			users[i] = "load-" + strconv.Itoa(i)
			jwts[i] = mintJWT(*secret, users[i], "uploader")
		}
		iter = brokeredIteration(hc, *fn)
	case "direct":
		sc := &smh.Client{BaseURL: *emu, LibraryID: "smhdev", Doer: smhhttp.Doer{Client: hc}}
		for i := range users {
			users[i] = "load-direct-" + strconv.Itoa(i)
			jwts[i] = mintJWT(*secret, users[i], *directRole)
			// The caller's folder, through the function (the direct token may not create it).
			if code, b, err := postJSON(hc, *fn+"/v1/directory", jwts[i], map[string]string{"path": "/users/" + users[i] + "/load"}); err != nil || code/100 != 2 {
				return fmt.Errorf("POST /v1/directory: %d %s %v", code, b, err)
			}
		}
		iter = directIteration(hc, sc, *fn)
	default:
		return fmt.Errorf("-flow %q: brokered or direct", *flow)
	}
	p99 := map[string][]float64{}
	var errsPerRun, rates []float64
	var firstErr string
	for run := range *runs {
		res := loadRun(iter, users, jwts, *dur, run)
		errsPerRun = append(errsPerRun, float64(res.errors))
		rates = append(rates, float64(res.done)/res.elapsed.Seconds())
		for _, s := range loadSteps {
			p99[s] = append(p99[s], fig.Percentile(res.lat[s], 99))
		}
		if firstErr == "" && res.firstErr != "" {
			firstErr = res.firstErr
		}
	}
	med := func(step string) float64 { return fig.NewStat(p99[step]).Median }
	emuMode := map[string]string{"memory": "in memory", "disk": "with -data (disk mode)"}[*variant]
	errNote := "errors per run (any refused or failed request)"
	if firstErr != "" {
		errNote += "; first: " + firstErr
	}
	var figs []fig.Figure
	name := "8-load-" + *variant
	switch {
	case *flow == "direct":
		name = "8-load-direct"
		note := fmt.Sprintf("the same load with a role in direct mode (an SMH token in the client; grants begin_upload, confirm through the function): POST /v1/token, begin at the emulator with the token, PUT, POST /v1/confirm; %d clients × %s × %d runs, emulator %s; p99 token %.1f ms, begin %.1f ms, PUT %.1f ms, confirm %.1f ms",
			*clients, *dur, *runs, emuMode, med("token"), med("begin"), med("put"), med("complete"))
		figs = []fig.Figure{
			{ID: "8i", Section: secLoad, Name: "direct: errors", Unit: "count", Value: fig.NewStat(errsPerRun),
				Goal: &fig.Goal{On: "max", Op: "<=", Limit: 0, Text: "0"}, Note: errNote},
			{ID: "8j", Section: secLoad, Name: "direct: uploads completed per second (token + SMH begin + PUT + /v1/confirm)", Unit: "files/s", Value: fig.NewStat(rates), Note: note},
			{ID: "8k", Section: secLoad, Name: "direct: p99 whole upload (4 requests)", Unit: "ms", Value: fig.NewStat(p99["iteration"])},
		}
	case *variant == "disk":
		note := fmt.Sprintf("the default (brokered) flow; %d clients (one user each) × %s × %d runs, emulator %s; function RATE_LIMIT=off",
			*clients, *dur, *runs, emuMode)
		figs = []fig.Figure{
			{ID: "8f", Section: secLoad, Name: "errors, emulator in disk mode", Unit: "count", Value: fig.NewStat(errsPerRun),
				Goal: &fig.Goal{On: "max", Op: "<=", Limit: 0, Text: "0"}, Note: errNote},
			{ID: "8g", Section: secLoad, Name: "uploads completed per second, emulator in disk mode", Unit: "files/s", Value: fig.NewStat(rates), Note: note},
			{ID: "8h", Section: secLoad, Name: "p99 whole upload, emulator in disk mode", Unit: "ms", Value: fig.NewStat(p99["iteration"]),
				Note: fmt.Sprintf("p99 /v1/token %.1f ms, /v1/uploads %.1f ms, PUT %.1f ms, complete %.1f ms", med("token"), med("begin"), med("put"), med("complete"))},
		}
	default:
		note := fmt.Sprintf("the default (brokered) flow, as the browser runs it; %d clients (one user each) × %s × %d runs on loopback, emulator %s; p99 POST /v1/uploads %.1f ms, PUT %.1f ms; function RATE_LIMIT=off",
			*clients, *dur, *runs, emuMode, med("begin"), med("put"))
		figs = []fig.Figure{
			{ID: "8a", Section: secLoad, Name: "errors", Unit: "count", Value: fig.NewStat(errsPerRun),
				Goal: &fig.Goal{On: "max", Op: "<=", Limit: 0, Text: "0"}, Note: errNote},
			{ID: "8b", Section: secLoad, Name: "uploads completed per second (token + POST /v1/uploads + PUT + complete)", Unit: "files/s", Value: fig.NewStat(rates), Note: note},
			{ID: "8c", Section: secLoad, Name: "p99 POST /v1/token under load", Unit: "ms", Value: fig.NewStat(p99["token"])},
			{ID: "8d", Section: secLoad, Name: "p99 POST /v1/uploads/{id}/complete under load", Unit: "ms", Value: fig.NewStat(p99["complete"])},
			{ID: "8e", Section: secLoad, Name: "p99 whole upload (4 requests)", Unit: "ms", Value: fig.NewStat(p99["iteration"])},
		}
	}
	return fig.Fragment{Figures: figs}.Write(*out, name)
}

// iteration uploads body as path (relative to the caller's area) for the caller jwt; it
// records each step's latency with lap and names the failed step in its error.
type iteration func(jwt, user, path string, body []byte, lap func(step string)) (step string, err error)

// brokeredIteration is one upload of the default (brokered) flow.
func brokeredIteration(hc *http.Client, fn string) iteration {
	return func(jwt, _, path string, body []byte, lap func(string)) (string, error) {
		tok, err := postToken(hc, fn, jwt)
		if err != nil {
			return "token", err
		}
		lap("token")
		id, t, err := beginBrokered(hc, tok.UploadsURL, jwt, path, len(body))
		if err != nil {
			return "begin", err
		}
		lap("begin")
		if err := putData(hc, t.URL, t.Headers, body); err != nil {
			return "put", err
		}
		lap("put")
		if err := completeBrokered(hc, tok.UploadsURL, jwt, id, len(body), hashes.CRC64(body)); err != nil {
			return "complete", err
		}
		lap("complete")
		return "", nil
	}
}

// directIteration is one upload of a direct role whose uploads the function confirms.
func directIteration(hc *http.Client, sc *smh.Client, fn string) iteration {
	return func(jwt, user, path string, body []byte, lap func(string)) (string, error) {
		tok, err := postTokenDirect(hc, fn, jwt)
		if err != nil {
			return "token", err
		}
		lap("token")
		br, err := sc.Begin(context.Background(), tok, "-", smh.BeginRequest{Path: "/users/" + user + path, Size: int64(len(body))})
		if err == nil && br.Upload == nil {
			err = fmt.Errorf("begin answered %d without upload info", br.Status)
		}
		if err != nil {
			return "begin", err
		}
		lap("begin")
		if err := putData(hc, sc.DataURL(br.Upload, 0), br.Upload.Headers, body); err != nil {
			return "put", err
		}
		lap("put")
		crc := strconv.FormatUint(hashes.CRC64(body), 10)
		code, b, err := postJSON(hc, fn+"/v1/confirm", jwt, map[string]string{"confirmKey": br.Upload.ConfirmKey, "crc64": crc})
		if err != nil || code != http.StatusOK {
			return "complete", fmt.Errorf("/v1/confirm: %d %s %v", code, b, err)
		}
		lap("complete")
		return "", nil
	}
}

type loadResult struct {
	done, errors int
	elapsed      time.Duration
	lat          map[string][]float64
	firstErr     string
}

func loadRun(iter iteration, users, jwts []string, d time.Duration, run int) loadResult {
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
			// An upload started finishes (the iteration is not tied to ctx), so the run ends
			// without counting cut-off requests as errors. Each client uploads at least once.
			for n := 0; n == 0 || ctx.Err() == nil; n++ {
				size := 4<<10 + rng.IntN(60<<10+1)
				for j := range body[:size] {
					body[j] = byte(rng.Uint32())
				}
				start := time.Now()
				t := start
				lap := func(step string) {
					lat[step] = append(lat[step], ms(time.Since(t)))
					t = time.Now()
				}
				path := fmt.Sprintf("/load/r%d-%d.bin", run, n)
				if step, err := iter(jwts[i], users[i], path, body[:size], lap); err != nil {
					errs++
					if first == "" {
						first = step + ": " + err.Error()
					}
					continue
				}
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
