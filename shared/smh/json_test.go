package smh

import (
	"testing"
	"time"

	"github.com/ferry-upload/ferry/shared/jsonx/jsonxtest"
)

// The shapes File's and Part's UnmarshalJSON decode into (an embedded copy of the type with
// one field shadowed) and what the client sends decode and encode as with encoding/json.

type filePlain File

type fileShadow struct {
	filePlain
	Size *Int64 `json:"size"`
}

type partPlain Part

type partShadow struct {
	partPlain
	Size *int64 `json:"Size"`
}

func TestTypesMatchEncodingJSON(t *testing.T) {
	exp := time.Date(2026, 12, 5, 11, 0, 0, 0, time.UTC)
	for _, v := range []any{
		Token{}, Token{AccessToken: "t", ExpiresIn: 600}, UploadInfo{}, Headers(nil), Int64(-5),
		UploadInfo{Domain: "d", Path: "/p?a=<b>", Headers: Headers{"b": "1", "a": "x&y"}, ConfirmKey: "k", Expiration: exp},
		File{}, File{Path: []string{"a", "b"}, Name: "b", Size: 1 << 62, MetaData: map[string]string{"k": "v"}, Labels: []string{}, SizeGiven: true},
		Part{}, Part{PartNumber: 1, ETag: `"e"`, Size: 3, SizeGiven: true}, UploadState{}, UploadState{Parts: []Part{{}}, UploadPartInfo: &UploadInfo{}},
		DirectoryPage{Contents: []File{{}}, NextMarker: "m", TotalNum: 3},
		map[string]any{"size": "5", "beginningHash": "h", "labels": []string{"l"}}, map[string]any{"attachInfo": "<i>"}, map[string]any{},
	} {
		jsonxtest.Marshal(t, v)
	}
	for _, in := range []string{
		`{"path":["a"],"name":"n","type":"file","creationTime":"c","size":"12","eTag":"e","crc64":"1","metaData":{"k":"v"},"labels":["x"],"SizeGiven":true}`,
		`{"size":12}`, `{"size":null}`, `{"size":""}`, `{"size":"x"}`, `{"size":1.5}`, `{"Size":"3","NAME":"fold"}`, `{"path":"a"}`, `{}`, `[]`,
	} {
		jsonxtest.Unmarshal(t, (*fileShadow)(nil), in)
		jsonxtest.Unmarshal(t, (*File)(nil), in)
	}
	for _, in := range []string{`{"PartNumber":1,"LastModified":"l","ETag":"e","Size":5}`, `{"partNumber":2,"size":null}`,
		`{"Size":"5"}`, `{"Size":1e3}`, `{"PartNumber":-1,"Size":-1}`} {
		jsonxtest.Unmarshal(t, (*partShadow)(nil), in)
		jsonxtest.Unmarshal(t, (*Part)(nil), in)
	}
	for _, in := range []string{
		`{"confirmed":false,"path":["a"],"force":true,"uploadId":"u","parts":[{"PartNumber":1,"ETag":"e","Size":5},{"PartNumber":2}],` +
			`"uploadPartInfo":{"domain":"d","path":"/p","headers":{"x-cos-traffic-limit":100,"a":"b"},"confirmKey":"k","expiration":"2026-12-05T11:00:00Z"}}`,
		`{"parts":null,"uploadPartInfo":null}`, `{"uploadPartInfo":{"headers":{"a":true}}}`, `{"uploadPartInfo":{"headers":null}}`,
	} {
		jsonxtest.Unmarshal(t, (*UploadState)(nil), in)
	}
	for _, in := range []string{`{"contents":[{"name":"a","size":"1"}],"nextMarker":"m","totalNum":"2"}`, `{"nextMarker":7,"totalNum":3}`,
		`{"nextMarker":null}`, `{"nextMarker":true}`, `{"nextMarker":1e400}`, `{"contents":{}}`} {
		jsonxtest.Unmarshal(t, (*DirectoryPage)(nil), in)
	}
	for _, in := range []string{`{"a":"1","b":2,"c":-1.5e3}`, `{"a":null}`, `{"a":[1]}`, `{"a":{}}`, `null`, `[]`, `{"a":"\u00e9"}`} {
		jsonxtest.Unmarshal(t, (*Headers)(nil), in)
		jsonxtest.Unmarshal(t, (*UploadInfo)(nil), `{"headers":`+in+`}`)
	}
}
