package upload

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/ferry-upload/ferry/shared/jsonx"
)

// intOf reads an integer the service sends as a JSON number or a string of digits.
func intOf(v jsonx.Value) (int64, bool) {
	switch v.Kind() {
	case jsonx.Number:
		return v.Int64()
	case jsonx.String:
		s, _ := v.Str()
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		return n, err == nil
	}
	return 0, false
}

// textOf reads a string, or a number's spelling; "" for anything else.
func textOf(v jsonx.Value) string {
	if s, ok := v.Str(); ok {
		return s
	}
	if s, ok := v.Number(); ok {
		return s
	}
	return ""
}

// ParseSession reads upload_init's {"session":"…"}.
func ParseSession(body []byte) (string, error) {
	v, err := jsonx.Parse(body)
	if err != nil {
		return "", unexpected("upload_init: the answer is not JSON")
	}
	s := textOf(v.Get("session"))
	if s == "" {
		return "", unexpected("upload_init: the answer names no session")
	}
	return s, nil
}

// ParseOffset reads upload_req's answer: a plain non-negative integer (a JSON string of
// one is read too).
func ParseOffset(body []byte) (int64, error) {
	b := bytes.TrimSpace(body)
	if v, err := jsonx.Parse(b); err == nil {
		if n, ok := intOf(v); ok && n >= 0 {
			return n, nil
		}
	}
	return 0, unexpected("upload_req: the answer is not an offset")
}

// ParseExpect reads a 409's {"expect": offset} (a number or a string of digits).
func ParseExpect(body []byte) (int64, bool) {
	v, err := jsonx.Parse(body)
	if err != nil || v.Kind() != jsonx.Object {
		return 0, false
	}
	n, ok := intOf(v.Get("expect"))
	return n, ok && n >= 0
}

// ParseFile reads what upload_finish's 200 says of the file; what it lacks, or does not
// say in a readable way, stays zero.
func ParseFile(body []byte) File {
	v, err := jsonx.Parse(body)
	if err != nil || v.Kind() != jsonx.Object {
		return File{}
	}
	size, _ := intOf(v.Get("filesize"))
	return File{Hash: textOf(v.Get("hash")), FullPath: textOf(v.Get("fullpath")),
		FileHash: textOf(v.Get("filehash")), FileSize: size}
}
