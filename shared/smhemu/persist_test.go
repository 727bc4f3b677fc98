package smhemu_test

import (
	"bytes"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ferry-upload/ferry/shared/smhemu"
)

// TestRestartMidUpload: begin multipart, PUT part 1, restart, PUT part 2 with the headers
// issued before the restart, confirm with the token issued before it.
func TestRestartMidUpload(t *testing.T) {
	dir := t.TempDir()
	data := random(mib+777, 9)
	srv1, err := smhemu.NewServer(smhemu.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	e1 := &env{t: t, srv: srv1, emu: srv1.Emulator(), base: srv1.URL(), hc: srv1.HTTPClient()}
	tok := e1.devToken("upload_file,create_directory")
	expect(t, e1.api("PUT", "/api/v1/directory/smhdev/-/keep", tok, nil), 201, "")
	a, ui := e1.begin(tok, "keep/big.bin", true, "", nil)
	expect(t, a, 200, "")
	expect(t, e1.put(ui, 1, data[:mib]), 200, "")
	srv1.Close()

	e2 := newEnv(t, smhemu.Options{DataDir: dir})
	ui.Domain = strings.TrimPrefix(e2.base, "http://") // the new listener has another port
	st := e2.task("GET", tok, ui.ConfirmKey, "upload", nil)
	expect(t, st, 200, "")
	if !strings.Contains(string(st.body), `"PartNumber":1`) {
		t.Fatalf("state after restart: %s", st.body)
	}
	expect(t, e2.put(ui, 2, data[mib:]), 200, "")
	expect(t, e2.task("POST", tok, ui.ConfirmKey, "confirm", nil), 200, "")
	got, err := e2.emu.ReadFile("smhdev", "-", "keep/big.bin")
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("content after restart differs (%v)", err)
	}
	checkNoTempFiles(t, dir)
}

// TestStateSurvivesWithoutClose: every acknowledged mutation is on disk before the answer,
// so an emulator that is never closed (killed) loses nothing.
func TestStateSurvivesWithoutClose(t *testing.T) {
	dir := t.TempDir()
	emu1, err := smhemu.New(smhemu.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(emu1)
	e1 := &env{t: t, emu: emu1, base: ts.URL, hc: ts.Client()}
	tok := e1.devToken("upload_file")
	e1.upload(tok, "a.txt", []byte("alpha"), "")
	admin := e1.token("smhmedia", "mediasecret", "grant=admin")
	a := e1.api("POST", "/api/v1/space/smhmedia", admin, nil)
	expect(t, a, 201, "")
	_, open := e1.begin(tok, "open.bin", true, "", nil)
	expect(t, e1.put(open, 3, []byte("three")), 200, "")
	ts.Close() // no emu1.Close(): as if killed

	e2 := newEnv(t, smhemu.Options{DataDir: dir})
	if got, _ := e2.emu.ReadFile("smhdev", "-", "a.txt"); string(got) != "alpha" {
		t.Fatalf("file lost: %q", got)
	}
	expect(t, e2.api("GET", "/api/v1/directory/smhdev/-/", tok, nil), 200, "") // token kept
	a = e2.api("GET", "/api/v1/space/smhmedia/list", admin, nil)
	if strings.Count(string(a.body), "spaceId") != 2 {
		t.Fatalf("spaces: %s", a.body)
	}
	ups, _ := e2.emu.OpenUploads("smhdev", "-")
	if len(ups) != 1 || len(ups[0].Parts) != 1 || ups[0].Parts[0] != 3 {
		t.Fatalf("uploads: %+v", ups)
	}
	// Quick upload still finds the stored file by its hashes.
	files, _ := e2.emu.Files("smhdev", "-")
	if len(files) != 1 || files[0].SHA256 == "" {
		t.Fatalf("files %+v", files)
	}
}

// TestSweepAfterCrash: blobs nobody refers to and part files of finished tasks are removed
// at start; deleting files removes their blobs.
func TestSweepAfterCrash(t *testing.T) {
	dir := t.TempDir()
	e := newEnv(t, smhemu.Options{DataDir: dir})
	if err := e.emu.PutFile("smhdev", "-", "x.bin", []byte("x")); err != nil {
		t.Fatal(err)
	}
	blobs := func() int {
		ents, _ := os.ReadDir(filepath.Join(dir, "blobs"))
		return len(ents)
	}
	if blobs() != 1 {
		t.Fatalf("%d blobs", blobs())
	}
	e.srv.Close()
	os.WriteFile(filepath.Join(dir, "blobs", "0123456789abcdef0123456789abcdef"), []byte("orphan"), 0o644)
	os.MkdirAll(filepath.Join(dir, "parts", "deadbeef"), 0o755)
	os.WriteFile(filepath.Join(dir, "parts", "deadbeef", "1.json"), []byte("{}"), 0o644)
	os.MkdirAll(filepath.Join(dir, "tmp"), 0o755)
	os.WriteFile(filepath.Join(dir, "tmp", "blob-123"), []byte("half"), 0o644)

	e2 := newEnv(t, smhemu.Options{DataDir: dir})
	if blobs() != 1 {
		t.Fatalf("orphan blob kept: %d blobs", blobs())
	}
	if _, err := os.Stat(filepath.Join(dir, "parts", "deadbeef")); err == nil {
		t.Fatal("stray part directory kept")
	}
	if ents, _ := os.ReadDir(filepath.Join(dir, "tmp")); len(ents) != 0 {
		t.Fatal("tmp not emptied")
	}
	expect(t, e2.api("DELETE", "/api/v1/file/smhdev/-/x.bin", e2.devToken("delete_file"), nil), 204, "")
	if blobs() != 0 {
		t.Fatal("deleted file's blob kept")
	}
	// Quick-upload copies share blobs: deleting one copy keeps the other's bytes.
	tok := e2.devToken("upload_file,delete_file")
	data := pattern(vectorSize)
	e2.upload(tok, "one.bin", data, "")
	a, _ := e2.begin(tok, "two.bin", false, "", map[string]any{"size": vectorSize, "beginningHash": vectorBeginning, "fullHash": vectorFull})
	expect(t, a, 200, "")
	expect(t, e2.api("DELETE", "/api/v1/file/smhdev/-/one.bin", tok, nil), 204, "")
	if got, err := e2.emu.ReadFile("smhdev", "-", "two.bin"); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("shared blob lost: %v", err)
	}
	// Reset drops everything on disk too.
	expect(t, e2.do("POST", "/_emulator/reset", nil, nil), 200, "")
	if blobs() != 0 {
		t.Fatal("reset kept blobs")
	}
	checkNoTempFiles(t, dir)
}

func checkNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", p)
		}
		return nil
	})
}

func TestCorruptStateRefused(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "state.json"), []byte("{not json"), 0o644)
	if _, err := smhemu.New(smhemu.Options{DataDir: dir}); err == nil {
		t.Fatal("a corrupt state.json was accepted")
	}
	os.WriteFile(filepath.Join(dir, "state.json"), []byte(`{"version":99}`), 0o644)
	if _, err := smhemu.New(smhemu.Options{DataDir: dir}); err == nil {
		t.Fatal("an unknown state version was accepted")
	}
}
