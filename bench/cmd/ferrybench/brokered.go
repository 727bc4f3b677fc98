package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// The brokered flow (interfaces.md §5.2), as the browser's engine runs it by default: the
// token answer carries no SMH token, only where to begin; POST /v1/uploads begins (the
// function checks the policy, then begins upstream) and hands out byte targets; the bytes
// go to the targets; POST /v1/uploads/{id}/complete completes.

// benchTicketKey seals the upload tickets of the functions ferrybench starts itself
// (in-process, Lambda bootstrap, wrangler dev): a secret of its own, as the function
// requires outside DEV_MODE.
const benchTicketKey = "ferry-bench-ticket-key-0123456789abcdef-0123"

// brokeredToken is what ferrybench reads of a brokered token answer.
type brokeredToken struct {
	Mode       string `json:"mode"`
	UploadsURL string `json:"uploadsUrl"`
}

// checkBrokered reads a POST /v1/token answer and refuses anything but a brokered one: mode
// "brokered", an uploadsUrl, and no accessToken at all (a figure taken from a direct answer
// would measure the other mode).
func checkBrokered(body []byte) (*brokeredToken, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, fmt.Errorf("POST /v1/token: not a JSON object: %.200s", body)
	}
	if _, ok := raw["accessToken"]; ok {
		return nil, fmt.Errorf("POST /v1/token answered an accessToken (a direct role), not a brokered answer: %.200s", body)
	}
	var t brokeredToken
	if err := json.Unmarshal(body, &t); err != nil || t.Mode != "brokered" || t.UploadsURL == "" {
		return nil, fmt.Errorf("POST /v1/token: want mode \"brokered\" and an uploadsUrl: %.200s", body)
	}
	return &t, nil
}

// brokeredTarget is one byte target of an upload.
type brokeredTarget struct {
	Part    int               `json:"part"`
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers"`
}

// brokeredBegin is the 201 answer of POST /v1/uploads.
type brokeredBegin struct {
	Upload *struct {
		ID      string           `json:"id"`
		Path    string           `json:"path"`
		Targets []brokeredTarget `json:"targets"`
	} `json:"upload"`
}

// beginBrokered posts POST {uploadsURL} for a file of size bytes at path (relative to the
// caller's area) and returns the ticket and the one target of a single-body upload.
func beginBrokered(hc *http.Client, uploadsURL, jwtTok, path string, size int) (id string, t brokeredTarget, err error) {
	code, b, err := postJSON(hc, uploadsURL, jwtTok, map[string]any{"path": path, "size": size, "conflict": "rename"})
	if err != nil {
		return "", t, err
	}
	if code != http.StatusCreated {
		return "", t, fmt.Errorf("POST /v1/uploads: %d %.300s", code, b)
	}
	var a brokeredBegin
	if err := json.Unmarshal(b, &a); err != nil || a.Upload == nil || a.Upload.ID == "" {
		return "", t, fmt.Errorf("POST /v1/uploads: no upload in %.300s", b)
	}
	// Bodies up to the function's part size are one body: one target, part 0.
	if len(a.Upload.Targets) != 1 || a.Upload.Targets[0].Part != 0 || a.Upload.Targets[0].Method != http.MethodPut {
		return "", t, fmt.Errorf("POST /v1/uploads: want the one PUT target of part 0 for %d bytes, got %+v", size, a.Upload.Targets)
	}
	return a.Upload.ID, a.Upload.Targets[0], nil
}

// completeBrokered posts {uploadsURL}/{id}/complete with the whole file's CRC-64 and checks
// the stored size.
func completeBrokered(hc *http.Client, uploadsURL, jwtTok, id string, size int, crc uint64) error {
	code, b, err := postJSON(hc, uploadsURL+"/"+id+"/complete", jwtTok, map[string]string{"crc64": strconv.FormatUint(crc, 10)})
	if err != nil {
		return err
	}
	if code != http.StatusOK {
		return fmt.Errorf("complete: %d %.300s", code, b)
	}
	var a struct {
		File *struct {
			Size json.Number `json:"size"`
		} `json:"file"`
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&a); err != nil || a.File == nil || a.File.Size.String() != strconv.Itoa(size) {
		return fmt.Errorf("complete: want the stored file of %d bytes: %.300s", size, b)
	}
	return nil
}
