package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

const (
	srcDir   = "../../web/src"
	builtJS  = "../../web/ferry.js"
	maxLines = 400
)

// The committed web/ferry.js is exactly what web/src/ builds: an edit of web/src/ without a
// rebuild, or a hand edit of web/ferry.js, fails here.
func TestCommittedFerryJSIsFresh(t *testing.T) {
	want, err := build(os.DirFS(srcDir))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(builtJS)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("web/ferry.js is stale: it is not what web/src/ builds (first difference at line %d). "+
			"Edit web/src/, never web/ferry.js; run scripts/build-widget and commit web/ferry.js.", firstDiffLine(got, want))
	}
}

// Every source file is small enough to hold in mind, and opens with what it holds.
func TestSourceFilesAreSmall(t *testing.T) {
	for _, name := range order {
		b, err := os.ReadFile(filepath.Join(srcDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if n := bytes.Count(b, []byte("\n")); n > maxLines {
			t.Errorf("web/src/%s has %d lines (limit %d): split it by responsibility and add the new file to order", name, n, maxLines)
		}
		if err := checkSource(name, b); err != nil {
			t.Error(err)
		}
	}
}

// Every file in web/src/ is in the build order, once, and every file in the order exists.
func TestEveryFileIsInTheOrder(t *testing.T) {
	entries, err := os.ReadDir(srcDir)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, name := range order {
		if seen[name] {
			t.Errorf("%s is twice in the build order", name)
		}
		seen[name] = true
	}
	for _, e := range entries {
		if !seen[e.Name()] {
			t.Errorf("web/src/%s is not in the build order", e.Name())
		}
		delete(seen, e.Name())
	}
	for name := range seen {
		t.Errorf("%s is in the build order but not in web/src/", name)
	}
}

// sources returns a web/src/ of tiny files, one per name in order.
func sources() fstest.MapFS {
	m := fstest.MapFS{}
	for i, name := range order {
		m[name] = &fstest.MapFile{Data: []byte("// " + name + " holds a test line\nconst v" + string(rune('a'+i)) + " = 1;\n")}
	}
	return m
}

func TestBuildWrapsTheFilesInOrderInOneIIFE(t *testing.T) {
	b, err := build(sources())
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if !strings.HasPrefix(s, "/*! Ferry") || !strings.Contains(s, "edit web/src/, then run scripts/build-widget") {
		t.Errorf("the header does not say the file is generated and how to rebuild it:\n%.600s", s)
	}
	if !strings.Contains(s, "*/\n(() => {\n\"use strict\";\n") || !strings.HasSuffix(s, "\n})();\n") {
		t.Errorf("not one strict IIFE:\n%s", s)
	}
	last := -1
	for _, name := range order {
		at := strings.Index(s, "\n// ---- web/src/"+name+" ----\n// "+name+" holds")
		if at < 0 || at < last {
			t.Fatalf("%s is missing or out of order in:\n%s", name, s)
		}
		last = at
	}
	again, _ := build(sources())
	if !bytes.Equal(b, again) {
		t.Error("two builds of the same sources differ")
	}
}

func TestBuildRefusesAForgottenOrMissingFile(t *testing.T) {
	extra := sources()
	extra["upload-queue.js"] = &fstest.MapFile{Data: []byte("// a file nobody added to the order\n")}
	if _, err := build(extra); err == nil || !strings.Contains(err.Error(), "upload-queue.js is not in the build order") {
		t.Errorf("a file missing from the order: err = %v", err)
	}
	missing := sources()
	delete(missing, "api.js")
	if _, err := build(missing); err == nil || !strings.Contains(err.Error(), "api.js") {
		t.Errorf("a file of the order missing from web/src/: err = %v", err)
	}
}

func TestBuildRefusesAFileWithoutItsComment(t *testing.T) {
	for what, data := range map[string]string{
		"no comment":      "const x = 1;\n",
		"empty comment":   "//\nconst x = 1;\n",
		"no last newline": "// holds x\nconst x = 1;",
		"CRLF":            "// holds x\r\nconst x = 1;\r\n",
	} {
		m := sources()
		m["format.js"] = &fstest.MapFile{Data: []byte(data)}
		if _, err := build(m); err == nil || !strings.Contains(err.Error(), "format.js") {
			t.Errorf("%s: err = %v", what, err)
		}
	}
}

// The built script parses. scripts/test installs Node before the native tier; elsewhere, a
// machine without node says so.
func TestBuiltScriptParses(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not on PATH, so web/ferry.js's syntax cannot be checked: install Node 20 (scripts/test does)")
	}
	b, err := build(os.DirFS(srcDir))
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "ferry.js")
	if err := os.WriteFile(f, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(node, "--check", f).CombinedOutput(); err != nil {
		t.Fatalf("node --check on the built ferry.js: %v\n%s", err, out)
	}
}

func TestWrapNames(t *testing.T) {
	got := wrapNames([]string{"aaaa.js", "bbbb.js", "cccc.js"}, 22)
	want := " *   aaaa.js, bbbb.js,\n *   cccc.js\n"
	if got != want {
		t.Errorf("wrapNames = %q, want %q", got, want)
	}
}

// firstDiffLine is the 1-based line where a and b first differ.
func firstDiffLine(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	return bytes.Count(a[:i], []byte("\n")) + 1
}
