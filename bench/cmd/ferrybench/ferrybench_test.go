package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"1GiB": 1 << 30, "256MiB": 256 << 20, "4KiB": 4096, "7": 7, "9B": 9} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "x", "-1MiB", "1.5GiB"} {
		if _, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) accepted", bad)
		}
	}
}

// The same seed gives the same prefix; a twin shares exactly the first -diverge bytes.
func TestMkfileTwin(t *testing.T) {
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "a"), filepath.Join(dir, "b"), filepath.Join(dir, "c")
	for _, args := range [][]string{
		{"-size", "3MiB", "-seed", "s", "-o", a},
		{"-size", "2MiB", "-seed", "s", "-o", b},
		{"-size", "3MiB", "-seed", "s", "-diverge", "1MiB", "-o", c},
	} {
		if err := cmdMkfile(args); err != nil {
			t.Fatal(err)
		}
	}
	ab, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	cb, _ := os.ReadFile(c)
	if len(ab) != 3<<20 || len(cb) != 3<<20 || !bytes.Equal(ab[:2<<20], bb) {
		t.Fatal("same seed, different prefix")
	}
	if !bytes.Equal(ab[:1<<20], cb[:1<<20]) || bytes.Equal(ab[1<<20:1<<20+64], cb[1<<20:1<<20+64]) {
		t.Fatal("the twin does not diverge at 1 MiB")
	}
}

func TestReportOrder(t *testing.T) {
	ids := []string{"8a", "7.10", "3b", "1", "7.1a", "10", "3a", "2"}
	slices.SortFunc(ids, cmpID)
	want := []string{"1", "2", "3a", "3b", "7.10", "7.1a", "8a", "10"}
	if !slices.Equal(ids, want) {
		t.Fatalf("%v", ids)
	}
}
