package smhemu

import (
	"net/http"
	"net/url"
	"strings"
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
