package function_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/ferry-upload/ferry/shared/hashes"
	"github.com/ferry-upload/ferry/shared/smh"
)

func TestConfirmSimpleUpload(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withDirect())
	tok := e.token("alice", "uploader")
	if a := e.do("POST", "/v1/directory", bearer(t, "alice", "uploader"), `{"path":"/users/alice/docs"}`); a.Status != 201 {
		t.Fatalf("directory: %d %s", a.Status, a.Body)
	}
	data := []byte("hello, ferry")
	key := e.upload(tok, "-", "/users/alice/docs/hello.txt", data, 0)

	// The browser token cannot confirm by itself: that is the point of confirm "function".
	if _, err := e.smh().Confirm(context.Background(), tok, "-", key, smh.ConfirmRequest{}); smh.Code(err) != smh.CodeNoPermission {
		t.Fatalf("browser confirm: %v, want NoPermission", err)
	}
	crc := strconv.FormatUint(hashes.CRC64(data), 10)
	a := e.do("POST", "/v1/confirm", bearer(t, "alice", "uploader"), `{"confirmKey":"`+key+`","crc64":"`+crc+`"}`)
	if a.Status != 200 {
		t.Fatalf("confirm: %d %s", a.Status, a.Body)
	}
	var f smh.File
	if err := json.Unmarshal(a.Body, &f); err != nil || strings.Join(f.Path, "/") != "users/alice/docs/hello.txt" || int64(f.Size) != int64(len(data)) {
		t.Fatalf("file %s (%v)", a.Body, err)
	}
	files := e.files()
	if len(files) != 1 || files[0].Path != "/users/alice/docs/hello.txt" || files[0].CRC64 != crc {
		t.Fatalf("emulator files %+v", files)
	}
}

func TestConfirmMultipartWithinLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withPolicy(`{"roles":{"uploader":{"grants":["begin_upload"],"mode":"direct","maxFileSize":3145728,"allowedTypes":["image/*",".pdf"]}}}`))
	e.mkdir("/users/alice")
	tok := e.token("alice", "uploader")
	data := bytes.Repeat([]byte("0123456789abcdef"), 3<<16) // 3 MiB
	key := e.upload(tok, "-", "/users/alice/scan.PDF", data, 1<<20)
	a := e.do("POST", "/v1/confirm", bearer(t, "alice", "uploader"), confirmBody(key))
	if a.Status != 200 {
		t.Fatalf("confirm: %d %s", a.Status, a.Body)
	}
}

// violations: each is refused with PolicyViolation. A task inside the caller's area is
// theirs and is canceled upstream; one outside it may be someone else's and is left alone.
func TestConfirmViolations(t *testing.T) {
	t.Parallel()
	policy := `{"roles":{"uploader":{"grants":["begin_upload"],"mode":"direct","maxFileSize":1000,"allowedTypes":["image/*",".pdf"]}}}`
	for _, c := range []struct {
		name, path string
		size, part int
		canceled   bool
	}{
		{"multipart over size", "/users/alice/big.jpg", 1 << 20 * 2, 1 << 20, true},
		{"type not allowed", "/users/alice/run.exe", 10, 0, true},
		{"no extension", "/users/alice/README", 10, 0, true},
		{"outside prefix", "/users/bob/x.jpg", 10, 0, false},
		{"prefix look-alike dir", "/users/alicex/x.jpg", 10, 0, false},
		{"encoded dots dir", "/users/alice/%2e%2e/x.jpg", 10, 0, true},
		{"double-encoded dots dir", "/users/alice/%252e%252e/x.jpg", 10, 0, true},
		{"division slash", "/users/alice/\u2215..\u2215x.jpg", 10, 0, true},
		{"fullwidth dots", "/users/alice/\uff0e\uff0e/x.jpg", 10, 0, true},
		{"one dot leaders", "/users/alice/\u2024\u2024/x.jpg", 10, 0, true},
		{"fullwidth solidus", "/users/alice/a\uff0fb.jpg", 10, 0, true},
		{"NFKC two dot leader", "/users/alice/\ufe30/x.jpg", 10, 0, true},
		{"NFKC account of", "/users/alice/\u2100.jpg", 10, 0, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, withPolicy(policy))
			dir := c.path[:strings.LastIndex(c.path, "/")]
			e.mkdir(dir)
			tok := e.token("alice", "uploader")
			key := e.upload(tok, "-", c.path, bytes.Repeat([]byte{'x'}, c.size), c.part)
			if n := len(e.openUploads()); n != 1 {
				t.Fatalf("%d open uploads before confirm", n)
			}
			a := e.do("POST", "/v1/confirm", bearer(t, "alice", "uploader"), confirmBody(key))
			if a.Status != 403 || a.code() != "PolicyViolation" {
				t.Fatalf("%d %s", a.Status, a.Body)
			}
			checkErrorShape(t, c.name, a)
			if u := e.openUploads(); c.canceled && len(u) != 0 {
				t.Fatalf("task not canceled: %+v", u)
			} else if !c.canceled && len(u) != 1 {
				t.Fatalf("a task outside the area was canceled: %+v", u)
			}
			if f := e.files(); len(f) != 0 {
				t.Fatalf("file stored: %+v", f)
			}
		})
	}
}

// A simple upload's task lists no parts, so its size is known only once confirmed: the
// file is then deleted again and the answer is PolicyViolation.
func TestConfirmSimpleUploadOverSize(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withPolicy(`{"roles":{"uploader":{"grants":["begin_upload"],"mode":"direct","maxFileSize":10}}}`))
	e.mkdir("/users/alice")
	tok := e.token("alice", "uploader")
	key := e.upload(tok, "-", "/users/alice/a.bin", make([]byte, 11), 0)
	a := e.do("POST", "/v1/confirm", bearer(t, "alice", "uploader"), confirmBody(key))
	if a.Status != 403 || a.code() != "PolicyViolation" || !strings.Contains(a.JSON["message"].(string), "removed") {
		t.Fatalf("%d %s", a.Status, a.Body)
	}
	if f := e.files(); len(f) != 0 {
		t.Fatalf("over-size file kept: %+v", f)
	}
	// exactly at the limit is fine
	key = e.upload(tok, "-", "/users/alice/b.bin", make([]byte, 10), 0)
	if a := e.do("POST", "/v1/confirm", bearer(t, "alice", "uploader"), confirmBody(key)); a.Status != 200 {
		t.Fatalf("%d %s", a.Status, a.Body)
	}
}

// Hostile upstream: the task's path array carries traversal segments the emulator itself
// would never produce. The function refuses; it cancels the task only when the path lies in
// the caller's area (a path that does not could be someone else's task).
func TestConfirmHostilePaths(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		path     []string
		canceled bool
	}{
		{[]string{"users", "alice", "..", "bob", "x.jpg"}, true},
		{[]string{"users", "alice", ".", "x.jpg"}, true},
		{[]string{"users", "alice", "", "x.jpg"}, true},
		{[]string{"users", "alice", "a/b", "x.jpg"}, true},
		{[]string{"users", "alice", `..\..`, "x.jpg"}, true},
		{[]string{"users", "alice", "x\x00.jpg"}, true},
		{[]string{"users", "alice", "%2e%2e", "x.jpg"}, true},
		{[]string{"users", "alice"}, false},
		{[]string{"users", "..", "bob", "x.jpg"}, false},
		{[]string{}, false},
	} {
		path := c.path
		t.Run(strings.Join(path, "|"), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, withDirect(), tamper(func(r *http.Request, body []byte) []byte {
				if r.Method != "GET" || !strings.Contains(r.URL.RawQuery, "upload") {
					return body
				}
				var m map[string]any
				json.Unmarshal(body, &m)
				m["path"] = path
				b, _ := json.Marshal(m)
				return b
			}))
			e.mkdir("/users/alice")
			tok := e.token("alice", "uploader")
			key := e.upload(tok, "-", "/users/alice/x.jpg", []byte("x"), 0)
			a := e.do("POST", "/v1/confirm", bearer(t, "alice", "uploader"), confirmBody(key))
			if a.Status != 403 || a.code() != "PolicyViolation" {
				t.Fatalf("%d %s", a.Status, a.Body)
			}
			if u := e.openUploads(); c.canceled && len(u) != 0 {
				t.Fatal("task not canceled")
			} else if !c.canceled && len(u) != 1 {
				t.Fatal("a task that may not be the caller's was canceled")
			}
		})
	}
}

func TestConfirmBadCrc(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withDirect())
	e.mkdir("/users/alice")
	tok := e.token("alice", "uploader")
	key := e.upload(tok, "-", "/users/alice/a.txt", []byte("abc"), 0)
	a := e.do("POST", "/v1/confirm", bearer(t, "alice", "uploader"), `{"confirmKey":"`+key+`","crc64":"12345"}`)
	// The neutral code (the browser re-checks its parts on it), SMH's beside it.
	if a.Status != 400 || a.code() != "ChecksumMismatch" || a.JSON["providerCode"] != "BadCrc64" {
		t.Fatalf("%d %s", a.Status, a.Body)
	}
}

// The function's cached server-side token expires (or is revoked): it mints a new one
// and retries once.
func TestConfirmServerTokenExpired(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withDirect())
	e.mkdir("/users/alice")
	tok := e.token("alice", "uploader")
	k1 := e.upload(tok, "-", "/users/alice/1.txt", []byte("1"), 0)
	if a := e.do("POST", "/v1/confirm", bearer(t, "alice", "uploader"), confirmBody(k1)); a.Status != 200 {
		t.Fatalf("%d %s", a.Status, a.Body)
	}
	tok = e.token("alice", "uploader")
	k2 := e.upload(tok, "-", "/users/alice/2.txt", []byte("2"), 0)
	if _, _, err := e.emu.ExpireNow(true, false); err != nil {
		t.Fatal(err)
	}
	if a := e.do("POST", "/v1/confirm", bearer(t, "alice", "uploader"), confirmBody(k2)); a.Status != 200 {
		t.Fatalf("after expiry: %d %s", a.Status, a.Body)
	}
}

// A user cannot confirm another user's upload through the function: its path is outside
// the caller's area.
func TestConfirmForeignTask(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withDirect())
	e.mkdir("/users/bob")
	bobTok := e.token("bob", "uploader")
	key := e.upload(bobTok, "-", "/users/bob/b.txt", []byte("b"), 0)
	a := e.do("POST", "/v1/confirm", bearer(t, "alice", "uploader"), confirmBody(key))
	if a.Status != 403 || a.code() != "PolicyViolation" {
		t.Fatalf("%d %s", a.Status, a.Body)
	}
	if f := e.files(); len(f) != 0 {
		t.Fatal("alice confirmed bob's upload")
	}
	// alice's attempt did not cancel bob's task: bob still completes it.
	if u := e.openUploads(); len(u) != 1 {
		t.Fatalf("bob's task was canceled by alice's confirm: %+v", u)
	}
	if a := e.do("POST", "/v1/confirm", bearer(t, "bob", "uploader"), confirmBody(key)); a.Status != 200 {
		t.Fatalf("bob's own confirm: %d %s", a.Status, a.Body)
	}
}
