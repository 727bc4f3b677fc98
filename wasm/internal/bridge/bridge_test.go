package bridge_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/function"
	"github.com/ferry-upload/ferry/shared/jsonx"
	"github.com/ferry-upload/ferry/shared/smh/smhhttp"
	"github.com/ferry-upload/ferry/shared/smhemu"
	"github.com/ferry-upload/ferry/wasm/engine"
	"github.com/ferry-upload/ferry/wasm/engine/native"
	"github.com/ferry-upload/ferry/wasm/internal/bridge"
)

// page plays the page: it records every message (as the JSON the page would receive, which
// must be what encoding/json writes for it) and answers the worker's getHeaders requests as
// web/src/engine.js does.
type page struct {
	t       *testing.T
	b       *bridge.Bridge
	mu      sync.Mutex
	msgs    []map[string]any
	changed chan struct{}
	headers map[string]string
	asked   int
}

func (p *page) Post(msg jsonx.Encoder) {
	raw := jsonx.Encode(msg)
	if std, err := json.Marshal(msg); err != nil || string(std) != string(raw) {
		p.t.Errorf("message %T written as %s; encoding/json writes %s (%v)", msg, raw, std, err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		p.t.Error(err)
		return
	}
	if m["v"] != float64(bridge.Version) {
		p.t.Errorf("message without v=%d: %s", bridge.Version, raw)
	}
	p.mu.Lock()
	p.msgs = append(p.msgs, m)
	if m["type"] == "headers" {
		p.asked++
		id, _ := json.Marshal(m["id"])
		headers, _ := json.Marshal(p.headers)
		go p.b.Receive(in(p.t, `{"type":"headers","id":`+string(id)+`,"headers":`+string(headers)+`}`))
	}
	close(p.changed)
	p.changed = make(chan struct{})
	p.mu.Unlock()
}

// wait returns the first message that match accepts.
func (p *page) wait(match func(m map[string]any) bool) map[string]any {
	p.t.Helper()
	return p.waitFrom(0, match)
}

// mark is the number of messages so far, for waitFrom.
func (p *page) mark() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.msgs)
}

// waitFrom returns the first message from index from on that match accepts.
func (p *page) waitFrom(from int, match func(m map[string]any) bool) map[string]any {
	p.t.Helper()
	deadline := time.After(time.Minute)
	for {
		p.mu.Lock()
		for _, m := range p.msgs[from:] {
			if match(m) {
				p.mu.Unlock()
				return m
			}
		}
		ch := p.changed
		p.mu.Unlock()
		select {
		case <-ch:
		case <-deadline:
			p.t.Fatal("timed out waiting for a message")
		}
	}
}

func (p *page) all(match func(m map[string]any) bool) []map[string]any {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []map[string]any
	for _, m := range p.msgs {
		if match(m) {
			out = append(out, m)
		}
	}
	return out
}

func ofType(typ string) func(map[string]any) bool {
	return func(m map[string]any) bool { return m["type"] == typ }
}

func snapshotOf(task, state string) func(map[string]any) bool {
	return func(m map[string]any) bool {
		s, _ := m["snapshot"].(map[string]any)
		return m["type"] == "snapshot" && s["id"] == task && (state == "" || s["state"] == state)
	}
}

func replyTo(id float64) func(map[string]any) bool {
	return func(m map[string]any) bool { return m["type"] == "reply" && m["id"] == id }
}

// setup starts the emulator and the real token function (anonymous dev mode, the default
// role in mode direct) and a bridge whose factory builds native engines against them.
func setup(t *testing.T) (*page, *bridge.Bridge, *smhemu.Server, string) {
	t.Helper()
	srv, err := smhemu.NewServer(smhemu.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	pol, err := function.ParsePolicy(`{"roles":{"uploader":{"grants":["begin_upload"],"mode":"direct"}}}`)
	if err != nil {
		t.Fatal(err)
	}
	fh, err := function.New(function.Config{APIBase: srv.URL(), LibraryID: "smhdev", LibrarySecret: "devsecret", Policy: pol,
		Auth: function.AuthConfig{Mode: function.AuthAnonymous}, DevMode: true, HTTPClient: srv.HTTPClient(),
		AllowedOrigins: []string{"http://page.test"}, RateLimit: function.RateLimit{Off: true},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	fs := httptest.NewServer(fh)
	t.Cleanup(fs.Close)
	p := &page{t: t, changed: make(chan struct{}), headers: map[string]string{"Authorization": "Bearer x"}}
	b := bridge.New(p, func(cfg bridge.ClientConfig, headers func(context.Context) (map[string]string, error), onEvent func(engine.Event)) (*engine.Engine, error) {
		fn := &engine.Function{TokenURL: cfg.TokenURL, Doer: smhhttp.Doer{Client: fs.Client()}, Headers: headers}
		opts := cfg.Options()
		opts.SimpleThreshold = engine.MiB
		return engine.New(engine.Config{Options: opts, Tokens: fn,
			Driver:  &engine.SMHDriver{Doer: smhhttp.Doer{Client: srv.HTTPClient()}, Function: fn},
			Sender:  native.Sender{Client: srv.HTTPClient()},
			Hasher:  native.Hasher{},
			OnEvent: onEvent})
	})
	p.b = b
	t.Cleanup(func() {
		if e := b.Engine(); e != nil {
			e.Close()
		}
	})
	return p, b, srv, fs.URL + "/v1/token"
}

func source(t *testing.T, name string, size int) *engine.BytesSource {
	b := make([]byte, size)
	rand.Read(b)
	return &engine.BytesSource{FileName: name, Modified: 1_700_000_000_000, Data: b}
}

func id(n int) jsonx.RawMessage { return jsonx.RawMessage([]byte{byte('0' + n)}) }

// in is a message as the page sends it (wasm/main.go decodes it so), with file attached.
func in(t *testing.T, msg string, file ...engine.Source) bridge.Incoming {
	var m bridge.Incoming
	if err := jsonx.Decode([]byte(msg), &m); err != nil {
		t.Errorf("%s: %v", msg, err)
	}
	if len(file) > 0 {
		m.File = file[0]
	}
	return m
}

func TestProtocol(t *testing.T) {
	p, b, srv, tokenURL := setup(t)

	// Before init: calls are refused, uploads fail.
	b.Receive(bridge.Incoming{Type: "restorable", ID: id(1)})
	if r := p.wait(replyTo(1)); r["error"].(map[string]any)["code"] != "NotReady" {
		t.Fatalf("reply before init: %v", r)
	}
	b.Receive(bridge.Incoming{Type: "init", Config: &bridge.ClientConfig{}})
	if f := p.wait(ofType("fatal")); f["code"] != engine.CodeInvalidOptions {
		t.Fatalf("init without tokenUrl: %v", f)
	}

	b.Receive(in(t, `{"type":"init","config":{"tokenUrl":"`+tokenURL+`","credentials":"omit","concurrency":3,"partSize":1048576,"quickUpload":true,"baseUrl":"http://cdn/","origin":"http://page.test","headers":true}}`))
	p.wait(ofType("ready"))

	// An upload runs to completion, reporting state, progress and the result.
	src := source(t, "a.bin", 3*engine.MiB+5)
	b.Receive(in(t, `{"type":"upload","taskId":"task-1","file":{},"options":{"path":"/up/","conflict":"rename"}}`, src))
	done := p.wait(snapshotOf("task-1", "done"))
	snap := done["snapshot"].(map[string]any)
	if snap["path"] != "/users/dev-user/up/a.bin" || snap["fraction"] != 1.0 || snap["size"] != float64(src.Size()) {
		t.Fatalf("done snapshot %v", snap)
	}
	complete := p.wait(func(m map[string]any) bool { return snapshotOf("task-1", "")(m) && m["event"] == "complete" })
	res := complete["result"].(map[string]any)
	if res["path"] != "/users/dev-user/up/a.bin" || res["rapid"] != false || res["crc64"] == "" || res["name"] != "a.bin" {
		t.Fatalf("result %v", res)
	}
	for _, key := range []string{"id", "name", "path", "size", "state", "loaded", "fraction", "bytesPerSecond", "etaSeconds"} {
		if _, ok := snap[key]; !ok {
			t.Fatalf("snapshot lacks %q: %v", key, snap)
		}
	}
	if p.asked == 0 {
		t.Fatal("the worker never asked the page for headers")
	}
	last := -1.0
	for _, m := range p.all(snapshotOf("task-1", "")) {
		f := m["snapshot"].(map[string]any)["fraction"].(float64)
		if f < last {
			t.Fatalf("fraction went back from %v to %v", last, f)
		}
		last = f
	}
	if tot := p.all(ofType("total")); len(tot) == 0 || tot[len(tot)-1]["total"].(map[string]any)["fraction"] != 1.0 {
		t.Fatalf("totals %v", tot)
	}
	if files, _ := srv.Emulator().Files("smhdev", "-"); len(files) != 1 {
		t.Fatalf("files %v", files)
	}

	// A bad upload fails at once, with the page's task id.
	b.Receive(bridge.Incoming{Type: "upload", TaskID: "task-2", Options: engine.UploadOptions{Path: "/up/"}})
	if f := p.wait(snapshotOf("task-2", "failed")); f["snapshot"].(map[string]any)["error"].(map[string]any)["code"] != engine.CodeInvalidOptions {
		t.Fatalf("upload without file: %v", f)
	}
	b.Receive(bridge.Incoming{Type: "upload", TaskID: "task-3", File: src, Options: engine.UploadOptions{Conflict: "sideways"}})
	p.wait(snapshotOf("task-3", "failed"))

	// Restorable: none; resuming an unknown entry fails the task.
	b.Receive(in(t, `{"type":"restorable","id":2}`))
	r := p.wait(replyTo(2))
	if entries := r["result"].(map[string]any)["entries"].([]any); len(entries) != 0 {
		t.Fatalf("entries %v", entries)
	}
	b.Receive(in(t, `{"type":"resumeEntry","taskId":"task-4","entryId":"cp-nope","file":{},"options":{}}`, src))
	if f := p.wait(snapshotOf("task-4", "failed")); f["snapshot"].(map[string]any)["error"].(map[string]any)["code"] != engine.CodeNotFound {
		t.Fatalf("resume of an unknown entry: %v", f)
	}
	b.Receive(in(t, `{"type":"resumeEntry","taskId":"task-5","entryId":"cp-nope","file":null,"options":{}}`))
	p.wait(snapshotOf("task-5", "failed"))
	b.Receive(in(t, `{"type":"forget","id":6,"entryId":"cp-nope"}`))
	if r := p.wait(replyTo(6)); r["error"].(map[string]any)["code"] != engine.CodeNotFound {
		t.Fatalf("forget of an unknown entry: %v", r)
	}

	// Controls on a finished task are refused with its snapshot; unknown types with an error.
	b.Receive(in(t, `{"type":"pause","taskId":"task-1"}`))
	b.Receive(bridge.Incoming{Type: "whatever", ID: id(3)})
	if r := p.wait(replyTo(3)); r["error"].(map[string]any)["code"] != "InvalidRequest" {
		t.Fatalf("unknown type: %v", r)
	}
	b.Receive(in(t, `{"type":"snapshot","id":4,"taskId":"task-1"}`))
	if r := p.wait(replyTo(4)); r["result"].(map[string]any)["state"] != "done" {
		t.Fatalf("snapshot call: %v", r)
	}

	// Sign out.
	b.Receive(in(t, `{"type":"signOut","id":5}`))
	if r := p.wait(replyTo(5)); r["error"] != nil {
		t.Fatalf("signOut: %v", r)
	}
}

// TestPauseResumeCancelMessages drives the controls through messages.
func TestPauseResumeCancelMessages(t *testing.T) {
	p, b, srv, tokenURL := setup(t)
	b.Receive(bridge.Incoming{Type: "init", Config: &bridge.ClientConfig{TokenURL: tokenURL, Concurrency: 1, PartSize: engine.MiB}})
	p.wait(ofType("ready"))
	src := &slowSource{BytesSource: source(t, "s.bin", 8*engine.MiB)}
	b.Receive(bridge.Incoming{Type: "upload", TaskID: "t", File: src})
	p.wait(snapshotOf("t", "uploading"))
	b.Receive(bridge.Incoming{Type: "pause", TaskID: "t"})
	p.wait(snapshotOf("t", "paused"))
	mark := p.mark()
	b.Receive(bridge.Incoming{Type: "resume", TaskID: "t"})
	p.waitFrom(mark, snapshotOf("t", "uploading"))
	b.Receive(bridge.Incoming{Type: "cancel", TaskID: "t"})
	p.wait(snapshotOf("t", "canceled"))
	if ups, _ := srv.Emulator().OpenUploads("smhdev", "-"); len(ups) != 0 {
		t.Fatalf("open uploads after cancel: %v", ups)
	}
}

// slowSource reads slowly, so the controls find the upload under way.
type slowSource struct{ *engine.BytesSource }

func (s *slowSource) ReadAt(p []byte, off int64) (int, error) {
	time.Sleep(20 * time.Millisecond)
	return s.BytesSource.ReadAt(p, off)
}

// TestUnknownTask: controls for a task the worker does not know are answered: a control sent
// as a call gets error NotFound, one sent plainly a failed snapshot of that id with NotFound
// (without name, path or size, which the worker does not know: the page keeps its own).
func TestUnknownTask(t *testing.T) {
	p, b, _, tokenURL := setup(t)
	b.Receive(bridge.Incoming{Type: "init", Config: &bridge.ClientConfig{TokenURL: tokenURL}})
	p.wait(ofType("ready"))
	for i, typ := range []string{"pause", "resume", "retry", "cancel"} {
		task := "ghost-" + typ
		b.Receive(bridge.Incoming{Type: typ, TaskID: task})
		m := p.wait(snapshotOf(task, "failed"))
		s := m["snapshot"].(map[string]any)
		if m["event"] != "error" || s["error"].(map[string]any)["code"] != engine.CodeNotFound {
			t.Fatalf("%s of an unknown task: %v", typ, m)
		}
		for _, k := range []string{"name", "path", "size", "fraction", "loaded"} {
			if _, ok := s[k]; ok {
				t.Fatalf("%s of an unknown task: the snapshot sets %q (the page's own would be lost): %v", typ, k, s)
			}
		}
		b.Receive(bridge.Incoming{Type: typ, TaskID: task, ID: id(i + 1)})
		if r := p.wait(replyTo(float64(i + 1))); r["error"].(map[string]any)["code"] != engine.CodeNotFound {
			t.Fatalf("%s call of an unknown task: %v", typ, r)
		}
	}
}

// TestHeadersOnlyWhenAsked: a page without getHeaders ("headers": false in its config) is
// never asked for headers (a round trip through its busy main thread per function call);
// once it sets getHeaders ({type: "getHeaders", present: true}) it is asked before each call.
func TestHeadersOnlyWhenAsked(t *testing.T) {
	no := false
	for _, c := range []struct {
		name    string
		present *bool // the getHeaders message sent after init (nil: none)
		asked   bool
	}{
		{"none", nil, false},
		{"set later", func() *bool { b := true; return &b }(), true},
		{"set, then unset", &no, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, b, _, tokenURL := setup(t)
			b.Receive(in(t, `{"type":"init","config":{"tokenUrl":"`+tokenURL+`","credentials":"omit","quickUpload":true,"headers":false}}`))
			p.wait(ofType("ready"))
			if c.present != nil {
				if !*c.present {
					b.Receive(in(t, `{"type":"getHeaders","present":true}`))
				}
				b.Receive(in(t, `{"type":"getHeaders","present":`+strconv.FormatBool(*c.present)+`}`))
			}
			b.Receive(bridge.Incoming{Type: "upload", TaskID: "t", File: source(t, "h.bin", 1000), Options: engine.UploadOptions{Path: "/h/"}})
			p.wait(snapshotOf("t", "done"))
			p.mu.Lock()
			asked := p.asked
			p.mu.Unlock()
			if (asked > 0) != c.asked {
				t.Fatalf("the page was asked for headers %d times; want asked: %v", asked, c.asked)
			}
		})
	}
}
