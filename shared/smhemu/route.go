package smhemu

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// plane says which part of the emulator a request addresses; it picks the error format
// (JSON or XML), the fault stream and whether the request counts in stats.
type plane int

const (
	planeControl plane = iota // the SMH API under /api/v1/
	planeData                 // the COS-like data plane under /cos/
	planeTest                 // the test-control API under /_emulator/ (never faulted)
)

// op is one emulated operation; its name (METHOD route) keys the request stats.
type op int

const (
	opUnmatched op = iota
	opPreflight
	opTokenCreate
	opTokenRenew
	opTokenDelete
	opTokenDeleteByUser
	opSpaceCreate
	opSpaceList
	opSpaceDelete
	opDirCreate
	opDirList
	opDirInfo
	opDirHead
	opDirDelete
	opBeginSimple
	opBeginMultipart
	opUploadRenew
	opUploadState
	opUploadConfirm
	opUploadCancel
	opFileInfo
	opFileDownload
	opFileHead
	opFileDelete
	opDataPut
	opDataPartPut
	opDataGet
	opTestHealthz
	opTestReset
	opTestFaults
	opTestExpire
	opTestFiles
	opTestUploads
	opTestStats
)

const (
	tokenBase = "/api/v1/token"
	spaceBase = "/api/v1/space/{libraryId}"
	dirBase   = "/api/v1/directory/{libraryId}/{spaceId}/{dirPath}"
	fileBase  = "/api/v1/file/{libraryId}/{spaceId}/{filePath}"
	taskBase  = "/api/v1/file/{libraryId}/{spaceId}/{confirmKey}"
	dataBase  = "/cos/{objectKey}"

	// dataPrefix is where the data plane lives; it cannot collide with /api/ or /_emulator/.
	dataPrefix = "/cos/"
	// Object keys under dataPrefix: upload targets and signed download URLs.
	uploadKeyPrefix   = "up/"
	downloadKeyPrefix = "dl/"
)

var opNames = map[op]string{
	opPreflight:         "OPTIONS *",
	opTokenCreate:       "{METHOD} " + tokenBase,
	opTokenRenew:        "POST " + tokenBase + "/{libraryId}/{accessToken}",
	opTokenDelete:       "DELETE " + tokenBase + "/{libraryId}/{accessToken}",
	opTokenDeleteByUser: "DELETE " + tokenBase + "/{libraryId}",
	opSpaceCreate:       "POST " + spaceBase,
	opSpaceList:         "GET " + spaceBase + "/list",
	opSpaceDelete:       "DELETE " + spaceBase + "/{spaceId}",
	opDirCreate:         "PUT " + dirBase,
	opDirList:           "GET " + dirBase,
	opDirInfo:           "GET " + dirBase + "?info",
	opDirHead:           "HEAD " + dirBase,
	opDirDelete:         "DELETE " + dirBase,
	opBeginSimple:       "PUT " + fileBase,
	opBeginMultipart:    "POST " + fileBase + "?multipart",
	opUploadRenew:       "POST " + taskBase + "?renew",
	opUploadState:       "GET " + taskBase + "?upload",
	opUploadConfirm:     "POST " + taskBase + "?confirm",
	opUploadCancel:      "DELETE " + taskBase + "?upload",
	opFileInfo:          "GET " + fileBase + "?info",
	opFileDownload:      "GET " + fileBase,
	opFileHead:          "HEAD " + fileBase,
	opFileDelete:        "DELETE " + fileBase,
	opDataPut:           "PUT " + dataBase,
	opDataPartPut:       "PUT " + dataBase + "?partNumber&uploadId",
	opDataGet:           "{METHOD} " + dataBase,
	opTestHealthz:       "GET /_emulator/healthz",
	opTestReset:         "POST /_emulator/reset",
	opTestFaults:        "{METHOD} /_emulator/faults",
	opTestExpire:        "POST /_emulator/expire",
	opTestFiles:         "GET /_emulator/files",
	opTestUploads:       "GET /_emulator/uploads",
	opTestStats:         "GET /_emulator/stats",
}

// route is a parsed request target.
type route struct {
	op    op
	name  string // "METHOD /route/{template}", the stats key
	plane plane
	lib   string
	space string
	key   string   // access token, confirm key or data-plane object key
	path  []string // decoded file or directory path, one element per level
	query url.Values
}

func (rt *route) has(flag string) bool { _, ok := rt.query[flag]; return ok }

// parseRoute maps a method, an escaped path and a raw query to an operation. It always
// returns a route (for stats and the error format), and an *Error when the request
// cannot be served. It never panics, whatever the input (see FuzzParseRoute).
func parseRoute(method, escapedPath, rawQuery string) (*route, error) {
	rt := &route{op: opUnmatched, query: url.Values{}}
	switch {
	case strings.HasPrefix(escapedPath, "/_emulator/"):
		rt.plane = planeTest
	case strings.HasPrefix(escapedPath, dataPrefix):
		rt.plane = planeData
	}
	rt.name = method + " (unmatched)"
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return rt, ErrInvalidParameter.with("malformed query string")
	}
	rt.query = q
	if method == http.MethodOptions {
		rt.op, rt.name = opPreflight, opNames[opPreflight]
		return rt, nil
	}
	err = rt.match(method, escapedPath)
	if rt.op != opUnmatched {
		rt.name = strings.Replace(opNames[rt.op], "{METHOD}", method, 1)
	}
	return rt, err
}

func (rt *route) match(method, p string) error {
	switch {
	case rt.plane == planeTest:
		return rt.matchTest(method, strings.TrimPrefix(p, "/_emulator/"))
	case rt.plane == planeData:
		return rt.matchData(method, strings.TrimPrefix(p, dataPrefix))
	case p == tokenBase || strings.HasPrefix(p, tokenBase+"/"):
		return rt.matchToken(method, strings.TrimPrefix(p, tokenBase))
	case strings.HasPrefix(p, "/api/v1/space/"):
		return rt.matchSpace(method, strings.TrimPrefix(p, "/api/v1/space/"))
	case strings.HasPrefix(p, "/api/v1/directory/"):
		return rt.matchTree(method, strings.TrimPrefix(p, "/api/v1/directory/"), true)
	case strings.HasPrefix(p, "/api/v1/file/"):
		return rt.matchTree(method, strings.TrimPrefix(p, "/api/v1/file/"), false)
	}
	return ErrRouteNotFound
}

func (rt *route) matchToken(method, rest string) error {
	segs, err := splitSegments(strings.TrimPrefix(rest, "/"))
	if err != nil {
		return err
	}
	switch {
	case rest == "":
		rt.op = opTokenCreate
		if method != http.MethodGet && method != http.MethodPost {
			return ErrMethodNotAllowed
		}
	case len(segs) == 1 && segs[0] != "":
		rt.op, rt.lib = opTokenDeleteByUser, segs[0]
		if method != http.MethodDelete {
			return ErrMethodNotAllowed
		}
	case len(segs) == 2 && segs[0] != "" && segs[1] != "":
		rt.lib, rt.key = segs[0], segs[1]
		switch method {
		case http.MethodPost:
			rt.op = opTokenRenew
		case http.MethodDelete:
			rt.op = opTokenDelete
		default:
			return ErrMethodNotAllowed
		}
	default:
		return ErrRouteNotFound
	}
	return nil
}

func (rt *route) matchSpace(method, rest string) error {
	segs, err := splitSegments(rest)
	if err != nil {
		return err
	}
	if segs[0] == "" || len(segs) > 2 {
		return ErrRouteNotFound
	}
	rt.lib = segs[0]
	switch {
	case len(segs) == 1:
		rt.op = opSpaceCreate
		if method != http.MethodPost {
			return ErrMethodNotAllowed
		}
	case segs[1] == "list":
		rt.op = opSpaceList
		if method != http.MethodGet {
			return ErrMethodNotAllowed
		}
	case segs[1] != "":
		rt.op, rt.space = opSpaceDelete, segs[1]
		if method != http.MethodDelete {
			return ErrMethodNotAllowed
		}
	default:
		return ErrRouteNotFound
	}
	return nil
}

// matchTree parses /{lib}/{space}/{path...} of the directory and file routes.
func (rt *route) matchTree(method, rest string, dir bool) error {
	segs, err := splitSegments(rest)
	if err != nil {
		return err
	}
	if len(segs) < 2 || segs[0] == "" || segs[1] == "" {
		return ErrRouteNotFound
	}
	rt.lib, rt.space = segs[0], segs[1]
	p := segs[2:]
	if dir {
		if err := rt.pickDirOp(method); err != nil {
			return err
		}
		if n := len(p); n > 0 && p[n-1] == "" {
			p = p[:n-1] // one trailing slash names the same directory
		}
		rt.path = p
		return validatePath(p, true)
	}
	if err := rt.pickFileOp(method); err != nil {
		return err
	}
	rt.path = p
	switch rt.op {
	case opUploadRenew, opUploadState, opUploadConfirm, opUploadCancel:
		if len(p) == 1 {
			rt.key = p[0]
		}
		return nil
	}
	if len(p) == 0 {
		return ErrEmptyPath
	}
	if p[len(p)-1] == "" {
		return ErrEmptyFileName
	}
	return validatePath(p, false)
}

func (rt *route) pickDirOp(method string) error {
	switch method {
	case http.MethodPut:
		rt.op = opDirCreate
	case http.MethodGet:
		rt.op = opDirList
		if rt.has("info") {
			rt.op = opDirInfo
		}
	case http.MethodHead:
		rt.op = opDirHead
	case http.MethodDelete:
		rt.op = opDirDelete
	default:
		return ErrMethodNotAllowed
	}
	return nil
}

func (rt *route) pickFileOp(method string) error {
	var actions []string
	for _, f := range []string{"multipart", "renew", "confirm", "upload", "info", "preview"} {
		if rt.has(f) {
			actions = append(actions, f)
		}
	}
	if len(actions) > 1 {
		return ErrInvalidParameter.with("conflicting actions ?%s", strings.Join(actions, "&"))
	}
	action := ""
	if len(actions) == 1 {
		action = actions[0]
	}
	type mk struct{ method, action string }
	ops := map[mk]op{
		{http.MethodPut, ""}:           opBeginSimple,
		{http.MethodPost, "multipart"}: opBeginMultipart,
		{http.MethodPost, "renew"}:     opUploadRenew,
		{http.MethodPost, "confirm"}:   opUploadConfirm,
		{http.MethodGet, "upload"}:     opUploadState,
		{http.MethodDelete, "upload"}:  opUploadCancel,
		{http.MethodGet, "info"}:       opFileInfo,
		{http.MethodGet, ""}:           opFileDownload,
		{http.MethodHead, ""}:          opFileHead,
		{http.MethodDelete, ""}:        opFileDelete,
	}
	if o, ok := ops[mk{method, action}]; ok {
		rt.op = o
		return nil
	}
	switch {
	case action == "preview" && method == http.MethodGet:
		return ErrNotImplemented.with("thumbnails (?preview) are not emulated")
	case method == http.MethodPost && action == "":
		return ErrInvalidParameter.with("POST needs ?multipart, ?renew or ?confirm")
	case action != "":
		return ErrInvalidParameter.with("?%s does not go with %s", action, method)
	}
	return ErrMethodNotAllowed
}

func (rt *route) matchData(method, rest string) error {
	segs, err := splitSegments(rest)
	if err != nil {
		return ErrInvalidArgument.with("malformed object key")
	}
	rt.key = rest
	switch method {
	case http.MethodPut:
		rt.op = opDataPut
		if rt.has("partNumber") || rt.has("uploadId") {
			rt.op = opDataPartPut
		}
		if !strings.HasPrefix(rest, uploadKeyPrefix) {
			return ErrAccessDenied
		}
	case http.MethodGet, http.MethodHead:
		rt.op = opDataGet
		if !strings.HasPrefix(rest, downloadKeyPrefix) || len(segs) < 4 {
			return ErrNoSuchKey
		}
		rt.lib, rt.space, rt.path = segs[1], segs[2], segs[3:]
		if validatePath(rt.path, false) != nil {
			return ErrNoSuchKey
		}
	default:
		rt.op = opUnmatched
		return ErrMethodNotAllowed
	}
	return nil
}

func (rt *route) matchTest(method, rest string) error {
	want := map[string]struct {
		op      op
		methods string
	}{
		"healthz": {opTestHealthz, "GET"},
		"reset":   {opTestReset, "POST"},
		"faults":  {opTestFaults, "GET POST"},
		"expire":  {opTestExpire, "POST"},
		"files":   {opTestFiles, "GET"},
		"uploads": {opTestUploads, "GET"},
		"stats":   {opTestStats, "GET"},
	}
	w, ok := want[rest]
	if !ok {
		return ErrRouteNotFound
	}
	rt.op = w.op
	for _, m := range strings.Fields(w.methods) {
		if m == method {
			return nil
		}
	}
	return ErrMethodNotAllowed
}

// splitSegments splits an escaped path at "/" and unescapes each segment. An escaped "/"
// (%2F) inside a segment would name a file with a slash in it: refused.
func splitSegments(escaped string) ([]string, error) {
	raw := strings.Split(escaped, "/")
	out := make([]string, len(raw))
	for i, s := range raw {
		d, err := url.PathUnescape(s)
		if err != nil || strings.Contains(d, "/") {
			return nil, ErrInvalidPath.with("segment %d of the path is not valid", i+1)
		}
		out[i] = d
	}
	return out, nil
}

// validatePath checks every level of a file or directory path: no empty level, no "." or
// "..", valid UTF-8 without control characters, at most 255 characters per name.
func validatePath(p []string, dir bool) error {
	for i, name := range p {
		last := i == len(p)-1
		if err := validateName(name, dir || !last); err != nil {
			return err
		}
	}
	return nil
}

func validateName(name string, dir bool) error {
	switch {
	case name == "":
		return ErrInvalidPath.with("a path level is empty")
	case name == "." || name == "..":
		return ErrInvalidPath.with("%q is not a valid name", name)
	case !utf8.ValidString(name):
		return ErrInvalidPath.with("a name is not valid UTF-8")
	case strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return ErrInvalidPath.with("a name contains a control character")
	case utf8.RuneCountInString(name) > 255 && dir:
		return ErrDirectoryNameLength
	case utf8.RuneCountInString(name) > 255:
		return ErrFileNameLength
	}
	return nil
}
