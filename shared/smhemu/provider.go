package smhemu

import (
	"github.com/ferry-upload/ferry/shared/emukit"
)

// provider is the SMH half that the emulator kit drives (emukit.Provider). It is apart
// from Emulator so that the Emulator's exported methods stay those of the SMH emulator.
type provider struct{ e *Emulator }

// Route parses the request into an SMH route: its stats name, plane, the upload task a
// data-plane PUT's bytes count for, and the handler.
func (p provider) Route(kc *emukit.Call) (emukit.Route, error) {
	e, r := p.e, kc.Request()
	rt, err := parseRoute(r.Method, r.URL.EscapedPath(), r.URL.RawQuery)
	out := emukit.Route{Name: rt.name, Plane: rt.plane, NoFault: rt.op == opUnmatched || rt.op == opPreflight}
	if rt.plane == planeData {
		kc.Writer().Header().Set("x-cos-request-id", kc.ID())
		if rt.op == opDataPut || rt.op == opDataPartPut {
			e.kit.Lock()
			out.Upload = e.st.objects[rt.key]
			e.kit.Unlock()
		}
	}
	out.Serve = func(kc *emukit.Call) error { return e.dispatch(newCall(kc, rt)) }
	return out, err
}

func (p provider) WriteError(c *emukit.Call, err error) { p.e.writeError(c, err) }

func (p provider) State() any { return p.e.st }

// Blobs reports the blobs some file or upload task needs.
func (p provider) Blobs(keep func(id string)) {
	st := p.e.st
	for _, l := range st.Libraries {
		for _, sp := range l.Spaces {
			for _, n := range sp.Nodes {
				if n.File != nil {
					for _, b := range n.File.Blobs {
						keep(b.ID)
					}
				}
			}
		}
	}
	for _, u := range st.Uploads {
		for _, pt := range u.Parts {
			keep(pt.Blob.ID)
		}
	}
}

func (p provider) Reset() error { return p.e.resetLocked() }

func (p provider) Expire(tokens, uploads bool) (int, int, error) {
	return p.e.ExpireNow(tokens, uploads)
}

func (p provider) Files(library, space string) (any, error) {
	files, err := p.e.Files(library, space)
	if err != nil {
		return nil, err
	}
	return files, nil
}

func (p provider) Uploads(library, space string) (any, error) {
	ups, err := p.e.OpenUploads(library, space)
	if err != nil {
		return nil, err
	}
	return ups, nil
}

// loadedLocked completes a state read from state.json and the journal: maps a hand-edited or older file
// may lack, the object-key index, and the received parts of open tasks.
func (e *Emulator) loadedLocked() error {
	st := e.st
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
		parts, err := e.kit.LoadParts(ck)
		if err != nil {
			return err
		}
		u.Parts = parts
	}
	return nil
}
