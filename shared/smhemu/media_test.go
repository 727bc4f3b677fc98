package smhemu_test

import (
	"testing"

	"github.com/ferry-upload/ferry/shared/smhemu"
)

func TestMediaLibraryRules(t *testing.T) {
	libs := append(smhemu.DefaultLibraries(),
		smhemu.Library{ID: "album", Secret: "s", Kind: smhemu.KindMedia}) // single-tenant, not multi-album
	e := newEnv(t, smhemu.Options{Libraries: libs})
	tok := e.token("smhmedia", "mediasecret", "space_id=space1&grant=upload_file,create_directory")
	put := func(p string) answer { return e.api("PUT", "/api/v1/file/smhmedia/space1/"+p, tok, nil) }
	expect(t, e.api("PUT", "/api/v1/directory/smhmedia/space1/trip", tok, nil), 201, "")
	expect(t, e.api("PUT", "/api/v1/directory/smhmedia/space1/trip/day1", tok, nil), 400, "DirectoryLevelExceed")
	expect(t, e.api("PUT", "/api/v1/directory/smhmedia/space1/a/b", tok, nil), 400, "DirectoryLevelExceed")
	expect(t, put("photo.jpg"), 400, "UploadToRootDirectoryNotAllowed")
	expect(t, put("trip/x/photo.jpg"), 400, "DirectoryLevelExceed")
	for _, ok := range []string{"trip/a.JPG", "trip/b.heic", "trip/c.mp4", "trip/d.MOV", "trip/e.webp"} {
		expect(t, put(ok), 200, "")
	}
	for _, bad := range []string{"trip/a.pdf", "trip/noext", "trip/.jpg", "trip/a.jpg.exe"} {
		expect(t, put(bad), 400, "ExtnameNotAllowed")
	}
	// Upload types: a video is "video", an image "image".
	a := e.api("POST", "/api/v1/file/smhmedia/space1/trip/clip.mp4?multipart", tok, nil)
	var ui uploadInfo
	a.decode(t, &ui)
	expect(t, e.put(ui, 1, []byte("not really a video")), 200, "")
	a = e.api("POST", "/api/v1/file/smhmedia/space1/"+ui.ConfirmKey+"?confirm", tok, nil)
	var f fileObject
	a.decode(t, &f)
	if f.Type != "video" || f.ContentType != "video/mp4" {
		t.Fatalf("media file %s", a.body)
	}
	// A media library space not in multi-album mode holds no directories.
	at := e.token("album", "s", "grant=upload_file,create_directory")
	expect(t, e.api("PUT", "/api/v1/directory/album/-/d", at, nil), 400, "DirectoryNotAllowed")
	expect(t, e.api("PUT", "/api/v1/file/album/-/d/a.png", at, nil), 400, "DirectoryNotAllowed")
	expect(t, e.api("PUT", "/api/v1/file/album/-/a.png", at, nil), 200, "")
	expect(t, e.api("PUT", "/api/v1/file/album/-/a.txt", at, nil), 400, "ExtnameNotAllowed")
}

func TestSpaces(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	admin := e.token("smhmedia", "mediasecret", "grant=admin&user_id=boss")
	a := e.api("POST", "/api/v1/space/smhmedia", admin, `{"isMultiAlbum":false,"isPublicRead":false}`)
	expect(t, a, 201, "")
	var sp struct{ SpaceID string }
	a.decode(t, &sp)
	if len(sp.SpaceID) < 6 {
		t.Fatalf("space id %q", sp.SpaceID)
	}
	// The new space is single-album: files in its root, no directories.
	tok := e.token("smhmedia", "mediasecret", "space_id="+sp.SpaceID+"&grant=upload_file,create_directory")
	expect(t, e.api("PUT", "/api/v1/file/smhmedia/"+sp.SpaceID+"/a.png", tok, nil), 200, "")
	expect(t, e.api("PUT", "/api/v1/directory/smhmedia/"+sp.SpaceID+"/d", tok, nil), 400, "DirectoryNotAllowed")

	a = e.api("GET", "/api/v1/space/smhmedia/list", admin, nil)
	var list struct {
		List []struct{ SpaceID, UserID, CreationTime string }
	}
	a.decode(t, &list)
	if len(list.List) != 2 {
		t.Fatalf("list %s", a.body)
	}
	a = e.api("GET", "/api/v1/space/smhmedia/list?limit=1", admin, nil)
	var page struct {
		List       []struct{ SpaceID string }
		NextMarker string
	}
	a.decode(t, &page)
	if len(page.List) != 1 || page.NextMarker == "" {
		t.Fatalf("page %s", a.body)
	}
	a = e.api("GET", "/api/v1/space/smhmedia/list?limit=1&marker="+page.NextMarker, admin, nil)
	page.NextMarker = ""
	a.decode(t, &page)
	if len(page.List) != 1 || page.NextMarker != "" {
		t.Fatalf("page 2 %s", a.body)
	}
	// Single-tenant libraries have no space operations.
	devAdmin := e.devToken("admin")
	expect(t, e.api("POST", "/api/v1/space/smhdev", devAdmin, nil), 400, "NotMultiSpaceLibrary")
	expect(t, e.api("GET", "/api/v1/space/smhdev/list", devAdmin, nil), 400, "NotMultiSpaceLibrary")
	// Delete: the space goes with its tasks; its tokens no longer reach it.
	expect(t, e.api("DELETE", "/api/v1/space/smhmedia/"+sp.SpaceID, admin, nil), 204, "")
	expect(t, e.api("DELETE", "/api/v1/space/smhmedia/"+sp.SpaceID, admin, nil), 404, "SpaceNotFound")
	expect(t, e.api("GET", "/api/v1/directory/smhmedia/"+sp.SpaceID+"/", tok, nil), 404, "SpaceNotFound")
	if ups, err := e.emu.OpenUploads("smhmedia", ""); err != nil || len(ups) != 0 {
		t.Fatalf("uploads left %+v %v", ups, err)
	}
	expect(t, e.api("GET", "/api/v1/space/smhmedia", admin, nil), 405, "MethodNotAllowed")
}
