package smh

import (
	"context"
	"strconv"

	"github.com/ferry-upload/ferry/shared/urlx"
)

// Conflict strategies of conflict_resolution_strategy.
const (
	ConflictAsk       = "ask"
	ConflictRename    = "rename"
	ConflictOverwrite = "overwrite"
)

// BeginRequest starts an upload of one file.
type BeginRequest struct {
	Path          string // library path of the file
	Multipart     bool
	Conflict      string // "" = the service default (rename)
	Size          int64
	BeginningHash string // quick upload, phase one
	FullHash      string // quick upload, phase two
	Labels        []string
	Meta          map[string]string // sent as x-smh-meta-<key> headers; keys without the prefix
}

// BeginResult is what begin answered.
type BeginResult struct {
	Status int         // 200, 201 or 202
	Upload *UploadInfo // set unless the answer was 202 or a quick-upload hit
	File   *File       // set on a quick-upload hit: the file exists, no bytes to send
}

// QuickCandidate reports the 202 answer: the beginning hash matched a stored file, so
// sending the full hash may complete the upload with no bytes.
func (r *BeginResult) QuickCandidate() bool { return r.Status == 202 }

// Begin calls PUT …/{path} (simple) or POST …/{path}?multipart.
func (c *Client) Begin(ctx context.Context, token, space string, r BeginRequest) (*BeginResult, error) {
	q := urlx.Values{"filesize": {strconv.FormatInt(r.Size, 10)}}
	setIf(q, "conflict_resolution_strategy", r.Conflict)
	method := "PUT"
	if r.Multipart {
		method = "POST"
		q.Set("multipart", "")
	}
	u, err := c.url("file", space, r.Path, q)
	if err != nil {
		return nil, err
	}
	req := jsonRequest(method, u, token, beginBodyOf(r))
	for k, v := range r.Meta {
		req.Header["x-smh-meta-"+k] = v
	}
	resp, err := c.Doer.Do(ctx, req)
	if err != nil {
		return nil, &NetworkError{Op: "begin upload", Err: err}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, errorFromResponse(resp)
	}
	res := &BeginResult{Status: resp.StatusCode}
	if resp.StatusCode == 202 {
		return res, nil
	}
	// A quick-upload hit answers the file object; anything else is upload info.
	var probe keyProbe
	if err := decode(resp, "begin upload", &probe); err != nil {
		return nil, err
	}
	if probe.ConfirmKey == "" && r.FullHash != "" {
		res.File = new(File)
		return res, decode(resp, "begin upload", res.File)
	}
	res.Upload = new(UploadInfo)
	if err := decode(resp, "begin upload", res.Upload); err != nil {
		return nil, err
	}
	if res.Upload.ConfirmKey == "" {
		return nil, &Error{Status: resp.StatusCode, Code: "UnexpectedResponse", Message: "begin upload: no confirmKey in the answer"}
	}
	return res, nil
}

// Renew refreshes the signed data-plane headers of an upload task.
func (c *Client) Renew(ctx context.Context, token, space, confirmKey string) (*UploadInfo, error) {
	u, err := c.taskURL(space, confirmKey, urlx.Values{"renew": {""}})
	if err != nil {
		return nil, err
	}
	req := jsonRequest("POST", u, token, nil)
	var info UploadInfo
	if _, err := c.call(ctx, "renew upload", req, &info); err != nil {
		return nil, err
	}
	return &info, nil
}

// State reads an upload task with its received parts.
func (c *Client) State(ctx context.Context, token, space, confirmKey string) (*UploadState, error) {
	u, err := c.taskURL(space, confirmKey, urlx.Values{"upload": {""}})
	if err != nil {
		return nil, err
	}
	req := jsonRequest("GET", u, token, nil)
	var st UploadState
	if _, err := c.call(ctx, "upload state", req, &st); err != nil {
		return nil, err
	}
	return &st, nil
}

// ConfirmRequest completes an upload.
type ConfirmRequest struct {
	Crc64    string // decimal CRC-64/XZ of the whole file; "" = no check
	Conflict string // "" = the strategy given at begin
	Labels   []string
}

// Confirm completes an upload task and returns the stored file (its final name included).
func (c *Client) Confirm(ctx context.Context, token, space, confirmKey string, r ConfirmRequest) (*File, error) {
	q := urlx.Values{"confirm": {""}}
	setIf(q, "conflict_resolution_strategy", r.Conflict)
	u, err := c.taskURL(space, confirmKey, q)
	if err != nil {
		return nil, err
	}
	req := jsonRequest("POST", u, token, confirmBodyOf(r))
	var f File
	if _, err := c.call(ctx, "confirm upload", req, &f); err != nil {
		return nil, err
	}
	return &f, nil
}

// Cancel deletes an upload task and the bytes it received.
func (c *Client) Cancel(ctx context.Context, token, space, confirmKey string) error {
	u, err := c.taskURL(space, confirmKey, urlx.Values{"upload": {""}})
	if err != nil {
		return err
	}
	req := jsonRequest("DELETE", u, token, nil)
	_, err = c.call(ctx, "cancel upload", req, nil)
	return err
}

// FileInfo reads a stored file's metadata.
func (c *Client) FileInfo(ctx context.Context, token, space, path string) (*File, error) {
	u, err := c.url("file", space, path, urlx.Values{"info": {""}})
	if err != nil {
		return nil, err
	}
	req := jsonRequest("GET", u, token, nil)
	var f File
	if _, err := c.call(ctx, "file info", req, &f); err != nil {
		return nil, err
	}
	return &f, nil
}

// DeleteFile deletes a stored file.
func (c *Client) DeleteFile(ctx context.Context, token, space, path string, permanent bool) error {
	var q urlx.Values
	if permanent {
		q = urlx.Values{"permanent": {"1"}} // past the recycle bin; needs delete_file_permanent
	}
	u, err := c.url("file", space, path, q)
	if err != nil {
		return err
	}
	req := jsonRequest("DELETE", u, token, nil)
	_, err = c.call(ctx, "delete file", req, nil)
	return err
}
