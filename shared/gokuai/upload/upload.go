// Package upload is the client of Gokuai's upload server, the data side of a file upload
// (provider-apis.md §3.5) as a browser speaks it: no secret and no sign, only the
// library's org_client_id at upload_init and the session after it.
//
//	upload_init   POST {server}/upload_init?org_client_id=…  → session (202: already complete)
//	upload_req    GET  {server}/upload_req                   → the offset stored so far
//	upload_part   PUT  {server}/upload_part  bytes start-end → 409 {"expect"} when start is wrong
//	upload_finish POST {server}/upload_finish                → 202 while assembling: ask again
//	upload_abort  POST {server}/upload_abort
//
// Parts are strictly sequential byte ranges, each with its CRC-32 (IEEE, decimal).
//
// The package is compiled into the browser's wasm engine: it links neither net/http,
// net/url, fmt nor encoding/json (nor shared/gokuai, which does); a test keeps it so. Requests go through wire.Doer, the seam
// shared/gokuai uses too, and JSON is read with shared/jsonx. Errors are *Error (a stable
// Code, the same strings as shared/gokuai's, a test keeps the two tables equal),
// *NetworkError, and *OffsetError for a 409 naming the offset the server expects.
package upload

import (
	"context"
	"strconv"
	"strings"

	"github.com/ferry-upload/ferry/shared/gokuai/wire"
	"github.com/ferry-upload/ferry/shared/hashes"
	"github.com/ferry-upload/ferry/shared/urlx"
)

// Headers, routes and the part limit of the upload server (shared/gokuai/wire holds them,
// so that the emulator names them without linking this client).
const (
	HeaderSession  = wire.HeaderSession
	HeaderRange    = wire.HeaderRange
	HeaderCRC      = wire.HeaderCRC
	HeaderPathHash = wire.HeaderPathHash
	HeaderFileName = wire.HeaderFileName
	HeaderFileHash = wire.HeaderFileHash
	HeaderFileSize = wire.HeaderFileSize

	PathInit   = wire.PathInit
	PathReq    = wire.PathReq
	PathPart   = wire.PathPart
	PathFinish = wire.PathFinish
	PathAbort  = wire.PathAbort

	MaxPartSize = wire.MaxPartSize
)

// Client speaks to one upload server for one library.
type Client struct {
	Server      string // base URL, e.g. gokuai.CreatedFile.UploadServer(); no trailing '/'
	OrgClientID string // the library's org_client_id (an id, not a secret)
	Doer        wire.Doer
}

// InitRequest is what upload_init announces: create_file's answer and the file.
type InitRequest struct {
	PathHash string // create_file's hash
	FileName string // the last name of the fullpath
	SHA1     string // filehash, hex
	Size     int64
}

// Session is upload_init's answer. Complete: the server already holds the file (202);
// there is nothing to send and ID may be empty.
type Session struct {
	ID       string
	Complete bool
}

// File is what upload_finish's 200 says of the stored file (the body is undocumented:
// fields it lacks stay zero).
type File struct {
	Hash     string
	FullPath string
	FileHash string
	FileSize int64
}

// Finished is upload_finish's answer: Pending while the server still assembles the file
// (202; ask again), else the stored file.
type Finished struct {
	Pending bool
	File    File
}

// Init opens (or resumes) an upload session.
func (c *Client) Init(ctx context.Context, r InitRequest) (*Session, error) {
	if c.OrgClientID == "" || r.PathHash == "" || r.FileName == "" || r.SHA1 == "" || r.Size < 0 {
		return nil, invalid("upload_init: org_client_id, pathhash, filename, filehash and filesize are required")
	}
	req := &wire.Request{Method: "POST", URL: c.Server + PathInit + "?org_client_id=" + urlx.QueryEscape(c.OrgClientID),
		Header: map[string]string{HeaderPathHash: r.PathHash, HeaderFileName: urlx.QueryEscape(r.FileName),
			HeaderFileHash: strings.ToLower(r.SHA1), HeaderFileSize: strconv.FormatInt(r.Size, 10)}}
	resp, err := c.do(ctx, "upload_init", req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == 202 {
		return &Session{Complete: true}, nil
	}
	id, err := ParseSession(resp.Body)
	if err != nil {
		return nil, err
	}
	return &Session{ID: id}, nil
}

// Offset asks how many bytes the server holds (where the next part starts).
func (c *Client) Offset(ctx context.Context, session string) (int64, error) {
	resp, err := c.do(ctx, "upload_req", c.sessionRequest("GET", PathReq, session))
	if err != nil {
		return 0, err
	}
	return ParseOffset(resp.Body)
}

// PartRequest is upload_part's request for data starting at start: what Part sends, for
// a caller that sends it itself.
func (c *Client) PartRequest(session string, start int64, data []byte) (*wire.Request, error) {
	if session == "" || start < 0 || len(data) == 0 || len(data) > MaxPartSize {
		return nil, invalid("upload_part: a session, an offset and 1 B to 10 MiB of data are required")
	}
	req := c.sessionRequest("PUT", PathPart, session)
	req.Header[HeaderRange] = strconv.FormatInt(start, 10) + "-" + strconv.FormatInt(start+int64(len(data))-1, 10)
	req.Header[HeaderCRC] = strconv.FormatUint(uint64(hashes.CRC32(data)), 10)
	req.Header["Content-Type"] = "application/octet-stream"
	req.Body = data
	return req, nil
}

// Part sends data as the bytes from start. complete: the server already held the whole
// file (202), the part was not needed. A wrong start is an *OffsetError naming the offset
// to resume from.
func (c *Client) Part(ctx context.Context, session string, start int64, data []byte) (complete bool, err error) {
	req, err := c.PartRequest(session, start, data)
	if err != nil {
		return false, err
	}
	resp, err := c.do(ctx, "upload_part", req)
	if err != nil {
		return false, err
	}
	return resp.StatusCode == 202, nil
}

// Finish asks the server to assemble the file; Pending answers mean: ask again later.
// A finish before every byte arrived is an *OffsetError.
func (c *Client) Finish(ctx context.Context, session string) (*Finished, error) {
	resp, err := c.do(ctx, "upload_finish", c.sessionRequest("POST", PathFinish, session))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == 202 {
		return &Finished{Pending: true}, nil
	}
	return &Finished{File: ParseFile(resp.Body)}, nil
}

// Abort drops the session and what it received (best effort, as the SDKs use it).
func (c *Client) Abort(ctx context.Context, session string) error {
	_, err := c.do(ctx, "upload_abort", c.sessionRequest("POST", PathAbort, session))
	return err
}

func (c *Client) sessionRequest(method, path, session string) *wire.Request {
	return &wire.Request{Method: method, URL: c.Server + path, Header: map[string]string{HeaderSession: session}}
}

// do sends req and turns every answer but 200 and 202 into an error.
func (c *Client) do(ctx context.Context, op string, req *wire.Request) (*wire.Response, error) {
	if req.Header[HeaderSession] == "" && op != "upload_init" {
		return nil, invalid(op + ": no session")
	}
	resp, err := c.Doer.Do(ctx, req)
	if err != nil {
		return nil, &NetworkError{Op: op, Err: err}
	}
	if err := AnswerError(op, resp); err != nil {
		return nil, err
	}
	return resp, nil
}
