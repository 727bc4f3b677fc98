package smhemu_test

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/shared/smhemu"
)

func TestDataPlaneChecks(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	tok := e.devToken("upload_file")
	_, ui := e.begin(tok, "d.bin", true, "", nil)
	target := "http://" + ui.Domain + ui.Path + "?partNumber=1&uploadId=" + ui.UploadID
	without := func(drop string) map[string]string {
		h := map[string]string{}
		for k, v := range ui.Headers {
			if k != drop {
				h[k] = v
			}
		}
		return h
	}
	expect(t, e.do("PUT", target, without("Authorization"), "x"), 403, "AccessDenied")
	expect(t, e.do("PUT", target, without("x-cos-security-token"), "x"), 403, "AccessDenied")
	tampered := without("")
	tampered["Authorization"] = strings.Replace(ui.Headers["Authorization"], "q-signature=", "q-signature=0", 1)
	expect(t, e.do("PUT", target, tampered, "x"), 403, "SignatureDoesNotMatch")
	// Extending the expiry in the header breaks the signature.
	tampered["Authorization"] = strings.Replace(ui.Headers["Authorization"], ";", ";9", 1)
	expect(t, e.do("PUT", target, tampered, "x"), 403, "SignatureDoesNotMatch")
	// The signature binds the object path.
	_, other := e.begin(tok, "other.bin", true, "", nil)
	expect(t, e.do("PUT", "http://"+other.Domain+other.Path+"?partNumber=1&uploadId="+ui.UploadID, ui.Headers, "x"), 403, "SignatureDoesNotMatch")
	// A multipart task takes no simple PUT.
	expect(t, e.put(ui, 0, []byte("x")), 403, "SignatureDoesNotMatch")
	// Errors are COS XML with a request id, also in x-cos-request-id.
	a := e.do("PUT", target, without("Authorization"), "x")
	if !strings.Contains(string(a.body), "<Error><Code>AccessDenied</Code>") || a.header.Get("x-cos-request-id") == "" ||
		!strings.Contains(string(a.body), "<RequestId>"+a.header.Get("X-Request-Id")+"</RequestId>") {
		t.Fatalf("XML error: %s %v", a.body, a.header)
	}
	// Chunked (no Content-Length) is refused like COS does.
	req, _ := http.NewRequest("PUT", target, strings.NewReader("abc"))
	req.ContentLength = -1
	for k, v := range ui.Headers {
		req.Header.Set(k, v)
	}
	resp, err := e.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 411 {
		t.Fatalf("chunked PUT: %d", resp.StatusCode)
	}
	// Only PUT, GET and HEAD exist on the data plane; only upload keys take PUTs.
	expect(t, e.do("POST", target, ui.Headers, "x"), 405, "MethodNotAllowed")
	expect(t, e.do("PUT", e.base+"/cos/dl/x", ui.Headers, "x"), 403, "AccessDenied")
	// Success: ETag and the CRC-64 of the body.
	data := []byte("123456789")
	a = e.put(ui, 1, data)
	expect(t, a, 200, "")
	if a.header.Get("x-cos-hash-crc64ecma") != "11051210869376104954" {
		t.Fatalf("crc header %q", a.header.Get("x-cos-hash-crc64ecma"))
	}
}

func TestUploadSignatureExpiry(t *testing.T) {
	clk := newClock()
	e := newEnv(t, smhemu.Options{Now: clk.Now})
	tok := e.devToken("upload_file")
	_, ui := e.begin(tok, "x.bin", true, "", nil)
	exp, err := time.Parse("2006-01-02T15:04:05.000Z", ui.Expiration)
	if err != nil || !exp.Equal(clk.Now().Add(time.Hour)) {
		t.Fatalf("expiration %q (%v)", ui.Expiration, err)
	}
	// POST /_emulator/expire {"uploads":true}: every signature so far expires now.
	expect(t, e.do("POST", "/_emulator/expire", nil, `{"uploads":true}`), 200, "")
	a := e.put(ui, 1, []byte("x"))
	expect(t, a, 403, "AccessDenied")
	if !strings.Contains(string(a.body), "<Message>Request has expired</Message>") {
		t.Fatalf("body %s", a.body)
	}
	a = e.task("POST", tok, ui.ConfirmKey, "renew", nil)
	var nu uploadInfo
	a.decode(t, &nu)
	expect(t, e.put(nu, 1, []byte("x")), 200, "")
	// The expireUploadAfter fault shortens the validity of new signatures.
	if err := e.emu.SetFaults(smhemu.FaultConfig{ExpireUploadAfter: smhemu.Duration(5 * time.Second)}); err != nil {
		t.Fatal(err)
	}
	a = e.task("POST", tok, ui.ConfirmKey, "renew", nil)
	a.decode(t, &nu)
	if nu.Expiration != clk.Now().Add(5*time.Second).Format("2006-01-02T15:04:05.000Z") {
		t.Fatalf("expiration under the fault: %s", nu.Expiration)
	}
	clk.Advance(4 * time.Second)
	expect(t, e.put(nu, 2, []byte("y")), 200, "")
	clk.Advance(time.Second)
	expect(t, e.put(nu, 2, []byte("y")), 403, "AccessDenied")
}

// rawPut sends a PUT whose body stops short of its Content-Length, then closes (what was
// sent stays readable to the server before the end of the stream).
func rawPut(t *testing.T, base string, ui uploadInfo, part int, declared int, send []byte) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(conn)
	fmt.Fprintf(w, "PUT %s?partNumber=%d&uploadId=%s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n", ui.Path, part, ui.UploadID, ui.Domain, declared)
	for k, v := range ui.Headers {
		fmt.Fprintf(w, "%s: %s\r\n", k, v)
	}
	w.WriteString("\r\n")
	w.Write(send)
	w.Flush()
	conn.Close()
}

func TestShortBodyStoresNothing(t *testing.T) {
	e := newEnv(t, smhemu.Options{DataDir: t.TempDir()})
	tok := e.devToken("upload_file")
	_, ui := e.begin(tok, "s.bin", true, "", nil)
	expect(t, e.put(ui, 1, []byte("good part")), 200, "")
	rawPut(t, e.base, ui, 1, 1000, []byte("only a little"))
	rawPut(t, e.base, ui, 2, 1000, []byte("only a little"))
	waitFor(t, "both short bodies to be answered", func() bool {
		return e.emu.Stats().Requests["PUT /cos/{objectKey}?partNumber&uploadId"]["400"] == 2
	})
	ups, _ := e.emu.OpenUploads("smhdev", "-")
	if len(ups) != 1 || len(ups[0].Parts) != 1 || ups[0].Size != int64(len("good part")) {
		t.Fatalf("after short bodies: %+v", ups)
	}
	a := e.task("POST", tok, ui.ConfirmKey, "confirm", nil)
	expect(t, a, 200, "")
	got, _ := e.emu.ReadFile("smhdev", "-", "s.bin")
	if string(got) != "good part" {
		t.Fatalf("content %q", got)
	}
	// bytesReceived counts what was read, the short bodies included.
	st := e.emu.Stats()
	if want := uint64(len("good part") + 2*len("only a little")); st.DataPlane.BytesReceived != want ||
		st.DataPlane.ByUpload[ui.ConfirmKey].BytesReceived != want || st.DataPlane.ByUpload[ui.ConfirmKey].Path != "/s.bin" {
		t.Fatalf("stats %+v, want %d bytes", st.DataPlane, want)
	}
	if st.DataPlane.ByUpload[ui.ConfirmKey].Size != int64(len("good part")) {
		t.Fatalf("size %+v", st.DataPlane.ByUpload[ui.ConfirmKey])
	}
	// bytesStored counts only bodies that were kept.
	if st.DataPlane.ByUpload[ui.ConfirmKey].BytesStored != uint64(len("good part")) {
		t.Fatalf("bytesStored %+v", st.DataPlane.ByUpload[ui.ConfirmKey])
	}
}

// TestBytesStoredCountsEveryStore: a part stored twice counts twice in bytesStored (so a
// test can tell parts sent again after they were stored), while refused and faulted bodies
// count only in bytesReceived.
func TestBytesStoredCountsEveryStore(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	tok := e.devToken("upload_file")
	_, ui := e.begin(tok, "twice.bin", true, "", nil)
	part := bytes.Repeat([]byte("p"), 1<<20)
	expect(t, e.put(ui, 1, part), 200, "")
	expect(t, e.put(ui, 1, part), 200, "")
	if err := e.emu.SetFaults(smhemu.FaultConfig{Seed: 1, DataPlane: smhemu.PlaneFaults{Rate: 1, Kinds: []string{"500"}}}); err != nil {
		t.Fatal(err)
	}
	expect(t, e.put(ui, 2, []byte("tail")), 500, "InternalError")
	if err := e.emu.SetFaults(smhemu.FaultConfig{}); err != nil {
		t.Fatal(err)
	}
	expect(t, e.put(ui, 2, []byte("tail")), 200, "")
	u := e.emu.Stats().DataPlane.ByUpload[ui.ConfirmKey]
	if u.BytesStored != 2<<20+4 || u.BytesReceived != 2<<20+8 || u.Size != 1<<20+4 {
		t.Fatalf("stats %+v", u)
	}
}

func TestDataPlaneLimits(t *testing.T) {
	e := newEnv(t, smhemu.Options{})
	tok := e.devToken("upload_file")
	_, ui := e.begin(tok, "huge.bin", true, "traffic_limit=819200", nil)
	if ui.Headers["x-cos-traffic-limit"] != "819200" {
		t.Fatalf("headers %v", ui.Headers)
	}
	// A part over 5 GiB is refused at once, without reading its body.
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "PUT %s?partNumber=1&uploadId=%s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n", ui.Path, ui.UploadID, ui.Domain, int64(6)<<30)
	for k, v := range ui.Headers {
		fmt.Fprintf(conn, "%s: %s\r\n", k, v)
	}
	fmt.Fprint(conn, "\r\n")
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("6 GiB part: %d", resp.StatusCode)
	}
}
