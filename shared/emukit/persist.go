package emukit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// persister keeps the state in a data directory:
//
//	state.json             the provider's state, with "version" (and "journal")
//	journal.G              changed entries since state.json (Journaled providers)
//	parts/{upload}/N.json  one received part of an open upload
//	blobs/{id}             the bytes of parts and files, immutable
//	tmp/                   blobs being received (dropped at start)
//
// Every file is written to a temporary name and renamed into place, so no reader (and no
// restart after a kill) ever sees half a file, and a torn journal record is dropped. The
// state (or, for a Journaled provider, the entries an Update named) is saved on every
// mutation (Update) before the request is answered. Like the rest, the journal is not
// fsynced: what is answered survives a killed process, not a lost machine.
type persister struct {
	dir     string
	version int
}

func (p *persister) statePath() string { return filepath.Join(p.dir, "state.json") }

// saveState writes {"version":N, …the state's own fields…}.
func (p *persister) saveState(st any) error { return p.saveStateGen(st, 0) }

// saveStateGen writes {"version":N,"journal":G, …the state's own fields…}: G (when not 0)
// names the journal whose records follow this state (Journaled providers).
func (p *persister) saveStateGen(st any, gen int) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	if len(b) < 2 || b[0] != '{' {
		return fmt.Errorf("emukit: the state must be a JSON object, not %.20s", b)
	}
	var buf bytes.Buffer
	buf.WriteString(`{"version":` + strconv.Itoa(p.version))
	if gen != 0 {
		buf.WriteString(`,"journal":` + strconv.Itoa(gen))
	}
	if len(bytes.TrimSpace(b[1:len(b)-1])) > 0 {
		buf.WriteByte(',')
	}
	buf.Write(b[1:])
	return writeAtomic(p.statePath(), buf.Bytes())
}

// loadState decodes state.json into st; it reports false when there is none.
func (p *persister) loadState(st any) (bool, error) {
	b, err := os.ReadFile(p.statePath())
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, err
	}
	var head struct {
		Version int `json:"version"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return false, fmt.Errorf("emukit: %s: %w", p.statePath(), err)
	}
	if head.Version != p.version {
		return false, fmt.Errorf("emukit: %s has version %d; this emulator reads %d", p.statePath(), head.Version, p.version)
	}
	if err := json.Unmarshal(b, st); err != nil {
		return false, fmt.Errorf("emukit: %s: %w", p.statePath(), err)
	}
	return true, nil
}

func (p *persister) partsDir(upload string) string {
	return filepath.Join(p.dir, "parts", upload)
}

func (p *persister) savePart(upload string, pt *Part) error {
	if !ValidID(upload) {
		return fmt.Errorf("emukit: bad upload key %q", upload)
	}
	dir := p.partsDir(upload)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b, err := json.Marshal(pt)
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(dir, strconv.Itoa(pt.Number)+".json"), b)
}

func (p *persister) removeParts(upload string) {
	if ValidID(upload) {
		os.RemoveAll(p.partsDir(upload))
	}
}

func (p *persister) loadParts(upload string) (map[int]*Part, error) {
	parts := map[int]*Part{}
	if !ValidID(upload) {
		return nil, fmt.Errorf("emukit: bad upload key %q", upload)
	}
	ents, err := os.ReadDir(p.partsDir(upload))
	if errors.Is(err, fs.ErrNotExist) {
		return parts, nil
	}
	if err != nil {
		return nil, err
	}
	for _, ent := range ents {
		if !strings.HasSuffix(ent.Name(), ".json") || strings.HasPrefix(ent.Name(), ".") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(p.partsDir(upload), ent.Name()))
		if err != nil {
			return nil, err
		}
		var pt Part
		if err := json.Unmarshal(b, &pt); err != nil {
			return nil, fmt.Errorf("emukit: part %s/%s: %w", upload, ent.Name(), err)
		}
		parts[pt.Number] = &pt
	}
	return parts, nil
}

// sweep removes part directories of uploads not kept and blobs nothing refers to.
func (p *persister) sweep(kept map[string]bool, store blobStore, refs map[string]bool) error {
	ents, err := os.ReadDir(filepath.Join(p.dir, "parts"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	for _, ent := range ents {
		if !kept[ent.Name()] {
			os.RemoveAll(filepath.Join(p.dir, "parts", ent.Name()))
		}
	}
	ids, err := store.list()
	if err != nil {
		return err
	}
	for _, id := range ids {
		if !refs[id] {
			store.remove(id)
		}
	}
	return nil
}

// writeAtomic writes data to a temporary file beside path and renames it into place.
func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}
