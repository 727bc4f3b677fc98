//go:build !js

package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// safejsPatched are the files of third_party/safejs that differ from the published
// github.com/hack-pad/safejs v0.1.0, each for the reason third_party/safejs/PATCHES.md gives.
var safejsPatched = map[string]bool{
	"value.go": true, "internal/catch/catch.go": true, "internal/stackerr/stackerr.go": true,
}

// TestSafejsIsUpstreamPlusPatches: the copy of safejs the browser module is built with
// (go.mod's replace) is v0.1.0 as published, file for file (third_party/safejs-v0.1.0.sha256
// was taken from the module as the Go module proxy serves it), except the patched files and
// PATCHES.md.
func TestSafejsIsUpstreamPlusPatches(t *testing.T) {
	root := filepath.Join("..", "third_party")
	f, err := os.Open(filepath.Join(root, "safejs-v0.1.0.sha256"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			t.Fatalf("bad line %q", sc.Text())
		}
		want[name] = sum
	}
	if len(want) < 20 {
		t.Fatalf("the upstream list has %d files", len(want))
	}
	dir := filepath.Join(root, "safejs")
	seen := map[string]bool{}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		seen[rel] = true
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		switch up, ok := want[rel]; {
		case rel == "PATCHES.md":
		case !ok:
			t.Errorf("%s is not in safejs v0.1.0", rel)
		case safejsPatched[rel]:
			if hex.EncodeToString(sum[:]) == up {
				t.Errorf("%s is listed as patched but equals upstream: take it off the list", rel)
			}
		case hex.EncodeToString(sum[:]) != up:
			t.Errorf("%s differs from safejs v0.1.0 but is not a documented patch (PATCHES.md)", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for name := range want {
		if !seen[name] {
			t.Errorf("%s of safejs v0.1.0 is missing", name)
		}
	}
}
