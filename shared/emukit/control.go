package emukit

import (
	"net/http"
	"net/url"
	"strings"
)

// The test-control API under ControlPrefix: never faulted, not counted in stats, the
// same for every provider. Errors are answered through Provider.WriteError.

type controlHandler func(k *Kit, c *Call, q url.Values) error

var controlRoutes = map[string]struct {
	methods string
	serve   controlHandler
}{
	"healthz": {"GET", (*Kit).serveHealthz},
	"reset":   {"POST", (*Kit).serveReset},
	"faults":  {"GET POST", (*Kit).serveFaults},
	"expire":  {"POST", (*Kit).serveExpire},
	"files":   {"GET", (*Kit).serveFiles},
	"uploads": {"GET", (*Kit).serveUploads},
	"stats":   {"GET", (*Kit).serveStats},
}

func (k *Kit) controlRoute(c *Call) (Route, error) {
	r := c.r
	rt := Route{Name: r.Method + " (unmatched)", Plane: PlaneTest, NoFault: true}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return rt, ErrInvalidParameter.With("malformed query string")
	}
	if r.Method == http.MethodOptions {
		rt.Name, rt.Serve = "OPTIONS *", k.Preflight
		return rt, nil
	}
	name := strings.TrimPrefix(r.URL.EscapedPath(), ControlPrefix)
	h, ok := controlRoutes[name]
	if !ok {
		return rt, ErrRouteNotFound
	}
	rt.Name = r.Method + " " + ControlPrefix + name
	if !strings.Contains(" "+h.methods+" ", " "+r.Method+" ") {
		return rt, ErrMethodNotAllowed
	}
	rt.Serve = func(c *Call) error { return h.serve(k, c, q) }
	return rt, nil
}

var okAnswer = map[string]bool{"ok": true}

func (k *Kit) serveHealthz(c *Call, _ url.Values) error { return c.JSON(http.StatusOK, okAnswer) }

func (k *Kit) serveReset(c *Call, _ url.Values) error {
	if err := k.Reset(); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, okAnswer)
}

// serveFaults: GET shows the faults in force; POST replaces them ({} clears) and shows them.
func (k *Kit) serveFaults(c *Call, _ url.Values) error {
	if c.r.Method == http.MethodPost {
		var cfg FaultConfig
		if _, err := c.ReadJSON(&cfg, true); err != nil {
			return err
		}
		if err := k.SetFaults(cfg); err != nil {
			return err
		}
	}
	return c.JSON(http.StatusOK, k.Faults())
}

func (k *Kit) serveExpire(c *Call, _ url.Values) error {
	var body struct {
		Tokens  bool `json:"tokens"`
		Uploads bool `json:"uploads"`
	}
	if _, err := c.ReadJSON(&body, true); err != nil {
		return err
	}
	nt, nu, err := k.p.Expire(body.Tokens, body.Uploads)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]int{"tokens": nt, "uploads": nu})
}

func (k *Kit) serveFiles(c *Call, q url.Values) error {
	lib, err := libraryParam(q)
	if err != nil {
		return err
	}
	files, err := k.p.Files(lib, q.Get("space"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, files)
}

func (k *Kit) serveUploads(c *Call, q url.Values) error {
	lib, err := libraryParam(q)
	if err != nil {
		return err
	}
	ups, err := k.p.Uploads(lib, q.Get("space"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ups)
}

func (k *Kit) serveStats(c *Call, _ url.Values) error { return c.JSON(http.StatusOK, k.Stats()) }

// libraryParam reads ?library= (required; ?space= is optional: all spaces).
func libraryParam(q url.Values) (string, error) {
	lib := q.Get("library")
	if lib == "" {
		return "", ErrInvalidParameter.With("library is required")
	}
	return lib, nil
}
