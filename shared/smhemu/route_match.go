package smhemu

import (
	"net/http"
	"strings"
)

type fileOpKey struct{ method, action string }

// fileOps picks the operation of a file route by method and action flag.
var fileOps = map[fileOpKey]op{
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

func (rt *route) match(method, p string) error {
	switch {
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
	if segs[0] == "" {
		return ErrRouteNotFound
	}
	if err := rt.refuseFlags(method, spaceBase, spaceFlagsNotEmulated); err != nil {
		return err
	}
	if err := rt.refuseSpaceSub(method, segs); err != nil {
		return err
	}
	if len(segs) > 2 {
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
	lib, space, p, err := splitTree(rest)
	if err != nil {
		return err
	}
	if lib == "" || space == "" {
		return ErrRouteNotFound
	}
	rt.lib, rt.space = lib, space
	if dir {
		if err := rt.refuseFlags(method, dirBase, dirFlagsNotEmulated); err != nil {
			return err
		}
		if err := rt.pickDirOp(method); err != nil {
			return err
		}
		if n := len(p); n > 0 && p[n-1] == "" {
			p = p[:n-1] // one trailing slash names the same directory
		}
		rt.path = p
		return validatePath(p, true)
	}
	if err := rt.refuseFlags(method, fileBase, fileFlagsNotEmulated); err != nil {
		return err
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
	for _, f := range []string{"multipart", "renew", "confirm", "upload", "info"} {
		if rt.has(f) {
			actions = append(actions, f)
		}
	}
	if len(actions) > 1 {
		return ErrInvalidParameter.With("conflicting actions ?%s", strings.Join(actions, "&"))
	}
	action := ""
	if len(actions) == 1 {
		action = actions[0]
	}
	if o, ok := fileOps[fileOpKey{method, action}]; ok {
		rt.op = o
		return nil
	}
	switch {
	case method == http.MethodPost && action == "":
		return ErrInvalidParameter.With("POST needs ?multipart, ?renew or ?confirm")
	case action != "":
		return ErrInvalidParameter.With("?%s does not go with %s", action, method)
	}
	return ErrMethodNotAllowed
}

func (rt *route) matchData(method, rest string) error {
	segs, err := splitSegments(rest)
	if err != nil {
		return ErrInvalidArgument.With("malformed object key")
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
