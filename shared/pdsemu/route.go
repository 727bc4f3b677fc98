package pdsemu

import (
	"net/http"
	"strings"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// dataPrefix is where presigned part URLs point: /_oss/{upload_id}/{part_number}.
const dataPrefix = "/_oss/"

// apiRoutes are the PDS calls the emulator serves, by path; all but authorize are POST.
var apiRoutes = map[string]func(*Emulator, *emukit.Call) error{
	"/v2/oauth/token":              (*Emulator).token,
	"/v2/oauth/authorize":          (*Emulator).authorize,
	"/v2/file/create":              (*Emulator).createFile,
	"/v2/file/get":                 (*Emulator).getFile,
	"/v2/file/get_by_path":         (*Emulator).getFileByPath,
	"/v2/file/list":                (*Emulator).listFiles,
	"/v2/file/delete":              (*Emulator).deleteFile,
	"/v2/file/get_upload_url":      (*Emulator).getUploadURL,
	"/v2/file/list_uploaded_parts": (*Emulator).listUploadedParts,
	"/v2/file/complete":            (*Emulator).completeFile,
}

// route places a request: its stats name, plane and handler. Every answer carries
// x-ca-request-id (and, on the data plane, OSS's x-oss-request-id).
func (e *Emulator) route(c *emukit.Call) (emukit.Route, error) {
	r := c.Request()
	h := c.Writer().Header()
	h.Set("x-ca-request-id", c.ID())
	p := r.URL.Path
	if r.Method == http.MethodOptions {
		return emukit.Route{Name: "OPTIONS *", NoFault: true, Serve: e.kit.Preflight}, nil
	}
	if rest, ok := strings.CutPrefix(p, dataPrefix); ok {
		h.Set("x-oss-request-id", c.ID())
		rt := emukit.Route{Name: r.Method + " " + dataPrefix + "{uploadId}/{partNumber}", Plane: emukit.PlaneData}
		uploadID, part, ok := strings.Cut(rest, "/")
		if !ok || !emukit.ValidID(uploadID) || part == "" || strings.Contains(part, "/") {
			rt.Name, rt.NoFault = r.Method+" (unmatched)", true
			return rt, ErrRouteNotFound
		}
		if r.Method != http.MethodPut {
			return rt, ErrMethodNotAllowed
		}
		rt.Upload = uploadID
		rt.Serve = func(c *emukit.Call) error { return e.putPart(c, uploadID, part) }
		return rt, nil
	}
	serve, ok := apiRoutes[p]
	if !ok {
		return emukit.Route{Name: r.Method + " (unmatched)", NoFault: true}, ErrRouteNotFound
	}
	rt := emukit.Route{Name: r.Method + " " + p, Plane: emukit.PlaneControl}
	want := http.MethodPost
	if p == "/v2/oauth/authorize" {
		want = http.MethodGet
	}
	if r.Method != want {
		return rt, ErrMethodNotAllowed
	}
	rt.Serve = func(c *emukit.Call) error { return serve(e, c) }
	return rt, nil
}
