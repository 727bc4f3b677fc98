package gokuai_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/ferry-upload/ferry/shared/gokuai"
)

// FuzzInt: Int agrees with encoding/json on whatever int64 JSON number it takes, with
// strconv on the inside of a string, and survives its own marshalling.
func FuzzInt(f *testing.F) {
	for _, s := range []string{`12`, `"12"`, `-1`, `null`, `""`, `3.0`, `1e3`, `"1.5"`, `true`, `" 7 "`,
		`9223372036854775807`, `"-9223372036854775808"`, `"0x10"`, `"NaN"`, `1E+2`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var n gokuai.Int
		err := json.Unmarshal(b, &n)
		var std int64
		if json.Unmarshal(b, &std) == nil && string(b) != "null" && err != nil {
			t.Fatalf("%q: encoding/json reads %d, Int refuses: %v", b, std, err)
		} else if json.Unmarshal(b, &std) == nil && err == nil && string(b) != "null" && int64(n) != std {
			t.Fatalf("%q: encoding/json reads %d, Int %d", b, std, n)
		}
		var s string
		if json.Unmarshal(b, &s) == nil {
			if v, perr := strconv.ParseInt(strings.TrimSpace(s), 10, 64); perr == nil && (err != nil || int64(n) != v) {
				t.Fatalf("%q: strconv reads %d, Int %d (%v)", b, v, n, err)
			}
		}
		if err != nil {
			return
		}
		out, merr := json.Marshal(n)
		if merr != nil {
			t.Fatal(merr)
		}
		var back gokuai.Int
		if err := json.Unmarshal(out, &back); err != nil || back != n {
			t.Fatalf("%q → %s → %d (%v)", b, out, back, err)
		}
	})
}

// FuzzAnswer: no answer makes the client panic; a non-2xx answer is always an *Error
// with a stable code; answers that decode decode again the same way once re-encoded.
func FuzzAnswer(f *testing.F) {
	f.Add(401, []byte(`{"error_code":401041,"error_msg":"sign"}`))
	f.Add(200, []byte(`{"info":{"org_id":"1","size_org_total":-1}}`))
	f.Add(200, []byte(`{"list":[{"member_id":1,"out_id":7}],"count":"1"}`))
	f.Add(200, []byte(`[{"id":1,"name":"g","role_id":"2"}]`))
	f.Add(200, []byte(`{"error_code":"40001"}`))
	f.Add(500, []byte(``))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := gokuai.ErrorFromResponse(&gokuai.Response{StatusCode: status, Body: body})
		if (status < 200 || status > 299) && (e == nil || e.Code == "") {
			t.Fatalf("HTTP %d %q: no error code", status, body)
		}
		if e != nil && e.Code == "" {
			t.Fatalf("HTTP %d %q: an error without a code", status, body)
		}
		roundTrip(t, body, &struct {
			Info gokuai.Library `json:"info"`
		}{})
		roundTrip(t, body, &gokuai.MemberList{})
		roundTrip(t, body, &gokuai.GroupList{})
		roundTrip(t, body, &gokuai.LogPage{})
		roundTrip(t, body, &map[string]gokuai.Member{})
	})
}

// roundTrip: when body decodes into v, v encoded and decoded again is unchanged.
func roundTrip[T any](t *testing.T, body []byte, v *T) {
	if json.Unmarshal(body, v) != nil {
		return
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%q: %v", body, err)
	}
	var again T
	if err := json.Unmarshal(out, &again); err != nil {
		t.Fatalf("%q → %s: %v", body, out, err)
	}
	b2, _ := json.Marshal(&again)
	if string(b2) != string(out) {
		t.Fatalf("%q: %s then %s", body, out, b2)
	}
}
