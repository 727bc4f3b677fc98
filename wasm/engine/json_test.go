package engine

import (
	"testing"
	"time"

	"github.com/ferry-upload/ferry/shared/hashes"
	"github.com/ferry-upload/ferry/shared/jsonx"
	"github.com/ferry-upload/ferry/shared/jsonx/jsonxtest"
	"github.com/ferry-upload/ferry/shared/smh"
)

// The engine speaks jsonx in the browser: its checkpoints, driver state, function requests
// and answers must be what encoding/json writes and reads, byte for byte and field for field.

func TestCheckpointJSONMatchesEncodingJSON(t *testing.T) {
	exp := time.Date(2026, 12, 5, 11, 0, 0, 5, time.FixedZone("x", 3600))
	info := &smh.UploadInfo{Domain: "d.example", Path: "/p?x=<1>&y", UploadID: "u", Headers: smh.Headers{"x-cos-traffic-limit": "100", "a": "b"},
		ConfirmKey: "k", Expiration: exp}
	smhData, err := jsonx.Marshal(smhSession{APIBase: "https://api", Path: "/a b/c", Info: info})
	if err != nil {
		t.Fatal(err)
	}
	full := Checkpoint{V: CheckpointVersion, ID: "id", Driver: "smh", Library: "l", Space: "s", UserID: "u", Path: "/d/", Name: "n\u2028.bin",
		Size: 1<<53 + 1, LastModified: -1, BeginningHash: "ab", Options: UploadOptions{Path: "p", Conflict: "overwrite", Labels: []string{"x"}, Meta: map[string]string{"k": "v"}},
		PartSize: 8 << 20, Chain: &hashes.ChainState{First: "f", Last: "l", Blocks: 3},
		Session: &Session{Key: "k", Multipart: true, PartSize: 1, Expires: exp, Data: smhData},
		Parts:   []PartRecord{{N: 1, Size: 2, CRC64: 1<<64 - 1}, {}}, Confirming: true, Updated: 99}
	for _, v := range []any{Checkpoint{}, full, PartRecord{}, Session{}, Session{Data: jsonx.RawMessage(`{"a" : 1}`)},
		smhSession{}, brokeredSession{}, brokeredSession{Provider: "cos", Path: "/x", Size: 5}} {
		jsonxtest.RoundTrip(t, v)
	}
	for _, in := range []string{
		`{"v":1,"id":"x","parts":[{"n":1,"s":5,"c":"123"},{"n":2,"s":5,"c":123}]}`, // an unquoted CRC is an error
		`{"v":1,"parts":[{"c":"18446744073709551616"}]}`, `{"v":1,"parts":[{"c":"-1"}]}`, `{"v":1,"parts":[{"c":null}]}`,
		`{"v":1,"session":{"key":"k","expires":"not a time","data":{"apiBase":"a"}}}`, `{"v":1,"session":{"data":null}}`,
		`{"v":"1"}`, `{"chain":{"blocks":1.5}}`, `{"ID":"fold","Confirming":true}`, `{"session":null,"chain":null,"parts":null}`,
	} {
		jsonxtest.Unmarshal(t, (*Checkpoint)(nil), in)
	}
	for _, in := range []string{string(smhData), `{"info":null}`, `{"info":{"headers":{"n":1,"s":"x"},"expiration":"2026-01-01T00:00:00Z"}}`,
		`{"info":{"headers":{"n":true}}}`, `{"info":{"headers":[]}}`} {
		jsonxtest.Unmarshal(t, (*smhSession)(nil), in)
	}
}

func TestFunctionJSONMatchesEncodingJSON(t *testing.T) {
	for _, v := range []any{
		map[string]string{"spaceId": "s", "clientId": "c<", "sessionId": ""}, map[string]string(nil),
		beginBody{}, beginBody{SpaceID: "s", Path: "/p", Size: 3, Conflict: "ask", PartSize: 5, Labels: []string{"l"},
			Meta: map[string]string{"b": "1", "a": "2"}, Hashes: map[string]string{"sha256": "h"}},
		Token{}, Token{Provider: "smh", Grants: []string{}, Limits: Limits{MaxFileSize: 1, AllowedTypes: []string{"image/*"}}, Issued: time.Now()},
		Restorable{ID: "r", Fraction: 1.0 / 3}, Snapshot{}, Totals{}, Result{}, RemotePart{N: 1, Size: 2, ETag: `"e"`},
		answer{}, answer{Upload: &upload{ID: "u", Targets: []target{{Part: 1, Headers: map[string]string{"h": "v"}}}}, File: &Result{Rapid: true},
			Stored: []RemotePart{{N: 1}}},
	} {
		jsonxtest.RoundTrip(t, v)
	}
	for _, in := range []string{
		`{"provider":"smh","mode":"direct","uploadsUrl":"","quickUpload":true,"accessToken":"t","expiresIn":3600,"libraryId":"l","spaceId":"s",` +
			`"apiBase":"https://a","userId":"u","grants":["upload"],"confirm":"function","confirmUrl":"/v1/confirm","directoryUrl":"/v1/directory",` +
			`"limits":{"maxFileSize":1073741824,"allowedTypes":null,"pathPrefix":"/u/"},"extra":{"ignored":[1]}}`,
		`{"expiresIn":"3600"}`, `{"expiresIn":1e3}`, `{"limits":null,"grants":{}}`, `{"Issued":"2026-01-01T00:00:00Z"}`,
	} {
		jsonxtest.Unmarshal(t, (*Token)(nil), in)
	}
	for _, in := range []string{
		`{"upload":{"id":"t","path":"/a","size":10,"partSize":5,"parts":2,"expiresAt":"2026-12-05T12:00:00Z","targets":[` +
			`{"part":1,"offset":0,"length":5,"method":"PUT","url":"https://b/o?partNumber=1&x=<y>","headers":{"Content-Length":"5"},"expiresAt":"2026-12-05T12:00:00.123Z"}]},` +
			`"expiresAt":"2026-12-05T12:00:00Z","stored":[{"part":1,"size":5,"etag":"\"e\""}]}`,
		`{"file":{"path":"/a (1)","name":"a (1)","size":10,"crc64":"1","eTag":"e","rapid":false}}`,
		`{"targets":[],"stored":null}`, `{"upload":{"size":"10"}}`, `{"upload":{"expiresAt":"soon"}}`, `{"targets":[{"headers":{"a":1}}]}`,
	} {
		jsonxtest.Unmarshal(t, (*answer)(nil), in)
	}
	// lost.go reads a directory listing into an untagged struct (names match case-insensitively).
	type listing struct{ Contents []smh.File }
	for _, in := range []string{`{"contents":[{"path":["a","b"],"name":"b","type":"file","size":"12","crc64":"5","eTag":"\"e\"","metaData":{"k":"v"}},{"name":"c"}]}`,
		`{"Contents":[{"size":3}],"contents":null}`, `{"contents":[{"size":"x"}]}`} {
		jsonxtest.Unmarshal(t, (*listing)(nil), in)
	}
}
