package fig

import (
	"math"
	"testing"
)

func TestStatAndPaired(t *testing.T) {
	s := NewStat([]float64{3, 1, 2, 10})
	if s.Median != 2.5 || s.Min != 1 || s.Max != 10 || math.Abs(s.Spread-9/2.5) > 1e-12 {
		t.Fatalf("stat %+v", s)
	}
	if NewStat(nil) != nil {
		t.Fatal("a stat of no runs")
	}
	f := Paired("1", "1 X", "x", "MB/s", "base", []float64{90, 80, 100}, []float64{100, 100, 100})
	if f.Ratio.Median != 0.9 || f.Ratio.Min != 0.8 || f.Baseline.Median != 100 {
		t.Fatalf("paired %+v %+v", f.Ratio, f.Baseline)
	}
	g := Goal{Op: ">=", Limit: 0.9}
	if !g.Met(0.9) || g.Met(0.89) {
		t.Fatal(">= goal")
	}
	g = Goal{Op: "<=", Limit: 0}
	if !g.Met(0) || g.Met(1) {
		t.Fatal("<= goal")
	}
	if p := Percentile([]float64{5, 1, 4, 2, 3}, 50); p != 3 {
		t.Fatalf("p50 %v", p)
	}
}

func TestFragmentsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	in := Fragment{Figures: []Figure{Failed("2", "2 S", "small", "no engine")}, Meta: map[string]string{"chromium": "1.2.3.4"}}
	if err := in.Write(dir, "b"); err != nil {
		t.Fatal(err)
	}
	out, err := ReadFragments(dir)
	if err != nil || len(out) != 1 || out[0].Figures[0].Error != "no engine" || out[0].Meta["chromium"] != "1.2.3.4" {
		t.Fatalf("%v %+v", err, out)
	}
}
