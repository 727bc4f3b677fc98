package smhemu_test

import (
	"bytes"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferry-upload/ferry/shared/smhemu"
)

// copyDataDir copies a live emulator's data directory but its blobs (the state never
// reads them), as a kill -9 would leave it: nothing is closed or flushed first.
func copyDataDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if rel == "blobs" || rel == "tmp" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// restartedState is the state an emulator restarted from a copy of dir holds.
func restartedState(t *testing.T, dir string) []byte {
	t.Helper()
	emu, err := smhemu.New(smhemu.Options{DataDir: copyDataDir(t, dir)})
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	return emu.StateJSON()
}

// TestJournalKill: after every answered request of the routes that journal their changes
// (and of some that rewrite the whole state), an emulator restarted from the data
// directory as a kill leaves it holds exactly the live emulator's state.
func TestJournalKill(t *testing.T) {
	dir := t.TempDir()
	emu, err := smhemu.New(smhemu.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(emu)
	defer ts.Close()
	e := &env{t: t, emu: emu, base: ts.URL, hc: ts.Client()}
	check := func(step string) {
		t.Helper()
		if got, want := restartedState(t, dir), emu.StateJSON(); !bytes.Equal(got, want) {
			t.Fatalf("after %s the restarted state differs:\n got %s\nwant %s", step, got, want)
		}
	}
	tok := e.devToken("upload_file,upload_file_force,create_directory,delete_file")
	check("token")
	expect(t, e.api("PUT", "/api/v1/directory/smhdev/-/d/e/f", tok, nil), 201, "")
	check("mkdir")
	expect(t, e.upload(tok, "d/a.txt", []byte("alpha"), ""), 200, "")
	check("upload")
	expect(t, e.upload(tok, "d/a.txt", []byte("beta"), "conflict_resolution_strategy=rename"), 200, "")
	check("upload renamed")
	expect(t, e.upload(tok, "d/a.txt", []byte("gamma"), "conflict_resolution_strategy=overwrite"), 200, "")
	check("upload overwriting")
	a, open := e.begin(tok, "d/open.bin", true, "", nil)
	expect(t, a, 200, "")
	check("begin multipart")
	expect(t, e.put(open, 2, []byte("two")), 200, "")
	check("part")
	expect(t, e.task("POST", tok, open.ConfirmKey, "renew", nil), 200, "")
	check("renew")
	expect(t, e.task("GET", tok, open.ConfirmKey, "upload", nil), 200, "")
	check("task state")
	_, gone := e.begin(tok, "d/gone.bin", false, "", nil)
	expect(t, e.put(gone, 0, []byte("x")), 200, "")
	expect(t, e.task("DELETE", tok, gone.ConfirmKey, "upload", nil), 204, "")
	check("cancel")
	expect(t, e.upload(tok, "q1.bin", pattern(vectorSize), ""), 200, "")
	a, _ = e.begin(tok, "q2.bin", false, "", map[string]any{"size": vectorSize, "beginningHash": vectorBeginning})
	expect(t, a, 202, "")
	a, _ = e.begin(tok, "q2.bin", false, "", map[string]any{"size": vectorSize, "beginningHash": vectorBeginning, "fullHash": vectorFull})
	expect(t, a, 200, "")
	check("quick upload")
	expect(t, e.api("DELETE", "/api/v1/file/smhdev/-/d/a.txt", tok, nil), 204, "")
	check("delete")
	for _, read := range []struct{ method, path string }{
		{"GET", "/api/v1/directory/smhdev/-/d"},
		{"GET", "/api/v1/directory/smhdev/-/d?info"},
		{"HEAD", "/api/v1/directory/smhdev/-/d"},
		{"GET", "/api/v1/file/smhdev/-/q1.bin?info"},
		{"GET", "/api/v1/file/smhdev/-/q1.bin"},
		{"HEAD", "/api/v1/file/smhdev/-/q1.bin"},
	} {
		e.hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		if a := e.api(read.method, read.path, tok, nil); a.status >= 300 && a.status != 302 {
			t.Fatalf("%s %s: %d %s", read.method, read.path, a.status, a.body)
		}
		check(read.method + " " + read.path) // the token's expiry slid
	}
	other := e.devToken("upload_file")
	expect(t, e.do("POST", "/api/v1/token/smhdev/"+other, nil, nil), 200, "")
	check("token renew")
	expect(t, e.do("DELETE", "/api/v1/token/smhdev/"+other, nil, nil), 204, "")
	check("token delete")
	expect(t, e.do("POST", "/_emulator/expire", nil, nil), 200, "") // rewrites the whole state
	check("expire")
	tok = e.devToken("upload_file")
	expect(t, e.upload(tok, "after.txt", []byte("after"), ""), 200, "")
	check("upload after a whole-state save")
}

// TestJournalTornTail: a record cut short by a kill is ignored, the records before it
// load, and the journal goes on after them.
func TestJournalTornTail(t *testing.T) {
	dir := t.TempDir()
	emu, err := smhemu.New(smhemu.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(emu)
	e := &env{t: t, emu: emu, base: ts.URL, hc: ts.Client()}
	tok := e.devToken("upload_file")
	expect(t, e.upload(tok, "a.txt", []byte("alpha"), ""), 200, "")
	want := emu.StateJSON()
	ts.Close() // no Close: as if killed

	journals, _ := filepath.Glob(filepath.Join(dir, "journal.*"))
	if len(journals) != 1 {
		t.Fatalf("journals: %v", journals)
	}
	// A record announcing 200 bytes of which 11 arrived.
	f, err := os.OpenFile(journals[0], os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte{200, 0, 0, 0, 1, 2, 3, 4, '[', '{', '"', 'k', '"', ':', '"', 't', 'o', 'k', 'e'})
	f.Close()

	e2 := newEnv(t, smhemu.Options{DataDir: dir})
	if got := e2.emu.StateJSON(); !bytes.Equal(got, want) {
		t.Fatalf("state after a torn record:\n got %s\nwant %s", got, want)
	}
	// A record whose bytes are all there but wrong fails its checksum.
	expect(t, e2.upload(tok, "b.txt", []byte("beta"), ""), 200, "")
	want = e2.emu.StateJSON()
	journals, _ = filepath.Glob(filepath.Join(dir, "journal.*"))
	if len(journals) != 1 {
		t.Fatalf("journals: %v", journals)
	}
	b, _ := os.ReadFile(journals[0])
	if len(b) < 9 {
		t.Fatalf("journal too short: %d bytes", len(b))
	}
	bad := append(append([]byte{}, b...), b[:len(b)/2]...) // a copy of earlier records, cut
	os.WriteFile(journals[0], bad, 0o644)
	if got := restartedState(t, dir); !bytes.Equal(got, want) {
		t.Fatalf("state after a cut record:\n got %s\nwant %s", got, want)
	}
	if !strings.Contains(string(want), `"b.txt"`) {
		t.Fatal("b.txt missing from the state")
	}
}
