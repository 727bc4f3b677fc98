package pdsemu_test

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"time"

	"github.com/ferry-upload/ferry/shared/pdsemu"
)

// post sends a body and decodes a JSON answer into out (when out is not nil).
func post(hc *http.Client, method, target, ctype, token string, body []byte, out any) *http.Response {
	req, err := http.NewRequest(method, target, bytes.NewReader(body))
	if err != nil {
		log.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := hc.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		log.Fatalf("%s %s: %s %s", method, target, resp.Status, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			log.Fatal(err)
		}
	}
	return resp
}

// assertion signs a JWT-bearer assertion for user (RS256).
func assertion(key *rsa.PrivateKey, user string) string {
	enc := base64.RawURLEncoding
	now := time.Now()
	h, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT"})
	p, _ := json.Marshal(map[string]any{"iss": pdsemu.DevJWTClientID, "sub": user, "sub_type": "user",
		"aud": pdsemu.DevDomainID, "jti": fmt.Sprint(now.UnixNano()), "iat": now.Unix(),
		"exp": now.Add(5 * time.Minute).Unix(), "auto_create": true})
	input := enc.EncodeToString(h) + "." + enc.EncodeToString(p)
	d := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, d[:])
	if err != nil {
		log.Fatal(err)
	}
	return input + "." + enc.EncodeToString(sig)
}

// ExampleServer walks a whole upload through the emulator: a JWT-bearer token, create
// with two parts, each part PUT to its presigned URL, complete with the CRC-64.
func ExampleServer() {
	key, _ := keys(nil)
	srv, err := pdsemu.NewServer(pdsemu.Options{JWTPublicKey: &key.PublicKey})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	hc, base := srv.HTTPClient(), srv.URL()

	var tk struct {
		AccessToken    string `json:"access_token"`
		DefaultDriveID string `json:"default_drive_id"`
	}
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"},
		"client_id": {pdsemu.DevJWTClientID}, "assertion": {assertion(key, "alice")}}
	post(hc, "POST", base+"/v2/oauth/token", "application/x-www-form-urlencoded", "", []byte(form.Encode()), &tk)

	content := append(bytes.Repeat([]byte("a"), 100<<10), "the end"...) // parts but the last ≥ 100 KiB
	var cr struct {
		FileID       string `json:"file_id"`
		UploadID     string `json:"upload_id"`
		PartInfoList []struct {
			UploadURL string `json:"upload_url"`
		} `json:"part_info_list"`
	}
	body, _ := json.Marshal(map[string]any{"drive_id": tk.DefaultDriveID, "parent_file_id": "root", "name": "report.bin",
		"type": "file", "size": len(content), "check_name_mode": "refuse",
		"part_info_list": []map[string]int{{"part_number": 1}, {"part_number": 2}}})
	post(hc, "POST", base+"/v2/file/create", "application/json", tk.AccessToken, body, &cr)

	for i, part := range [][]byte{content[:100<<10], content[100<<10:]} {
		resp := post(hc, "PUT", cr.PartInfoList[i].UploadURL, "", "", part, nil)
		fmt.Println("part", i+1, resp.Status, "etag set:", resp.Header.Get("ETag") != "")
	}

	var file struct {
		Name        string `json:"name"`
		Size        int64  `json:"size"`
		ContentHash string `json:"content_hash"`
	}
	body, _ = json.Marshal(map[string]any{"drive_id": tk.DefaultDriveID, "file_id": cr.FileID, "upload_id": cr.UploadID,
		"crc64_hash": crc64Dec(content)})
	post(hc, "POST", base+"/v2/file/complete", "application/json", tk.AccessToken, body, &file)
	fmt.Println("stored", file.Name, file.Size, "bytes, sha1", file.ContentHash == sha1Upper(content))
	// Output:
	// part 1 200 OK etag set: true
	// part 2 200 OK etag set: true
	// stored report.bin 102407 bytes, sha1 true
}
