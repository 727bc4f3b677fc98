// Command crc64bench measures CRC-64/XZ over in-memory buffers and prints
// {"goos","goarch","impl","mbps":[...],"combineMicros":[...]}. By default it measures
// shared/hashes (what the engine uses); -impl stdlib measures hash/crc64 with the ECMA
// table, for comparison. combineMicros is the cost of one CombineCRC64 of an 8 MiB part,
// what completion pays per part.
// scripts/bench runs it natively and as GOOS=js GOARCH=wasm under Node (go_js_wasm_exec),
// so the two figures come from the same code on the same machine. Build the wasm side with
// the browser module's flags (-gcflags=all=-l) for the engine's figure.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"hash/crc64"
	"math/rand/v2"
	"os"
	"runtime"
	"time"

	"github.com/ferry-upload/ferry/shared/hashes"
)

func main() {
	runs := flag.Int("runs", 5, "runs")
	mib := flag.Int("mib", 256, "MiB hashed per run")
	impl := flag.String("impl", "hashes", "hashes (shared/hashes, the engine's) or stdlib (hash/crc64)")
	flag.Parse()
	update := hashes.UpdateCRC64
	switch *impl {
	case "hashes":
	case "stdlib":
		table := crc64.MakeTable(crc64.ECMA)
		update = func(crc uint64, b []byte) uint64 { return crc64.Update(crc, table, b) }
	default:
		fmt.Fprintln(os.Stderr, "crc64bench: -impl hashes|stdlib")
		os.Exit(2)
	}
	buf := make([]byte, 8<<20) // the engine reads parts through buffers of this order
	r := rand.NewChaCha8([32]byte{1})
	r.Read(buf)
	var crc uint64
	crc = update(crc, buf) // warm up (and build the tables)
	var mbps, combine []float64
	for range *runs {
		start := time.Now()
		total := int64(*mib) << 20
		for done := int64(0); done < total; done += int64(len(buf)) {
			crc = update(crc, buf)
		}
		mbps = append(mbps, float64(total)/1e6/time.Since(start).Seconds())

		const calls = 10_000 // a 10,000-part upload's completion
		start = time.Now()
		for range calls {
			crc = hashes.CombineCRC64(crc, 0x1234, 8<<20)
		}
		combine = append(combine, time.Since(start).Seconds()*1e6/calls)
	}
	json.NewEncoder(os.Stdout).Encode(map[string]any{
		"goos": runtime.GOOS, "goarch": runtime.GOARCH, "impl": *impl,
		"mbps": mbps, "combineMicros": combine, "crc": crc,
	})
}
