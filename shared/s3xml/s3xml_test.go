package s3xml

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestError(t *testing.T) {
	for _, c := range []struct {
		name, body               string
		code, message, requestID string
		ok                       bool
	}{
		{"cos", `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message><RequestId>NjQ1</RequestId></Error>`,
			"AccessDenied", "Request has expired", "NjQ1", true},
		{"oss spaced", "<Error>\n  <Code> NoSuchUpload </Code>\n  <Message>gone</Message>\n</Error>", "NoSuchUpload", "gone", "", true},
		{"no code", `<Error><Message>m</Message></Error>`, "", "m", "", false},
		{"json", `{"code":"NotFound"}`, "", "", "", false},
		{"unclosed", `<Error><Code>X`, "", "", "", false},
		{"empty", ``, "", "", "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, msg, rid, ok := Error([]byte(c.body))
			assert.Equal(t, []any{c.code, c.message, c.requestID, c.ok}, []any{code, msg, rid, ok})
		})
	}
}

// FuzzError checks the written-out reader against encoding/xml's writer: for fields that
// need no escaping (the services send plain text), what one writes the other reads.
func FuzzError(f *testing.F) {
	f.Add("AccessDenied", "Request has expired", "NjQ1")
	f.Add("", "m", "")
	f.Add(" x ", "a&b", "<r>")
	f.Fuzz(func(t *testing.T, code, message, rid string) {
		for _, s := range []string{code, message, rid} {
			var esc strings.Builder
			if xml.EscapeText(&esc, []byte(s)) != nil || esc.String() != s {
				return
			}
		}
		b, err := xml.Marshal(struct {
			XMLName   xml.Name `xml:"Error"`
			Code      string
			Message   string
			RequestId string
		}{Code: code, Message: message, RequestId: rid})
		if err != nil {
			t.Fatal(err)
		}
		gotCode, gotMsg, gotRID, ok := Error(b)
		want := []any{strings.TrimSpace(code), strings.TrimSpace(message), strings.TrimSpace(rid), strings.TrimSpace(code) != ""}
		assert.Equal(t, want, []any{gotCode, gotMsg, gotRID, ok}, "%s", b)
	})
}
