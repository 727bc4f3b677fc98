package smhemu_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/smhemu"
)

// Official SDKs encode the whole path parameter, "/" included (smh-js-sdk:
// encodeURIComponent(filePath); smh-sdk-android: Retrofit @Path), so "%2F" must separate
// levels exactly as "/" does, on every file and directory call.
func TestEncodedSlashInPathParameters(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	tok := e.devToken("admin")
	dir, file := "/api/v1/directory/smhdev/-/", "/api/v1/file/smhdev/-/"

	steps := []struct {
		name, method, target string
		status               int
	}{
		{"mkdir", "PUT", dir + "a%2Fb", 201},
		{"mkdir, lower-case escape", "PUT", dir + "a%2fc", 201},
		{"mkdir, trailing slash", "PUT", dir + "t%2F", 201},
		{"HEAD dir", "HEAD", dir + "a%2Fb", 200},
		{"HEAD dir, trailing slash", "HEAD", dir + "a%2Fb%2F", 200},
		{"list", "GET", dir + "a%2Fb", 200},
		{"dir info", "GET", dir + "a%2Fb?info", 200},
		{"multipart begin", "POST", file + "a%2Fb%2Fm.bin?multipart", 200},
		{"HEAD file", "HEAD", file + "a%2Fb%2Ff.txt", 200},
		{"file info", "GET", file + "a%2Fb%2Ff.txt?info", 200},
		{"download", "GET", file + "a%2Fb%2Ff.txt", 200}, // through the 302
		{"delete file", "DELETE", file + "a%2Fb%2Ff.txt", 204},
		{"HEAD deleted file", "HEAD", file + "a%2Fb%2Ff.txt", 404},
		{"delete dir", "DELETE", dir + "a%2Fc", 204},
	}
	for i, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			expect(t, e.api(s.method, s.target, tok, nil), s.status, "")
		})
		if i == 2 {
			// A simple upload into the sub-folder, begun as the SDK does.
			a, ui := e.begin(tok, "a%2Fb%2Ff.txt", false, "", nil)
			expect(t, a, 200, "")
			expect(t, e.put(ui, 0, []byte("hello")), 200, "")
			expect(t, e.task("POST", tok, ui.ConfirmKey, "confirm", nil), 200, "")
			files, err := e.emu.Files("smhdev", "-")
			require.NoError(t, err)
			require.Len(t, files, 1)
			require.Equal(t, "/a/b/f.txt", files[0].Path)
		}
	}
	var l struct{ Path []string }
	e.api("GET", dir+"a%2Fb", tok, nil).decode(t, &l)
	require.Equal(t, []string{"a", "b"}, l.Path)
	ups, err := e.emu.OpenUploads("smhdev", "-")
	require.NoError(t, err)
	require.Len(t, ups, 1)
	require.Equal(t, "/a/b/m.bin", ups[0].Path)
	expect(t, e.api("HEAD", dir+"t", tok, nil), 200, "")
	expect(t, e.api("HEAD", dir+"a/c", tok, nil), 404, "")
}

// Decoding happens once, before the path is split: whatever an encoded path would escape
// to is refused like its plain form, and "%25" stays a literal "%" in a name.
func TestEncodedPathEdgeCases(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	tok := e.devToken("admin")
	expect(t, e.api("PUT", "/api/v1/directory/smhdev/-/a", tok, nil), 201, "")
	refused := []string{
		"a%2F..%2Fb",   // .. between encoded slashes
		"%2E%2E%2Fb",   // encoded dots
		"a%2F%2E%2E",   // .. as the last level
		"a%2F.%2Fb",    // .
		"a%2F%2Fb",     // an empty level
		"%2Fa%2Fb",     // a leading empty level
		"a%2F%00b",     // a control character
		"a%2F%FF.txt",  // not UTF-8
		"..%2F..%2Fx",  // climbing out
		"a/..%2Fb.txt", // mixed
	}
	for _, p := range refused {
		t.Run(p, func(t *testing.T) {
			for _, c := range []struct{ method, target string }{
				{"PUT", "/api/v1/file/smhdev/-/" + p},
				{"POST", "/api/v1/file/smhdev/-/" + p + "?multipart"},
				{"GET", "/api/v1/file/smhdev/-/" + p + "?info"},
				{"HEAD", "/api/v1/file/smhdev/-/" + p},
				{"DELETE", "/api/v1/file/smhdev/-/" + p},
				{"PUT", "/api/v1/directory/smhdev/-/" + p},
				{"GET", "/api/v1/directory/smhdev/-/" + p},
				{"DELETE", "/api/v1/directory/smhdev/-/" + p},
			} {
				a := e.api(c.method, c.target, tok, nil)
				if c.method == "HEAD" {
					require.Equal(t, 400, a.status, "%s %s", c.method, c.target)
					continue
				}
				expect(t, a, 400, "InvalidPath")
			}
		})
	}
	// Double encoding: "%252F" is decoded once, to a name holding the characters "%2F".
	a, ui := e.begin(tok, "a%2Fx%252Fy.txt", false, "", nil)
	expect(t, a, 200, "")
	expect(t, e.put(ui, 0, []byte("z")), 200, "")
	expect(t, e.task("POST", tok, ui.ConfirmKey, "confirm", nil), 200, "")
	expect(t, e.api("HEAD", "/api/v1/file/smhdev/-/a/x%252Fy.txt", tok, nil), 200, "")
	expect(t, e.api("HEAD", "/api/v1/file/smhdev/-/a/x/y.txt", tok, nil), 404, "")
	var info fileObject
	e.api("GET", "/api/v1/file/smhdev/-/a%2Fx%252Fy.txt?info", tok, nil).decode(t, &info)
	require.Equal(t, []string{"a", "x%2Fy.txt"}, info.Path)
	got := e.do("GET", info.CosURL, nil, nil) // the signed URL escapes the "%" again
	require.Equal(t, 200, got.status, "%s", got.body)
	require.Equal(t, "z", string(got.body))
	// Nothing above left anything behind.
	files, _ := e.emu.Files("smhdev", "-")
	require.Len(t, files, 1)
	require.True(t, strings.HasSuffix(files[0].Path, "/x%2Fy.txt"), files[0].Path)
	ups, _ := e.emu.OpenUploads("smhdev", "-")
	require.Empty(t, ups)
}
