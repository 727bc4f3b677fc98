package smhemu_test

import (
	"crypto/md5"
	"encoding/hex"
	"strconv"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/shared/smhemu"
)

const mib = 1 << 20

func TestSimpleUpload(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	tok := e.devToken("upload_file")
	data := []byte("hello, ferry")
	a, ui := e.begin(tok, "hello.txt", false, "", nil)
	expect(t, a, 200, "")
	if ui.UploadID != "" || ui.Domain != e.base[len("http://"):] || ui.Headers["Authorization"] == "" || ui.Expiration == "" {
		t.Fatalf("upload info: %+v", ui)
	}
	// Not yet received: confirm refuses.
	expect(t, e.task("POST", tok, ui.ConfirmKey, "confirm", nil), 404, "UploadIncomplete")
	p := e.put(ui, 0, data)
	expect(t, p, 200, "")
	if sum := md5.Sum(data); p.header.Get("ETag") != `"`+hex.EncodeToString(sum[:])+`"` {
		t.Fatalf("ETag %q", p.header.Get("ETag"))
	}
	if p.header.Get("x-cos-hash-crc64ecma") == "" {
		t.Fatal("no x-cos-hash-crc64ecma")
	}
	// Renew is for multipart tasks only.
	expect(t, e.task("POST", tok, ui.ConfirmKey, "renew", nil), 400, "NotMultipartUpload")
	a = e.task("POST", tok, ui.ConfirmKey, "confirm", map[string]string{"crc64": p.header.Get("x-cos-hash-crc64ecma")})
	expect(t, a, 200, "")
	var f fileObject
	a.decode(t, &f)
	if f.Name != "hello.txt" || f.Size != strconv.Itoa(len(data)) || f.Type != "file" || f.ContentType != "text/plain" || f.ETag != p.header.Get("ETag") {
		t.Fatalf("file object %s", a.body)
	}
	// The task is gone: confirm again, state, and data-plane PUTs all fail.
	expect(t, e.task("POST", tok, ui.ConfirmKey, "confirm", nil), 404, "UploadNotFound")
	expect(t, e.task("GET", tok, ui.ConfirmKey, "upload", nil), 404, "UploadNotFound")
	expect(t, e.put(ui, 0, data), 404, "NoSuchUpload")
	if got, _ := e.emu.ReadFile("smhdev", "-", "hello.txt"); string(got) != string(data) {
		t.Fatalf("stored %q", got)
	}
}

func TestMultipartRules(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	tok := e.devToken("upload_file")
	data := random(3*mib+100, 1)
	start := func() uploadInfo {
		t.Helper()
		a, ui := e.begin(tok, "m.bin", true, "", nil)
		expect(t, a, 200, "")
		if ui.UploadID == "" {
			t.Fatalf("no uploadId: %s", a.body)
		}
		return ui
	}
	confirm := func(ui uploadInfo) answer { return e.task("POST", tok, ui.ConfirmKey, "confirm", nil) }

	ui := start()
	expect(t, confirm(ui), 404, "UploadIncomplete") // nothing yet
	expect(t, e.put(ui, 1, data[:mib]), 200, "")
	expect(t, e.put(ui, 3, data[2*mib:]), 200, "")
	a := confirm(ui)
	expect(t, a, 404, "UploadIncomplete") // part 2 is missing
	expect(t, e.put(ui, 2, data[mib:mib+10]), 200, "")
	expect(t, confirm(ui), 400, "MultipartUploadPartTooSmall") // part 2 is not last and < 1 MiB
	expect(t, e.put(ui, 2, data[mib:2*mib]), 200, "")          // a re-PUT replaces the part
	a = e.task("GET", tok, ui.ConfirmKey, "upload", nil)
	expect(t, a, 200, "")
	var st struct {
		Confirmed bool
		Path      []string
		UploadID  string
		Force     bool
		Parts     []struct {
			PartNumber   int
			ETag         string
			Size         int64
			LastModified string
		}
		UploadPartInfo uploadInfo
		Conflict       string `json:"conflictResolutionStrategy"`
	}
	a.decode(t, &st)
	if len(st.Parts) != 3 || st.Parts[1].Size != mib || st.Parts[2].PartNumber != 3 || st.UploadID != ui.UploadID ||
		st.Conflict != "rename" || st.Confirmed || st.Force || st.UploadPartInfo.Path != ui.Path || st.Parts[0].LastModified == "" {
		t.Fatalf("state %s", a.body)
	}
	expect(t, e.task("POST", tok, ui.ConfirmKey, "confirm", map[string]string{"crc64": "12345"}), 400, "BadCrc64")
	expect(t, e.task("POST", tok, ui.ConfirmKey, "confirm", map[string]string{"crc64": "x"}), 400, "InvalidParameter")
	a = e.task("POST", tok, ui.ConfirmKey, "confirm", map[string]any{"labels": []string{"a", "b"}})
	expect(t, a, 200, "")
	var f fileObject
	a.decode(t, &f)
	if f.Size != strconv.Itoa(len(data)) || len(f.Labels) != 2 {
		t.Fatalf("file %s", a.body)
	}
	if got, _ := e.emu.ReadFile("smhdev", "-", "m.bin"); string(got) != string(data) {
		t.Fatal("stored content differs")
	}

	// Only one part, any size, is fine; a declared size must match what arrived.
	_, ui = e.begin(tok, "one.bin", true, "filesize=10", nil)
	expect(t, e.put(ui, 1, data[:9]), 200, "")
	expect(t, confirm(ui), 404, "UploadIncomplete")
	expect(t, e.put(ui, 1, data[:10]), 200, "")
	expect(t, confirm(ui), 200, "")
	// Part numbers: 1..10000; the uploadId must match.
	ui = start()
	expect(t, e.put(ui, 10001, []byte("x")), 400, "InvalidArgument")
	expect(t, e.do("PUT", "http://"+ui.Domain+ui.Path+"?partNumber=0&uploadId="+ui.UploadID, ui.Headers, "x"), 400, "InvalidArgument")
	other := ui
	other.UploadID = "NOPE"
	expect(t, e.put(other, 1, []byte("x")), 403, "SignatureDoesNotMatch") // the signature binds the uploadId
	expect(t, e.put(ui, 10000, []byte("x")), 200, "")
}

func TestRenewAndCancel(t *testing.T) {
	clk := newClock()
	e := newEnv(t, smhemu.Options{Now: clk.Now})
	tok := e.devToken("upload_file")
	a, ui := e.begin(tok, "r.bin", true, "", nil)
	expect(t, a, 200, "")
	clk.Advance(59 * time.Minute)
	expect(t, e.put(ui, 1, []byte("a")), 200, "")
	clk.Advance(time.Minute)
	expect(t, e.put(ui, 1, []byte("a")), 403, "AccessDenied") // expired after 1 h
	a = e.task("POST", tok, ui.ConfirmKey, "renew", nil)
	expect(t, a, 200, "")
	var nu uploadInfo
	a.decode(t, &nu)
	if nu.ConfirmKey != ui.ConfirmKey || nu.Path != ui.Path || nu.UploadID != ui.UploadID || nu.Headers["Authorization"] == ui.Headers["Authorization"] {
		t.Fatalf("renewed info %+v", nu)
	}
	expect(t, e.put(nu, 2, []byte("b")), 200, "")
	expect(t, e.put(ui, 2, []byte("b")), 403, "AccessDenied") // old headers stay expired
	if ups, _ := e.emu.OpenUploads("smhdev", "-"); len(ups) != 1 || len(ups[0].Parts) != 2 {
		t.Fatalf("open uploads %+v", ups)
	}
	expect(t, e.task("DELETE", tok, ui.ConfirmKey, "upload", nil), 204, "")
	expect(t, e.task("DELETE", tok, ui.ConfirmKey, "upload", nil), 404, "UploadNotFound")
	expect(t, e.put(nu, 3, []byte("c")), 404, "NoSuchUpload")
	if ups, _ := e.emu.OpenUploads("smhdev", "-"); len(ups) != 0 {
		t.Fatalf("open uploads after cancel %+v", ups)
	}
	expect(t, e.task("GET", tok, "nosuchkey", "upload", nil), 404, "UploadNotFound")
	expect(t, e.api("POST", "/api/v1/file/smhdev/-/a/b?confirm", tok, nil), 404, "UploadNotFound")
}

func TestConflictNaming(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	tok := e.devToken("upload_file,create_directory")
	force := e.devToken("upload_file_force")
	name := func(a answer) string {
		t.Helper()
		expect(t, a, 200, "")
		var f fileObject
		a.decode(t, &f)
		return f.Name
	}
	for i, want := range []string{"a.tar.gz", "a.tar (1).gz", "a.tar (2).gz"} {
		if got := name(e.upload(tok, "a.tar.gz", []byte{byte(i)}, "")); got != want {
			t.Fatalf("upload %d: %q, want %q", i, got, want)
		}
	}
	for i, want := range []string{"README", "README (1)"} {
		if got := name(e.upload(tok, "README", []byte{byte(i)}, "conflict_resolution_strategy=rename")); got != want {
			t.Fatalf("%q, want %q", got, want)
		}
	}
	if got := name(e.upload(tok, ".env", []byte("1"), "")); got != ".env" {
		t.Fatal(got)
	}
	if got := name(e.upload(tok, ".env", []byte("2"), "")); got != ".env (1)" {
		t.Fatal(got)
	}
	// ask: 409 at begin when the name exists.
	a, _ := e.begin(tok, "a.tar.gz", false, "conflict_resolution_strategy=ask", nil)
	expect(t, a, 409, "SameNameDirectoryOrFileExists")
	// … and at confirm when it appeared meanwhile; the task stays open.
	a, ui := e.begin(tok, "late.txt", false, "conflict_resolution_strategy=ask", nil)
	expect(t, a, 200, "")
	expect(t, e.put(ui, 0, []byte("mine")), 200, "")
	if err := e.emu.PutFile("smhdev", "-", "late.txt", []byte("theirs")); err != nil {
		t.Fatal(err)
	}
	expect(t, e.task("POST", tok, ui.ConfirmKey, "confirm", nil), 409, "SameNameDirectoryOrFileExists")
	// Confirm may choose another strategy: rename.
	if got := name(e.task("POST", tok, ui.ConfirmKey, "confirm&conflict_resolution_strategy=rename", nil)); got != "late (1).txt" {
		t.Fatal(got)
	}
	// overwrite needs a *_force grant, at begin and (for tasks begun without it) at confirm.
	a, _ = e.begin(tok, "late.txt", false, "conflict_resolution_strategy=overwrite", nil)
	expect(t, a, 403, "NoPermission")
	if got := name(e.upload(force, "late.txt", []byte("forced"), "conflict_resolution_strategy=overwrite")); got != "late.txt" {
		t.Fatal(got)
	}
	if got, _ := e.emu.ReadFile("smhdev", "-", "late.txt"); string(got) != "forced" {
		t.Fatalf("overwritten content %q", got)
	}
	_, ui = e.begin(tok, "fresh.txt", false, "", nil)
	expect(t, e.put(ui, 0, []byte("x")), 200, "")
	if err := e.emu.PutFile("smhdev", "-", "fresh.txt", []byte("y")); err != nil {
		t.Fatal(err)
	}
	expect(t, e.task("POST", tok, ui.ConfirmKey, "confirm&conflict_resolution_strategy=overwrite", nil), 403, "NoPermission")
	expect(t, e.task("POST", force, ui.ConfirmKey, "confirm&conflict_resolution_strategy=overwrite", nil), 200, "")
	// A directory is never overwritten by a file.
	expect(t, e.api("PUT", "/api/v1/directory/smhdev/-/dir", tok, nil), 201, "")
	a, _ = e.begin(force, "dir", false, "conflict_resolution_strategy=overwrite", nil)
	expect(t, a, 409, "SameNameDirectoryOrFileExists")
	if got := name(e.upload(tok, "dir", []byte("x"), "")); got != "dir (1)" {
		t.Fatal(got)
	}
	a, _ = e.begin(tok, "x.txt", false, "conflict_resolution_strategy=replace", nil)
	expect(t, a, 400, "InvalidConflictResolutionStrategy")
}

func TestUploadTargets(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	tok := e.devToken("upload_file,create_directory")
	a, _ := e.begin(tok, "no/such/dir/x.txt", false, "", nil)
	expect(t, a, 404, "DirectoryNotFound") // uploads never create parents
	if err := e.emu.PutFile("smhdev", "-", "file.txt", []byte("x")); err != nil {
		t.Fatal(err)
	}
	a, _ = e.begin(tok, "file.txt/x.txt", false, "", nil)
	expect(t, a, 404, "DirectoryNotFound")
	// The parent vanishing before confirm is caught at confirm.
	expect(t, e.api("PUT", "/api/v1/directory/smhdev/-/d", tok, nil), 201, "")
	a, ui := e.begin(tok, "d/x.txt", false, "", nil)
	expect(t, a, 200, "")
	expect(t, e.put(ui, 0, []byte("x")), 200, "")
	expect(t, e.api("DELETE", "/api/v1/directory/smhdev/-/d", e.devToken("delete_directory"), nil), 204, "")
	expect(t, e.task("POST", tok, ui.ConfirmKey, "confirm", nil), 404, "DirectoryNotFound")

	paths := map[string]string{
		"/api/v1/file/smhdev/-":                     "EmptyPath",
		"/api/v1/file/smhdev/-/":                    "EmptyFileName",
		"/api/v1/file/smhdev/-/d/":                  "EmptyFileName",
		"/api/v1/file/smhdev/-/a//b":                "InvalidPath",
		"/api/v1/file/smhdev/-/../b":                "InvalidPath",
		"/api/v1/file/smhdev/-/a%2F%2Fb":            "InvalidPath", // %2F is "/" (TestEncodedPathEdgeCases)
		"/api/v1/file/smhdev/-/a%2F..%2Fb":          "InvalidPath",
		"/api/v1/file/smhdev/-/a%00b":               "InvalidPath",
		"/api/v1/file/smhdev/-/%ff":                 "InvalidPath",
		"/api/v1/file/smhdev/-/" + long(256):        "FileNameLengthExceed",
		"/api/v1/file/smhdev/-/" + long(256) + "/x": "DirectoryNameLengthExceed",
	}
	for p, code := range paths {
		expect(t, e.api("PUT", p, tok, nil), 400, code)
	}
	// 255 characters (not bytes) are fine.
	a, _ = e.begin(tok, longRunes(255), false, "", nil)
	expect(t, a, 200, "")
}

func long(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a'
	}
	return string(b)
}

func longRunes(n int) string {
	s := ""
	for range n {
		s += "é"
	}
	return s
}

func TestMetadataAndQuota(t *testing.T) {
	libs := []smhemu.Library{{ID: "q", Secret: "s", Kind: smhemu.KindFile, QuotaBytes: 100}}
	e := newEnv(t, smhemu.Options{Libraries: libs})
	tok := e.token("q", "s", "grant=upload_file")
	hdr := map[string]string{"x-smh-meta-owner": "ann", "X-Smh-Meta-Case": "Kept"}
	a := e.do("PUT", withToken("/api/v1/file/q/-/m.txt?filesize=10", tok), hdr, map[string]any{
		"labels": []string{"l1"}, "category": "doc", "localCreationTime": "2020-01-01T00:00:00.000Z"})
	expect(t, a, 200, "")
	var ui uploadInfo
	a.decode(t, &ui)
	expect(t, e.put(ui, 0, make([]byte, 10)), 200, "")
	a = e.api("POST", "/api/v1/file/q/-/"+ui.ConfirmKey+"?confirm", tok, nil)
	expect(t, a, 200, "")
	var f fileObject
	a.decode(t, &f)
	if f.MetaData["x-smh-meta-owner"] != "ann" || f.MetaData["x-smh-meta-case"] != "Kept" || len(f.Labels) != 1 {
		t.Fatalf("metadata %s", a.body)
	}
	a = e.api("GET", "/api/v1/file/q/-/m.txt?info", tok, nil)
	a.decode(t, &f)
	if f.MetaData["x-smh-meta-owner"] != "ann" {
		t.Fatalf("info %s", a.body)
	}
	// 10 of 100 bytes used: 91 more announced is refused at begin.
	expect(t, e.api("PUT", "/api/v1/file/q/-/big.bin?filesize=91", tok, nil), 403, "LibraryQuotaLimitReached")
	expect(t, e.api("PUT", "/api/v1/file/q/-/ok.bin?filesize=90", tok, nil), 200, "")
	// Without filesize the quota is checked at confirm.
	a = e.api("PUT", "/api/v1/file/q/-/late.bin", tok, nil)
	a.decode(t, &ui)
	expect(t, e.put(ui, 0, make([]byte, 91)), 200, "")
	expect(t, e.api("POST", "/api/v1/file/q/-/"+ui.ConfirmKey+"?confirm", tok, nil), 403, "LibraryQuotaLimitReached")
}
