// Command devserver serves Ferry's web/ folder and the token function on one origin, so the
// demo pages need no CORS: GET /… is a file from web/, /v1/… and /healthz go to the token
// function.
//
// The function runs in-process (function.New with the configuration read from the
// environment, the same names as every other adapter), or, with -function-url (what
// `scripts/dev --wrangler` uses), requests for it are proxied to a function served
// elsewhere, e.g. by `npx wrangler dev`.
//
//	go run ./scripts/devserver -addr 127.0.0.1:8080 -web web
//
// It sends application/wasm for .wasm (so compileStreaming works) and no-cache for every
// file, and it logs one line per request that is not a static file.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"mime"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	addr := flag.String("addr", "127.0.0.1:"+port, "listen address (env PORT sets the port)")
	webDir := flag.String("web", "web", "folder served at /")
	functionURL := flag.String("function-url", "", "proxy /v1/ and /healthz to this token function instead of running it in-process")
	flag.Parse()

	fn, err := tokenFunction(*functionURL)
	if err != nil {
		log.Fatalf("devserver: token function: %v", err)
	}
	h := newHandler(*webDir, fn)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("devserver: %v", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	log.Printf("devserver: serving %s and the token function on http://%s/", *webDir, ln.Addr())
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatalf("devserver: %v", err)
	}
}

// tokenFunction returns the handler for the token function's routes: a reverse proxy to
// functionURL when it is set, otherwise the function itself, configured from the
// environment.
func tokenFunction(functionURL string) (http.Handler, error) {
	if functionURL == "" {
		return inProcessFunction()
	}
	u, err := url.Parse(functionURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("-function-url %q: want an absolute URL such as http://127.0.0.1:8787", functionURL)
	}
	p := httputil.NewSingleHostReverseProxy(u)
	// Keep the browser's Origin so the function's allow-list sees the page's origin.
	return p, nil
}

func init() {
	// Go's table already maps .wasm and .js; make sure of it whatever the host's mime.types says.
	mime.AddExtensionType(".wasm", "application/wasm")
	mime.AddExtensionType(".js", "text/javascript; charset=utf-8")
	mime.AddExtensionType(".mjs", "text/javascript; charset=utf-8")
	mime.AddExtensionType(".ts", "text/plain; charset=utf-8")
	mime.AddExtensionType(".map", "application/json")
}

// newHandler serves webDir at / and sends the token function's routes to fn.
func newHandler(webDir string, fn http.Handler) http.Handler {
	mux := http.NewServeMux()
	files := http.FileServer(http.Dir(webDir))
	mux.Handle("/", noCache(files))
	logged := logRequests(fn)
	mux.Handle("/v1/", logged)
	mux.Handle("/healthz", logged)
	return mux
}

// noCache also lets any origin load the files, as a CDN would: a page elsewhere may
// include ferry.js from here, and its worker fetches ferry.wasm with CORS.
func noCache(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Access-Control-Allow-Origin", "*")
		h.ServeHTTP(w, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func logRequests(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		// Path only: query strings may carry tokens.
		log.Printf("%s %s %d %s", r.Method, r.URL.Path, rec.status, time.Since(start).Round(time.Millisecond))
	})
}
