package smhemu

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// plane says which part of the emulator a request addresses; it picks the error format
// (JSON or XML) and the fault stream. (The test-control API under /_emulator/ is the
// kit's: it never reaches parseRoute.)
type plane = emukit.Plane

const (
	planeControl = emukit.PlaneControl // the SMH API under /api/v1/
	planeData    = emukit.PlaneData    // the COS-like data plane under /cos/
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
	if strings.HasPrefix(escapedPath, dataPrefix) {
		rt.plane = planeData
	}
	rt.name = method + " (unmatched)"
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return rt, ErrInvalidParameter.With("malformed query string")
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
