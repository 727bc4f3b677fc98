// Package s3xml reads the S3-shaped XML error body that both data planes Ferry uploads to
// answer with (COS for SMH, OSS for PDS):
//
//	<Error><Code>…</Code><Message>…</Message><RequestId>…</RequestId></Error>
//
// It uses no encoding/xml, which would add about 100 KB to the browser module and to the
// Workers bundle for three fields. Entities are not expanded: the services' codes and
// messages are plain text.
package s3xml

import "strings"

// Error returns the code, message and request id of an <Error> body; ok is false when b is
// not one or names no code.
func Error(b []byte) (code, message, requestID string, ok bool) {
	s := string(b)
	if !strings.Contains(s, "<Error>") {
		return "", "", "", false
	}
	code = field(s, "Code")
	return code, field(s, "Message"), field(s, "RequestId"), code != ""
}

// field is the trimmed text of the first <name>…</name> in s, "" when there is none.
func field(s, name string) string {
	open, end := "<"+name+">", "</"+name+">"
	i := strings.Index(s, open)
	if i < 0 {
		return ""
	}
	s = s[i+len(open):]
	j := strings.Index(s, end)
	if j < 0 {
		return ""
	}
	return strings.TrimSpace(s[:j])
}
