package smhemu

import (
	"net/http"
)

// fileLocked authenticates a read of a file and finds it.
func (e *Emulator) fileLocked(c *call) (*token, *space, *node, error) {
	t, sp, err := e.authSpaceLocked(c)
	if err != nil {
		return nil, nil, nil, err
	}
	n := sp.get(c.rt.path)
	if n == nil || n.isDir() {
		return t, sp, nil, ErrFileNotFound
	}
	return t, sp, n, nil
}

func scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

// fileInfo serves GET …?info: the file object plus cosUrl, a signed data-plane URL.
func (e *Emulator) fileInfo(c *call) error {
	var ans fileObject
	err := e.kit.UpdateEntries(func() error {
		_, sp, n, err := e.fileLocked(c)
		if err != nil {
			return err
		}
		ans = newFileObject(c.rt.path, n)
		ans.CosURL = e.downloadURLLocked(scheme(c.r), c.r.Host, c.rt.lib, sp.ID, c.rt.path)
		return nil
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, ans)
}

// fileDownload serves GET of a file: 302 to its signed data-plane URL, as the service does.
func (e *Emulator) fileDownload(c *call) error {
	var loc string
	err := e.kit.UpdateEntries(func() error {
		_, sp, _, err := e.fileLocked(c)
		if err != nil {
			return err
		}
		loc = e.downloadURLLocked(scheme(c.r), c.r.Host, c.rt.lib, sp.ID, c.rt.path)
		return nil
	})
	if err != nil {
		return err
	}
	c.w.Header().Set("Location", loc)
	return c.empty(http.StatusFound)
}

// fileHead serves HEAD of a file: 200 (with its size, type and ETag) or 404.
func (e *Emulator) fileHead(c *call) error {
	var fd *fileData
	err := e.kit.UpdateEntries(func() error {
		_, _, n, err := e.fileLocked(c)
		if err == nil {
			fd = n.File
		}
		return err
	})
	if err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("Content-Type", fd.ContentType)
	h.Set("ETag", fd.ETag)
	h.Set("x-cos-hash-crc64ecma", crcString(fd.CRC64))
	return c.empty(http.StatusOK)
}

// fileDelete serves DELETE of a file (204). There is no recycle bin: permanent=1 needs
// delete_file_permanent, the default delete_file.
func (e *Emulator) fileDelete(c *call) error {
	grants := grantsRmFile
	if c.rt.query.Get("permanent") == "1" {
		grants = grantsRmFileP
	}
	err := e.kit.UpdateEntries(func() error {
		t, sp, err := e.authSpaceLocked(c)
		if err != nil {
			return err
		}
		if err := t.require(grants, "delete file"); err != nil {
			return err
		}
		n := sp.get(c.rt.path)
		if n == nil || n.isDir() {
			return ErrFileNotFound
		}
		delete(sp.Nodes, pathKey(c.rt.path))
		e.touchNodeLocked(c.rt.lib, sp, pathKey(c.rt.path))
		e.kit.Release(n.File.Blobs...)
		if parent := sp.get(c.rt.path[:len(c.rt.path)-1]); parent != nil {
			parent.Modified = e.now()
			e.touchNodeLocked(c.rt.lib, sp, pathKey(c.rt.path[:len(c.rt.path)-1]))
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.empty(http.StatusNoContent)
}
