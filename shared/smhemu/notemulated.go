package smhemu

import (
	"net/http"
	"slices"
	"strings"
)

// Operations of the service that the emulator does not do. Each is selected by a query
// flag (whatever its value) or a sub-resource of a route the emulator serves, so a request
// for one would otherwise fall through to another operation of that route (begin an
// upload, create or list a directory, create a space). They are refused with 501
// NotImplemented whatever the method, before anything else is checked.
//
// Sources: smh-sdk-ios request classes and smh-sdk-android SMHService.kt; virtual_file and
// uncompress as users of smh-js-sdk report it sends them. Operations selected by the body
// (move, copy, symlink, create from a template) are refused by unsupportedBody.
var (
	dirFlagsNotEmulated = []flagOp{
		{"stats", "directory statistics"},                 // GET ?stats=1
		{"calibrate", "directory statistics calibration"}, // PUT ?calibrate=1
		{"update", "label updates"},                       // POST ?update
	}
	fileFlagsNotEmulated = []flagOp{
		{"virtual_file", "virtual files"},          // PUT ?virtual_file=1
		{"convert", "file conversion"},             // PUT ?convert=1
		{"uncompress", "archive extraction"},       // ?uncompress
		{"preview", "thumbnails and previews"},     // GET ?preview[&mobile]
		{"history_id", "historical file versions"}, // GET|HEAD [?info]&history_id=
	}
	spaceFlagsNotEmulated = []flagOp{
		{"count", "space counts"},
	}
	// Sub-resources of /api/v1/space/{libraryId}/{spaceId}/….
	spaceSubNotEmulated = []string{"extension", "size", "file-count", "traffic-limit", "contents-view"}
)

type flagOp struct{ flag, what string }

// refuseFlags answers 501 when the query holds one of flags; base is the route template
// for the stats name.
func (rt *route) refuseFlags(method, base string, flags []flagOp) error {
	for _, f := range flags {
		if rt.has(f.flag) {
			return rt.notEmulated(method, base+"?"+f.flag, f.what+" (?"+f.flag+")")
		}
	}
	return nil
}

// notEmulated names the route for stats and answers 501; the op stays unmatched, so
// the request draws no fault.
func (rt *route) notEmulated(method, template, what string) error {
	rt.op, rt.name = opUnmatched, method+" "+template+" (not emulated)"
	return ErrNotImplemented.With("%s: not emulated", what)
}

// refuseSpaceSub answers 501 for a known sub-resource of a space.
func (rt *route) refuseSpaceSub(method string, segs []string) error {
	if len(segs) == 3 && slices.Contains(spaceSubNotEmulated, segs[2]) {
		return rt.notEmulated(method, spaceBase+"/{spaceId}/"+segs[2], "space "+strings.ReplaceAll(segs[2], "-", " "))
	}
	if len(segs) == 2 && segs[1] == "count" && method == http.MethodGet {
		return rt.notEmulated(method, spaceBase+"/count", "space counts")
	}
	return nil
}
