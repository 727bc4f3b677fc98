// Package fig is the data model of scripts/bench: figures with the runs they came from,
// their median and spread, an optional baseline measured in the same run and the ratio
// against it, and the goal the issue sets. Every measuring step writes a fragment
// ({"figures":[...],"meta":{...}}) into the results folder; `ferrybench report` merges the
// fragments, checks goals and prints the Markdown table. The browser scripts write the same
// JSON shape (bench/browser/lib.js).
package fig

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
)

// Stat is one quantity measured over several runs.
type Stat struct {
	Runs   []float64 `json:"runs"`
	Median float64   `json:"median"`
	Min    float64   `json:"min"`
	Max    float64   `json:"max"`
	// Spread is (max-min)/median: how far the runs disagree (0 for one run).
	Spread float64 `json:"spread"`
}

// NewStat summarises runs.
func NewStat(runs []float64) *Stat {
	if len(runs) == 0 {
		return nil
	}
	s := slices.Clone(runs)
	slices.Sort(s)
	st := &Stat{Runs: runs, Median: Quantile(s, 0.5), Min: s[0], Max: s[len(s)-1]}
	if st.Median != 0 {
		st.Spread = (st.Max - st.Min) / math.Abs(st.Median)
	}
	return st
}

// Quantile of sorted values, linear interpolation between closest ranks.
func Quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	pos := q * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := int(math.Ceil(pos))
	if lo == hi {
		return sorted[lo]
	}
	return sorted[lo] + (sorted[hi]-sorted[lo])*(pos-float64(lo))
}

// Goal is what a figure must meet. On says which number is checked: "ratio" (the median
// ratio), "median" (the median value) or "max" (the worst run, for "must be zero" goals).
type Goal struct {
	On    string  `json:"on"`
	Op    string  `json:"op"` // ">=" or "<="
	Limit float64 `json:"limit"`
	Text  string  `json:"text"` // as printed, e.g. "≥ 0.90"
}

// Met reports whether v meets the goal.
func (g *Goal) Met(v float64) bool {
	switch g.Op {
	case ">=":
		return v >= g.Limit
	case "<=":
		return v <= g.Limit
	}
	return false
}

// Figure is one line of the table.
type Figure struct {
	ID      string `json:"id"`      // e.g. "1", "7.2", "8.errors"
	Section string `json:"section"` // e.g. "1 Throughput"
	Name    string `json:"name"`
	Unit    string `json:"unit"`
	// Value is Ferry's figure (or the measured thing when there is no baseline).
	Value *Stat `json:"value,omitempty"`
	// Baseline, measured in the same run, and the ratio Value/Baseline per paired run.
	BaselineName string `json:"baselineName,omitempty"`
	Baseline     *Stat  `json:"baseline,omitempty"`
	Ratio        *Stat  `json:"ratio,omitempty"`
	Goal         *Goal  `json:"goal,omitempty"`
	// Pass is set by the report when there is a goal.
	Pass *bool  `json:"pass,omitempty"`
	Note string `json:"note,omitempty"`
	// Error says why the figure could not be measured; such a figure has no numbers.
	Error string `json:"error,omitempty"`
}

// Paired builds a figure from paired runs of Ferry and its baseline; the ratio of each
// pair is value/baseline (higher is better for rates; callers pass the orientation they
// want).
func Paired(id, section, name, unit, baselineName string, value, baseline []float64) Figure {
	f := Figure{ID: id, Section: section, Name: name, Unit: unit, BaselineName: baselineName,
		Value: NewStat(value), Baseline: NewStat(baseline)}
	n := min(len(value), len(baseline))
	ratios := make([]float64, 0, n)
	for i := 0; i < n; i++ {
		if baseline[i] != 0 {
			ratios = append(ratios, value[i]/baseline[i])
		}
	}
	f.Ratio = NewStat(ratios)
	return f
}

// Failed is a figure that could not be measured, with the reason.
func Failed(id, section, name, why string) Figure {
	return Figure{ID: id, Section: section, Name: name, Error: why}
}

// Fragment is what one measuring step writes.
type Fragment struct {
	Figures []Figure          `json:"figures"`
	Meta    map[string]string `json:"meta,omitempty"`
}

// Write stores the fragment as dir/name.json.
func (fr Fragment) Write(dir, name string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(fr, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name+".json"), append(b, '\n'), 0o644)
}

// ReadFragments reads every *.json in dir, in name order.
func ReadFragments(dir string) ([]Fragment, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	var out []Fragment
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		var fr Fragment
		if err := json.Unmarshal(b, &fr); err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		out = append(out, fr)
	}
	return out, nil
}

// Durations in seconds to milliseconds, a helper for latency lists.
func Ms(secs []float64) []float64 {
	out := make([]float64, len(secs))
	for i, s := range secs {
		out[i] = s * 1000
	}
	return out
}

// Percentile of unsorted values (0..100).
func Percentile(vals []float64, p float64) float64 {
	s := slices.Clone(vals)
	slices.Sort(s)
	return Quantile(s, p/100)
}
