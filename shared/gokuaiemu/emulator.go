package gokuaiemu

import (
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// Emulator is the emulated Gokuai library API as an http.Handler: the 21 operations under
// /m-open/1/org/ and the test-control API under /_emulator/.
type Emulator struct {
	opts Options
	log  *slog.Logger
	kit  *emukit.Kit
	st   *state // guarded by kit.Lock
	ops  map[string]func(*call) error
	// fileOps are the library file API, under /m-open/1/file/.
	fileOps map[string]func(*call) error
}

// gokuaiCORS: browsers speak to the upload server (and may reach the API). Preflights
// allow the x-gk-upload-* headers; answers expose what a client reads.
var gokuaiCORS = emukit.CORS{
	Methods:        []string{"GET", "PUT", "POST", "OPTIONS"},
	Expose:         []string{"X-Request-Id", "Content-Length", "Content-Type"},
	Headers:        []string{"content-type"},
	HeaderPrefixes: []string{"x-gk-upload-"},
}

// stateVersion is the version of state.json this emulator reads and writes.
const stateVersion = 1

// APIPrefix is where the API lives: a client's BaseURL is the server's URL + APIPrefix.
const APIPrefix = "/m-open"

// New builds an Emulator; with opts.DataDir it loads what a previous one left there.
func New(opts Options) (*Emulator, error) {
	opts.defaults()
	e := &Emulator{opts: opts, log: opts.Logger, st: &state{}}
	if e.log == nil {
		e.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	e.ops = e.opTable()
	e.fileOps = map[string]func(*call) error{"create_file": e.createFile, "info": e.fileInfoOp, "del": e.del,
		"create_folder": e.createFolder}
	k, err := emukit.New(emukit.Config{Provider: provider{e}, DataDir: opts.DataDir, StateVersion: stateVersion,
		Logger: e.log, CORS: gokuaiCORS})
	if err != nil {
		return nil, err
	}
	e.kit = k
	if err := k.Load(e.st, e.loadParts); err != nil {
		return nil, err
	}
	if e.st.Libraries == nil { // nothing saved: a fresh state (decoding into one would
		e.st = newState() // bring back its dev library after the saved state destroyed it)
	}
	return e, nil
}

// ServeHTTP serves the API and the test-control routes.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) { e.kit.ServeHTTP(w, r) }

// Close ends pending stalls and flushes the state to disk.
func (e *Emulator) Close() error { return e.kit.Close() }

// Kit is the emulator's kit (faults, stats, reset from Go tests).
func (e *Emulator) Kit() *emukit.Kit { return e.kit }

func (e *Emulator) opTable() map[string]func(*call) error {
	return map[string]func(*call) error{
		"create": e.create, "set": e.set, "info": e.info, "search": e.search, "ls": e.list,
		"destroy": e.destroyOp, "log": e.logOp,
		"info_by_member": e.infoByMember, "set_by_member": e.setByMember,
		"bind": e.bind, "unbind": e.unbind,
		"get_members": e.getMembers, "get_member": e.getMember, "set_owner": e.setOwner,
		"add_member": e.addMember, "set_member_role": e.setMemberRole, "del_member": e.delMember,
		"get_groups": e.getGroups, "add_group": e.addGroup, "del_group": e.delGroup,
		"set_group_role": e.setGroupRole,
	}
}

// route places a request: POST /m-open/1/org/{op} for the 21 operations, POST
// /m-open/1/file/{op} for the file API, {UploadPrefix}/upload_* for the upload server.
func (e *Emulator) route(kc *emukit.Call) (emukit.Route, error) {
	r := kc.Request()
	if r.Method == http.MethodOptions {
		return emukit.Route{Name: "OPTIONS *", NoFault: true, Serve: e.kit.Preflight}, nil
	}
	p := r.URL.EscapedPath()
	if op, ok := strings.CutPrefix(p, UploadPrefix+"/"); ok {
		return e.uploadRoute(r, op)
	}
	group, ops, skip := "/1/org/", e.ops, []string(nil)
	if strings.HasPrefix(p, APIPrefix+"/1/file/") {
		group, ops = "/1/file/", e.fileOps
	}
	name, ok := strings.CutPrefix(p, APIPrefix+group)
	op := ops[name]
	if !ok || op == nil {
		return emukit.Route{NoFault: true}, emukit.ErrRouteNotFound
	}
	if name == "create_file" && group == "/1/file/" {
		skip = []string{"filehash", "filesize"} // provider-apis.md §3.2 step 2
	}
	rt := emukit.Route{Name: "POST " + APIPrefix + group + name}
	if r.Method != http.MethodPost {
		return rt, emukit.ErrMethodNotAllowed
	}
	rt.Serve = func(kc *emukit.Call) error {
		c, err := e.authenticate(kc, skip...)
		if err != nil {
			return err
		}
		return op(c)
	}
	return rt, nil
}
