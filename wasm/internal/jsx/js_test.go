//go:build js && wasm

package jsx

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hack-pad/safejs"

	"github.com/ferry-upload/ferry/shared/jsonx"
	"github.com/ferry-upload/ferry/shared/smh"
	"github.com/ferry-upload/ferry/wasm/engine"
)

// These tests run under Node (GOOS=js GOARCH=wasm, go_js_wasm_exec): Node 20 has Blob, File,
// fetch, crypto.subtle and an HTTP server; XMLHttpRequest, IndexedDB and Web Locks do not
// exist there, so small fakes stand in for them and the tests check the Go side's use.

// js evaluates a function body and returns its result.
func js(t *testing.T, body string, args ...any) safejs.Value {
	t.Helper()
	fn, err := construct("Function", body)
	if err != nil {
		t.Fatal(err)
	}
	v, err := fn.Invoke(args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	return v
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestAwait(t *testing.T) {
	v, err := Await(ctx(t), js(t, "return Promise.resolve(42)"))
	if n, _ := v.Int(); err != nil || n != 42 {
		t.Fatalf("%v %v", n, err)
	}
	_, err = Await(ctx(t), js(t, `return Promise.reject(new TypeError("Failed to fetch"))`))
	var je *JSError
	if !errors.As(err, &je) || je.Name != "TypeError" || je.Message != "Failed to fetch" || !errors.Is(err, &JSError{Name: "TypeError"}) {
		t.Fatalf("rejection: %#v", err)
	}
	_, err = Await(ctx(t), js(t, `const e = new Error("gone"); e.name = "NotReadableError"; return Promise.reject(e)`))
	if !errors.Is(err, &JSError{Name: "NotReadableError"}) {
		t.Fatalf("DOMException-like: %v", err)
	}
	if _, err := Await(ctx(t), js(t, `return Promise.reject("plain")`)); err == nil || !strings.Contains(err.Error(), "plain") {
		t.Fatalf("string reason: %v", err)
	}
	short, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := Await(short, js(t, "return new Promise(() => {})")); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("pending: %v", err)
	}
	if v, err := Await(ctx(t), js(t, "return 7")); err != nil || v.Type() != safejs.TypeNumber {
		t.Fatalf("plain value: %v %v", v, err)
	}
	p, resolve, err := newPromise()
	if err != nil {
		t.Fatal(err)
	}
	go resolve.Invoke("later")
	if v, err := Await(ctx(t), p); err != nil || getStringOf(v) != "later" {
		t.Fatalf("newPromise: %v %v", v, err)
	}
}

func getStringOf(v safejs.Value) string { s, _ := v.String(); return s }

func newFile(t *testing.T, data []byte, name string) *Blob {
	t.Helper()
	u, err := toUint8Array(data)
	if err != nil {
		t.Fatal(err)
	}
	f := js(t, `return new File([arguments[0]], arguments[1], {type: "image/png", lastModified: 1700000000123})`, u, name)
	b, err := NewBlob(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBlob(t *testing.T) {
	data := make([]byte, 3<<20+11)
	rand.Read(data)
	b := newFile(t, data, "a b.png")
	if b.Name() != "a b.png" || b.Size() != int64(len(data)) || b.LastModified() != 1700000000123 || b.Type() != "image/png" {
		t.Fatalf("facts: %q %d %d %q", b.Name(), b.Size(), b.LastModified(), b.Type())
	}
	for _, c := range []struct{ off, n int }{{0, 10}, {1 << 20, 1 << 20}, {len(data) - 5, 5}, {7, 3 << 20}} {
		p := make([]byte, c.n)
		n, err := b.ReadAt(p, int64(c.off))
		if err != nil || n != c.n || !bytes.Equal(p, data[c.off:c.off+c.n]) {
			t.Fatalf("ReadAt(%d, %d): %d %v", c.off, c.n, n, err)
		}
	}
	p := make([]byte, 10)
	if n, err := b.ReadAt(p, int64(len(data)-4)); n != 4 || err != io.EOF || !bytes.Equal(p[:4], data[len(data)-4:]) {
		t.Fatalf("read over the end: %d %v", n, err)
	}
	if _, err := b.ReadAt(p, int64(len(data))); err != io.EOF {
		t.Fatalf("read at the end: %v", err)
	}
	plain, err := NewBlob(js(t, `return new Blob(["xyz"])`))
	if err != nil || plain.Name() != "blob" || plain.Size() != 3 || plain.LastModified() != 0 {
		t.Fatalf("plain blob: %+v %v", plain, err)
	}
	if _, err := NewBlob(js(t, `return {size: 3}`)); err == nil {
		t.Fatal("an object that is not a Blob was accepted")
	}
	var _ engine.Source = b
}

func TestSubtleHasher(t *testing.T) {
	data := make([]byte, 1<<20+3)
	rand.Read(data)
	b := newFile(t, data, "h.bin")
	prefix := sha256.Sum256([]byte("previous block"))
	for _, src := range []engine.Source{b, &engine.BytesSource{FileName: "h.bin", Data: data}} {
		for _, c := range []struct {
			off, n int64
			prefix []byte
		}{{0, 1 << 20, nil}, {1 << 20, 3, prefix[:]}, {0, 0, nil}} {
			got, err := SubtleHasher{}.HashBlock(ctx(t), src, c.off, c.n, c.prefix, make([]byte, 1<<20))
			want := sha256.Sum256(append(append([]byte(nil), c.prefix...), data[c.off:c.off+c.n]...))
			if err != nil || got != want {
				t.Fatalf("%T block %d+%d: %x %v; want %x", src, c.off, c.n, got, err, want)
			}
		}
	}
}

// server starts a Node HTTP server for the fetch tests and returns its base URL.
func server(t *testing.T) string {
	t.Helper()
	p := js(t, `
const http = require("http");
return new Promise((resolve) => {
  const srv = http.createServer((req, res) => {
    let body = [];
    req.on("data", (c) => body.push(c));
    req.on("end", () => {
      const text = Buffer.concat(body).toString();
      if (req.url === "/slow") return; // never answers
      if (req.url === "/busy") {
        res.writeHead(503, {"Content-Type": "application/json", "Retry-After": "3", "X-Request-Id": "r-1"});
        return res.end(JSON.stringify({code: "ServiceUnavailable", message: "later"}));
      }
      res.writeHead(200, {"Content-Type": "application/json", "X-Seen-Auth": req.headers["authorization"] || ""});
      res.end(JSON.stringify({method: req.method, url: req.url, body: text, type: req.headers["content-type"] || ""}));
    });
  });
  srv.listen(0, "127.0.0.1", () => { globalThis.__testServer = srv; resolve("http://127.0.0.1:" + srv.address().port); });
});`)
	v, err := Await(ctx(t), p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { js(t, "globalThis.__testServer.closeAllConnections(); globalThis.__testServer.close()") })
	return getStringOf(v)
}

func TestFetch(t *testing.T) {
	base := server(t)
	f := Fetch{}
	resp, err := f.Do(ctx(t), &smh.Request{Method: "POST", URL: base + "/v1/token?x=1",
		Header: map[string]string{"Authorization": "Bearer abc", "Content-Type": "application/json", "Content-Length": "99"},
		Body:   []byte(`{"a":1}`)})
	if err != nil {
		t.Fatal(err)
	}
	var echo struct{ Method, URL, Body, Type string }
	if err := json.Unmarshal(resp.Body, &echo); err != nil {
		t.Fatalf("%v: %s", err, resp.Body)
	}
	if resp.StatusCode != 200 || echo.Method != "POST" || echo.URL != "/v1/token?x=1" || echo.Body != `{"a":1}` ||
		echo.Type != "application/json" || resp.Header["x-seen-auth"] != "Bearer abc" {
		t.Fatalf("%d %+v %v", resp.StatusCode, echo, resp.Header)
	}
	resp, err = f.Do(ctx(t), &smh.Request{Method: "GET", URL: base + "/busy"})
	if err != nil || resp.StatusCode != 503 || resp.Header["retry-after"] != "3" {
		t.Fatalf("503: %+v %v", resp, err)
	}
	if e := smh.ParseDataPlaneError(resp); e.Code != "ServiceUnavailable" || e.RetryAfter != 3*time.Second || e.RequestID != "r-1" {
		t.Fatalf("error answer: %+v", e)
	}
	short, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := f.Do(short, &smh.Request{Method: "GET", URL: base + "/slow"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("aborted fetch: %v", err)
	}
	_, err = f.Do(ctx(t), &smh.Request{Method: "GET", URL: "http://127.0.0.1:9/secret?library_secret=s3cret"})
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("refused connection: %v (must fail without the URL)", err)
	}
}

// fakeXHR installs an XMLHttpRequest that records what it is given and answers as told.
func fakeXHR(t *testing.T, mode string) {
	js(t, `
const mode = arguments[0];
globalThis.__xhr = [];
globalThis.XMLHttpRequest = class {
  constructor() { this.upload = {}; this.headers = {}; this.status = 0; this.responseText = ""; globalThis.__xhr.push(this); }
  open(method, url, async) { this.method = method; this.url = url; this.async = async; }
  setRequestHeader(k, v) { if (k.toLowerCase() === "content-length") throw new Error("refused"); this.headers[k] = v; }
  getAllResponseHeaders() { return "ETag: \"e1\"\r\nx-cos-hash-crc64ecma: 42\r\n"; }
  abort() { this.aborted = true; if (this.onabort) this.onabort({}); }
  send(body) {
    this.body = body;
    if (body instanceof Uint8Array) this.sent = Array.from(body); // XHR copies a typed array at send
    if (mode === "hang") return;
    setTimeout(() => {
      if (mode === "error") return this.onerror({});
      this.upload.onprogress({loaded: Math.floor(body.size / 2)});
      setTimeout(() => {
        this.upload.onprogress({loaded: body.size});
        this.status = mode === "expired" ? 403 : 200;
        if (mode === "expired") this.responseText = "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>";
        this.onload({});
      }, 5);
    }, 5);
  }
};`, mode)
	t.Cleanup(func() { js(t, "delete globalThis.XMLHttpRequest") })
}

func TestXHRSender(t *testing.T) {
	data := make([]byte, 1000)
	rand.Read(data)
	b := newFile(t, data, "x.bin")
	fakeXHR(t, "ok")
	var progress []int64
	resp, err := XHRSender{}.SendPart(ctx(t), &engine.PartRequest{URL: "http://cos/obj?partNumber=2&uploadId=u",
		Header: map[string]string{"Authorization": "sig", "Content-Length": "600", "x-cos-security-token": "tk"},
		Source: b, Offset: 400, Length: 600, Progress: func(n int64) { progress = append(progress, n) }})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header["etag"] != `"e1"` || resp.Header["x-cos-hash-crc64ecma"] != "42" {
		t.Fatalf("response %+v", resp)
	}
	x := js(t, "return globalThis.__xhr[0]")
	body, _ := x.Get("body")
	if getString(x, "method") != "PUT" || getString(x, "url") != "http://cos/obj?partNumber=2&uploadId=u" {
		t.Fatal("request line")
	}
	if ok, _ := IsBlob(body); !ok {
		t.Fatal("the body is not the Blob slice")
	}
	if n, _ := getNumber(body, "size"); n != 600 {
		t.Fatalf("body size %v", n)
	}
	hdrs, _ := x.Get("headers")
	if getString(hdrs, "Authorization") != "sig" || getString(hdrs, "x-cos-security-token") != "tk" || getString(hdrs, "Content-Length") != "" {
		t.Fatal("headers: forbidden ones must be skipped, others set")
	}
	if len(progress) == 0 || progress[len(progress)-1] != 600 {
		t.Fatalf("progress %v", progress)
	}
	ack, err := (&engine.SMHDriver{}).PartDone(nil, resp)
	if err != nil || ack.ETag != `"e1"` || ack.CRC64 == nil || *ack.CRC64 != 42 {
		t.Fatalf("ack %+v %v", ack, err)
	}

	fakeXHR(t, "expired")
	resp, err = XHRSender{}.SendPart(ctx(t), &engine.PartRequest{URL: "http://cos/o", Source: b, Length: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&engine.SMHDriver{}).PartDone(nil, resp); !smh.IsUploadExpired(err) {
		t.Fatalf("expired: %v", err)
	}

	fakeXHR(t, "error")
	if _, err := (XHRSender{}).SendPart(ctx(t), &engine.PartRequest{URL: "http://cos/o", Source: b, Length: 1000}); err == nil {
		t.Fatal("a network error passed")
	}

	fakeXHR(t, "hang")
	short, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := (XHRSender{}).SendPart(short, &engine.PartRequest{URL: "http://cos/o", Source: b, Length: 1000}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("hang: %v", err)
	}
	if a, _ := js(t, "return globalThis.__xhr[0].aborted === true").Bool(); !a {
		t.Fatal("the request was not aborted")
	}

	fakeXHR(t, "ok") // a source that is not a Blob: its bytes are the body
	if _, err := (XHRSender{}).SendPart(ctx(t), &engine.PartRequest{URL: "http://cos/o", Source: &engine.BytesSource{Data: data}, Body: data, Length: 1000}); err != nil {
		t.Fatal(err)
	}
}

// TestXHRSenderBody: bytes the engine read (Verify "local") are sent instead of the Blob
// slice, through a typed array that the next part reuses.
func TestXHRSenderBody(t *testing.T) {
	data := make([]byte, 1000)
	rand.Read(data)
	b := newFile(t, data, "x.bin")
	fakeXHR(t, "ok")
	for i, part := range [][]byte{data[:600], data[600:]} {
		if _, err := (XHRSender{}).SendPart(ctx(t), &engine.PartRequest{URL: "http://cos/o", Source: b, Offset: int64(600 * i),
			Length: int64(len(part)), Body: part}); err != nil {
			t.Fatal(err)
		}
		x := js(t, "return globalThis.__xhr["+strconv.Itoa(i)+"]")
		body, _ := x.Get("body")
		if ok, _ := IsBlob(body); ok {
			t.Fatalf("part %d: the Blob slice was sent, not the bytes read", i)
		}
		sent, _ := x.Get("sent")
		got, err := bytesOf(js(t, "return Uint8Array.from(arguments[0])", sent))
		if err != nil || !bytes.Equal(got, part) {
			t.Fatalf("part %d: sent %d bytes, want the %d read (%v)", i, len(got), len(part), err)
		}
	}
	if same, _ := js(t, "return globalThis.__xhr[0].body.buffer === globalThis.__xhr[1].body.buffer").Bool(); !same {
		t.Fatal("the second part's body did not reuse the first one's buffer")
	}
}

func fakeLocks(t *testing.T) {
	js(t, `
const held = new Set();
globalThis.navigator = { locks: { request(name, opts, cb) {
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (opts.signal && opts.signal.aborted) { reject(new Error("AbortError")); return; }
      if (held.has(name)) {
        if (opts.ifAvailable) resolve(cb(null));
        else setTimeout(attempt, 2); // wait for it
        return;
      }
      held.add(name);
      Promise.resolve(cb({name})).then((v) => { held.delete(name); resolve(v); });
    };
    setTimeout(attempt, 1);
  });
}}};`)
	t.Cleanup(func() { js(t, "delete globalThis.navigator") })
}

func TestWebLocks(t *testing.T) {
	if _, ok := NewWebLocks(); ok {
		t.Fatal("Node has navigator.locks now? the fake would shadow it")
	}
	fakeLocks(t)
	l, ok := NewWebLocks()
	if !ok {
		t.Fatal("no locks")
	}
	unlock, err := l.TryLock(ctx(t), "ferry:a")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.TryLock(ctx(t), "ferry:a"); !errors.Is(err, engine.ErrBusy) {
		t.Fatalf("second holder: %v", err)
	}
	other, err := l.TryLock(ctx(t), "ferry:b")
	if err != nil {
		t.Fatal(err)
	}
	unlock()
	unlock() // twice is fine
	time.Sleep(20 * time.Millisecond)
	again, err := l.TryLock(ctx(t), "ferry:a")
	if err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	again()
	other()

	// Waiting: the lock is granted once its holder lets go; a wait that ends first gives up
	// (and never takes the lock later).
	first, err := l.TryLock(ctx(t), "ferry:w")
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if _, err := l.Lock(short, "ferry:w"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("wait on a held lock: %v", err)
	}
	go func() {
		time.Sleep(30 * time.Millisecond)
		first()
	}()
	second, err := l.Lock(ctx(t), "ferry:w")
	if err != nil {
		t.Fatalf("wait until released: %v", err)
	}
	if _, err := l.TryLock(ctx(t), "ferry:w"); !errors.Is(err, engine.ErrBusy) {
		t.Fatalf("after the wait, the lock must be held: %v", err)
	}
	second()
	time.Sleep(20 * time.Millisecond)
	third, err := l.TryLock(ctx(t), "ferry:w")
	if err != nil {
		t.Fatalf("the abandoned wait kept the lock: %v", err)
	}
	third()
}

func fakeIndexedDB(t *testing.T) {
	js(t, `
const dbs = {};
const later = (f) => setTimeout(f, 0);
const request = (fn) => { const r = {}; later(() => { try { r.result = fn(); r.onsuccess && r.onsuccess({}); } catch (e) { r.error = e; r.onerror && r.onerror({}); } }); return r; };
globalThis.indexedDB = { open(name, version) {
  const r = {};
  later(() => {
    let db = dbs[name];
    if (!db) {
      const stores = {};
      db = dbs[name] = { stores,
        objectStoreNames: { contains: (n) => n in stores },
        createObjectStore(n) { stores[n] = new Map(); },
        transaction(n, mode) {
          const tx = { pending: 0, done() { if (--this.pending === 0) later(() => tx.oncomplete && tx.oncomplete({})); } };
          const m = stores[n];
          const op = (fn) => { tx.pending++; const rq = request(fn); later(() => tx.done()); return rq; };
          tx.objectStore = () => ({
            get: (k) => op(() => m.get(k)),
            put: (v, k) => { if (mode !== "readwrite") throw new Error("ReadOnlyError"); return op(() => { m.set(k, v); return k; }); },
            delete: (k) => op(() => { m.delete(k); }),
            getAll: () => op(() => Array.from(m.values())),
          });
          return tx;
        } };
      r.result = db;
      r.onupgradeneeded && r.onupgradeneeded({});
    }
    r.result = db;
    r.onsuccess && r.onsuccess({});
  });
  return r;
}};`)
	t.Cleanup(func() { js(t, "delete globalThis.indexedDB") })
}

func TestIDB(t *testing.T) {
	if _, err := OpenIDB(ctx(t), "none"); !errors.Is(err, ErrNoIndexedDB) {
		t.Fatalf("without IndexedDB: %v", err)
	}
	fakeIndexedDB(t)
	db, err := OpenIDB(ctx(t), "ferry")
	if err != nil {
		t.Fatal(err)
	}
	c := ctx(t)
	if _, ok, err := db.Get(c, "k"); ok || err != nil {
		t.Fatalf("empty get: %v %v", ok, err)
	}
	for k, v := range map[string]string{"a": `{"x":1}`, "b": "two"} {
		if err := db.Put(c, k, v); err != nil {
			t.Fatal(err)
		}
	}
	if v, ok, err := db.Get(c, "a"); !ok || err != nil || v != `{"x":1}` {
		t.Fatalf("get: %q %v %v", v, ok, err)
	}
	if err := db.Delete(c, "b"); err != nil {
		t.Fatal(err)
	}
	vals, err := db.Values(c)
	if err != nil || len(vals) != 1 || vals[0] != `{"x":1}` {
		t.Fatalf("values %v %v", vals, err)
	}
	// The engine's checkpoint store over it.
	store := engine.KVStore{KV: db}
	cp := &engine.Checkpoint{V: engine.CheckpointVersion, ID: "cp-1", Name: "n", Parts: []engine.PartRecord{{N: 1, Size: 5, CRC64: 1<<64 - 1}}}
	if err := store.Save(c, cp); err != nil {
		t.Fatal(err)
	}
	got, err := store.Load(c, "cp-1")
	if err != nil || got == nil || got.Parts[0].CRC64 != 1<<64-1 {
		t.Fatalf("checkpoint: %+v %v", got, err)
	}
	again, err := OpenIDB(c, "ferry") // reopening keeps the data
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := again.Get(c, "cp-1"); !ok {
		t.Fatal("lost on reopen")
	}
}

func TestPort(t *testing.T) {
	js(t, `globalThis.__posted = []; globalThis.postMessage = (m) => globalThis.__posted.push(m); globalThis.ferryStarted = () => { globalThis.__started = true; };`)
	t.Cleanup(func() {
		js(t, "delete globalThis.postMessage; delete globalThis.ferryStarted; delete globalThis.ferryReceive")
	})
	p := NewPort()
	p.Post(encodeFunc(func(w *jsonx.Writer) {
		w.ObjectStart()
		w.Int64("v", 1)
		w.Str("type", "snapshot")
		w.Key("snapshot")
		w.ObjectStart()
		w.Str("id", "t1")
		w.Float64("fraction", 0.5)
		w.Key("bytesPerSecond")
		w.Null()
		w.ObjectEnd()
		w.ObjectEnd()
	}))
	m := js(t, "return globalThis.__posted[0]")
	s, _ := m.Get("snapshot")
	if getString(m, "type") != "snapshot" || getString(s, "id") != "t1" {
		t.Fatal("posted message")
	}
	if f, _ := getNumber(s, "fraction"); f != 0.5 {
		t.Fatal("fraction")
	}
	if bps, _ := s.Get("bytesPerSecond"); !bps.IsNull() {
		t.Fatal("null must stay null")
	}
	got := make(chan Message, 1)
	if err := p.Serve(func(m Message, err error) {
		if err != nil {
			t.Error(err)
		}
		got <- m
	}); err != nil {
		t.Fatal(err)
	}
	if ok, _ := js(t, "return globalThis.__started === true").Bool(); !ok {
		t.Fatal("ferryStarted not called")
	}
	js(t, `globalThis.ferryReceive({type: "upload", taskId: "t9", file: new File(["hello"], "h.txt", {lastModified: 5}), options: {path: "/a/", conflict: undefined, meta: {k: "v"}}, onProgress: () => 1})`)
	msg := <-got
	var in struct {
		Type, TaskID string
		Options      engine.UploadOptions
	}
	if err := json.Unmarshal(msg.JSON, &in); err != nil {
		t.Fatalf("%v: %s", err, msg.JSON)
	}
	if in.Type != "upload" || in.TaskID != "t9" || in.Options.Path != "/a/" || in.Options.Meta["k"] != "v" || in.Options.Conflict != "" {
		t.Fatalf("decoded %+v from %s", in, msg.JSON)
	}
	if msg.File == nil || msg.File.Name() != "h.txt" || msg.File.Size() != 5 || msg.File.LastModified() != 5 {
		t.Fatalf("file %+v", msg.File)
	}
	js(t, `globalThis.ferryReceive({type: "pause", taskId: "t9"})`)
	if m := <-got; m.File != nil || !strings.Contains(string(m.JSON), `"pause"`) {
		t.Fatalf("pause: %s", m.JSON)
	}
}

// encodeFunc is an Encoder written inline.
type encodeFunc func(w *jsonx.Writer)

func (f encodeFunc) EncodeJSON(w *jsonx.Writer) { f(w) }

// decodeFunc is a Decoder written inline.
type decodeFunc func(f jsonx.Fields)

func (d decodeFunc) DecodeJSON(f jsonx.Fields) { d(f) }

func TestToJS(t *testing.T) {
	v, err := ToJS(encodeFunc(func(w *jsonx.Writer) {
		w.ObjectStart()
		w.Key("a")
		w.ArrayStart()
		w.Int(1)
		w.Int(2)
		w.ArrayEnd()
		w.Str("s", "é<\u2028")
		w.ObjectEnd()
	}))
	if err != nil || v.Type() != safejs.TypeObject {
		t.Fatalf("ToJS: %v", err)
	}
	if ok, _ := js(t, `const v = arguments[0]; return Array.isArray(v.a) && v.a[1] === 2 && v.s === "é<\u2028";`, v).Bool(); !ok {
		t.Fatal("ToJS: the object is not the one written")
	}
}

func TestFromJS(t *testing.T) {
	v := js(t, `return {type: "x", n: 5, labels: ["a"], file: new Blob(["abc"]), f: () => 1, skip: undefined};`)
	var typ string
	var n int64
	var labels []string
	var file, fn, skip bool
	err := FromJS(v, decodeFunc(func(f jsonx.Fields) {
		typ, n, labels = f.Str("type"), f.Int64("n"), f.Strings("labels")
		blob := f.Value("file")
		file, fn, skip = blob.Kind() == jsonx.Object && blob.Len() == 0, f.Value("f").Exists(), f.Value("skip").Exists()
	}))
	if err != nil || typ != "x" || n != 5 || len(labels) != 1 || labels[0] != "a" || !file || fn || skip {
		t.Fatalf("FromJS: %v %q %d %v file empty %v func %v undefined %v", err, typ, n, labels, file, fn, skip)
	}
	if err := FromJS(js(t, `return 5;`), decodeFunc(func(jsonx.Fields) {})); err == nil {
		t.Fatal("FromJS of a number: no error")
	}
}
