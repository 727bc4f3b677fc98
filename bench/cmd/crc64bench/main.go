// Command crc64bench measures CRC-64/XZ (hash/crc64 with the ECMA table, what the engine
// and shared/smhhash use) over in-memory buffers and prints {"goos","goarch","mbps":[...]}.
// scripts/bench runs it natively and as GOOS=js GOARCH=wasm under Node (go_js_wasm_exec),
// so the two figures come from the same code on the same machine.
package main

import (
	"encoding/json"
	"flag"
	"hash/crc64"
	"math/rand/v2"
	"os"
	"runtime"
	"time"
)

func main() {
	runs := flag.Int("runs", 5, "runs")
	mib := flag.Int("mib", 256, "MiB hashed per run")
	flag.Parse()
	table := crc64.MakeTable(crc64.ECMA)
	buf := make([]byte, 8<<20) // the engine reads parts through buffers of this order
	r := rand.NewChaCha8([32]byte{1})
	r.Read(buf)
	var crc uint64
	crc = crc64.Update(crc, table, buf) // warm up
	var mbps []float64
	for range *runs {
		start := time.Now()
		total := int64(*mib) << 20
		for done := int64(0); done < total; done += int64(len(buf)) {
			crc = crc64.Update(crc, table, buf)
		}
		mbps = append(mbps, float64(total)/1e6/time.Since(start).Seconds())
	}
	json.NewEncoder(os.Stdout).Encode(map[string]any{"goos": runtime.GOOS, "goarch": runtime.GOARCH, "mbps": mbps, "crc": crc})
}
