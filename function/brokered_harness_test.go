package function_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/ferry-upload/ferry/function"
	"github.com/ferry-upload/ferry/shared/hashes"
	"github.com/ferry-upload/ferry/shared/hashes/gosha"
)

// ticketKey seals the suite's tickets; it is scanned for like the other secrets.
const ticketKey = "TICKETKEY-h8Rw2-distinctive-padding-012345"

// brokeredPolicy has a brokered uploader (1 MiB parts allowed, 64 MiB files), a brokered
// role that may replace files, one without quick upload, one limited to images, and a
// direct role.
const brokeredPolicy = `{"roles":{
 "uploader":{"grants":["begin_upload"],"mode":"brokered","maxFileSize":67108864},
 "replacer":{"grants":["begin_upload_force"],"mode":"brokered"},
 "noquick":{"grants":["begin_upload"],"mode":"brokered","quickUpload":false},
 "images":{"grants":["begin_upload"],"mode":"brokered","allowedTypes":["image/*"]},
 "direct":{"grants":["begin_upload"],"mode":"direct"}}}`

func withBrokered() option {
	return func(e *env) {
		withPolicy(brokeredPolicy)(e)
		e.cfg.TicketKey = ticketKey
	}
}

// begun is a decoded 201 answer of POST /v1/uploads.
type begun struct {
	ID       string
	Path     string
	Size     int64
	PartSize int64
	Parts    int
	Targets  []function.Target
}

func (e *env) begin(auth string, body map[string]any) (*answer, *begun) {
	e.t.Helper()
	b, _ := json.Marshal(body)
	a := e.do("POST", "/v1/uploads", auth, string(b))
	if a.Status != 201 {
		return a, nil
	}
	var v struct{ Upload begun }
	if err := json.Unmarshal(a.Body, &v); err != nil {
		e.t.Fatal(err)
	}
	capture.mu.Lock()
	capture.tickets = append(capture.tickets, v.Upload.ID)
	capture.mu.Unlock()
	return a, &v.Upload
}

// targets asks for fresh targets of parts.
func (e *env) targets(auth, id string, parts ...int) (*answer, []function.Target) {
	e.t.Helper()
	b, _ := json.Marshal(map[string]any{"parts": parts})
	a := e.do("POST", "/v1/uploads/"+id+"/targets", auth, string(b))
	var v struct{ Targets []function.Target }
	json.Unmarshal(a.Body, &v)
	return a, v.Targets
}

// send PUTs data's bytes to every part of an upload, asking for the targets the begin
// answer did not carry.
func (e *env) send(auth string, u *begun, data []byte) {
	e.t.Helper()
	have := map[int]function.Target{}
	for _, t := range u.Targets {
		have[t.Part] = t
	}
	first, last := 0, 0
	if u.Parts > 0 {
		first, last = 1, u.Parts
	}
	for n := first; n <= last; n++ {
		t, ok := have[n]
		if !ok {
			a, ts := e.targets(auth, u.ID, n)
			if a.Status != 200 || len(ts) != 1 {
				e.t.Fatalf("targets %d: %d %s", n, a.Status, a.Body)
			}
			t = ts[0]
		}
		if t.Method != "PUT" || t.Offset+t.Length > int64(len(data)) && t.Length > 0 {
			e.t.Fatalf("target %d: %+v", n, t)
		}
		e.put(t.URL, t.Headers, data[t.Offset:t.Offset+t.Length])
	}
}

func (e *env) complete(auth, id string, data []byte) *answer {
	e.t.Helper()
	return e.do("POST", "/v1/uploads/"+id+"/complete", auth, fmt.Sprintf(`{"crc64":"%d"}`, hashes.CRC64(data)))
}

// beginBody is a begin request for data at path.
func beginBody(path string, data []byte, extra ...any) map[string]any {
	m := map[string]any{"path": path, "size": len(data), "conflict": "rename", "partSize": 1 << 20}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i].(string)] = extra[i+1]
	}
	return m
}

func quickHashes(data []byte, full bool) map[string]string {
	beginning, fullHash := gosha.Sum(data)
	h := map[string]string{"beginningHash": beginning}
	if full {
		h["fullHash"] = fullHash
	}
	return h
}

func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*31) ^ seed
	}
	return b
}

// stored reads a stored file's bytes from the emulator.
func (e *env) stored(path string) []byte {
	e.t.Helper()
	b, err := e.emu.ReadFile("smhdev", "-", path)
	if err != nil {
		e.t.Fatalf("read %s: %v", path, err)
	}
	return b
}

// clock is a settable clock for ticket expiry.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }
