// Command tusd is the tus peer of scripts/bench's throughput figure: tusd (the tus
// protocol's reference server, as a library) storing on disk, for tus-js-client in the
// same browser. A separate module, so that tusd and its dependencies stay out of Ferry's
// go.mod.
package main

import (
	"flag"
	"log"
	"net/http"
	"os"

	"github.com/tus/tusd/v2/pkg/filelocker"
	"github.com/tus/tusd/v2/pkg/filestore"
	tusd "github.com/tus/tusd/v2/pkg/handler"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	dir := flag.String("dir", "", "where uploads are stored")
	flag.Parse()
	if *dir == "" {
		log.Fatal("tusd: -dir is required")
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		log.Fatal(err)
	}
	composer := tusd.NewStoreComposer()
	filestore.New(*dir).UseIn(composer)
	filelocker.New(*dir).UseIn(composer)
	// Cors: nil gives tusd's default, which allows every origin (the bench page is another).
	h, err := tusd.NewHandler(tusd.Config{BasePath: "/files/", StoreComposer: composer})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/files/", http.StripPrefix("/files/", h))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	log.Printf("tusd listening on %s", *addr)
	log.Fatal(http.ListenAndServe(*addr, mux))
}
