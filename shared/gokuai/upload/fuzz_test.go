package upload_test

import (
	"encoding/json"
	"errors"
	"strconv"
	"testing"

	"github.com/ferry-upload/ferry/shared/gokuai/upload"
	"github.com/ferry-upload/ferry/shared/gokuai/wire"
)

// FuzzUploadAnswer: no answer of the upload server makes the client panic; an answer
// other than 200/202 is always an error with a code (or a 409's offset); offsets read as
// encoding/json reads a non-negative integer, and read back from their own spelling.
func FuzzUploadAnswer(f *testing.F) {
	f.Add(409, []byte(`{"expect":"1000"}`))
	f.Add(409, []byte(`{"expect":-1}`))
	f.Add(401, []byte(`{"error_code":"40104","error_msg":"session"}`))
	f.Add(200, []byte(`{"error_code":40002}`))
	f.Add(200, []byte(`4096`))
	f.Add(200, []byte(`{"session":"abc"}`))
	f.Add(200, []byte(`{"hash":"h","filesize":"7"}`))
	f.Add(502, []byte(`<html>`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		err := upload.AnswerError("op", &wire.Response{StatusCode: status, Body: body})
		var oe *upload.OffsetError
		switch {
		case errors.As(err, &oe):
			if n, ok := upload.ParseExpect(body); status != 409 || !ok || n != oe.Expect || n < 0 {
				t.Fatalf("HTTP %d %q: offset %d", status, body, oe.Expect)
			}
		case err != nil:
			if upload.Code(err) == "" {
				t.Fatalf("HTTP %d %q: an error without a code: %v", status, body, err)
			}
		case status != 200 && status != 202:
			t.Fatalf("HTTP %d %q: no error", status, body)
		}
		n, perr := upload.ParseOffset(body)
		var std int64
		if json.Unmarshal(body, &std) == nil && string(body) != "null" && std >= 0 && (perr != nil || n != std) {
			t.Fatalf("%q: encoding/json reads %d, ParseOffset %d (%v)", body, std, n, perr)
		}
		if perr == nil {
			if back, err := upload.ParseOffset([]byte(strconv.FormatInt(n, 10))); n < 0 || err != nil || back != n {
				t.Fatalf("%q: %d does not read back (%d, %v)", body, n, back, err)
			}
		}
		_, _ = upload.ParseSession(body)
		_ = upload.ParseFile(body)
	})
}
