package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/ferry-upload/ferry/bench/internal/fig"
)

// cmdCRC: 3b, CRC-64 MB/s in wasm (bench/cmd/crc64bench under Node) next to native Go (the
// same program natively), from the JSON each printed.
func cmdCRC(args []string) error {
	fs := flag.NewFlagSet("crc", flag.ContinueOnError)
	out := fs.String("out", "", "fragment folder")
	native := fs.String("native", "", "crc64bench output, native")
	wasm := fs.String("wasm", "", "crc64bench output, GOOS=js under Node")
	if err := fs.Parse(args); err != nil {
		return err
	}
	read := func(p string) ([]float64, error) {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		// One JSON object per run (scripts/bench alternates native and wasm runs).
		var all []float64
		dec := json.NewDecoder(bytes.NewReader(b))
		for dec.More() {
			var v struct{ Mbps []float64 }
			if err := dec.Decode(&v); err != nil {
				return nil, fmt.Errorf("%s: %v in %q", p, err, b)
			}
			all = append(all, v.Mbps...)
		}
		if len(all) == 0 {
			return nil, fmt.Errorf("%s: no figures in %q", p, b)
		}
		return all, nil
	}
	n, err := read(*native)
	if err != nil {
		return err
	}
	w, err := read(*wasm)
	if err != nil {
		return err
	}
	f := fig.Paired("3b", "3 Hashing", "CRC-64/XZ: wasm (Node 20) vs native Go", "MB/s", "native Go", w, n)
	f.Note = "bench/cmd/crc64bench: shared/hashes CRC-64/XZ (what the engine uses; wasm built with the shipping flags of scripts/build-wasm), 8 MiB buffers, 256 MiB per run, native and wasm runs alternated; no goal"
	return fig.Fragment{Figures: []fig.Figure{f}}.Write(*out, "3b-crc64")
}
