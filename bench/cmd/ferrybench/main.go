// Command ferrybench holds the Go side of scripts/bench: each subcommand measures one group
// of figures and writes a JSON fragment into -out; `report` merges the fragments into the
// results JSON and prints the Markdown table.
//
//	ferrybench mkfile   -size 1GiB -seed bench -o FILE      pseudo-random file (same seed, same prefix)
//	ferrybench token    -out DIR                            7.1 handler in-process (default policy: brokered answer)
//	ferrybench token-e2e -function URL -out DIR             7.2 /v1/token and /v1/uploads through the local adapter
//	ferrybench lambda   -zip ZIP -emulator URL -out DIR     7.4 Lambda zip size and bootstrap cold start
//	ferrybench workers  -emulator URL -out DIR              7.3 Workers bundle size and first request under wrangler dev
//	ferrybench load     -function URL -emulator URL -out DIR  8 bounded concurrent load (-flow brokered|direct)
//	ferrybench crc      -wasm-json FILE -out DIR            3.2 CRC-64 native next to wasm
//	ferrybench report   -in DIR -json FILE -md FILE         table and results JSON
//	ferrybench fail     -out DIR -fragment NAME -why TEXT 'id|section|name'...  record unmeasured figures
//
// scripts/bench runs them in order; each can be run alone against running servers.
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/ferry-upload/ferry/bench/internal/fig"
)

var commands = map[string]func(args []string) error{
	"mkfile":    cmdMkfile,
	"diskfree":  cmdDiskfree,
	"token":     cmdToken,
	"token-e2e": cmdTokenE2E,
	"lambda":    cmdLambda,
	"workers":   cmdWorkers,
	"load":      cmdLoad,
	"crc":       cmdCRC,
	"report":    cmdReport,
	"fail":      cmdFail,
}

func main() {
	if len(os.Args) < 2 || commands[os.Args[1]] == nil {
		names := make([]string, 0, len(commands))
		for n := range commands {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintf(os.Stderr, "usage: ferrybench %v [flags]\n", names)
		os.Exit(2)
	}
	if err := commands[os.Args[1]](os.Args[2:]); err != nil {
		fmt.Fprintf(os.Stderr, "ferrybench %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

// cmdFail records figures that could not be measured, with the reason, so the table shows
// them as such (scripts/bench calls it when a step fails).
func cmdFail(args []string) error {
	fs := flag.NewFlagSet("fail", flag.ContinueOnError)
	out := fs.String("out", "", "fragment folder")
	name := fs.String("fragment", "", "fragment name")
	why := fs.String("why", "", "reason")
	if err := fs.Parse(args); err != nil {
		return err
	}
	// The remaining arguments are figures: "id|section|name".
	var figs []fig.Figure
	for _, a := range fs.Args() {
		p := strings.SplitN(a, "|", 3)
		if len(p) != 3 {
			return fmt.Errorf("figure %q: want id|section|name", a)
		}
		figs = append(figs, fig.Failed(p[0], p[1], p[2], *why))
	}
	return fig.Fragment{Figures: figs}.Write(*out, *name)
}
