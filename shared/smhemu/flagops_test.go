package smhemu_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/smhemu"
)

// Operations the service selects with a query flag (or a sub-resource) that the emulator
// does not do are refused with 501 NotImplemented; none of them may run another operation
// in its place (begin an upload, create or list a directory, create a space).
func TestQueryFlagOperationsNotEmulated(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	tok := e.devToken("admin")
	media := e.token("smhmedia", "mediasecret", "grant=admin")
	expect(t, e.api("PUT", "/api/v1/directory/smhdev/-/d", tok, nil), 201, "")
	if err := e.emu.PutFile("smhdev", "-", "d/f.txt", []byte("x")); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		method, target, tok string
		body                any
	}{
		{"GET", "/api/v1/directory/smhdev/-/d?stats=1", tok, nil},
		{"GET", "/api/v1/directory/smhdev/-/d?stats=1&stats_type=1", tok, nil},
		{"PUT", "/api/v1/directory/smhdev/-/c?calibrate=1", tok, nil},
		{"PUT", "/api/v1/directory/smhdev/-/d?calibrate=1&stats_type=1", tok, nil},
		{"POST", "/api/v1/directory/smhdev/-/d?update", tok, `{"labels":["x"]}`},
		{"POST", "/api/v1/directory/smhdev/-/d/f.txt?update", tok, `{"labels":["x"]}`},
		{"PUT", "/api/v1/file/smhdev/-/d/v.txt?virtual_file=1", tok, nil},
		{"PUT", "/api/v1/file/smhdev/-/d/v.txt?virtual_file", tok, `{"size":"1"}`},
		{"POST", "/api/v1/file/smhdev/-/d/v.txt?multipart&virtual_file=1", tok, nil},
		{"PUT", "/api/v1/file/smhdev/-/d/f.docx?convert=1", tok, nil},
		{"PUT", "/api/v1/file/smhdev/-/d/f.zip?uncompress", tok, nil},
		{"POST", "/api/v1/file/smhdev/-/d/f.zip?uncompress=1", tok, nil},
		{"GET", "/api/v1/file/smhdev/-/d/f.txt?preview", tok, nil},
		{"GET", "/api/v1/file/smhdev/-/d/f.txt?preview&mobile&size=100", tok, nil},
		{"GET", "/api/v1/file/smhdev/-/d/f.txt?history_id=3", tok, nil},
		{"GET", "/api/v1/file/smhdev/-/d/f.txt?info&history_id=3", tok, nil},
		{"PUT", "/api/v1/file/smhdev/-/d/t.docx", tok, `{"fromTemplate":"word"}`},
		{"GET", "/api/v1/space/smhmedia/count", media, nil},
		{"POST", "/api/v1/space/smhmedia?count", media, nil},
		{"GET", "/api/v1/space/smhmedia/space1/extension", media, nil},
		{"POST", "/api/v1/space/smhmedia/space1/extension", media, `{}`},
		{"GET", "/api/v1/space/smhmedia/space1/size", media, nil},
		{"GET", "/api/v1/space/smhmedia/space1/file-count", media, nil},
		{"POST", "/api/v1/space/smhmedia/space1/traffic-limit", media, `{}`},
		{"GET", "/api/v1/space/smhmedia/space1/contents-view", media, nil},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.target, func(t *testing.T) {
			expect(t, e.api(c.method, c.target, c.tok, c.body), 501, "NotImplemented")
		})
	}
	// HEAD answers without a body, with the same status.
	require.Equal(t, 501, e.api("HEAD", "/api/v1/file/smhdev/-/d/f.txt?history_id=3", tok, nil).status)
	require.Equal(t, 501, e.api("HEAD", "/api/v1/directory/smhdev/-/d?stats=1", tok, nil).status)

	// Nothing ran in their place.
	ups, err := e.emu.OpenUploads("smhdev", "-")
	require.NoError(t, err)
	require.Empty(t, ups, "an upload was begun")
	expect(t, e.api("HEAD", "/api/v1/directory/smhdev/-/c", tok, nil), 404, "")
	files, err := e.emu.Files("smhdev", "-")
	require.NoError(t, err)
	require.Len(t, files, 1)
	var spaces struct{ List []struct{ SpaceID string } }
	e.api("GET", "/api/v1/space/smhmedia/list", media, nil).decode(t, &spaces)
	require.Len(t, spaces.List, len(smhemu.DefaultLibraries()[1].Spaces), "a space was created")
	st := e.emu.Stats()
	require.Equal(t, uint64(2), st.Requests["GET /api/v1/directory/{libraryId}/{spaceId}/{dirPath}?stats (not emulated)"]["501"], "%v", st.Requests)
}
