package smhemu_test

import (
	"testing"

	"github.com/ferry-upload/ferry/shared/smhemu"
)

// The 2.5 MiB vector of provider-apis.md §4.4: b[i] = i mod 251.
const (
	vectorSize      = 2621440
	vectorBeginning = "631b84027d6b9e52b539c4e8373622d23032dfadc64d60af87339c9037e4f769"
	vectorFull      = "483331f3e83bf691c43937e1a06352ac6da956bc63ee50d76a9b29b4d0508d60"
	vectorCRC       = "10547624972659972547"
)

// TestQuickUploadVectors uploads the vector in two parts, then quick-uploads it again.
func TestQuickUploadVectors(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	tok := e.devToken("upload_file")
	data := pattern(vectorSize)

	// No stored file yet: a hash gives 201 + upload info; the bytes go up in two parts.
	a, ui := e.begin(tok, "v.bin", true, "", map[string]any{"size": vectorSize, "beginningHash": vectorBeginning})
	expect(t, a, 201, "")
	expect(t, e.put(ui, 1, data[:2<<20]), 200, "")
	expect(t, e.put(ui, 2, data[2<<20:]), 200, "")
	a = e.task("POST", tok, ui.ConfirmKey, "confirm", map[string]string{"crc64": vectorCRC})
	expect(t, a, 200, "")
	var f fileObject
	a.decode(t, &f)
	if f.Crc64 != vectorCRC || f.Size == "" {
		t.Fatalf("confirm: %+v", f)
	}

	// size + beginningHash match: 202, no task.
	a, _ = e.begin(tok, "again.bin", false, "", map[string]any{"size": "2621440", "beginningHash": vectorBeginning})
	expect(t, a, 202, "")
	// fullHash matches too: 200 + file object; no upload task, no bytes.
	a, _ = e.begin(tok, "again.bin", true, "", map[string]any{"size": vectorSize, "beginningHash": vectorBeginning, "fullHash": vectorFull, "labels": []string{"x"}})
	expect(t, a, 200, "")
	var q fileObject
	a.decode(t, &q)
	if q.Name != "again.bin" || q.Crc64 != vectorCRC || q.Size != "2621440" || len(q.Labels) != 1 {
		t.Fatalf("quick upload answer: %s", a.body)
	}
	if got, _ := e.emu.ReadFile("smhdev", "-", "/again.bin"); string(got) != string(data) {
		t.Fatal("quick-uploaded file has other content")
	}
	// Conflict handling applies to quick uploads too (rename is the default).
	a, _ = e.begin(tok, "again.bin", true, "", map[string]any{"size": vectorSize, "beginningHash": vectorBeginning, "fullHash": vectorFull})
	a.decode(t, &q)
	if a.status != 200 || q.Name != "again (1).bin" {
		t.Fatalf("quick upload rename: %d %s", a.status, a.body)
	}
	a, _ = e.begin(tok, "again.bin", true, "conflict_resolution_strategy=ask", map[string]any{"size": vectorSize, "beginningHash": vectorBeginning, "fullHash": vectorFull})
	expect(t, a, 409, "SameNameDirectoryOrFileExists")

	// Misses: other size, other beginning, other full hash → 201 upload info.
	misses := []map[string]any{
		{"size": vectorSize - 1, "beginningHash": vectorBeginning},
		{"size": vectorSize, "beginningHash": vectorFull},
		{"size": vectorSize, "beginningHash": vectorBeginning, "fullHash": vectorBeginning},
	}
	for _, m := range misses {
		a, ui := e.begin(tok, "miss.bin", false, "", m)
		if a.status != 201 || ui.ConfirmKey == "" {
			t.Errorf("%v: %d %s", m, a.status, a.body)
		}
	}
	// No hash → 200 upload info.
	a, ui = e.begin(tok, "plain.bin", false, "", map[string]any{"size": 3})
	if a.status != 200 || ui.ConfirmKey == "" {
		t.Fatalf("no hash: %d %s", a.status, a.body)
	}
	// Stored files: three copies of the vector with the reference's digests.
	files, err := e.emu.Files("smhdev", "-")
	if err != nil || len(files) != 3 {
		t.Fatalf("files %v %v", files, err)
	}
	for _, f := range files {
		if f.CRC64 != vectorCRC || f.Size != vectorSize {
			t.Errorf("%+v", f)
		}
	}
}

func TestBeginBodyValidation(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	tok := e.devToken("upload_file")
	cases := []any{
		`{"beginningHash":"` + vectorBeginning + `"}`, // no size
		`{"size":1,"fullHash":"` + vectorFull + `"}`,  // full without beginning
		`{"size":1,"beginningHash":"abc"}`,            // not a SHA-256
		`{"size":-1}`,                                 // negative
		`{"size":"x"}`,                                // not a number
		`not json`,                                    // not JSON
		`{"size":1}{"size":2}`,                        // two values
	}
	for _, c := range cases {
		a, _ := e.begin(tok, "x.bin", false, "", c)
		expect(t, a, 400, "InvalidParameter")
	}
	a, _ := e.begin(tok, "x.bin", false, "filesize=5", `{"size":6}`)
	expect(t, a, 400, "InvalidParameter")
	a, _ = e.begin(tok, "x.bin", false, "filesize=-1", nil)
	expect(t, a, 400, "InvalidParameter")
	a, _ = e.begin(tok, "x.bin", false, "", `{"from":"a.bin"}`)
	expect(t, a, 501, "NotImplemented")
}
