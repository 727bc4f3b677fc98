package gokuai_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/gokuai"
)

// TestSignVector is the published vector (provider-apis.md §3.2, §4.4).
func TestSignVector(t *testing.T) {
	params := map[string]string{
		"client_id": "NGCr2q1Fwc2tBWPfOartag",
		"dateline":  "1490605129",
		"fullpath":  "会议资料/2017-10-31.docx",
	}
	const want = "glL9RlCmaDA6udIGo2DADTgCZlI="
	assert.Equal(t, want, gokuai.Sign("lZltU72WrEFOsbmT2IxSWg", params))
	assert.True(t, gokuai.VerifySign("lZltU72WrEFOsbmT2IxSWg", params, want))

	// sign itself and the skipped keys are not signed.
	withSkipped := map[string]string{"sign": "x", "filehash": "abc", "filesize": "3"}
	for k, v := range params {
		withSkipped[k] = v
	}
	assert.Equal(t, want, gokuai.Sign("lZltU72WrEFOsbmT2IxSWg", withSkipped, "filehash", "filesize"))

	// Any change of secret, value or key set changes the sign.
	assert.NotEqual(t, want, gokuai.Sign("lZltU72WrEFOsbmT2IxSwg", params))
	changed := map[string]string{"client_id": "NGCr2q1Fwc2tBWPfOartag", "dateline": "1490605130", "fullpath": "会议资料/2017-10-31.docx"}
	assert.NotEqual(t, want, gokuai.Sign("lZltU72WrEFOsbmT2IxSWg", changed))
	params["empty"] = "" // an empty value is signed: one more "\n"
	assert.NotEqual(t, want, gokuai.Sign("lZltU72WrEFOsbmT2IxSWg", params))
	assert.False(t, gokuai.VerifySign("lZltU72WrEFOsbmT2IxSWg", params, want))
}

// TestSigned: the client adds its credential under the right name, the dateline from its
// clock and a sign over everything but sign; the form body decodes to the same values.
func TestSigned(t *testing.T) {
	at := time.Unix(1490605129, 0)
	c := &gokuai.Client{ClientID: "NGCr2q1Fwc2tBWPfOartag", Secret: "lZltU72WrEFOsbmT2IxSWg", Now: func() time.Time { return at }}
	p := c.Signed(gokuai.Params{"fullpath": "会议资料/2017-10-31.docx"})
	assert.Equal(t, "glL9RlCmaDA6udIGo2DADTgCZlI=", p["sign"])
	assert.Equal(t, "1490605129", p["dateline"])

	form, err := url.ParseQuery(string(gokuai.Encode(p)))
	require.NoError(t, err)
	assert.Equal(t, "会议资料/2017-10-31.docx", form.Get("fullpath"))
	assert.Equal(t, "glL9RlCmaDA6udIGo2DADTgCZlI=", form.Get("sign"), "+ and = survive form encoding")

	c.Library = true
	p = c.Signed(gokuai.Params{})
	assert.Equal(t, "NGCr2q1Fwc2tBWPfOartag", p["org_client_id"])
	assert.NotContains(t, p, "client_id")
}
