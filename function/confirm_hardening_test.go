package function_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// Roles confirmed by the function must send the file's CRC-64: it is how the service checks
// that the bytes it holds are the bytes the browser read.
func TestConfirmNeedsCRC64(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withDirect())
	e.mkdir("/users/alice")
	auth := bearer(t, "alice", "uploader")
	key := e.upload(e.token("alice", "uploader"), "-", "/users/alice/a.txt", []byte("abc"), 0)
	a := e.do("POST", "/v1/confirm", auth, `{"confirmKey":"`+key+`"}`)
	if a.Status != 400 || a.code() != "InvalidRequest" || !strings.Contains(a.JSON["message"].(string), "crc64") {
		t.Fatalf("without crc64: %d %s", a.Status, a.Body)
	}
	if u := e.openUploads(); len(u) != 1 {
		t.Fatalf("the task should stay open for a confirm with its CRC: %+v", u)
	}
	if a := e.do("POST", "/v1/confirm", auth, confirmBody(key)); a.Status != 200 {
		t.Fatalf("with crc64: %d %s", a.Status, a.Body)
	}
}

// Upstream answers that lack a size or a path are violations, never read as zero or as
// "nothing to check".
func TestConfirmUpstreamAnswerLacksFields(t *testing.T) {
	drop := func(query, field string, inParts bool) func(r *http.Request, body []byte) []byte {
		return func(r *http.Request, body []byte) []byte {
			if !r.URL.Query().Has(query) || r.URL.Path == "" || r.Method == "PUT" {
				return body
			}
			var m map[string]any
			if json.Unmarshal(body, &m) != nil {
				return body
			}
			if inParts {
				parts, _ := m["parts"].([]any)
				for _, p := range parts {
					delete(p.(map[string]any), field)
				}
			} else {
				delete(m, field)
			}
			b, _ := json.Marshal(m)
			return b
		}
	}
	for _, c := range []struct {
		name      string
		tamper    func(r *http.Request, body []byte) []byte
		multipart bool
		kept      bool // the confirmed file stays (it cannot be found to delete)
	}{
		{"state: parts without Size", drop("upload", "Size", true), true, false},
		{"state: parts null", func(r *http.Request, body []byte) []byte {
			if r.Method != "GET" || !r.URL.Query().Has("upload") {
				return body
			}
			return bytes.Replace(body, []byte(`"parts":[`), []byte(`"parts":null,"x":[`), 1)
		}, true, false},
		{"confirm: file without size", drop("confirm", "size", false), false, false},
		{"confirm: file without path", drop("confirm", "path", false), false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, withDirect(), tamper(c.tamper))
			e.mkdir("/users/alice")
			part := 0
			data := []byte("0123456789")
			if c.multipart {
				data, part = bytes.Repeat([]byte("x"), 2<<20), 1<<20
			}
			key := e.upload(e.token("alice", "uploader"), "-", "/users/alice/a.bin", data, part)
			a := e.do("POST", "/v1/confirm", bearer(t, "alice", "uploader"), confirmBody(key))
			if a.Status != 403 || a.code() != "PolicyViolation" {
				t.Fatalf("%d %s", a.Status, a.Body)
			}
			if f := e.files(); len(f) != 0 && !c.kept {
				t.Fatalf("a file the function could not check was kept: %+v", f)
			}
		})
	}
}

// A file removed for breaking the size limit is deleted permanently, not moved to a
// recycle bin where it would still count and could be restored.
func TestConfirmOverSizeDeletedPermanently(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var deletes []string
	e := newEnv(t, withPolicy(`{"roles":{"uploader":{"grants":["begin_upload"],"mode":"direct","maxFileSize":10}}}`),
		tamper(func(r *http.Request, body []byte) []byte {
			if r.Method == "DELETE" {
				mu.Lock()
				deletes = append(deletes, r.URL.Path+"?"+r.URL.RawQuery)
				mu.Unlock()
			}
			return body
		}))
	e.mkdir("/users/alice")
	key := e.upload(e.token("alice", "uploader"), "-", "/users/alice/a.bin", make([]byte, 11), 0)
	a := e.do("POST", "/v1/confirm", bearer(t, "alice", "uploader"), confirmBody(key))
	if a.Status != 403 || a.code() != "PolicyViolation" {
		t.Fatalf("%d %s", a.Status, a.Body)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(deletes) != 1 || !strings.Contains(deletes[0], "/users/alice/a.bin?") || !strings.Contains(deletes[0], "permanent=1") {
		t.Fatalf("deletes %q, want one permanent delete of the file", deletes)
	}
}
