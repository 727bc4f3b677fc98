package smhemu

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// The entries of the state that the hot routes name (emukit.Kit.UpdateEntries), so that
// a token, a begin or a confirm appends a journal record instead of rewriting the whole
// state. Every other Update saves the whole state. Keys:
//
//	meta                       the signature serials
//	token/{value}              a token
//	upload/{confirmKey}        an open upload task (its parts live in files of their own)
//	node/{lib}/{space}/{path}  a directory or file (lib and space ids hold no "/")

type metaEntry struct {
	SigSerial         uint64 `json:"sigSerial"`
	SigExpiredThrough uint64 `json:"sigExpiredThrough"`
}

func (e *Emulator) touchMetaLocked() {
	e.kit.Changed("meta", metaEntry{e.st.SigSerial, e.st.SigExpiredThrough})
}

// touchTokenLocked names token value: t, or deleted when t is nil.
func (e *Emulator) touchTokenLocked(value string, t *token) {
	if t == nil {
		e.kit.Changed("token/"+value, nil)
		return
	}
	e.kit.Changed("token/"+value, t)
}

// touchUploadLocked names the task: u, or deleted when u is nil.
func (e *Emulator) touchUploadLocked(confirmKey string, u *upload) {
	if u == nil {
		e.kit.Changed("upload/"+confirmKey, nil)
		return
	}
	e.kit.Changed("upload/"+confirmKey, u)
}

// touchNodeLocked names the node at path key k of space sp as it is now (deleted when absent).
func (e *Emulator) touchNodeLocked(lib string, sp *space, k string) {
	key := "node/" + lib + "/" + sp.ID + "/" + k
	if n := sp.Nodes[k]; n != nil {
		e.kit.Changed(key, n)
		return
	}
	e.kit.Changed(key, nil)
}

// ApplyEntry replays a journal entry over the state read from state.json
// (emukit.Journaled); loadedLocked then rebuilds the indexes and reads the parts.
func (p provider) ApplyEntry(key string, v json.RawMessage) error {
	st := p.e.st
	kind, rest, _ := strings.Cut(key, "/")
	switch kind {
	case "meta":
		var m metaEntry
		if err := json.Unmarshal(v, &m); err != nil {
			return err
		}
		st.SigSerial, st.SigExpiredThrough = m.SigSerial, m.SigExpiredThrough
	case "token":
		if st.Tokens == nil {
			st.Tokens = map[string]*token{}
		}
		if v == nil {
			delete(st.Tokens, rest)
			return nil
		}
		var t token
		if err := json.Unmarshal(v, &t); err != nil {
			return err
		}
		st.Tokens[rest] = &t
	case "upload":
		if st.Uploads == nil {
			st.Uploads = map[string]*upload{}
		}
		if v == nil {
			delete(st.Uploads, rest)
			return nil
		}
		var u upload
		if err := json.Unmarshal(v, &u); err != nil {
			return err
		}
		st.Uploads[rest] = &u
	case "node":
		lib, r, _ := strings.Cut(rest, "/")
		spID, k, ok := strings.Cut(r, "/")
		l := st.Libraries[lib]
		if !ok || l == nil || l.Spaces[spID] == nil {
			return fmt.Errorf("no space %q in library %q", spID, lib)
		}
		sp := l.Spaces[spID]
		if sp.Nodes == nil {
			sp.Nodes = map[string]*node{}
		}
		if v == nil {
			delete(sp.Nodes, k)
			return nil
		}
		var n node
		if err := json.Unmarshal(v, &n); err != nil {
			return err
		}
		sp.Nodes[k] = &n
	default:
		return fmt.Errorf("unknown entry")
	}
	return nil
}

var _ emukit.Journaled = provider{}
