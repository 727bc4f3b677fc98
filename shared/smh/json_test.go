package smh

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/jsonx"
	"github.com/ferry-upload/ferry/shared/jsonx/jsonxtest"
)

// The hand codecs are held to encoding/json. Where SMH's wire form is more lenient than
// encoding/json by tags (sizes as string or number, header values as numbers, a number
// marker) or a type notes what was given (SizeGiven, TotalGiven), the reference is a
// shadow type read by encoding/json alone, with the rule written over encoding/json: not
// over the code under test.

// refInt64 is a size read by encoding/json: "123" or 123, "" as 0.
type refInt64 int64

func (n *refInt64) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		if s == "" {
			*n = 0
			return nil
		}
		v, err := strconv.ParseInt(s, 10, 64)
		*n = refInt64(v)
		return err
	}
	var v int64
	err := json.Unmarshal(b, &v)
	*n = refInt64(v)
	return err
}

// refHeaders are signed headers read by encoding/json: strings, and numbers as their text.
type refHeaders map[string]string

func (h *refHeaders) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make(refHeaders, len(raw))
	for k, v := range raw {
		var s string
		if json.Unmarshal(v, &s) == nil {
			out[k] = s
			continue
		}
		var n json.Number
		if err := json.Unmarshal(v, &n); err != nil {
			return err
		}
		out[k] = n.String()
	}
	*h = out
	return nil
}

func (h refHeaders) headers() Headers { return Headers(h) }

// The shadows: an embedded copy of the type (no methods) with the lenient fields shadowed.

type filePlain File

type refFile struct {
	filePlain
	Size *refInt64 `json:"size"`
}

func (r *refFile) file() (File, error) {
	f := File(r.filePlain)
	if r.Size != nil {
		f.Size, f.SizeGiven = Int64(*r.Size), true
	}
	return f, nil
}

type partPlain Part

type refPart struct {
	partPlain
	Size *int64 `json:"Size"`
}

func (r *refPart) part() Part {
	p := Part(r.partPlain)
	if r.Size != nil {
		p.Size, p.SizeGiven = *r.Size, true
	}
	return p
}

type infoPlain UploadInfo

type refInfo struct {
	infoPlain
	Headers refHeaders `json:"headers"`
}

func (r *refInfo) info() (UploadInfo, error) {
	i := UploadInfo(r.infoPlain)
	i.Headers = r.Headers.headers()
	return i, nil
}

type statePlain UploadState

type refState struct {
	statePlain
	Parts          []refPart `json:"parts"`
	UploadPartInfo *refInfo  `json:"uploadPartInfo,omitempty"`
}

func (r *refState) state() (UploadState, error) {
	s := UploadState(r.statePlain)
	s.Parts, s.UploadPartInfo = nil, nil
	if r.Parts != nil {
		s.Parts = make([]Part, len(r.Parts))
		for i := range r.Parts {
			s.Parts[i] = r.Parts[i].part()
		}
	}
	if r.UploadPartInfo != nil {
		i, _ := r.UploadPartInfo.info()
		s.UploadPartInfo = &i
	}
	return s, nil
}

func refFiles(rs []refFile) []File {
	if rs == nil {
		return nil
	}
	out := make([]File, len(rs))
	for i := range rs {
		out[i], _ = rs[i].file()
	}
	return out
}

type refPage struct {
	Contents   []refFile       `json:"contents"`
	NextMarker json.RawMessage `json:"nextMarker"`
	TotalNum   *refInt64       `json:"totalNum"`
}

func (r *refPage) page() (DirectoryPage, error) {
	p := DirectoryPage{Contents: refFiles(r.Contents)}
	if r.TotalNum != nil {
		p.TotalNum, p.TotalGiven = int64(*r.TotalNum), true
	}
	if m := r.NextMarker; len(m) != 0 && string(m) != "null" {
		if json.Unmarshal(m, &p.NextMarker) != nil {
			var n json.Number
			if err := json.Unmarshal(m, &n); err != nil {
				return p, err
			}
			p.NextMarker = n.String()
		}
	}
	return p, nil
}

type refList struct {
	Contents []refFile `json:"contents"`
}

func (r *refList) list() (fileList, error) { return fileList{Contents: refFiles(r.Contents)}, nil }

// decodesLike asserts that jsonx.Decode of in into T gives what encoding/json gives reading
// in into the reference R, converted by conv; and the same success.
func decodesLike[T any, P interface {
	*T
	jsonx.Decoder
}, R any](t testing.TB, in string, conv func(*R) (T, error)) bool {
	t.Helper()
	var ref R
	var want T
	werr := json.Unmarshal([]byte(in), &ref)
	if werr == nil {
		want, werr = conv(&ref)
	}
	got := new(T)
	gerr := jsonx.Decode([]byte(in), P(got))
	if (werr == nil) != (gerr == nil) {
		t.Errorf("Decode(%s) into %T: jsonx error %v, encoding/json error %v", in, got, gerr, werr)
		return false
	}
	if werr == nil {
		assert.Equal(t, &want, got, "Decode(%s) into %T", in, got)
	}
	return werr == nil
}

// decodesAllLike runs in through every answer type the client reads.
func decodesAllLike(t testing.TB, in string) {
	t.Helper()
	jsonxtest.Decodes[Token](t, in)
	jsonxtest.Decodes[errorBody](t, in)
	jsonxtest.Decodes[keyProbe](t, in)
	decodesLike[UploadInfo](t, in, (*refInfo).info)
	decodesLike[UploadState](t, in, (*refState).state)
	decodesLike[File](t, in, (*refFile).file)
	decodesLike[DirectoryPage](t, in, (*refPage).page)
	decodesLike[fileList](t, in, (*refList).list)
	// Native code (the token function's tests) reads file objects with encoding/json,
	// through File's UnmarshalJSON: the same value as the reference.
	var ref refFile
	var native File
	werr, nerr := json.Unmarshal([]byte(in), &ref), json.Unmarshal([]byte(in), &native)
	if assert.Equal(t, werr == nil, nerr == nil, "json.Unmarshal(%s) into File: %v, reference: %v", in, nerr, werr) && werr == nil {
		want, _ := ref.file()
		assert.Equal(t, want, native, "json.Unmarshal(%s) into File", in)
	}
}

var (
	exp      = time.Date(2026, 12, 5, 11, 0, 0, 5, time.FixedZone("x", 3600))
	fullInfo = UploadInfo{Domain: "d.example<&>", Path: "/p?a=<b>&c=\u2028", UploadID: "u+1é",
		Headers: Headers{"b": "1", "a": "x&y", "": "\"q\""}, ConfirmKey: "k/é", Expiration: exp}
	fullFile = File{Path: []string{"a<", "b\u00e9"}, Name: "b&c.txt", Type: "file", CreationTime: "2026-12-05T11:00:00Z",
		ModificationTime: "m", ContentType: "text/plain; charset=<x>", Size: 1 << 62, ETag: `"e"`, Crc64: "18446744073709551615",
		MetaData: map[string]string{"k": "v<", "a": ""}, Labels: []string{"", "l\u2029"}, SizeGiven: true}
	fullPart  = Part{PartNumber: 10000, LastModified: "2026-12-05T11:00:00.000Z", ETag: `"<e>"`, Size: -1, SizeGiven: true}
	fullState = UploadState{Confirmed: true, Path: []string{"d", "f<.bin"}, Type: "file", CreationTime: "c", ConflictResolutionStrategy: "rename",
		Force: true, UploadID: "u", Parts: []Part{fullPart, {}}, UploadPartInfo: &fullInfo}
	fullPage = DirectoryPage{Contents: []File{fullFile, {}}, NextMarker: "m<", TotalNum: 3, TotalGiven: true}
)

// TestCodecsMatchEncodingJSON: every type the client writes or reads, zero and full (every
// field set, HTML and non-ASCII text, nil and empty lists), writes encoding/json's bytes
// and reads them back as encoding/json does.
func TestCodecsMatchEncodingJSON(t *testing.T) {
	jsonxtest.Codec(t, &Token{})
	jsonxtest.Codec(t, &Token{AccessToken: "t<&>é", ExpiresIn: -600})
	for _, v := range []UploadInfo{{}, fullInfo, {Headers: Headers{}}} {
		jsonxtest.Encodes(t, &v)
		decodesLike[UploadInfo](t, string(jsonx.Encode(&v)), (*refInfo).info)
	}
	for _, v := range []File{{}, fullFile, {Path: []string{}, Labels: []string{}, MetaData: map[string]string{}}, {Size: -1}} {
		jsonxtest.Encodes(t, &v)
		decodesLike[File](t, string(jsonx.Encode(&v)), (*refFile).file)
	}
	for _, v := range []Part{{}, fullPart} {
		jsonxtest.Encodes(t, &v)
		decodesLike[UploadState](t, `{"parts":[`+string(jsonx.Encode(&v))+`]}`, (*refState).state)
	}
	for _, v := range []UploadState{{}, fullState, {Path: []string{}, Parts: []Part{}}} {
		jsonxtest.Encodes(t, &v)
		decodesLike[UploadState](t, string(jsonx.Encode(&v)), (*refState).state)
	}
	for _, v := range []DirectoryPage{{}, fullPage, {Contents: []File{}}} {
		jsonxtest.Encodes(t, &v) // the marker and total are not written: SMH's answer only
		decodesLike[DirectoryPage](t, string(jsonx.Encode(&v)), (*refPage).page)
	}
	for _, v := range []fileList{{}, {Contents: []File{fullFile}}, {Contents: []File{}}} {
		decodesLike[fileList](t, string(jsonx.Encode(&v)), (*refList).list)
	}
	for _, v := range []errorBody{{}, {Code: "NoPermission", Message: "<no>é", RequestID: "r&1"}} {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		jsonxtest.Decodes[errorBody](t, string(b))
	}
	jsonxtest.Decodes[keyProbe](t, `{"confirmKey":"k<é>"}`)
	jsonxtest.Decodes[keyProbe](t, `{}`)
}

// TestAnswersDecodeLikeEncodingJSON: odd and malformed answers, each read by every answer
// type as encoding/json reads it.
func TestAnswersDecodeLikeEncodingJSON(t *testing.T) {
	for _, in := range []string{
		// file objects
		`{"path":["a"],"name":"n","type":"file","creationTime":"c","size":"12","eTag":"e","crc64":"1","metaData":{"k":"v"},"labels":["x"],"SizeGiven":true}`,
		`{"size":12}`, `{"size":null}`, `{"size":""}`, `{"size":"x"}`, `{"size":1.5}`, `{"size":"+7"}`, `{"size":"9223372036854775808"}`,
		`{"size":9223372036854775808}`, `{"size":true}`, `{"size":[]}`, `{"size":"-0"}`, `{"path":"a"}`, `{"path":["a",null]}`, `{"path":[1]}`,
		`{"metaData":{"a":null,"a":"2"}}`, `{"metaData":{"a":1}}`, `{"labels":null,"metaData":null}`, `{}`, `null`, `[]`, `"x"`, `{"name":"\u00e9\ud83d\ude00"}`,
		// parts and task states
		`{"confirmed":false,"path":["a"],"force":true,"uploadId":"u","parts":[{"PartNumber":1,"ETag":"e","Size":5},{"PartNumber":2}],` +
			`"uploadPartInfo":{"domain":"d","path":"/p","headers":{"x-cos-traffic-limit":100,"a":"b"},"confirmKey":"k","expiration":"2026-12-05T11:00:00Z"}}`,
		`{"parts":null,"uploadPartInfo":null}`, `{"parts":[null,{"Size":null}]}`, `{"parts":[{"Size":"5"}]}`, `{"parts":[{"Size":1e3}]}`,
		`{"parts":[{"PartNumber":-1,"Size":-1,"LastModified":"l"}]}`, `{"parts":[{"PartNumber":1.5}]}`, `{"parts":{}}`, `{"parts":[[]]}`,
		`{"confirmed":"true"}`, `{"uploadPartInfo":[]}`,
		// upload info and its headers
		`{"uploadPartInfo":{"headers":{"a":true}}}`, `{"uploadPartInfo":{"headers":null}}`, `{"headers":{"a":"1","b":2,"c":-1.5e3}}`,
		`{"headers":{"a":null}}`, `{"headers":{"a":[1]}}`, `{"headers":{"a":{}}}`, `{"headers":null}`, `{"headers":[]}`, `{"headers":"h"}`,
		`{"headers":{"a":"\u00e9"}}`, `{"headers":{"a":true,"a":"x"}}`, `{"headers":{"a":"x","a":true}}`, `{"headers":{}}`,
		`{"expiration":"2026-12-05T11:00:00.123456789+01:00"}`, `{"expiration":"soon"}`, `{"expiration":null}`, `{"expiration":5}`,
		`{"uploadId":7}`, `{"confirmKey":null,"domain":"d"}`,
		// listings
		`{"contents":[{"name":"a","size":"1"}],"nextMarker":"m","totalNum":"2"}`, `{"nextMarker":7,"totalNum":3}`, `{"nextMarker":-1.5e3}`,
		`{"nextMarker":null}`, `{"nextMarker":true}`, `{"nextMarker":{"x":1}}`, `{"nextMarker":[]}`, `{"nextMarker":1e400}`, `{"nextMarker":""}`,
		`{"totalNum":null}`, `{"totalNum":"x"}`, `{"totalNum":1.5}`, `{"contents":{}}`, `{"contents":null}`, `{"contents":[]}`, `{"contents":[null,"x"]}`,
		`{"path":[],"nextMarker":1000,"totalNum":"2002","contents":[{"name":"a","type":"dir"},{"name":"b.jpg","type":"image","size":"12"}]}`,
		// tokens and errors
		`{"accessToken":"t","expiresIn":600}`, `{"expiresIn":"600"}`, `{"expiresIn":1e3}`, `{"expiresIn":9223372036854775807}`,
		`{"code":"NoPermission","message":"m","requestId":"r"}`, `{"code":1}`, `{"code":"c","requestId":null}`,
		// not JSON
		``, `{`, `{"a":1,}`, `<Error><Code>AccessDenied</Code></Error>`,
	} {
		decodesAllLike(t, in)
	}
}

// TestNamesMatchExactly: unlike encoding/json, the hand codecs take a member only under its
// exact name (SMH writes them so); a member in another case is ignored.
func TestNamesMatchExactly(t *testing.T) {
	var f File
	require.NoError(t, jsonx.Decode([]byte(`{"NAME":"n","Size":"3","name":"x"}`), &f))
	assert.Equal(t, File{Name: "x"}, f)
	var st UploadState
	require.NoError(t, jsonx.Decode([]byte(`{"parts":[{"size":4,"partNumber":2,"PartNumber":1}]}`), &st))
	assert.Equal(t, []Part{{PartNumber: 1}}, st.Parts)
}

// oldBeginBody is the request body as the client built it before the hand codecs: a map,
// which encoding/json writes with its keys sorted.
func oldBeginBody(r BeginRequest) map[string]any {
	body := map[string]any{"size": strconv.FormatInt(r.Size, 10)}
	if r.BeginningHash != "" {
		body["beginningHash"] = r.BeginningHash
	}
	if r.FullHash != "" {
		body["fullHash"] = r.FullHash
	}
	if len(r.Labels) > 0 {
		body["labels"] = r.Labels
	}
	return body
}

func oldConfirmBody(r ConfirmRequest) map[string]any {
	body := map[string]any{}
	if r.Crc64 != "" {
		body["crc64"] = r.Crc64
	}
	if len(r.Labels) > 0 {
		body["labels"] = r.Labels
	}
	return body
}

// TestRequestBodiesUnchanged: the bodies the client sends are, byte for byte, what it sent
// when it wrote maps through encoding/json.
func TestRequestBodiesUnchanged(t *testing.T) {
	for _, r := range []BeginRequest{{}, {Size: -1, Labels: []string{}},
		{Path: "p", Multipart: true, Size: 1 << 40, BeginningHash: "<b>", FullHash: "f&é", Labels: []string{"l", ""}, Meta: map[string]string{"k": "v"}}} {
		want, err := json.Marshal(oldBeginBody(r))
		require.NoError(t, err)
		body := beginBodyOf(r)
		assert.Equal(t, string(want), string(jsonx.Encode(body)), "%+v", r)
		jsonxtest.Encodes(t, body)
	}
	for _, r := range []ConfirmRequest{{}, {Labels: []string{}}, {Crc64: "18446744073709551615", Conflict: "ask", Labels: []string{"<l>", "é"}}} {
		want, err := json.Marshal(oldConfirmBody(r))
		require.NoError(t, err)
		body := confirmBodyOf(r)
		assert.Equal(t, string(want), string(jsonx.Encode(body)), "%+v", r)
		jsonxtest.Encodes(t, body)
	}
	for _, raw := range []string{`{}`, `{"operatorPhoneNumber":"186<>","list":[1, 2.50,{"a":null}]}`, `"<i>"`, `null`} {
		want, err := json.Marshal(map[string]any{"attachInfo": json.RawMessage(raw)})
		require.NoError(t, err)
		body, err := tokenBodyOf(jsonx.RawMessage(raw))
		require.NoError(t, err)
		assert.Equal(t, string(want), string(jsonx.Encode(body)), raw)
		jsonxtest.Encodes(t, body)
	}
	for _, raw := range []string{`{`, `{"a":1}x`, ``, `'a'`} {
		_, err := tokenBodyOf(jsonx.RawMessage(raw))
		assert.Equal(t, CodeInvalidArgument, Code(err), raw)
	}
}
