package jsx

import "testing"

func TestSettable(t *testing.T) {
	for name, want := range map[string]bool{
		"Authorization": true, "x-cos-security-token": true, "Content-Type": true, "x-cos-traffic-limit": true,
		"Content-Length": false, "Host": false, "Sec-Fetch-Mode": false, "Proxy-Authorization": false, "": false,
	} {
		if got := Settable(name); got != want {
			t.Errorf("Settable(%q) = %v", name, got)
		}
	}
}

func TestParseHeaders(t *testing.T) {
	h := ParseHeaders("ETag: \"abc\"\r\nx-cos-hash-crc64ecma: 123\r\nVary: a\r\nvary: b\r\nbroken\r\n\r\n")
	if h["etag"] != `"abc"` || h["x-cos-hash-crc64ecma"] != "123" || h["vary"] != "a, b" || len(h) != 3 {
		t.Fatalf("%v", h)
	}
}
