package smhemu_test

import (
	"encoding/json"
	"testing"

	"github.com/ferry-upload/ferry/shared/smhemu"
)

func TestControlAPI(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	if a := e.do("GET", "/_emulator/healthz", nil, nil); a.status != 200 || string(a.body) != `{"ok":true}` {
		t.Fatalf("healthz %d %s", a.status, a.body)
	}
	tok := e.devToken("upload_file,create_directory")
	e.api("PUT", "/api/v1/directory/smhdev/-/d", tok, nil)
	e.upload(tok, "d/a.txt", []byte("123456789"), "")
	_, ui := e.begin(tok, "d/open.bin", true, "", nil)
	e.put(ui, 2, []byte("xy"))

	a := e.do("GET", "/_emulator/files?library=smhdev&space=-", nil, nil)
	var files []map[string]any
	a.decode(t, &files)
	if len(files) != 1 || files[0]["path"] != "/d/a.txt" || files[0]["size"] != float64(9) || files[0]["crc64"] != "11051210869376104954" ||
		files[0]["sha256"] != "15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225" {
		t.Fatalf("files %s", a.body)
	}
	a = e.do("GET", "/_emulator/uploads?library=smhdev", nil, nil)
	var ups []map[string]any
	a.decode(t, &ups)
	if len(ups) != 1 || ups[0]["path"] != "/d/open.bin" || ups[0]["confirmKey"] != ui.ConfirmKey || ups[0]["size"] != float64(2) {
		t.Fatalf("uploads %s", a.body)
	}
	expect(t, e.do("GET", "/_emulator/files", nil, nil), 400, "InvalidParameter")
	expect(t, e.do("GET", "/_emulator/files?library=nolib", nil, nil), 404, "LibraryNotFound")
	expect(t, e.do("GET", "/_emulator/uploads?library=smhmedia&space=nospace", nil, nil), 404, "SpaceNotFound")
	expect(t, e.do("GET", "/_emulator/nothing", nil, nil), 404, "RouteNotFound")
	expect(t, e.do("GET", "/_emulator/reset", nil, nil), 405, "MethodNotAllowed")
	expect(t, e.do("POST", "/_emulator/expire", nil, `{"token":true}`), 400, "InvalidParameter")

	a = e.do("GET", "/_emulator/stats", nil, nil)
	var st struct {
		Requests       map[string]map[string]int
		FaultsInjected *int
		DataPlane      struct {
			BytesReceived int
			ByUpload      map[string]struct {
				Path          string
				Size          int
				BytesReceived int
			}
		}
	}
	a.decode(t, &st)
	if st.Requests["GET /api/v1/token"]["200"] != 1 || st.Requests["PUT /cos/{objectKey}"]["200"] != 1 ||
		st.Requests["PUT /cos/{objectKey}?partNumber&uploadId"]["200"] != 1 || st.FaultsInjected == nil ||
		st.DataPlane.BytesReceived != 11 || st.DataPlane.ByUpload[ui.ConfirmKey].Path != "/d/open.bin" || len(st.DataPlane.ByUpload) != 2 {
		t.Fatalf("stats %s", a.body)
	}
	if _, ok := st.Requests["GET /_emulator/files"]; ok {
		t.Fatal("test-control requests counted")
	}

	expect(t, e.do("POST", "/_emulator/reset", nil, nil), 200, "")
	b, _ := json.Marshal(e.emu.Stats())
	if string(b) != `{"requests":{},"faultsInjected":0,"dataPlane":{"bytesReceived":0,"byUpload":{}}}` {
		t.Fatalf("stats after reset: %s", b)
	}
	expect(t, e.api("GET", "/api/v1/directory/smhdev/-/", tok, nil), 403, "InvalidAccessToken")
	if a = e.do("GET", "/_emulator/files?library=smhdev", nil, nil); string(a.body) != "[]" {
		t.Fatalf("files after reset: %s", a.body)
	}
	if a = e.do("GET", "/_emulator/uploads?library=smhdev", nil, nil); string(a.body) != "[]" {
		t.Fatalf("uploads after reset: %s", a.body)
	}
	// Configured spaces come back empty.
	admin := e.token("smhmedia", "mediasecret", "grant=admin")
	expect(t, e.api("GET", "/api/v1/directory/smhmedia/space1/", admin, nil), 200, "")
}

func TestUnknownRoutes(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	tok := e.devToken("")
	for _, p := range []string{"/", "/api/v2/token", "/api/v1/nothing", "/api/v1/file/smhdev", "/api/v1/token/a/b/c", "/api/v1/space/", "/api/v1/space/smhmedia/a/b"} {
		a := e.api("GET", p, tok, nil)
		if a.status != 404 && a.status != 405 || a.header.Get("X-Request-Id") == "" {
			t.Errorf("%s: %d %s", p, a.status, a.body)
		}
	}
	expect(t, e.do("GET", "/api/v1/directory/smhdev/-/?a=%zz", nil, nil), 400, "InvalidParameter")
	a := e.do("GET", "/cos/nothing", nil, nil)
	expect(t, a, 404, "NoSuchKey")
}
