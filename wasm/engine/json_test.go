package engine

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/hashes"
	"github.com/ferry-upload/ferry/shared/jsonx"
	"github.com/ferry-upload/ferry/shared/jsonx/jsonxtest"
	"github.com/ferry-upload/ferry/shared/smh"
)

// The engine speaks jsonx in the browser, through hand codecs: its checkpoints, driver
// state, function requests and answers and what the bridge hands the page must be what
// encoding/json writes and reads (by the types' tags), byte for byte and field for field.
// Every type is checked zero and fully filled (every field set: a field the codec forgets
// shows), with HTML-sensitive and non-ASCII text, nil and empty lists.

var (
	jsonTime = time.Date(2026, 12, 5, 11, 0, 0, 5, time.FixedZone("x", 3600))
	jsonText = "a<b>&c\u2028é\"\\\n"
)

func fullSMHSession(t *testing.T) smhSession {
	t.Helper()
	return smhSession{APIBase: "https://api/" + jsonText, Path: "/a b/" + jsonText, Info: &smh.UploadInfo{Domain: "d.example",
		Path: "/p?x=<1>&y", UploadID: "u", Headers: smh.Headers{"x-cos-traffic-limit": "100", "a": jsonText}, ConfirmKey: "k", Expiration: jsonTime}}
}

func fullCheckpoint(t *testing.T) Checkpoint {
	t.Helper()
	ss := fullSMHSession(t)
	return Checkpoint{V: CheckpointVersion, ID: "id", Driver: "smh", Library: "l", Space: "s", UserID: "u", Path: "/d/" + jsonText,
		Name: "n\u2028.bin", Size: 1<<53 + 1, LastModified: -1, BeginningHash: "ab",
		Options:  UploadOptions{Path: "p", Conflict: "overwrite", Labels: []string{"x", jsonText}, Meta: map[string]string{"k": "v", "<": "&"}},
		PartSize: 8 << 20, HashScheme: "sha1", Chain: &hashes.ChainState{First: "f", Last: "l", Blocks: 3}, SHA1: "0a", SHA1CRC64: "12",
		Session: &Session{Key: "k", Multipart: true, PartSize: 1, Ordered: true, AppendOnly: true, Expires: jsonTime, Data: jsonx.Encode(&ss)},
		Parts:   []PartRecord{{N: 1, Size: 2, CRC64: math.MaxUint64}, {}}, Confirming: true, Updated: 99}
}

func TestCheckpointJSONCodec(t *testing.T) {
	for name, v := range map[string]Checkpoint{
		"zero":        {},
		"full":        fullCheckpoint(t),
		"empty lists": {Options: UploadOptions{Labels: []string{}, Meta: map[string]string{}}, Chain: &hashes.ChainState{}, Session: &Session{}, Parts: []PartRecord{}},
	} {
		t.Run(name, func(t *testing.T) { jsonxtest.Codec(t, &v) })
	}
	for name, v := range map[string]PartRecord{"zero": {}, "full": {N: -3, Size: math.MaxInt64, CRC64: math.MaxUint64}} {
		t.Run("PartRecord "+name, func(t *testing.T) { jsonxtest.Codec(t, &v) })
	}
	for name, v := range map[string]Session{
		"zero":      {},
		"full":      {Key: jsonText, Multipart: true, PartSize: -1, Ordered: true, AppendOnly: true, Expires: jsonTime, Data: jsonx.RawMessage(`{"a":[1,"\u003c"]}`)},
		"null data": {Data: jsonx.RawMessage(`null`)},
	} {
		t.Run("Session "+name, func(t *testing.T) { jsonxtest.Codec(t, &v) })
	}
	for name, v := range map[string]UploadOptions{
		"zero":  {},
		"full":  {Path: jsonText, Conflict: "ask", Labels: []string{"", jsonText}, Meta: map[string]string{"b": "1", "a": jsonText, "": ""}},
		"empty": {Labels: []string{}, Meta: map[string]string{}},
	} {
		t.Run("UploadOptions "+name, func(t *testing.T) { jsonxtest.Codec(t, &v) })
	}
	for _, in := range []string{
		`{"v":1,"id":"x","parts":[{"n":1,"s":5,"c":"123"},{"n":2,"s":5,"c":123}]}`, // an unquoted CRC is an error
		`{"v":1,"parts":[{"c":"18446744073709551616"}]}`, `{"v":1,"parts":[{"c":"-1"}]}`, `{"v":1,"parts":[{"c":null}]}`,
		`{"v":1,"parts":[null,{"n":2}]}`, `{"v":1,"parts":[1]}`, `{"parts":{}}`,
		`{"v":1,"session":{"key":"k","expires":"not a time","data":{"apiBase":"a"}}}`, `{"v":1,"session":{"data":null}}`,
		`{"v":1,"session":{"expires":"2026-12-05T12:00:00.5+08:00","data":[true]}}`, `{"session":"k"}`,
		`{"v":"1"}`, `{"chain":{"blocks":1.5}}`, `{"chain":[]}`, `{"session":null,"chain":null,"parts":null}`, `{"chain":{}}`,
		`{"options":{"labels":null,"meta":{"a":null}}}`, `{"options":{"labels":[1]}}`, `{"options":null}`,
		`{"v":1,"unknown":{"x":[1]},"id":"y"}`,
	} {
		jsonxtest.Decodes[Checkpoint](t, in)
	}
}

// Checkpoints stored by the reflective codec (encoding/json's bytes) load as they were
// written, and are written again byte for byte.
func TestCheckpointWrittenByEncodingJSONLoads(t *testing.T) {
	exp := time.Date(2026, 12, 5, 11, 0, 0, 123456789, time.UTC)
	for name, tc := range map[string]struct {
		stored string
		want   Checkpoint
		data   jsonx.Decoder // the session's driver state
		state  jsonx.Decoder
	}{
		"smh": {
			stored: `{"v":1,"id":"cp-0123456789abcdef0123456789abcdef","driver":"smh","library":"smhlib","space":"space-1","userId":"u-42","path":"/photos/2026/","name":"été.jpg","size":26214400,"lastModified":1764932400000,"beginningHash":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","options":{"path":"photos/2026/","conflict":"rename","labels":["holiday"],"meta":{"album":"A \u0026 B","camera":"x100"}},"partSize":8388608,"chain":{"first":"aa","last":"bb","blocks":3},"session":{"key":"ck-7f3a","multipart":true,"partSize":8388608,"expires":"2026-12-05T11:00:00.123456789Z","data":{"apiBase":"https://api.tencentsmh.cn","path":"/photos/2026/été.jpg","info":{"domain":"examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com","path":"/ferry/abc?uploads\u0026x=\u003c1\u003e","uploadId":"1606455565a9e6a0b2c","headers":{"content-type":"application/octet-stream","x-cos-meta-ferry":"1"},"confirmKey":"ck-7f3a","expiration":"2026-12-05T11:00:00.123456789Z"}}},"parts":[{"n":1,"s":8388608,"c":"18446744073709551615"},{"n":3,"s":1048576,"c":"42"}],"confirming":true,"updated":1764932500000}`,
			want: Checkpoint{V: 1, ID: "cp-0123456789abcdef0123456789abcdef", Driver: "smh", Library: "smhlib", Space: "space-1", UserID: "u-42",
				Path: "/photos/2026/", Name: "été.jpg", Size: 25 << 20, LastModified: 1764932400000, BeginningHash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
				Options:  UploadOptions{Path: "photos/2026/", Conflict: "rename", Labels: []string{"holiday"}, Meta: map[string]string{"camera": "x100", "album": "A & B"}},
				PartSize: 8 << 20, Chain: &hashes.ChainState{First: "aa", Last: "bb", Blocks: 3},
				Session: &Session{Key: "ck-7f3a", Multipart: true, PartSize: 8 << 20, Expires: exp},
				Parts:   []PartRecord{{N: 1, Size: 8 << 20, CRC64: math.MaxUint64}, {N: 3, Size: 1 << 20, CRC64: 42}}, Confirming: true, Updated: 1764932500000},
			data: &smhSession{},
			state: &smhSession{APIBase: "https://api.tencentsmh.cn", Path: "/photos/2026/été.jpg", Info: &smh.UploadInfo{
				Domain: "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com", Path: "/ferry/abc?uploads&x=<1>", UploadID: "1606455565a9e6a0b2c",
				Headers: smh.Headers{"x-cos-meta-ferry": "1", "content-type": "application/octet-stream"}, ConfirmKey: "ck-7f3a", Expiration: exp}},
		},
		"brokered": {
			stored: `{"v":1,"id":"cp-1","driver":"brokered","library":"l","space":"-","path":"/a/","name":"b.bin","size":5,"lastModified":7,"beginningHash":"da39a3ee5e6b4b0d3255bfef95601890afd80709","options":{},"partSize":0,"hashScheme":"sha1","sha1":"0123","sha1Crc64":"99","session":{"key":"ticket.x","multipart":false,"ordered":true,"appendOnly":true,"expires":"2026-12-05T12:00:00+08:00","data":{"provider":"gokuai","path":"/a/b.bin","size":5}},"updated":8}`,
			want: Checkpoint{V: 1, ID: "cp-1", Driver: "brokered", Library: "l", Space: "-", Path: "/a/", Name: "b.bin", Size: 5, LastModified: 7,
				BeginningHash: "da39a3ee5e6b4b0d3255bfef95601890afd80709", HashScheme: "sha1", SHA1: "0123", SHA1CRC64: "99",
				Session: &Session{Key: "ticket.x", Ordered: true, AppendOnly: true, Expires: time.Date(2026, 12, 5, 4, 0, 0, 0, time.UTC)}, Updated: 8},
			data:  &brokeredSession{},
			state: &brokeredSession{Provider: "gokuai", Path: "/a/b.bin", Size: 5},
		},
	} {
		t.Run(name, func(t *testing.T) {
			kv := &MemoryKV{}
			require.NoError(t, kv.Put(t.Context(), tc.want.ID, tc.stored))
			store := KVStore{KV: kv}
			cp, err := store.Load(t.Context(), tc.want.ID)
			require.NoError(t, err)
			require.NotNil(t, cp, "the stored checkpoint does not load")
			require.NotNil(t, cp.Session)
			require.NoError(t, jsonx.Decode(cp.Session.Data, tc.data))
			assert.Equal(t, tc.state, tc.data)
			assert.True(t, cp.Session.Expires.Equal(tc.want.Session.Expires), "expires %v", cp.Session.Expires)
			got := *cp
			got.Session = &Session{Key: cp.Session.Key, Multipart: cp.Session.Multipart, PartSize: cp.Session.PartSize,
				Ordered: cp.Session.Ordered, AppendOnly: cp.Session.AppendOnly, Expires: tc.want.Session.Expires}
			assert.Equal(t, tc.want, got)

			require.NoError(t, store.Save(t.Context(), cp))
			again, _, _ := kv.Get(t.Context(), cp.ID)
			assert.Equal(t, tc.stored, again, "written again differently")
		})
	}
	list, err := KVStore{KV: &MemoryKV{m: map[string]string{"a": `{"v":1,"id":"a"}`, "b": `{"v":2,"id":"b"}`, "c": `{"v":1}`,
		"d": `{"v":1,"id":"d","size":"1"}`, "e": `not json`, "f": `[]`}}}.List(t.Context())
	require.NoError(t, err)
	require.Len(t, list, 1, "other versions, entries without an id and unreadable ones are skipped")
	assert.Equal(t, "a", list[0].ID)
}

func TestDriverStateCodec(t *testing.T) {
	for name, v := range map[string]smhSession{"zero": {}, "full": fullSMHSession(t)} {
		t.Run("smhSession "+name, func(t *testing.T) { jsonxtest.Codec(t, &v) })
	}
	for name, v := range map[string]brokeredSession{"zero": {}, "full": {Provider: "cos", Path: jsonText, Size: -5}} {
		t.Run("brokeredSession "+name, func(t *testing.T) { jsonxtest.Codec(t, &v) })
	}
	full := fullSMHSession(t)
	for _, in := range []string{string(jsonx.Encode(&full)), `{"info":null}`, `{"info":{"headers":{"n":1,"s":"x"},"expiration":"2026-01-01T00:00:00Z"}}`,
		`{"info":{"headers":{"n":true}}}`, `{"info":{"headers":[]}}`, `{"info":[]}`, `null`} {
		jsonxtest.Decodes[smhSession](t, in)
	}
	// A Session's data is kept compact whatever its spacing (jsonx.Encode writes it, Fields.Raw
	// reads it so): written again it is what encoding/json writes.
	var s Session
	require.NoError(t, jsonx.Decode([]byte(`{"key":"k","data":{ "a" : [1, 2] }}`), &s))
	assert.Equal(t, `{"a":[1,2]}`, string(s.Data))
	jsonxtest.Encodes(t, &s)
}

func TestBridgeTypesCodec(t *testing.T) {
	speed, eta := 1.5e6, 0.25
	for name, v := range map[string]Snapshot{
		"zero": {},
		"full": {ID: jsonText, Name: "n", Path: "/p", Size: 10, State: StateUploading, Loaded: 5, Fraction: 0.5, BytesPerSecond: &speed,
			EtaSeconds: &eta, Error: &Error{Code: "c", Message: jsonText, Status: 500, RequestID: "r", ProviderCode: "p"}},
		"zero pointers": {BytesPerSecond: new(float64), EtaSeconds: new(float64), Error: &Error{}},
	} {
		t.Run("Snapshot "+name, func(t *testing.T) { jsonxtest.Codec(t, &v) })
	}
	for name, v := range map[string]Totals{
		"zero": {},
		"full": {Loaded: 1, Size: 2, Fraction: 1.0 / 3, BytesPerSecond: &speed, EtaSeconds: &eta, Active: 3},
	} {
		t.Run("Totals "+name, func(t *testing.T) { jsonxtest.Codec(t, &v) })
	}
	for name, v := range map[string]Error{
		"zero": {},
		"full": {Code: "SameNameDirectoryOrFileExists", Message: jsonText, Status: 409, RequestID: "req-1", ProviderCode: "x<y>", Err: ErrSessionGone},
	} {
		t.Run("Error "+name, func(t *testing.T) { jsonxtest.Codec(t, &v) })
	}
	for name, v := range map[string]Restorable{
		"zero": {},
		"full": {ID: "r", Name: jsonText, Path: "/p", Size: 1 << 40, LastModified: -7, Fraction: 1.0 / 3},
	} {
		t.Run("Restorable "+name, func(t *testing.T) { jsonxtest.Codec(t, &v) })
	}
	for name, v := range map[string]Result{
		"zero": {},
		"full": {Path: "/a (1)", Name: jsonText, Size: 10, CRC64: "18446744073709551615", ETag: `"e"`, Rapid: true},
	} {
		t.Run("Result "+name, func(t *testing.T) { jsonxtest.Codec(t, &v) })
	}
	for name, v := range map[string]RemotePart{"zero": {}, "full": {N: 1, Size: 2, ETag: `"e"&`}} {
		t.Run("RemotePart "+name, func(t *testing.T) { jsonxtest.Codec(t, &v) })
	}
	// UploadOptions as the page sends them (wasm/internal/bridge decodes its messages' options).
	for _, in := range []string{`{}`, `null`, `{"path":"docs/","conflict":"ask","labels":["a"],"meta":{"k":"v"}}`,
		`{"path":"x","labels":[],"meta":{}}`, `{"labels":"a"}`, `{"meta":{"k":1}}`, `{"path":7}`, `{"labels":[null,"b"]}`} {
		jsonxtest.Decodes[UploadOptions](t, in)
	}
	for _, in := range []string{`{"bytesPerSecond":null,"etaSeconds":1e400}`, `{"bytesPerSecond":"1"}`, `{"error":null}`, `{"error":{"status":1.5}}`,
		`{"state":"done","error":{"code":"c","Err":"x"}}`} {
		jsonxtest.Decodes[Snapshot](t, in)
	}
}

func TestFunctionCodec(t *testing.T) {
	for _, v := range []jsonx.Encoder{
		&tokenBody{}, &tokenBody{SpaceID: "s", ClientID: "c<", SessionID: "é"},
		&confirmBody{}, &confirmBody{SpaceID: "s", ConfirmKey: "k&", CRC64: "1"},
		&directoryBody{}, &directoryBody{SpaceID: "s", Path: jsonText},
		&beginBody{}, &beginBody{SpaceID: "s", Path: jsonText, Size: 3, Conflict: "ask", PartSize: 5, Labels: []string{"l", ""},
			Meta: map[string]string{"b": "1", "a": jsonText}, Hashes: map[string]string{"sha256": "h"}},
		&beginBody{Labels: []string{}, Meta: map[string]string{}, Hashes: map[string]string{}},
		&targetsBody{}, &targetsBody{Parts: []int{}}, &targetsBody{Parts: []int{1, 2, math.MaxInt32}},
		&completeBody{}, &completeBody{CRC64: "18446744073709551615"},
	} {
		jsonxtest.Encodes(t, v)
	}
	// The request bodies are the maps the function was sent before, byte for byte.
	for _, tc := range []struct {
		v    jsonx.Encoder
		want any
	}{
		{&tokenBody{}, map[string]string{}},
		{&tokenBody{SpaceID: "s", ClientID: "c", SessionID: "x"}, map[string]string{"spaceId": "s", "clientId": "c", "sessionId": "x"}},
		{&tokenBody{ClientID: "c"}, map[string]string{"clientId": "c"}},
		{&confirmBody{SpaceID: "s", ConfirmKey: "k"}, map[string]string{"spaceId": "s", "confirmKey": "k"}},
		{&confirmBody{SpaceID: "s", ConfirmKey: "k", CRC64: "1"}, map[string]string{"spaceId": "s", "confirmKey": "k", "crc64": "1"}},
		{&directoryBody{SpaceID: "s", Path: "/p"}, map[string]string{"spaceId": "s", "path": "/p"}},
		{&targetsBody{Parts: []int{1, 2}}, map[string][]int{"parts": {1, 2}}},
		{&completeBody{CRC64: "5"}, map[string]string{"crc64": "5"}},
	} {
		want, err := json.Marshal(tc.want)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(jsonx.Encode(tc.v)))
	}

	token := `{"provider":"smh","mode":"direct","uploadsUrl":"u","quickUpload":true,"accessToken":"t","expiresIn":3600,"libraryId":"l","spaceId":"s",` +
		`"apiBase":"https://a","userId":"u","grants":["upload","admin"],"confirm":"function","confirmUrl":"/v1/confirm","directoryUrl":"/v1/directory",` +
		`"limits":{"maxFileSize":1073741824,"allowedTypes":["image/*","<&>"],"pathPrefix":"/u/"},"extra":{"ignored":[1]}}`
	for _, in := range []string{token, `{}`, `null`,
		`{"expiresIn":"3600"}`, `{"expiresIn":1e3}`, `{"expiresIn":1.5}`, `{"limits":null,"grants":{}}`, `{"Issued":"2026-01-01T00:00:00Z"}`,
		`{"grants":[]}`, `{"grants":null,"limits":{"allowedTypes":[]}}`, `{"limits":[]}`, `{"limits":{"maxFileSize":"1"}}`, `[]`, `{"quickUpload":1}`,
	} {
		jsonxtest.Decodes[Token](t, in)
	}
	var tok Token
	require.NoError(t, jsonx.Decode([]byte(token), &tok))
	assert.Equal(t, Token{Provider: "smh", Mode: "direct", UploadsURL: "u", QuickUpload: true, AccessToken: "t", ExpiresIn: 3600, LibraryID: "l",
		SpaceID: "s", APIBase: "https://a", UserID: "u", Grants: []string{"upload", "admin"}, Confirm: "function", ConfirmURL: "/v1/confirm",
		DirectoryURL: "/v1/directory", Limits: Limits{MaxFileSize: 1 << 30, AllowedTypes: []string{"image/*", "<&>"}, PathPrefix: "/u/"}}, tok,
		"every field of the token answer is read")

	for _, in := range []string{`{"code":"Forbidden","message":"no <","requestId":"r","providerCode":"p","extra":1}`, `{}`, `{"code":1}`, `<html>`, ``} {
		jsonxtest.Decodes[functionErrorBody](t, in)
	}
}

// The brokered routes' answers, as the function (cmd/token-function) sends them.
func TestBrokeredAnswerCodec(t *testing.T) {
	for _, in := range []string{
		`{"upload":{"id":"t","path":"/a","size":10,"partSize":5,"parts":2,"ordered":true,"expiresAt":"2026-12-05T12:00:00Z","targets":[` +
			`{"part":1,"offset":0,"length":5,"method":"PUT","url":"https://b/o?partNumber=1&x=<y>","headers":{"Content-Length":"5"},"expiresAt":"2026-12-05T12:00:00.123Z"}]},` +
			`"expiresAt":"2026-12-05T12:00:00Z","stored":[{"part":1,"size":5,"etag":"\"e\""}],"rapid":true}`,
		`{"file":{"path":"/a (1)","name":"a (1)","size":10,"crc64":"1","eTag":"e","rapid":true}}`,
		`{"targets":[{"part":2,"offset":5,"length":5,"method":"PUT","url":"u","headers":{},"expiresAt":"2026-12-05T12:00:00+08:00"}],"expiresAt":"2026-12-05T12:00:00+08:00"}`,
		`{"targets":[],"stored":null}`, `{"targets":null,"stored":[]}`, `{"upload":null,"file":null}`, `{"upload":{},"file":{}}`, `{}`, `null`,
		`{"upload":{"size":"10"}}`, `{"upload":{"expiresAt":"soon"}}`, `{"targets":[{"headers":{"a":1}}]}`, `{"targets":[1]}`,
		`{"stored":[{"part":"1"}]}`, `{"upload":{"targets":[{"headers":null}]}}`, `{"file":{"rapid":"yes"}}`,
	} {
		jsonxtest.Decodes[answer](t, in)
	}
	for _, in := range []string{`{"id":"u","path":"/p","size":1,"partSize":1,"parts":1,"ordered":true,"expiresAt":"2026-12-05T12:00:00Z","targets":[{"part":1}]}`, `{}`} {
		jsonxtest.Decodes[upload](t, in)
	}
	for _, in := range []string{`{"part":1,"offset":2,"length":3,"method":"PUT","url":"u&","headers":{"h":"<"},"expiresAt":"2026-12-05T12:00:00.999999999Z"}`, `{}`} {
		jsonxtest.Decodes[target](t, in)
	}
}

// lost.go reads a directory listing's files.
func TestDirListingCodec(t *testing.T) {
	for _, in := range []string{
		`{"contents":[{"path":["a","b"],"name":"b","type":"file","size":"12","crc64":"5","eTag":"\"e\"","metaData":{"k":"v"}},{"name":"c"}]}`,
		`{"contents":[{"size":3}],"nextMarker":"m","totalNum":2}`, `{"contents":[{"size":"x"}]}`, `{"contents":[]}`, `{"contents":null}`, `{}`,
	} {
		jsonxtest.Decodes[dirListing](t, in)
	}
}
