package smhemu_test

import (
	"fmt"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/ferry-upload/ferry/shared/smhemu"
)

// TestGrantMatrix runs every endpoint with a token of each single grant (and of none) and
// checks it is let through exactly by the grants the reference names.
func TestGrantMatrix(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	adm, err := e.emu.IssueToken("smhdev", smhemu.TokenRequest{Grants: []string{"admin"}})
	must(err)
	must(e.emu.MakeDir("smhdev", "-", "/g"))
	var seq atomic.Int64
	fresh := func(ext string) string { return fmt.Sprintf("g/f%d.%s", seq.Add(1), ext) }
	// openTask begins a multipart upload with the admin token, with one part sent.
	openTask := func() uploadInfo {
		_, ui := e.begin(adm, fresh("bin"), true, "", nil)
		expect(t, e.put(ui, 1, []byte("abc")), 200, "")
		return ui
	}
	begin := []string{"admin", "space_admin", "upload_file", "upload_file_force", "begin_upload", "begin_upload_force"}
	confirm := []string{"admin", "space_admin", "upload_file", "upload_file_force", "confirm_upload"}
	endpoints := []struct {
		name    string
		allowed []string // nil: any valid token, read-only included
		media   bool     // smhmedia endpoints (space operations)
		status  int
		run     func(tok string) answer
	}{
		{"begin simple", begin, false, 200, func(tok string) answer { a, _ := e.begin(tok, fresh("bin"), false, "", nil); return a }},
		{"begin multipart", begin, false, 200, func(tok string) answer { a, _ := e.begin(tok, fresh("bin"), true, "", nil); return a }},
		{"begin overwrite", []string{"admin", "space_admin", "upload_file_force", "begin_upload_force"}, false, 200, func(tok string) answer {
			p := fresh("bin")
			must(e.emu.PutFile("smhdev", "-", p, []byte("old")))
			a, _ := e.begin(tok, p, true, "conflict_resolution_strategy=overwrite", nil)
			return a
		}},
		{"renew", begin, false, 200, func(tok string) answer { return e.task("POST", tok, openTask().ConfirmKey, "renew", nil) }},
		{"state", append(slices.Clone(begin), "confirm_upload"), false, 200, func(tok string) answer {
			return e.task("GET", tok, openTask().ConfirmKey, "upload", nil)
		}},
		{"cancel", begin, false, 204, func(tok string) answer { return e.task("DELETE", tok, openTask().ConfirmKey, "upload", nil) }},
		{"confirm", confirm, false, 200, func(tok string) answer { return e.task("POST", tok, openTask().ConfirmKey, "confirm", nil) }},
		{"create directory", []string{"admin", "space_admin", "create_directory"}, false, 201, func(tok string) answer {
			return e.api("PUT", "/api/v1/directory/smhdev/-/"+fresh("d"), tok, nil)
		}},
		{"list", nil, false, 200, func(tok string) answer { return e.api("GET", "/api/v1/directory/smhdev/-/g", tok, nil) }},
		{"directory info", nil, false, 200, func(tok string) answer { return e.api("GET", "/api/v1/directory/smhdev/-/g?info", tok, nil) }},
		{"directory HEAD", nil, false, 200, func(tok string) answer { return e.api("HEAD", "/api/v1/directory/smhdev/-/g", tok, nil) }},
		{"delete directory", []string{"admin", "space_admin", "delete_directory"}, false, 204, func(tok string) answer {
			d := fresh("d")
			must(e.emu.MakeDir("smhdev", "-", d))
			return e.api("DELETE", "/api/v1/directory/smhdev/-/"+d, tok, nil)
		}},
		{"delete directory permanently", []string{"admin", "space_admin", "delete_directory_permanent"}, false, 204, func(tok string) answer {
			d := fresh("d")
			must(e.emu.MakeDir("smhdev", "-", d))
			return e.api("DELETE", "/api/v1/directory/smhdev/-/"+d+"?permanent=1", tok, nil)
		}},
		{"file info", nil, false, 200, func(tok string) answer {
			p := fresh("txt")
			must(e.emu.PutFile("smhdev", "-", p, []byte("x")))
			return e.api("GET", "/api/v1/file/smhdev/-/"+p+"?info", tok, nil)
		}},
		{"file HEAD", nil, false, 200, func(tok string) answer {
			p := fresh("txt")
			must(e.emu.PutFile("smhdev", "-", p, []byte("x")))
			return e.api("HEAD", "/api/v1/file/smhdev/-/"+p, tok, nil)
		}},
		{"download", nil, false, 200, func(tok string) answer {
			p := fresh("txt")
			must(e.emu.PutFile("smhdev", "-", p, []byte("x")))
			return e.api("GET", "/api/v1/file/smhdev/-/"+p, tok, nil) // follows the 302
		}},
		{"delete file", []string{"admin", "space_admin", "delete_file"}, false, 204, func(tok string) answer {
			p := fresh("txt")
			must(e.emu.PutFile("smhdev", "-", p, []byte("x")))
			return e.api("DELETE", "/api/v1/file/smhdev/-/"+p, tok, nil)
		}},
		{"delete file permanently", []string{"admin", "space_admin", "delete_file_permanent"}, false, 204, func(tok string) answer {
			p := fresh("txt")
			must(e.emu.PutFile("smhdev", "-", p, []byte("x")))
			return e.api("DELETE", "/api/v1/file/smhdev/-/"+p+"?permanent=1", tok, nil)
		}},
		{"create space", []string{"admin", "create_space"}, true, 201, func(tok string) answer {
			return e.api("POST", "/api/v1/space/smhmedia", tok, nil)
		}},
		{"list spaces", []string{"admin", "create_space", "delete_space"}, true, 200, func(tok string) answer {
			return e.api("GET", "/api/v1/space/smhmedia/list", tok, nil)
		}},
		{"delete space", []string{"admin", "delete_space"}, true, 204, func(tok string) answer {
			id, err := e.emu.CreateSpace("smhmedia")
			must(err)
			return e.api("DELETE", "/api/v1/space/smhmedia/"+id, tok, nil)
		}},
	}
	grants := append([]string{""}, smhemu.Grants...)
	if len(smhemu.Grants) != 27 {
		t.Fatalf("%d grants, want the 26 of the token API plus acl", len(smhemu.Grants))
	}
	tokens := map[string][2]string{} // grant → {smhdev token, smhmedia token}
	for _, g := range grants {
		var gs []string
		if g != "" {
			gs = []string{g}
		}
		dev, err := e.emu.IssueToken("smhdev", smhemu.TokenRequest{Grants: gs})
		must(err)
		mreq := smhemu.TokenRequest{Grants: gs, Spaces: []string{"space1"}}
		if g == "admin" || g == "create_space" || g == "delete_space" {
			mreq.Spaces = nil
		}
		media, err := e.emu.IssueToken("smhmedia", mreq)
		must(err)
		tokens[g] = [2]string{dev, media}
	}
	for _, ep := range endpoints {
		t.Run(ep.name, func(t *testing.T) {
			for _, g := range grants {
				tok := tokens[g][0]
				if ep.media {
					tok = tokens[g][1]
				}
				a := ep.run(tok)
				if ep.allowed == nil || slices.Contains(ep.allowed, g) {
					if a.status != ep.status {
						t.Errorf("grant %q: got %d %s, want %d", g, a.status, a.body, ep.status)
					}
				} else if a.status != 403 || (ep.name != "directory HEAD" && a.code() != "NoPermission") {
					t.Errorf("grant %q: got %d %s, want 403 NoPermission", g, a.status, a.body)
				}
			}
		})
	}
}

// TestQuickUploadNeedsConfirmGrant: a full-hash match completes at begin only for a token
// that may confirm; begin_upload* alone gets upload info, so its backend must confirm.
func TestQuickUploadNeedsConfirmGrant(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	data := pattern(2621440)
	if err := e.emu.PutFile("smhdev", "-", "/orig.bin", data); err != nil {
		t.Fatal(err)
	}
	body := map[string]any{"size": len(data), "beginningHash": vectorBeginning, "fullHash": vectorFull}
	for _, g := range []string{"admin", "space_admin", "upload_file", "upload_file_force", "begin_upload", "begin_upload_force"} {
		a, _ := e.begin(e.devToken(g), "copy-"+g+".bin", false, "", body)
		want := 200
		if g == "begin_upload" || g == "begin_upload_force" {
			want = 201
		}
		if a.status != want {
			t.Errorf("grant %s: %d %s, want %d", g, a.status, a.body, want)
		}
	}
}
