package smhemu_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/ferry-upload/ferry/shared/smhemu"
)

type listingJSON struct {
	Path        []string
	FileCount   int
	SubDirCount int
	TotalNum    int
	NextMarker  string
	Contents    []struct {
		Name, Type, ETag, Crc64, CreationTime, ModificationTime string
		Size                                                    *int64
	}
}

func names(l listingJSON) string {
	var n []string
	for _, c := range l.Contents {
		n = append(n, c.Name)
	}
	return strings.Join(n, ",")
}

func TestDirectories(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	tok := e.devToken("create_directory,upload_file")
	expect(t, e.api("PUT", "/api/v1/directory/smhdev/-/a/b/c", tok, nil), 201, "") // with parents
	expect(t, e.api("HEAD", "/api/v1/directory/smhdev/-/a/b", tok, nil), 200, "")
	a := e.api("HEAD", "/api/v1/directory/smhdev/-/a/x", tok, nil)
	if a.status != 404 || len(a.body) != 0 {
		t.Fatalf("HEAD missing: %d %q", a.status, a.body)
	}
	expect(t, e.api("PUT", "/api/v1/directory/smhdev/-/a/b/c", tok, nil), 409, "SameNameDirectoryOrFileExists") // ask
	a = e.api("PUT", "/api/v1/directory/smhdev/-/a/b/c?conflict_resolution_strategy=rename", tok, nil)
	expect(t, a, 201, "")
	var made struct {
		Path         []string
		CreationTime string
	}
	a.decode(t, &made)
	if strings.Join(made.Path, "/") != "a/b/c (1)" || made.CreationTime == "" {
		t.Fatalf("rename: %s", a.body)
	}
	expect(t, e.api("PUT", "/api/v1/directory/smhdev/-/a/b/c?conflict_resolution_strategy=overwrite", tok, nil), 400, "InvalidConflictResolutionStrategy")
	if err := e.emu.PutFile("smhdev", "-", "a/f.txt", []byte("x")); err != nil {
		t.Fatal(err)
	}
	expect(t, e.api("PUT", "/api/v1/directory/smhdev/-/a/f.txt/sub?conflict_resolution_strategy=rename", tok, nil), 409, "SameNameDirectoryOrFileExists")
	expect(t, e.api("PUT", "/api/v1/directory/smhdev/-/a/f.txt", tok, nil), 409, "SameNameDirectoryOrFileExists")
	a = e.api("PUT", "/api/v1/directory/smhdev/-/a/f.txt?conflict_resolution_strategy=rename", tok, nil)
	a.decode(t, &made)
	if strings.Join(made.Path, "/") != "a/f (1).txt" {
		t.Fatalf("rename beside a file: %s", a.body)
	}
	expect(t, e.api("PUT", "/api/v1/directory/smhdev/-/", tok, nil), 400, "EmptyPath")
	expect(t, e.api("PUT", "/api/v1/directory/smhdev/-/x", tok, `{"from":"a"}`), 501, "NotImplemented")

	a = e.api("GET", "/api/v1/directory/smhdev/-/a?info", tok, nil)
	expect(t, a, 200, "")
	if !strings.Contains(string(a.body), `"type":"dir"`) || !strings.Contains(string(a.body), `"path":["a"]`) {
		t.Fatalf("info %s", a.body)
	}
	expect(t, e.api("GET", "/api/v1/directory/smhdev/-/a/f.txt?info", tok, nil), 404, "DirectoryNotFound")
	expect(t, e.api("GET", "/api/v1/directory/smhdev/-/a/f.txt", tok, nil), 404, "DirectoryNotFound")
	expect(t, e.api("GET", "/api/v1/directory/smhdev/-/?info", tok, nil), 200, "")

	a = e.api("GET", "/api/v1/directory/smhdev/-/a", tok, nil)
	var l listingJSON
	a.decode(t, &l)
	if names(l) != "b,f (1).txt,f.txt" || l.FileCount != 1 || l.SubDirCount != 2 || l.TotalNum != 3 || l.Contents[2].Size == nil || *l.Contents[2].Size != 1 || l.Contents[2].Crc64 == "" {
		t.Fatalf("listing %s", a.body)
	}
	// Delete: a directory and all it holds.
	expect(t, e.api("DELETE", "/api/v1/directory/smhdev/-/a", e.devToken("delete_directory"), nil), 204, "")
	expect(t, e.api("HEAD", "/api/v1/directory/smhdev/-/a/b/c", tok, nil), 404, "")
	expect(t, e.api("DELETE", "/api/v1/directory/smhdev/-/a", e.devToken("delete_directory"), nil), 404, "DirectoryNotFound")
	expect(t, e.api("DELETE", "/api/v1/directory/smhdev/-/", e.devToken("delete_directory"), nil), 400, "EmptyPath")
	if files, _ := e.emu.Files("smhdev", ""); len(files) != 0 {
		t.Fatalf("files left: %+v", files)
	}
}

func TestListPaging(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	tok := e.devToken("")
	for i := range 25 {
		if err := e.emu.PutFile("smhdev", "-", fmt.Sprintf("p/f%02d.txt", i), make([]byte, i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.emu.MakeDir("smhdev", "-", "p/zdir"); err != nil {
		t.Fatal(err)
	}
	list := func(q string) listingJSON {
		t.Helper()
		a := e.api("GET", "/api/v1/directory/smhdev/-/p/"+q, tok, nil)
		expect(t, a, 200, "")
		var l listingJSON
		a.decode(t, &l)
		return l
	}
	l := list("")
	if len(l.Contents) != 20 || l.TotalNum != 26 || l.Contents[0].Name != "zdir" || l.NextMarker != "" {
		t.Fatalf("default page: %d of %d, first %s", len(l.Contents), l.TotalNum, l.Contents[0].Name)
	}
	if l = list("?page=2&page_size=20"); len(l.Contents) != 6 || l.Contents[5].Name != "f24.txt" {
		t.Fatalf("page 2: %s", names(l))
	}
	if l = list("?page=9&page_size=20"); len(l.Contents) != 0 {
		t.Fatalf("page 9: %s", names(l))
	}
	var all []string
	marker := ""
	for pages := 0; ; pages++ {
		l = list("?limit=10&marker=" + marker)
		all = append(all, names(l))
		if l.NextMarker == "" {
			if pages != 2 {
				t.Fatalf("marker paging took %d pages", pages+1)
			}
			break
		}
		marker = l.NextMarker
	}
	if strings.Count(strings.Join(all, ","), ",") != 25 {
		t.Fatalf("marker paging saw %v", all)
	}
	if l = list("?offset=24&limit=5"); names(l) != "f23.txt,f24.txt" {
		t.Fatalf("offset: %s", names(l))
	}
	if l = list("?filter=onlyDir"); names(l) != "zdir" || l.FileCount != 25 {
		t.Fatalf("onlyDir: %s", names(l))
	}
	if l = list("?filter=onlyFile&order_by=size&order_by_type=desc&page_size=2"); names(l) != "f24.txt,f23.txt" {
		t.Fatalf("by size desc: %s", names(l))
	}
	if l = list("?order_by=name&order_by_type=desc&page_size=1"); names(l) != "zdir" {
		t.Fatalf("by name desc: %s", names(l))
	}
	for _, q := range []string{"?page=0", "?page_size=1001", "?limit=0&marker=", "?marker=99", "?order_by=color", "?filter=all", "?page=x"} {
		expect(t, e.api("GET", "/api/v1/directory/smhdev/-/p/"+q, tok, nil), 400, "InvalidParameter")
	}
}

func TestFiles(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	tok := e.devToken("")
	data := random(3000, 7)
	if err := e.emu.PutFile("smhdev", "-", "docs/r é#%.pdf", data); err != nil {
		t.Fatal(err)
	}
	p := "/api/v1/file/smhdev/-/docs/r%20%C3%A9%23%25.pdf"
	a := e.api("GET", p+"?info", tok, nil)
	expect(t, a, 200, "")
	var f fileObject
	a.decode(t, &f)
	if f.Name != "r é#%.pdf" || f.Size != "3000" || f.ContentType != "application/pdf" || f.CosURL == "" || f.Crc64 == "" {
		t.Fatalf("info %s", a.body)
	}
	// The cosUrl serves the bytes, with ranges.
	got := e.do("GET", f.CosURL, nil, nil)
	if got.status != 200 || string(got.body) != string(data) || got.header.Get("x-cos-hash-crc64ecma") != f.Crc64 {
		t.Fatalf("cosUrl: %d", got.status)
	}
	got = e.do("GET", f.CosURL, map[string]string{"Range": "bytes=10-19"}, nil)
	if got.status != 206 || string(got.body) != string(data[10:20]) {
		t.Fatalf("range: %d", got.status)
	}
	expect(t, e.do("GET", strings.Replace(f.CosURL, "q-signature=", "q-signature=1", 1), nil, nil), 403, "SignatureDoesNotMatch")
	expect(t, e.do("GET", strings.Replace(f.CosURL, ".pdf", ".pdg", 1), nil, nil), 403, "SignatureDoesNotMatch")
	// Download answers 302 to the data plane.
	noRedirect := *e.hc
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noRedirect.Get(withToken(e.base+p, tok))
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 302 || !strings.Contains(resp.Header.Get("Location"), "/cos/dl/smhdev/-/docs/") {
		t.Fatalf("download: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if a = e.api("GET", p, tok, nil); string(a.body) != string(data) {
		t.Fatal("download content differs")
	}
	a = e.api("HEAD", p, tok, nil)
	if a.status != 200 || a.header.Get("ETag") != f.ETag {
		t.Fatalf("HEAD %d %v", a.status, a.header)
	}
	expect(t, e.api("HEAD", "/api/v1/file/smhdev/-/docs/none.pdf", tok, nil), 404, "")
	expect(t, e.api("GET", "/api/v1/file/smhdev/-/docs?info", tok, nil), 404, "FileNotFound")
	expect(t, e.api("GET", "/api/v1/file/smhdev/-/docs/none.pdf", tok, nil), 404, "FileNotFound")
	expect(t, e.api("GET", p+"?preview", tok, nil), 501, "NotImplemented")
	expect(t, e.api("GET", p+"?info&upload", tok, nil), 400, "InvalidParameter")
	expect(t, e.api("POST", p, tok, nil), 400, "InvalidParameter")
	expect(t, e.api("PATCH", p, tok, nil), 405, "MethodNotAllowed")
	del := e.devToken("delete_file")
	expect(t, e.api("DELETE", p, del, nil), 204, "")
	expect(t, e.api("DELETE", p, del, nil), 404, "FileNotFound")
	expect(t, e.do("GET", f.CosURL, nil, nil), 404, "NoSuchKey")
	expect(t, e.api("DELETE", "/api/v1/file/smhdev/-/docs", del, nil), 404, "FileNotFound")
}
