package smhemu

import (
	"net/http"
)

// The test-control API under /_emulator/ (never faulted, not counted in stats).

func (e *Emulator) testHealthz(c *call) error {
	return c.json(http.StatusOK, map[string]bool{"ok": true})
}

func (e *Emulator) testReset(c *call) error {
	if err := e.Reset(); err != nil {
		return err
	}
	return c.json(http.StatusOK, map[string]bool{"ok": true})
}

// testFaults: GET shows the faults in force; POST replaces them ({} clears) and shows them.
func (e *Emulator) testFaults(c *call) error {
	if c.r.Method == http.MethodPost {
		var cfg FaultConfig
		if _, err := c.readJSON(&cfg, true); err != nil {
			return err
		}
		if err := e.SetFaults(cfg); err != nil {
			return err
		}
	}
	return c.json(http.StatusOK, e.Faults())
}

func (e *Emulator) testExpire(c *call) error {
	var body struct {
		Tokens  bool `json:"tokens"`
		Uploads bool `json:"uploads"`
	}
	if _, err := c.readJSON(&body, true); err != nil {
		return err
	}
	nt, nu, err := e.ExpireNow(body.Tokens, body.Uploads)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, map[string]int{"tokens": nt, "uploads": nu})
}

func (e *Emulator) testFiles(c *call) error {
	lib, sp, err := libraryParams(c)
	if err != nil {
		return err
	}
	files, err := e.Files(lib, sp)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, files)
}

func (e *Emulator) testUploads(c *call) error {
	lib, sp, err := libraryParams(c)
	if err != nil {
		return err
	}
	ups, err := e.OpenUploads(lib, sp)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, ups)
}

func (e *Emulator) testStats(c *call) error {
	return c.json(http.StatusOK, e.Stats())
}

// libraryParams reads ?library= (required) and ?space= (optional: all spaces).
func libraryParams(c *call) (string, string, error) {
	lib := c.rt.query.Get("library")
	if lib == "" {
		return "", "", ErrInvalidParameter.with("library is required")
	}
	return lib, c.rt.query.Get("space"), nil
}
