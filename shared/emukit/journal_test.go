package emukit

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// fakeJournaled records the entries a replay applies.
type fakeJournaled struct {
	Provider
	got []string
}

func (f *fakeJournaled) ApplyEntry(key string, v json.RawMessage) error {
	f.got = append(f.got, key+"="+string(v))
	return nil
}

// TestJournalReplay: intact records replay in order; a torn tail is cut off so that appends
// follow the last intact record; journals of other generations are dropped.
func TestJournalReplay(t *testing.T) {
	p := &persister{dir: t.TempDir(), version: 1}
	j := &journal{}
	rec := func(key string, v any) {
		t.Helper()
		changes, err := encodeChanges([]string{key}, map[string]any{key: v})
		require.NoError(t, err)
		require.NoError(t, j.appendRecord(p, changes))
	}
	rec("a", 1)
	rec("b", map[string]int{"x": 2})
	rec("a", nil)
	j.close()
	good, err := os.Stat(p.journalPath(0))
	require.NoError(t, err)
	f, err := os.OpenFile(p.journalPath(0), os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	_, err = f.Write([]byte{50, 0, 0, 0, 9, 9, 9, 9, '[', '{'}) // 50 bytes announced, 2 came
	require.NoError(t, err)
	require.NoError(t, f.Close())
	require.NoError(t, os.WriteFile(p.journalPath(7), []byte("stale"), 0o644))

	fj := &fakeJournaled{}
	j, err = p.replayJournal(fj)
	require.NoError(t, err)
	require.Equal(t, []string{"a=1", `b={"x":2}`, "a="}, fj.got)
	require.Equal(t, 3, j.records)
	fi, err := os.Stat(p.journalPath(0))
	require.NoError(t, err)
	require.Equal(t, good.Size(), fi.Size(), "torn tail cut off")
	require.NoFileExists(t, p.journalPath(7))

	rec("c", 3)
	j.close()
	fj = &fakeJournaled{}
	_, err = p.replayJournal(fj)
	require.NoError(t, err)
	require.Equal(t, []string{"a=1", `b={"x":2}`, "a=", "c=3"}, fj.got)

	// A record of the right length whose bytes changed fails its checksum: it and what
	// follows are dropped.
	b, err := os.ReadFile(p.journalPath(0))
	require.NoError(t, err)
	b[len(b)-2] ^= 0xff
	require.NoError(t, os.WriteFile(p.journalPath(0), b, 0o644))
	fj = &fakeJournaled{}
	_, err = p.replayJournal(fj)
	require.NoError(t, err)
	require.Equal(t, []string{"a=1", `b={"x":2}`, "a="}, fj.got)
}

// TestJournalCompact: compacting writes state.json naming the next journal and removes the
// old one; a kill between the two leaves an old journal that the next load ignores.
func TestJournalCompact(t *testing.T) {
	p := &persister{dir: t.TempDir(), version: 1}
	j := &journal{}
	changes, err := encodeChanges([]string{"a"}, map[string]any{"a": 1})
	require.NoError(t, err)
	require.NoError(t, j.appendRecord(p, changes))
	require.NoError(t, p.compact(j, struct {
		A int `json:"a"`
	}{1}))
	b, err := os.ReadFile(p.statePath())
	require.NoError(t, err)
	require.Equal(t, `{"version":1,"journal":1,"a":1}`, string(b))
	require.NoFileExists(t, p.journalPath(0))
	require.Equal(t, 1, j.gen)
	require.Zero(t, j.records)

	// As if killed after writing state.json but before removing journal.1.
	changes, err = encodeChanges([]string{"b"}, map[string]any{"b": 2})
	require.NoError(t, err)
	require.NoError(t, j.appendRecord(p, changes))
	j.close()
	require.NoError(t, p.saveStateGen(struct {
		A int `json:"a"`
	}{1}, 2))
	fj := &fakeJournaled{}
	j, err = p.replayJournal(fj)
	require.NoError(t, err)
	require.Empty(t, fj.got, "the records before state.json are in it")
	require.Equal(t, 2, j.gen)
	ents, err := filepath.Glob(filepath.Join(p.dir, "journal.*"))
	require.NoError(t, err)
	require.Empty(t, ents)
}

// mapProvider is a Journaled provider whose state is a map of counters.
type mapProvider struct {
	Provider
	st struct {
		M map[string]int `json:"m"`
	}
}

func (m *mapProvider) State() any            { return &m.st }
func (m *mapProvider) Blobs(func(id string)) {}
func (m *mapProvider) ApplyEntry(key string, v json.RawMessage) error {
	if v == nil {
		delete(m.st.M, key)
		return nil
	}
	var n int
	err := json.Unmarshal(v, &n)
	m.st.M[key] = n
	return err
}

func newMapKit(t *testing.T, dir string) (*Kit, *mapProvider) {
	t.Helper()
	m := &mapProvider{}
	m.st.M = map[string]int{}
	k, err := New(Config{Provider: m, DataDir: dir, StateVersion: 1})
	require.NoError(t, err)
	require.NoError(t, k.Load(&m.st, nil))
	return k, m
}

// TestKitJournal: UpdateEntries appends what its fn named, Update and ChangedAll save the
// whole state, the journal is folded into state.json past JournalLimit records, and a kit
// that is never closed reloads exactly what its updates saved.
func TestKitJournal(t *testing.T) {
	dir := t.TempDir()
	k, m := newMapKit(t, dir)
	set := func(key string, n int) func() error {
		return func() error {
			m.st.M[key] = n
			k.Changed(key, n)
			return nil
		}
	}
	require.NoError(t, k.Update(func() error { m.st.M["base"] = 1; return nil }))
	require.Equal(t, 1, k.journal.gen)
	for i := range JournalLimit {
		require.NoError(t, k.UpdateEntries(set("n", i)))
	}
	require.Equal(t, 1, k.journal.gen)
	require.Equal(t, JournalLimit, k.journal.records)
	require.NoError(t, k.UpdateEntries(set("n", -1)))
	require.Equal(t, 2, k.journal.gen, "folded past the limit")
	require.NoError(t, k.UpdateEntries(func() error {
		delete(m.st.M, "base")
		k.Changed("base", nil)
		return nil
	}))
	require.NoError(t, k.UpdateEntries(func() error {
		m.st.M["wide"] = 7
		k.ChangedAll()
		return nil
	}))
	require.Equal(t, 3, k.journal.gen)
	require.NoError(t, k.UpdateEntries(set("last", 9)))
	require.NoError(t, k.UpdateEntries(func() error { return nil }))
	require.Equal(t, 1, k.journal.records, "a fn that names nothing writes nothing")

	k2, m2 := newMapKit(t, dir) // k never closed: as if killed
	require.Equal(t, map[string]int{"n": -1, "wide": 7, "last": 9}, m2.st.M)
	require.NoError(t, k2.Close())
	b, err := os.ReadFile(filepath.Join(dir, "state.json"))
	require.NoError(t, err)
	require.Equal(t, `{"version":1,"journal":4,"m":{"last":9,"n":-1,"wide":7}}`, string(b))
}
