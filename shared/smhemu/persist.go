package smhemu

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// persister keeps the state in DataDir:
//
//	state.json               tokens, spaces and their trees, upload tasks, signing key
//	parts/{confirmKey}/N.json one received part of an open upload task
//	blobs/{id}               the bytes of parts and files, immutable
//	tmp/                     blobs being received (dropped at start)
//
// Every file is written to a temporary name and renamed into place, so no reader (and no
// restart after a kill) ever sees half a file. The state is saved on every mutation
// before the request is answered.
type persister struct {
	dir string
}

const stateVersion = 1

type stateFile struct {
	Version int `json:"version"`
	*state
}

func (p *persister) saveState(st *state) error {
	b, err := json.Marshal(stateFile{Version: stateVersion, state: st})
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(p.dir, "state.json"), b)
}

func (p *persister) partsDir(confirmKey string) string {
	return filepath.Join(p.dir, "parts", confirmKey)
}

func (p *persister) savePart(confirmKey string, pt *part) error {
	dir := p.partsDir(confirmKey)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b, err := json.Marshal(pt)
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(dir, strconv.Itoa(pt.Number)+".json"), b)
}

func (p *persister) removeParts(confirmKey string) {
	if validID(confirmKey) {
		os.RemoveAll(p.partsDir(confirmKey))
	}
}

// load reads the state (a new one when there is none), the parts of open tasks, and
// deletes what a crash may have left behind: part files of finished tasks and blobs
// nothing refers to.
func (p *persister) load(store blobStore) (*state, error) {
	st := newState()
	b, err := os.ReadFile(filepath.Join(p.dir, "state.json"))
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		sf := stateFile{state: st}
		if err := json.Unmarshal(b, &sf); err != nil {
			return nil, fmt.Errorf("smhemu: %s/state.json: %w", p.dir, err)
		}
		if sf.Version != stateVersion {
			return nil, fmt.Errorf("smhemu: %s/state.json has version %d; this emulator reads %d", p.dir, sf.Version, stateVersion)
		}
	}
	if st.Tokens == nil {
		st.Tokens = map[string]*token{}
	}
	if st.Libraries == nil {
		st.Libraries = map[string]*libState{}
	}
	if st.Uploads == nil {
		st.Uploads = map[string]*upload{}
	}
	for _, l := range st.Libraries {
		for _, sp := range l.Spaces {
			if sp.Nodes == nil {
				sp.Nodes = map[string]*node{}
			}
		}
	}
	st.objects = map[string]string{}
	for ck, u := range st.Uploads {
		st.objects[u.ObjectKey] = ck
		if u.Parts, err = p.loadParts(ck); err != nil {
			return nil, err
		}
	}
	if err := p.sweep(st, store); err != nil {
		return nil, err
	}
	return st, nil
}

func (p *persister) loadParts(confirmKey string) (map[int]*part, error) {
	parts := map[int]*part{}
	ents, err := os.ReadDir(p.partsDir(confirmKey))
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
		b, err := os.ReadFile(filepath.Join(p.partsDir(confirmKey), ent.Name()))
		if err != nil {
			return nil, err
		}
		var pt part
		if err := json.Unmarshal(b, &pt); err != nil {
			return nil, fmt.Errorf("smhemu: part %s/%s: %w", confirmKey, ent.Name(), err)
		}
		parts[pt.Number] = &pt
	}
	return parts, nil
}

// sweep removes part directories of tasks that are gone and unreferenced blobs.
func (p *persister) sweep(st *state, store blobStore) error {
	ents, err := os.ReadDir(filepath.Join(p.dir, "parts"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	for _, ent := range ents {
		if st.Uploads[ent.Name()] == nil {
			os.RemoveAll(filepath.Join(p.dir, "parts", ent.Name()))
		}
	}
	ids, err := store.list()
	if err != nil {
		return err
	}
	refs := referenced(st)
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
