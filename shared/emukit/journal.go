package emukit

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Journaled is a Provider whose Updates may name the entries of the state they change
// (Kit.Changed) instead of having the whole state rewritten: those entries are appended
// to a journal, and the whole state (state.json) is only written when the journal grows
// past JournalLimit records, when an Update names nothing, and at Close.
type Journaled interface {
	Provider
	// ApplyEntry sets the entry key of the state just read from state.json to the JSON v
	// that Changed saved, or deletes it when v is nil; called by Load, state locked,
	// before its loaded.
	ApplyEntry(key string, v json.RawMessage) error
}

// JournalLimit is how many records the journal holds before the next Update writes the
// whole state instead (and starts a new journal).
const JournalLimit = 2000

// entryChange is one entry of a journal record: "d" marks a deletion.
type entryChange struct {
	Key     string          `json:"k"`
	Value   json.RawMessage `json:"v,omitempty"`
	Deleted bool            `json:"d,omitempty"`
}

// journal is the append-only file journal.G beside state.json, which names G: a record
// is a little-endian uint32 length, a CRC-32C of the payload and the payload (the JSON
// array of an Update's entryChanges). A torn record (a kill mid-write) fails its length
// or checksum and is dropped with whatever follows it.
type journal struct {
	f       *os.File
	gen     int
	records int
	broken  bool // an append failed: the next Update writes the whole state
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func (p *persister) journalPath(gen int) string {
	return filepath.Join(p.dir, "journal."+strconv.Itoa(gen))
}

// appendRecord writes one record; the caller answers only after it returned.
func (j *journal) appendRecord(p *persister, changes []entryChange) error {
	payload, err := json.Marshal(changes)
	if err != nil {
		return err
	}
	if j.f == nil {
		f, err := os.OpenFile(p.journalPath(j.gen), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return err
		}
		j.f = f
	}
	rec := make([]byte, 8, 8+len(payload))
	binary.LittleEndian.PutUint32(rec[0:4], uint32(len(payload)))
	binary.LittleEndian.PutUint32(rec[4:8], crc32.Checksum(payload, castagnoli))
	rec = append(rec, payload...)
	if _, err := j.f.Write(rec); err != nil {
		j.broken = true
		return err
	}
	j.records++
	return nil
}

func (j *journal) close() {
	if j.f != nil {
		j.f.Close()
		j.f = nil
	}
}

// readJournal returns the intact records of journal.gen and the length they span.
func readJournal(path string) ([][]entryChange, int64, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	var recs [][]entryChange
	off := 0
	for len(b)-off >= 8 {
		n := int(binary.LittleEndian.Uint32(b[off : off+4]))
		sum := binary.LittleEndian.Uint32(b[off+4 : off+8])
		if n > len(b)-off-8 {
			break // torn
		}
		payload := b[off+8 : off+8+n]
		if crc32.Checksum(payload, castagnoli) != sum {
			break // torn
		}
		var changes []entryChange
		if err := json.Unmarshal(payload, &changes); err != nil {
			return nil, 0, fmt.Errorf("emukit: %s: record at %d: %w", path, off, err)
		}
		recs = append(recs, changes)
		off += 8 + n
	}
	return recs, int64(off), nil
}

// journalGen reads the journal generation state.json names (0 when none).
func (p *persister) journalGen() (int, error) {
	b, err := os.ReadFile(p.statePath())
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var head struct {
		Journal int `json:"journal"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return 0, fmt.Errorf("emukit: %s: %w", p.statePath(), err)
	}
	return head.Journal, nil
}

// replayJournal applies the intact records of the journal state.json names, cuts a torn
// tail off so that appends follow the last intact record, and removes journals of other
// generations (left by a kill between writing state.json and removing the old journal).
func (p *persister) replayJournal(jp Journaled) (*journal, error) {
	gen, err := p.journalGen()
	if err != nil {
		return nil, err
	}
	path := p.journalPath(gen)
	recs, good, err := readJournal(path)
	if err != nil {
		return nil, err
	}
	for _, changes := range recs {
		for _, c := range changes {
			v := c.Value
			if c.Deleted {
				v = nil
			}
			if err := jp.ApplyEntry(c.Key, v); err != nil {
				return nil, fmt.Errorf("emukit: %s: entry %q: %w", path, c.Key, err)
			}
		}
	}
	if fi, err := os.Stat(path); err == nil && fi.Size() != good {
		if err := os.Truncate(path, good); err != nil {
			return nil, err
		}
	}
	ents, err := os.ReadDir(p.dir)
	if err != nil {
		return nil, err
	}
	for _, ent := range ents {
		if strings.HasPrefix(ent.Name(), "journal.") && ent.Name() != filepath.Base(path) {
			os.Remove(filepath.Join(p.dir, ent.Name()))
		}
	}
	return &journal{gen: gen, records: len(recs)}, nil
}

// compact writes the whole state naming the next journal generation, then removes the
// journal it replaces: a kill in between leaves state.json naming a journal that does
// not exist yet, and the old one is removed at the next Load.
func (p *persister) compact(j *journal, st any) error {
	next := j.gen + 1
	if err := p.saveStateGen(st, next); err != nil {
		return err
	}
	j.close()
	os.Remove(p.journalPath(j.gen))
	j.gen, j.records, j.broken = next, 0, false
	return nil
}

// encodeChanges marshals the entries an Update named, in the order first named.
func encodeChanges(order []string, vals map[string]any) ([]entryChange, error) {
	out := make([]entryChange, 0, len(order))
	for _, key := range order {
		v := vals[key]
		if v == nil {
			out = append(out, entryChange{Key: key, Deleted: true})
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("emukit: entry %q: %w", key, err)
		}
		out = append(out, entryChange{Key: key, Value: b})
	}
	return out, nil
}
