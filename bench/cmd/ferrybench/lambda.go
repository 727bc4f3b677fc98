package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/ferry-upload/ferry/bench/internal/fig"
)

// cmdLambda: 7.4, the zip sizes scripts/package-lambda made, and the cold start of the real
// bootstrap (taken out of the amd64 zip) against a fake Lambda Runtime API on loopback: the
// time from exec to the answer of its first event (a Function URL POST /v1/token with the
// default policy: a brokered answer, no upstream call) being posted back.
//
// The fake Runtime API is this package's own small equivalent of the one in
// function/cmd/lambda/main_test.go (a _test.go helper cannot be imported).
func cmdLambda(args []string) error {
	fs := flag.NewFlagSet("lambda", flag.ContinueOnError)
	out := fs.String("out", "", "fragment folder")
	dist := fs.String("dist", "dist/lambda", "scripts/package-lambda's output folder")
	emu := fs.String("emulator", "", "emulator base URL (the function's SMH_API_BASE)")
	runs := fs.Int("runs", 7, "cold starts")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var figs []fig.Figure
	sizes := map[string]float64{}
	for _, arch := range []string{"arm64", "amd64"} {
		st, err := os.Stat(filepath.Join(*dist, "ferry-token-"+arch+".zip"))
		if err != nil {
			return fmt.Errorf("%v (run scripts/package-lambda)", err)
		}
		sizes[arch] = float64(st.Size())
	}
	figs = append(figs, fig.Figure{ID: "7.4a", Section: secToken, Name: "Lambda zip (scripts/package-lambda), amd64", Unit: "MB",
		Value: fig.NewStat([]float64{sizes["amd64"] / 1e6}),
		Note:  fmt.Sprintf("arm64: %.2f MB; bootstrap built with -tags lambda.norpc -trimpath -s -w; Lambda's limit is 50 MB zipped", sizes["arm64"]/1e6)})

	dir, err := os.MkdirTemp("", "ferry-bench-lambda-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "bootstrap")
	if err := unzipOne(filepath.Join(*dist, "ferry-token-amd64.zip"), "bootstrap", bin); err != nil {
		return err
	}
	jwtTok := mintJWT(benchHS256, "bench-lambda", "uploader")
	var toNext, toAnswer []float64
	for i := range *runs {
		n, a, err := coldStart(bin, *emu, jwtTok, i)
		if err != nil {
			return err
		}
		toNext = append(toNext, n)
		toAnswer = append(toAnswer, a)
	}
	figs = append(figs,
		fig.Figure{ID: "7.4b", Section: secToken, Name: "Lambda cold start: exec → first answer posted (POST /v1/token)", Unit: "ms",
			Value: fig.NewStat(toAnswer),
			Note: fmt.Sprintf("real bootstrap (amd64 zip) against a fake Runtime API on loopback, FERRY_LAMBDA_EVENT=url, default policy (the brokered answer makes no upstream call); exec → first GET /next %.1f ms (median); %d runs",
				fig.NewStat(toNext).Median, *runs)})
	return fig.Fragment{Figures: figs}.Write(*out, "7.4-lambda")
}

func unzipOne(zipPath, name, dst string) error {
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		return err
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name != name {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		defer rc.Close()
		w, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
		if err != nil {
			return err
		}
		if _, err := io.Copy(w, rc); err != nil {
			w.Close()
			return err
		}
		return w.Close()
	}
	return fmt.Errorf("%s holds no %s", zipPath, name)
}

// coldStart execs the bootstrap once and returns ms from exec to its first GET /next and to
// its answer being posted.
func coldStart(bin, emu, jwtTok string, run int) (toNext, toAnswer float64, err error) {
	reqID := "bench-" + strconv.Itoa(run)
	event, _ := json.Marshal(map[string]any{
		"version": "2.0", "rawPath": "/v1/token", "rawQueryString": "",
		"headers": map[string]string{"authorization": "Bearer " + jwtTok, "origin": benchOrigin, "host": "abc.lambda-url.eu-west-1.on.aws"},
		"requestContext": map[string]any{"domainName": "abc.lambda-url.eu-west-1.on.aws",
			"http": map[string]any{"method": "POST", "path": "/v1/token", "sourceIp": "203.0.113.9"}},
		"isBase64Encoded": false, "body": "",
	})
	type answer struct {
		at   time.Time
		body []byte
	}
	nextAt := make(chan time.Time, 1)
	answers := make(chan answer, 1)
	served := false
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", func(w http.ResponseWriter, r *http.Request) {
		if served { // the next event never comes
			<-r.Context().Done()
			return
		}
		served = true
		nextAt <- time.Now()
		w.Header().Set("Lambda-Runtime-Aws-Request-Id", reqID)
		w.Header().Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(time.Minute).UnixMilli(), 10))
		w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:eu-west-1:000000000000:function:ferry-token")
		w.Write(event)
	})
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		answers <- answer{time.Now(), b}
		w.WriteHeader(http.StatusAccepted)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		answers <- answer{time.Now(), append([]byte("unexpected "+r.Method+" "+r.URL.Path+": "), b...)}
		w.WriteHeader(http.StatusBadRequest)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, 0, err
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	defer srv.Close()

	cmd := exec.Command(bin)
	cmd.Env = []string{
		"AWS_LAMBDA_RUNTIME_API=" + ln.Addr().String(), "FERRY_LAMBDA_EVENT=url",
		"AWS_LAMBDA_FUNCTION_NAME=ferry-token", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128", "AWS_REGION=eu-west-1",
		"SMH_API_BASE=" + emu, "SMH_LIBRARY_ID=smhdev", "SMH_LIBRARY_SECRET=devsecret",
		"AUTH_HS256_SECRET=" + benchHS256, "ALLOWED_ORIGINS=" + benchOrigin, "RATE_LIMIT=off",
		"FERRY_TICKET_KEY=" + benchTicketKey,
	}
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	select {
	case a := <-answers:
		// Function URL streaming answer: JSON prelude, 8 NULs, body.
		prelude, body, ok := bytes.Cut(a.body, make([]byte, 8))
		var p struct {
			StatusCode int `json:"statusCode"`
		}
		if !ok || json.Unmarshal(prelude, &p) != nil || p.StatusCode != 200 {
			return 0, 0, fmt.Errorf("bootstrap answered %q; output:\n%s", a.body, logs.String())
		}
		if _, err := checkBrokered(body); err != nil {
			return 0, 0, fmt.Errorf("bootstrap: %v; output:\n%s", err, logs.String())
		}
		n := <-nextAt
		return ms(n.Sub(start)), ms(a.at.Sub(start)), nil
	case <-time.After(20 * time.Second):
		return 0, 0, fmt.Errorf("no answer from bootstrap in 20 s; output:\n%s", logs.String())
	}
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }
