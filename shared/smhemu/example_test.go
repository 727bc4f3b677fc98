package smhemu_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"

	"github.com/ferry-upload/ferry/shared/smhemu"
)

// call sends a request and decodes a JSON answer into out (when out is not nil).
func call(hc *http.Client, method, url string, headers map[string]string, body []byte, out any) *http.Response {
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		log.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := hc.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		log.Fatalf("%s %s: %s %s", method, url, resp.Status, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			log.Fatal(err)
		}
	}
	return resp
}

// ExampleServer walks an upload through the emulator: token, begin multipart, two parts
// to the data plane, confirm, list.
func ExampleServer() {
	srv, err := smhemu.NewServer(smhemu.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	hc, api := srv.HTTPClient(), srv.URL()+"/api/v1"

	// A token of the default file library that may upload (begin and confirm).
	var token struct {
		AccessToken string
		ExpiresIn   int
	}
	call(hc, "GET", api+"/token?library_id=smhdev&library_secret=devsecret&grant=upload_file", nil, nil, &token)
	fmt.Println("token valid for", token.ExpiresIn, "s")
	auth := map[string]string{"Authorization": "Bearer " + token.AccessToken}

	// Begin a multipart upload: the answer says where the bytes go and with which headers.
	var info struct {
		Domain, Path, UploadID, ConfirmKey string
		Headers                            map[string]string
	}
	call(hc, "POST", api+"/file/smhdev/-/report.bin?multipart", auth, nil, &info)

	// Two parts; every part but the last needs at least 1 MiB.
	parts := [][]byte{bytes.Repeat([]byte("a"), 1<<20), []byte("the end")}
	for i, part := range parts {
		url := fmt.Sprintf("http://%s%s?partNumber=%d&uploadId=%s", info.Domain, info.Path, i+1, info.UploadID)
		resp := call(hc, "PUT", url, info.Headers, part, nil)
		fmt.Println("part", i+1, resp.Status, "crc64", resp.Header.Get("x-cos-hash-crc64ecma"))
	}

	// Confirm: the file exists from now on.
	var file struct{ Name, Size, Crc64 string }
	call(hc, "POST", api+"/file/smhdev/-/"+info.ConfirmKey+"?confirm", auth, nil, &file)
	fmt.Println("confirmed", file.Name, file.Size, "bytes, crc64", file.Crc64)

	// List the root directory.
	var list struct {
		Contents []struct {
			Name string
			Size int64
		}
	}
	call(hc, "GET", api+"/directory/smhdev/-/", auth, nil, &list)
	for _, c := range list.Contents {
		fmt.Println("listed", c.Name, c.Size)
	}
	// Output:
	// token valid for 86400 s
	// part 1 200 OK crc64 6701094182323390671
	// part 2 200 OK crc64 17179428765504784304
	// confirmed report.bin 1048583 bytes, crc64 10463405191751787764
	// listed report.bin 1048583
}
