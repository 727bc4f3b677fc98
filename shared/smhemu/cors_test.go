package smhemu_test

import (
	"strings"
	"testing"

	"github.com/ferry-upload/ferry/shared/smhemu"
)

func TestCORS(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	tok := e.devToken("upload_file")
	_, ui := e.begin(tok, "c.bin", true, "", nil)
	origin := map[string]string{"Origin": "http://app.example"}
	targets := []string{
		"/api/v1/token", "/api/v1/file/smhdev/-/c.bin?multipart", "/api/v1/directory/smhdev/-/",
		ui.Path + "?partNumber=1&uploadId=" + ui.UploadID, "/_emulator/stats",
	}
	for _, target := range targets {
		pre := e.do("OPTIONS", target, map[string]string{
			"Origin":                         "http://app.example",
			"Access-Control-Request-Method":  "PUT",
			"Access-Control-Request-Headers": "authorization, content-type, x-smh-meta-owner, x-cos-security-token, x-cos-traffic-limit, x-evil",
		}, nil)
		h := pre.header
		if pre.status != 204 || h.Get("Access-Control-Allow-Origin") != "http://app.example" ||
			!strings.Contains(h.Get("Access-Control-Allow-Methods"), "PUT") ||
			h.Get("Access-Control-Allow-Headers") != "authorization, content-type, x-smh-meta-owner, x-cos-security-token, x-cos-traffic-limit" {
			t.Errorf("preflight %s: %d %v", target, pre.status, h)
		}
	}
	// Simple and actual requests carry the CORS headers too, errors included.
	for _, a := range []answer{
		e.do("GET", withToken("/api/v1/directory/smhdev/-/", tok), origin, nil),
		e.do("GET", "/api/v1/directory/smhdev/-/", origin, nil), // 400
		e.do("PUT", "http://"+ui.Domain+ui.Path+"?partNumber=1&uploadId="+ui.UploadID, merge(ui.Headers, origin), "x"),
	} {
		if a.header.Get("Access-Control-Allow-Origin") != "http://app.example" || a.header.Get("X-Request-Id") == "" {
			t.Errorf("%d: %v", a.status, a.header)
		}
		for _, exposed := range []string{"ETag", "x-cos-hash-crc64ecma", "X-Request-Id"} {
			if !strings.Contains(a.header.Get("Access-Control-Expose-Headers"), exposed) {
				t.Errorf("%s not exposed: %v", exposed, a.header)
			}
		}
	}
	if a := e.do("GET", "/_emulator/healthz", nil, nil); a.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("no Origin: %v", a.header)
	}
}

func merge(a, b map[string]string) map[string]string {
	m := map[string]string{}
	for k, v := range a {
		m[k] = v
	}
	for k, v := range b {
		m[k] = v
	}
	return m
}
