package pdsemu_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/pdsemu"
)

func TestPartNotSequential(t *testing.T) {
	for _, parallel := range []bool{false, true} {
		t.Run(map[bool]string{false: "serial", true: "parallel"}[parallel], func(t *testing.T) {
			e := newEnv(t, pdsemu.Options{})
			tk := e.jwtToken("alice")
			content := data(300 * kib)
			parts := split(content, 100*kib)
			a := e.api("/v2/file/create", tk.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "parent_file_id": "root",
				"name": "p.bin", "type": "file", "size": len(content), "part_info_list": partList(3), "parallel_upload": parallel})
			require.Equal(t, 201, a.status)
			var cr created
			a.decode(t, &cr)
			second := e.put(cr.PartInfoList[1].UploadURL, parts[1])
			if !parallel {
				assert.Equal(t, 400, second.status)
				assert.Equal(t, "PartNotSequential", second.code())
				assert.Equal(t, "application/xml", second.header.Get("Content-Type"))
				require.Equal(t, 200, e.put(cr.PartInfoList[0].UploadURL, parts[0]).status)
				second = e.put(cr.PartInfoList[1].UploadURL, parts[1])
			}
			assert.Equal(t, 200, second.status, "%s", second.body)
			assert.Equal(t, `"`+strings.ToUpper(md5Hex(parts[1]))+`"`, second.header.Get("ETag"))
			assert.Equal(t, crc64Dec(parts[1]), second.header.Get("x-oss-hash-crc64ecma"))
			assert.Contains(t, second.header.Get("Access-Control-Expose-Headers"), "ETag")
			assert.Contains(t, second.header.Get("Access-Control-Expose-Headers"), "x-oss-hash-crc64ecma")
			assert.NotEmpty(t, second.header.Get("x-ca-request-id"))
			if parallel {
				require.Equal(t, 200, e.put(cr.PartInfoList[0].UploadURL, parts[0]).status)
			}
			require.Equal(t, 200, e.put(cr.PartInfoList[2].UploadURL, parts[2]).status)
			done := e.api("/v2/file/complete", tk.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "file_id": cr.FileID, "upload_id": cr.UploadID})
			require.Equal(t, 200, done.status, "%s", done.body)
			assert.Equal(t, sha256Hex(content), e.files(tk.DefaultDriveID)[0].SHA256)
		})
	}
}
func TestPartURLExpiredAndForged(t *testing.T) {
	e := newEnv(t, pdsemu.Options{})
	tk := e.jwtToken("alice")
	content := []byte("hello, part")
	a := e.api("/v2/file/create", tk.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "parent_file_id": "root",
		"name": "x.txt", "type": "file", "size": len(content)})
	require.Equal(t, 201, a.status)
	var cr created
	a.decode(t, &cr)
	good := cr.PartInfoList[0].UploadURL
	refresh := func() string {
		r := e.api("/v2/file/get_upload_url", tk.AccessToken, map[string]any{"drive_id": tk.DefaultDriveID, "file_id": cr.FileID,
			"upload_id": cr.UploadID, "part_info_list": partList(1)})
		require.Equal(t, 200, r.status, "%s", r.body)
		var ans created
		r.decode(t, &ans)
		return ans.PartInfoList[0].UploadURL
	}
	forge := func(key, value string) string {
		u, err := url.Parse(good)
		require.NoError(t, err)
		q := u.Query()
		q.Set(key, value)
		u.RawQuery = q.Encode()
		return u.String()
	}
	expiredIs := func(a answer) {
		t.Helper()
		assert.Equal(t, 403, a.status)
		assert.Equal(t, "AccessDenied", a.code())
		assert.Contains(t, string(a.body), "expired")
	}

	assert.Equal(t, "SignatureDoesNotMatch", e.put(forge("Signature", "AAAA"), content).code())
	assert.Equal(t, "SignatureDoesNotMatch", e.put(forge("Expires", "99999999999"), content).code(), "a longer life is forged")
	assert.Equal(t, "InvalidArgument", e.put(forge("partNumber", "2"), content).code())
	assert.Equal(t, "AccessDenied", e.put(strings.Split(good, "?")[0], content).code(), "unsigned")

	// 15 minutes by the clock.
	e.clk.Advance(15*time.Minute - time.Second)
	require.Equal(t, 200, e.put(good, content).status)
	e.clk.Advance(time.Second)
	expiredIs(e.put(good, content))

	// POST /_emulator/expire ends the URLs issued so far; get_upload_url gives fresh ones.
	fresh := refresh()
	require.Equal(t, 200, e.put(fresh, content).status)
	x := e.do("POST", "/_emulator/expire", nil, `{"uploads":true}`)
	require.Equal(t, 200, x.status, "%s", x.body)
	expiredIs(e.put(fresh, content))
	require.Equal(t, 200, e.put(refresh(), content).status)

	// The expireUploadAfter fault shortens the URLs issued from then on.
	require.NoError(t, e.emu.SetFaults(pdsemu.FaultConfig{ExpireUploadAfter: pdsemu.Duration(time.Minute)}))
	short := refresh()
	e.clk.Advance(time.Minute)
	expiredIs(e.put(short, content))
}
func TestUnmatchedAndPreflight(t *testing.T) {
	e := newEnv(t, pdsemu.Options{})
	a := e.do("POST", "/v2/file/nothing", nil, `{}`)
	assert.Equal(t, 404, a.status)
	assert.NotEmpty(t, a.header.Get("x-ca-request-id"))
	var body map[string]any
	a.decode(t, &body)
	assert.Contains(t, body, "code")
	assert.Contains(t, body, "message")
	p := e.do("OPTIONS", "/_oss/ABC/1", map[string]string{"Origin": "http://localhost:5173",
		"Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "content-type"}, nil)
	assert.Equal(t, 204, p.status)
	assert.Equal(t, "http://localhost:5173", p.header.Get("Access-Control-Allow-Origin"))
	assert.Contains(t, p.header.Get("Access-Control-Allow-Methods"), "PUT")
	assert.Equal(t, "content-type", p.header.Get("Access-Control-Allow-Headers"))
}
