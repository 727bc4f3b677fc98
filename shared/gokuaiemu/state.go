package gokuaiemu

import (
	"cmp"
	"slices"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// state is everything the emulator changes, saved as state.json by the kit. Guarded by
// the kit's lock; changed only inside kit.Update.
type state struct {
	NextOrgID   int64               `json:"nextOrgId"`
	NextMountID int64               `json:"nextMountId"`
	Libraries   map[int64]*library  `json:"libraries"`
	Bindings    map[string]*binding `json:"bindings"` // by org_client_id
	Personal    map[int64]int64     `json:"personal"` // member_id → org_id of its personal library
	Log         []*logRecord        `json:"log"`      // oldest first
	Uploads     map[string]*upload  `json:"uploads"`  // by session id (upload server)
}

type library struct {
	OrgID        int64            `json:"orgId"`
	MountID      int64            `json:"mountId"`
	Name         string           `json:"name"`
	Logo         string           `json:"logo,omitempty"`
	Capacity     int64            `json:"capacity"` // bytes; -1 unlimited
	StoragePoint string           `json:"storagePoint,omitempty"`
	OwnerID      int64            `json:"ownerId"`              // 0: none
	PersonalOf   int64            `json:"personalOf,omitempty"` // member_id of a personal library
	Members      map[int64]int64  `json:"members"`              // member_id → role_id
	Groups       map[int64]int64  `json:"groups"`               // group_id → role_id
	Files        map[string]*file `json:"files,omitempty"`      // by fullpath; folders too
}

// binding is a library credential issued by bind.
type binding struct {
	OrgClientID string `json:"orgClientId"`
	Secret      string `json:"secret"`
	OrgID       int64  `json:"orgId"`
	ClientID    string `json:"clientId"` // the enterprise client that asked for it
	Title       string `json:"title,omitempty"`
}

// logRecord is one entry of the operation log, with the library it belongs to.
type logRecord struct {
	OrgID    int64  `json:"orgId"`
	Act      int    `json:"act"`
	ActName  string `json:"actName"`
	Hash     string `json:"hash,omitempty"`
	Dir      int    `json:"dir,omitempty"`
	FileHash string `json:"fileHash,omitempty"`
	FileSize int64  `json:"fileSize,omitempty"`
	FullPath string `json:"fullPath,omitempty"`
	MemberID int64  `json:"memberId,omitempty"`
	Actor    string `json:"actor"` // the credential id of the caller
	Dateline int64  `json:"dateline"`
}

// maxLog bounds the log kept: the oldest entries go first.
const maxLog = 10000

func newState() *state {
	st := &state{NextOrgID: DevOrgID, NextMountID: DevMountID, Libraries: map[int64]*library{},
		Bindings: map[string]*binding{}, Personal: map[int64]int64{}, Log: []*logRecord{}, Uploads: map[string]*upload{}}
	st.newLibrary(DevLibraryName, -1)
	return st
}

// newLibrary adds a library with the next ids.
func (st *state) newLibrary(name string, capacity int64) *library {
	l := &library{OrgID: st.NextOrgID, MountID: st.NextMountID, Name: name, Capacity: capacity,
		Members: map[int64]int64{}, Groups: map[int64]int64{}, Files: map[string]*file{}}
	st.NextOrgID++
	st.NextMountID++
	st.Libraries[l.OrgID] = l
	return l
}

func (st *state) byMount(mount int64) *library {
	for _, l := range st.Libraries {
		if l.MountID == mount {
			return l
		}
	}
	return nil
}

// sortedLibraries returns the libraries by org_id.
func (st *state) sortedLibraries() []*library {
	out := make([]*library, 0, len(st.Libraries))
	for _, l := range st.Libraries {
		out = append(out, l)
	}
	slices.SortFunc(out, func(a, b *library) int { return cmp.Compare(a.OrgID, b.OrgID) })
	return out
}

// destroy removes a library, its credentials, files, open uploads and personal-library
// mapping, releasing their bytes through drop; its log entries stay (the enterprise log
// still shows what happened).
func (st *state) destroy(l *library, drop dropper) {
	delete(st.Libraries, l.OrgID)
	for _, f := range l.Files {
		drop.Release(f.Blobs...)
	}
	for _, u := range st.Uploads {
		if u.OrgID == l.OrgID {
			st.dropUpload(u, drop)
		}
	}
	for id, b := range st.Bindings {
		if b.OrgID == l.OrgID {
			delete(st.Bindings, id)
		}
	}
	if l.PersonalOf != 0 {
		delete(st.Personal, l.PersonalOf)
	}
}

// dropper is the kit's half that frees bytes once the state no longer needs them.
type dropper interface {
	Release(blobs ...emukit.BlobRef)
	ReleaseParts(upload string)
}

func (st *state) record(r *logRecord) {
	st.Log = append(st.Log, r)
	if n := len(st.Log) - maxLog; n > 0 {
		st.Log = slices.Delete(st.Log, 0, n)
	}
}
