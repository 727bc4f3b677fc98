package bridge

import (
	"errors"
	"testing"

	"github.com/ferry-upload/ferry/shared/jsonx"
	"github.com/ferry-upload/ferry/shared/jsonx/jsonxtest"
	"github.com/ferry-upload/ferry/wasm/engine"
)

// The worker speaks jsonx (encoding/json stays out of the browser build): every message it
// writes is what encoding/json writes, and every message it reads decodes as encoding/json
// decodes it.
func TestProtocolMatchesEncodingJSON(t *testing.T) {
	rate, eta := 1.5e6, 0.25
	no := false
	snap := engine.Snapshot{ID: "t1", Name: "a<b>.txt", Path: "/d/a.txt", Size: 1 << 40, State: engine.StateFailed,
		Loaded: 12, Fraction: 1e-7, BytesPerSecond: &rate, EtaSeconds: &eta,
		Error: &engine.Error{Code: "Network", Message: "é\u2028\"", Status: 503, RequestID: "r", Err: errors.New("x")}}
	res := &engine.Result{Path: "/d/a (1).txt", Name: "a (1).txt", Size: 3, CRC64: "18446744073709551615", ETag: `"e"`, Rapid: true}
	for _, m := range []any{
		msgReady{}, msgReady{V: Version, Type: "ready"},
		msgFatal{}, msgFatal{V: Version, Type: "fatal", Code: "InvalidRequest", Message: "a message that does not decode: <x>"},
		msgReply{}, msgReply{V: Version, Type: "reply", ID: jsonx.RawMessage(`"call-1"`)},
		msgReply{V: Version, Type: "reply", ID: jsonx.RawMessage(` 7 `), Result: []entry{{Restorable: engine.Restorable{ID: "e", Fraction: 0.5}}, {}}},
		msgReply{V: Version, Type: "reply", ID: jsonx.RawMessage(`{"k" : [1]}`), Error: infoOf(errors.New("boom"))},
		msgReply{V: Version, Type: "reply", ID: jsonx.RawMessage(`1`), Result: map[string]any{"ok": true, "n": 2}},
		msgHeaders{}, msgHeaders{V: Version, Type: "headers", ID: 42},
		msgSnapshot{}, msgSnapshot{V: Version, Type: "snapshot", Event: engine.EventComplete, Snapshot: snap, Result: res},
		msgSnapshot{V: Version, Type: "snapshot", Event: engine.EventError, Snapshot: &engine.Snapshot{}},
		msgSnapshot{V: Version, Type: "snapshot", Event: engine.EventError,
			Snapshot: map[string]any{"id": "t", "state": engine.StateFailed, "error": infoOf(errors.New("e"))}},
		msgTotal{}, msgTotal{V: Version, Type: "total", Total: engine.Totals{Loaded: 1, Size: 2, Fraction: 0.5, BytesPerSecond: &rate, Active: 3}},
		entry{}, Incoming{}, ClientConfig{}, &ClientConfig{QuickUpload: &no},
		Incoming{Type: "init", ID: jsonx.RawMessage(`"x"`), TaskID: "t", EntryID: "e", Config: &ClientConfig{TokenURL: "u", PartSize: 5},
			Options: engine.UploadOptions{Path: "p", Conflict: "ask", Labels: []string{}, Meta: map[string]string{"b": "2", "a": "1"}},
			Headers: map[string]string{"Authorization": "Bearer x"}, Error: &engine.Error{Code: "C"}},
	} {
		jsonxtest.Marshal(t, m)
	}
	for _, in := range []string{
		`{"type":"init","id":1,"config":{"tokenUrl":"https://f/v1/token","credentials":"include","concurrency":4,"parallelFiles":2,"partSize":8388608,"quickUpload":false,"spaceId":"s","clientId":"c","sessionId":"x","baseUrl":"b","origin":"o"}}`,
		`{"type":"init","config":{"tokenUrl":"u","verify":"local","headers":false}}`,
		`{"type":"getHeaders","present":true}`, `{"type":"getHeaders","present":false}`,
		`{"type":"upload","taskId":"t1","options":{"path":"dir/","conflict":"rename","labels":["a"],"meta":{"k":"v"}}}`,
		`{"type":"headers","id":3,"headers":{"Authorization":"Bearer t","X-N":"1"}}`,
		`{"type":"headers","id":3,"error":{"code":"Unauthenticated","message":"no","status":401}}`,
		`{"type":"cancel","id":"str-id","taskId":"t"}`, `{"type":"list","id":{"nested":[1,2]}}`, `{"type":"pause","id":null}`,
		`{"type":"x","unknown":{"a":[1]},"Type":"y","TASKID":"fold"}`, `{"type":5}`, `{"config":{"partSize":"8"}}`,
		`{"config":{"partSize":1.5,"concurrency":9223372036854775808}}`, `{"options":null,"config":null,"headers":null}`,
		`{"headers":{"a":1}}`, `[]`, `null`, `{`, ``,
	} {
		jsonxtest.Unmarshal(t, (*Incoming)(nil), in)
	}
}

// TestVerifyOption: Ferry.create's verify reaches the engine's options.
func TestVerifyOption(t *testing.T) {
	for _, c := range []struct{ in, want string }{{`{"tokenUrl":"u","verify":"local"}`, engine.VerifyLocal}, {`{"tokenUrl":"u"}`, ""}} {
		var cfg ClientConfig
		if err := jsonx.Unmarshal([]byte(c.in), &cfg); err != nil {
			t.Fatal(err)
		}
		if got := cfg.Options().Verify; got != c.want {
			t.Fatalf("%s: Verify %q, want %q", c.in, got, c.want)
		}
	}
}
