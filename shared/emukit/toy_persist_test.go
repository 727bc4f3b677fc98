package emukit_test

import (
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestToyRestart: with a data directory, a provider's state, the parts of its open
// uploads and the blobs survive a process that is never closed (killed); what a crash
// leaves behind is swept at the next start; reset empties the directory.
func TestToyRestart(t *testing.T) {
	dir := t.TempDir()
	ty1, err := newToy(dir)
	require.NoError(t, err)
	ts := httptest.NewServer(ty1.kit)
	e1 := &toyEnv{t: t, toy: ty1, kit: ty1.kit, base: ts.URL, hc: ts.Client()}
	expect(t, e1.upload("kept.txt", []byte("alpha")), 200, "")
	open := e1.begin("open.bin", 5)
	expect(t, e1.do("PUT", "/toy/data/"+open, "first"), 200, "")
	expect(t, e1.do("PUT", "/toy/data/"+open, "again"), 200, "") // replaces the part
	files1 := string(e1.do("GET", "/_emulator/files?library=toy", nil).body)
	ts.Close() // no kit.Close(): as if killed

	blobs := func() int {
		ents, _ := os.ReadDir(filepath.Join(dir, "blobs"))
		return len(ents)
	}
	require.Equal(t, 2, blobs(), "the file's blob and the open upload's part; the replaced part is gone")
	b, err := os.ReadFile(filepath.Join(dir, "state.json"))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(b), `{"version":1,"files":`), "state.json: %s", b)
	// What a crash may leave: an unreferenced blob, parts of a finished upload, a blob
	// being received.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "blobs", "0123456789abcdef0123456789abcdef"), []byte("orphan"), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "parts", "deadbeef"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "parts", "deadbeef", "1.json"), []byte("{}"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "tmp", "blob-123"), []byte("half"), 0o644))

	e2 := newToyEnv(t, dir)
	require.Equal(t, files1, string(e2.do("GET", "/_emulator/files?library=toy", nil).body))
	require.Equal(t, `[{"path":"/open.bin","size":5}]`, string(e2.do("GET", "/_emulator/uploads?library=toy", nil).body))
	require.Equal(t, 2, blobs(), "orphan blob swept")
	require.NoDirExists(t, filepath.Join(dir, "parts", "deadbeef"))
	ents, _ := os.ReadDir(filepath.Join(dir, "tmp"))
	require.Empty(t, ents, "tmp emptied")

	// The open upload goes on where it was.
	expect(t, e2.do("POST", "/toy/uploads/"+open+"/done", nil), 200, "")
	require.Equal(t, "again", string(e2.do("GET", "/toy/files/open.bin", nil).body))
	require.NoDirExists(t, filepath.Join(dir, "parts", open), "a finished upload's parts are deleted")
	require.Equal(t, "alpha", string(e2.do("GET", "/toy/files/kept.txt", nil).body))

	// Replacing a file deletes its old blob once the state no longer needs it.
	expect(t, e2.upload("kept.txt", []byte("beta")), 200, "")
	require.Equal(t, 2, blobs())

	expect(t, e2.do("POST", "/_emulator/reset", nil), 200, "")
	require.Zero(t, blobs(), "reset drops the bytes on disk too")
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", p)
		}
		return nil
	})
}

func TestToyStateRefused(t *testing.T) {
	for _, bad := range []string{"{not json", `{"version":99}`, `{"files":{}}`, `{"version":1,"files":[]}`} {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "state.json"), []byte(bad), 0o644))
		_, err := newToy(dir)
		require.Error(t, err, "state.json %s was accepted", bad)
	}
	// A state file of the right version and shape loads.
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "state.json"), []byte(`{"version":1}`), 0o644))
	_, err := newToy(dir)
	require.NoError(t, err)
}
