package smhemu

import (
	"io"
	"net/http"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// call is one request being served: the kit's call and the parsed SMH route.
type call struct {
	kc *emukit.Call
	w  http.ResponseWriter
	r  *http.Request
	rt *route
	id string // request id, also in X-Request-Id
	// body is the request body to read: on the data plane it counts the bytes read.
	body io.ReadCloser
}

func newCall(kc *emukit.Call, rt *route) *call {
	return &call{kc: kc, w: kc.Writer(), r: kc.Request(), rt: rt, id: kc.ID(), body: kc.Body()}
}

// json answers with a JSON body.
func (c *call) json(status int, v any) error { return c.kc.JSON(status, v) }

// empty answers with a status and no body.
func (c *call) empty(status int) error { return c.kc.Empty(status) }

// readJSON decodes an optional JSON object body into v. An empty body leaves v as it is
// and reports false. Unknown fields are ignored unless strict.
func (c *call) readJSON(v any, strict bool) (bool, error) { return c.kc.ReadJSON(v, strict) }
