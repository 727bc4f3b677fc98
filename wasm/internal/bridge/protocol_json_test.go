package bridge

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/jsonx"
	"github.com/ferry-upload/ferry/shared/jsonx/jsonxtest"
	"github.com/ferry-upload/ferry/wasm/engine"
)

// The worker speaks hand codecs (no reflection in the browser build): every message it
// writes is what encoding/json writes for the same value, and every message it reads
// decodes as encoding/json decodes it.

// fullRestorable has every field of engine.Restorable set (checked by reflection, so a
// field added to Restorable fails here until entry's codec writes it).
func fullRestorable(t *testing.T) engine.Restorable {
	r := engine.Restorable{ID: "cp-<1>", Name: "é\u2028\"a&b.bin", Path: "/users/u/é.bin", Size: 1 << 40,
		LastModified: 1_700_000_000_123, Fraction: 0.375}
	v := reflect.ValueOf(r)
	for i := range v.NumField() {
		require.False(t, v.Field(i).IsZero(), "fullRestorable leaves %s zero", v.Type().Field(i).Name)
	}
	return r
}

func TestMessagesEncodeAsEncodingJSON(t *testing.T) {
	rate, eta := 1.5e6, 0.25
	snap := &engine.Snapshot{ID: "t1", Name: "a<b>.txt", Path: "/d/a.txt", Size: 1 << 40, State: engine.StateFailed,
		Loaded: 12, Fraction: 1e-7, BytesPerSecond: &rate, EtaSeconds: &eta,
		Error: &engine.Error{Code: "Network", Message: "é\u2028\"", Status: 503, RequestID: "r", ProviderCode: "p", Err: errors.New("x")}}
	res := &engine.Result{Path: "/d/a (1).txt", Name: "a (1).txt", Size: 3, CRC64: "18446744073709551615", ETag: `"e"`, Rapid: true}
	full := fullRestorable(t)
	for name, m := range map[string]jsonx.Encoder{
		"ready zero": &msgReady{}, "ready": &msgReady{V: Version, Type: "ready"},
		"fatal zero": &msgFatal{}, "fatal": &msgFatal{V: Version, Type: "fatal", Code: "InvalidRequest", Message: "a message that does not decode: <x> & é"},
		"start fatal zero": &startFatal{}, "start fatal": Fatal("WorkerFailed", "<boom> \u2029"),
		"reply zero":             &msgReply{},
		"reply id only":          &msgReply{V: Version, Type: "reply", ID: jsonx.RawMessage(`"call-1"`)},
		"reply entries":          &msgReply{V: Version, Type: "reply", ID: jsonx.RawMessage(`7`), Result: &restorableResult{Entries: []entry{{Restorable: full, HasFile: true}, {}}}},
		"reply no entries":       &msgReply{V: Version, Type: "reply", ID: jsonx.RawMessage(`7`), Result: &restorableResult{Entries: []entry{}}},
		"reply nil entries":      &msgReply{V: Version, Type: "reply", ID: jsonx.RawMessage(`7`), Result: &restorableResult{}},
		"reply empty":            &msgReply{V: Version, Type: "reply", ID: jsonx.RawMessage(`{"k":[1]}`), Result: &emptyResult{}},
		"reply snapshot":         &msgReply{V: Version, Type: "reply", ID: jsonx.RawMessage(`12`), Result: snap},
		"reply error":            &msgReply{V: Version, Type: "reply", ID: jsonx.RawMessage(`1`), Error: infoOf(errors.New("boom"))},
		"reply result and error": &msgReply{V: Version, Type: "reply", ID: jsonx.RawMessage(`1`), Result: &emptyResult{}, Error: &errorInfo{Code: "C<", Message: "m>"}},
		"headers zero":           &msgHeaders{}, "headers": &msgHeaders{V: Version, Type: "headers", ID: math.MaxInt32},
		"snapshot zero":           &msgSnapshot{},
		"snapshot full":           &msgSnapshot{V: Version, Type: "snapshot", Event: engine.EventComplete, Snapshot: snap, Result: res},
		"snapshot empty":          &msgSnapshot{V: Version, Type: "snapshot", Event: engine.EventError, Snapshot: &engine.Snapshot{}},
		"snapshot unknown task":   &msgSnapshot{V: Version, Type: "snapshot", Event: engine.EventError, Snapshot: &unknownSnapshot{ID: "t<", State: engine.StateFailed, Error: errorInfo{Code: "NotFound", Message: "no task"}}},
		"unknown snapshot zero":   &unknownSnapshot{},
		"total zero":              &msgTotal{},
		"total full":              &msgTotal{V: Version, Type: "total", Total: engine.Totals{Loaded: 1, Size: 2, Fraction: 0.5, BytesPerSecond: &rate, EtaSeconds: &eta, Active: 3}},
		"error info zero":         &errorInfo{},
		"error info":              &errorInfo{Code: "Busy", Message: "another tab <owns> it"},
		"entry zero":              &entry{},
		"entry full":              &entry{Restorable: full, HasFile: true},
		"restorable result zero":  &restorableResult{},
		"restorable result":       &restorableResult{Entries: []entry{{Restorable: full}}},
		"empty result":            &emptyResult{},
		"client config zero":      &ClientConfig{},
		"client config full":      fullConfig(),
		"client config no bools":  &ClientConfig{TokenURL: "u"},
		"client config flip bool": &ClientConfig{QuickUpload: new(false), Headers: new(true)},
	} {
		t.Run(name, func(t *testing.T) { jsonxtest.Encodes(t, m) })
	}
}

func fullConfig() *ClientConfig {
	return &ClientConfig{TokenURL: "https://f.example/v1/token?a=1&b=<2>", Credentials: "include", Concurrency: 4, ParallelFiles: 2,
		PartSize: 8 << 20, QuickUpload: new(true), Verify: engine.VerifyLocal, SpaceID: "s-é", ClientID: "c\u2028", SessionID: "x\"y",
		BaseURL: "https://cdn.example/ferry/", Origin: "https://app.example", Headers: new(false)}
}

func TestClientConfigCodec(t *testing.T) {
	for name, c := range map[string]*ClientConfig{
		"zero": {}, "full": fullConfig(), "bools nil": {TokenURL: "u", Verify: "local"},
		"bools flipped": {QuickUpload: new(false), Headers: new(true)},
	} {
		t.Run(name, func(t *testing.T) { jsonxtest.Codec(t, c) })
	}
	for _, in := range []string{
		`{}`, `null`, `{"quickUpload":null,"headers":null}`, `{"quickUpload":true,"headers":true}`,
		// As web/src/api.js sends it (JSON.stringify drops the undefined options).
		`{"tokenUrl":"https://app.example/v1/token","credentials":"omit","quickUpload":true,"baseUrl":"https://cdn.example/ferry/","origin":"https://app.example","headers":false}`,
		`{"quickUpload":"yes"}`, `{"headers":1}`, `{"partSize":1.5}`, `{"concurrency":9223372036854775808}`, `[]`,
	} {
		jsonxtest.Decodes[ClientConfig](t, in)
	}
}

// TestIncomingDecodesAsEncodingJSON: every message the page sends (as web/src sends them,
// after the structured clone's JSON.stringify in jsx: a File becomes {}, undefined members
// vanish) and malformed ones decode as encoding/json decodes them.
func TestIncomingDecodesAsEncodingJSON(t *testing.T) {
	for _, in := range []string{
		// web/src/api.js and engine.js.
		`{"type":"init","config":{"tokenUrl":"https://app.example/v1/token","credentials":"omit","quickUpload":true,"baseUrl":"https://cdn.example/ferry/","origin":"https://app.example","headers":false}}`,
		`{"type":"init","config":{"tokenUrl":"https://f/v1/token","credentials":"include","concurrency":4,"parallelFiles":2,"partSize":8388608,"quickUpload":false,"verify":"local","baseUrl":"b","origin":"o","headers":true}}`,
		`{"type":"upload","taskId":"5e0c4a8e-6a7b-4d0e-9d8f-1f2a3b4c5d6e","file":{},"options":{"path":"/photo.jpg"}}`,
		`{"type":"upload","taskId":"tlq2x1","file":{},"options":{"path":"/dir/é.txt","conflict":"rename","labels":["a","<b>"],"meta":{"k":"v","x-smh-meta-z":""}}}`,
		`{"type":"resumeEntry","taskId":"t2","entryId":"cp-1","file":null,"options":{}}`,
		`{"type":"resumeEntry","taskId":"t2","entryId":"cp-1","file":{},"options":{"conflict":"overwrite","labels":[]}}`,
		`{"type":"pause","taskId":"t"}`, `{"type":"resume","taskId":"t"}`, `{"type":"retry","taskId":"t"}`, `{"type":"cancel","taskId":"t"}`,
		`{"type":"restorable","id":1}`, `{"type":"forget","id":2,"entryId":"cp-1"}`, `{"type":"signOut","id":3}`,
		`{"type":"snapshot","id":4,"taskId":"t"}`,
		`{"type":"getHeaders","present":true}`, `{"type":"getHeaders","present":false}`,
		`{"type":"headers","id":3,"headers":{"Authorization":"Bearer t","X-N":"1"}}`,
		`{"type":"headers","id":3,"headers":{},"error":{"code":"Unauthenticated","message":"no"}}`,
		// Others.
		`{"type":"headers","id":3,"error":{"code":"Unauthenticated","message":"no","status":401,"requestId":"r","providerCode":"p"}}`,
		`{"type":"cancel","id":"str-id","taskId":"t"}`, `{"type":"list","id":{"nested":[1,2]}}`, `{"type":"pause","id":null}`,
		`{"type":"x","unknown":{"a":[1]}}`, `{"options":null,"config":null,"headers":null,"error":null,"present":null}`,
		`{"config":{}}`, `{}`, `null`,
		// Refused by both.
		`{"type":5}`, `{"config":{"partSize":"8"}}`, `{"config":{"partSize":1.5,"concurrency":9223372036854775808}}`,
		`{"headers":{"a":1}}`, `{"options":{"labels":"a"}}`, `{"error":[]}`, `{"present":"yes"}`, `{"taskId":1}`,
		`[]`, `"x"`, `{`, ``,
	} {
		jsonxtest.Decodes[Incoming](t, in)
	}
}

// TestIncomingExactNames: member names match exactly (encoding/json would also take
// "Type" or "TASKID"); the page writes them exactly.
func TestIncomingExactNames(t *testing.T) {
	var in Incoming
	require.NoError(t, jsonx.Decode([]byte(`{"type":"x","Type":"y","TASKID":"fold"}`), &in))
	assert.Equal(t, Incoming{Type: "x"}, in)
}

// TestIDEchoedAsBefore: a call's id comes back in its reply as encoding/json echoed it (a
// RawMessage, compacted, HTML characters escaped): the page finds its call by that id. Ids
// as JSON.stringify writes them come back byte for byte; others (escapes JSON.stringify
// does not write) as the same JSON value.
func TestIDEchoedAsBefore(t *testing.T) {
	reply := func(id jsonx.RawMessage) *msgReply {
		return &msgReply{V: Version, Type: "reply", ID: id, Result: &emptyResult{}}
	}
	for _, c := range []struct {
		id        string
		stringify bool // as JSON.stringify writes it
	}{
		{`1`, true}, {`42`, true}, {`12345678901234567890`, true}, {`1e+21`, true}, {`-0.5`, true}, {`"call-1"`, true},
		{`"a<b>&é"`, true}, {"\"\\u0001\\n\\t\u2028\"", true}, {`{"k":[1,{"a":null}]}`, true}, {`null`, true}, {`true`, true}, {`[]`, true},
		{`1e3`, false}, {`-0`, false}, {`1.50`, false}, {` 7 `, false}, {`{"k" : [1, {"a":null}]}`, false},
		{`"\u00e9\n\/"`, false}, {`"\u2028"`, false},
	} {
		in := `{"type":"snapshot","taskId":"t","id":` + c.id + `}`
		var std Incoming
		require.NoError(t, json.Unmarshal([]byte(in), &std), in)
		want, err := json.Marshal(reply(std.ID))
		require.NoError(t, err)

		var got Incoming
		require.NoError(t, jsonx.Decode([]byte(in), &got), in)
		out := jsonx.Encode(reply(got.ID))
		if c.stringify {
			assert.Equal(t, string(want), string(out), in)
			continue
		}
		var a, b any
		require.NoError(t, json.Unmarshal(want, &a))
		require.NoError(t, json.Unmarshal(out, &b), "%s", out)
		assert.Equal(t, a, b, in)
	}
	var none Incoming
	require.NoError(t, jsonx.Decode([]byte(`{"type":"pause","taskId":"t"}`), &none))
	assert.Nil(t, none.ID, "a message without an id is not a call")
}

// TestStartFatalAsBefore: main's two fatal messages were maps; their bytes stay the same.
func TestStartFatalAsBefore(t *testing.T) {
	for _, c := range []struct{ code, message string }{{"InvalidRequest", "a message that does not decode: jsonx: <x>"}, {"WorkerFailed", "é"}} {
		want, err := json.Marshal(map[string]any{"v": Version, "type": "fatal", "code": c.code, "message": c.message})
		require.NoError(t, err)
		assert.Equal(t, string(want), string(jsonx.Encode(Fatal(c.code, c.message))))
	}
}

// TestUnknownSnapshotAsBefore: the snapshot of a task the worker does not know was a map;
// its bytes stay the same.
func TestUnknownSnapshotAsBefore(t *testing.T) {
	err := &engine.Error{Code: engine.CodeNotFound, Message: `no task "t<" in this worker`}
	want, jerr := json.Marshal(map[string]any{"id": "t<", "state": engine.StateFailed, "error": infoOf(err)})
	require.NoError(t, jerr)
	assert.Equal(t, string(want), string(jsonx.Encode(&unknownSnapshot{ID: "t<", State: engine.StateFailed, Error: *infoOf(err)})))
}

// TestVerifyOption: Ferry.create's verify reaches the engine's options.
func TestVerifyOption(t *testing.T) {
	for _, c := range []struct{ in, want string }{{`{"tokenUrl":"u","verify":"local"}`, engine.VerifyLocal}, {`{"tokenUrl":"u"}`, ""}} {
		var cfg ClientConfig
		if err := jsonx.Decode([]byte(c.in), &cfg); err != nil {
			t.Fatal(err)
		}
		if got := cfg.Options().Verify; got != c.want {
			t.Fatalf("%s: Verify %q, want %q", c.in, got, c.want)
		}
	}
}
