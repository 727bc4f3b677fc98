package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/ferry-upload/ferry/bench/internal/fig"
)

// Machine describes where the figures were measured.
type Machine struct {
	Cores    int    `json:"cores"`
	CPU      string `json:"cpu"`
	MemoryGB string `json:"memory"`
	Kernel   string `json:"kernel"`
	Go       string `json:"go"`
	Node     string `json:"node"`
	Chromium string `json:"chromium"`
}

// Results is the JSON scripts/bench writes.
type Results struct {
	Date     string       `json:"date"`
	Machine  Machine      `json:"machine"`
	Seconds  float64      `json:"seconds"`
	Complete bool         `json:"complete"` // every figure measured
	Missed   []string     `json:"missedGoals"`
	Figures  []fig.Figure `json:"figures"`
}

func cmdReport(args []string) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	in := fs.String("in", "", "fragment folder")
	jsonOut := fs.String("json", "", "results JSON to write")
	mdOut := fs.String("md", "", "Markdown table to write (also printed)")
	secs := fs.Float64("seconds", 0, "wall time of the whole run")
	if err := fs.Parse(args); err != nil {
		return err
	}
	frags, err := fig.ReadFragments(*in)
	if err != nil {
		return err
	}
	res := Results{Date: time.Now().Format(time.RFC3339), Machine: machine(), Seconds: *secs, Complete: true}
	for _, fr := range frags {
		if v := fr.Meta["chromium"]; v != "" {
			res.Machine.Chromium = v
		}
		res.Figures = append(res.Figures, fr.Figures...)
	}
	slices.SortStableFunc(res.Figures, func(a, b fig.Figure) int { return cmpID(a.ID, b.ID) })
	for i := range res.Figures {
		f := &res.Figures[i]
		if f.Error != "" {
			res.Complete = false
			continue
		}
		if f.Goal != nil {
			var v float64
			switch f.Goal.On {
			case "ratio":
				v = f.Ratio.Median
			case "max":
				v = f.Value.Max
			default:
				v = f.Value.Median
			}
			pass := f.Goal.Met(v)
			f.Pass = &pass
			if !pass {
				res.Missed = append(res.Missed, f.ID+" "+f.Name)
			}
		}
	}
	md := markdown(res)
	fmt.Print(md)
	if *mdOut != "" {
		if err := os.WriteFile(*mdOut, []byte(md), 0o644); err != nil {
			return err
		}
	}
	if *jsonOut != "" {
		b, _ := json.MarshalIndent(res, "", "  ")
		if err := os.WriteFile(*jsonOut, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	if !res.Complete {
		var names []string
		for _, f := range res.Figures {
			if f.Error != "" {
				names = append(names, f.ID)
			}
		}
		return errors.New("not every figure was measured: " + strings.Join(names, ", ") + " (reasons in the table)")
	}
	return nil
}

// cmpID orders "1" < "2" < "3a" < "3b" < "7.1a" < "7.10" < "8a" by their numeric prefix first.
func cmpID(a, b string) int {
	na, ra := leadingNum(a)
	nb, rb := leadingNum(b)
	if na != nb {
		return na - nb
	}
	return strings.Compare(ra, rb)
}

func leadingNum(s string) (int, string) {
	n, i := 0, 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		n = n*10 + int(s[i]-'0')
		i++
	}
	return n, s[i:]
}

func num(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1000:
		return fmt.Sprintf("%.0f", v)
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	case a >= 10:
		return fmt.Sprintf("%.1f", v)
	case a >= 1 || v == 0:
		return fmt.Sprintf("%.2f", v)
	default:
		return fmt.Sprintf("%.3f", v)
	}
}

// cell is "median (min–max)", or the single value of a one-run figure.
func cell(s *fig.Stat) string {
	if s == nil {
		return ""
	}
	if len(s.Runs) == 1 || s.Min == s.Max {
		return num(s.Median)
	}
	return fmt.Sprintf("%s (%s–%s)", num(s.Median), num(s.Min), num(s.Max))
}

func markdown(r Results) string {
	var b strings.Builder
	m := r.Machine
	fmt.Fprintf(&b, "Ferry benchmarks, %s, %d cores (%s), %s RAM, %s; %s, Node %s, Chromium %s; %s wall time.\n",
		r.Date[:10], m.Cores, m.CPU, m.MemoryGB, m.Kernel, m.Go, m.Node, orDash(m.Chromium), (time.Duration(r.Seconds) * time.Second).String())
	b.WriteString("Each cell is the median of the runs with (min–max); ratios are Ferry ÷ baseline per paired run.\n\n")
	b.WriteString("| # | figure | unit | runs | Ferry / value | baseline | ratio | goal | |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, f := range r.Figures {
		name := f.Name
		if f.BaselineName != "" {
			name += " — baseline: " + f.BaselineName
		}
		goal, mark := "", ""
		if f.Goal != nil {
			goal = f.Goal.Text
			if f.Goal.On == "max" {
				goal += " (every run)"
			}
		}
		if f.Pass != nil {
			mark = "✓"
			if !*f.Pass {
				mark = "✗"
			}
		}
		if f.Error != "" {
			fmt.Fprintf(&b, "| %s | %s | %s | | ✗ not measured: %s | | | %s | ✗ |\n", f.ID, esc(name), f.Unit, esc(f.Error), goal)
			continue
		}
		runs := ""
		if f.Value != nil {
			runs = fmt.Sprint(len(f.Value.Runs))
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", f.ID, esc(name), f.Unit, runs, cell(f.Value), cell(f.Baseline), cell(f.Ratio), goal, mark)
	}
	var notes []string
	for _, f := range r.Figures {
		if f.Note != "" {
			notes = append(notes, fmt.Sprintf("- %s: %s", f.ID, f.Note))
		}
	}
	if len(notes) > 0 {
		b.WriteString("\nNotes:\n\n" + strings.Join(notes, "\n") + "\n")
	}
	if len(r.Missed) > 0 {
		b.WriteString("\nGoals missed: " + strings.Join(r.Missed, "; ") + ".\n")
	}
	return b.String()
}

func esc(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	return strings.ReplaceAll(s, "\n", " ")
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func machine() Machine {
	m := Machine{Cores: runtime.NumCPU(), Go: runtime.Version()}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb float64
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "MemTotal:") {
				fmt.Sscanf(strings.TrimPrefix(l, "MemTotal:"), "%f", &kb)
			}
		}
		m.MemoryGB = fmt.Sprintf("%.0f GiB", kb/(1<<20))
	}
	if b, err := exec.Command("uname", "-sr").Output(); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if b, err := exec.Command("go", "version").Output(); err == nil {
		if f := strings.Fields(string(b)); len(f) >= 3 {
			m.Go = f[2]
		}
	}
	if b, err := exec.Command("node", "--version").Output(); err == nil {
		m.Node = strings.TrimPrefix(strings.TrimSpace(string(b)), "v")
	}
	if m.Chromium == "" {
		if b, err := exec.Command("chromium", "--version").Output(); err == nil {
			for _, f := range strings.Fields(string(b)) {
				if len(f) > 0 && f[0] >= '0' && f[0] <= '9' && strings.Count(f, ".") == 3 {
					m.Chromium = f
				}
			}
		}
	}
	return m
}
