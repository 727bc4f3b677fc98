package engine

import (
	"context"
	"errors"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/ferry-upload/ferry/shared/jsonx"
	"github.com/ferry-upload/ferry/shared/smh"
)

// FunctionRoutes are the token function's routes for roles that confirm through it.
type FunctionRoutes interface {
	Confirm(ctx context.Context, confirmURL, spaceID, confirmKey, crc64 string) (*smh.File, error)
	CreateDirectory(ctx context.Context, directoryURL, spaceID, path string) error
}

// SMHDriver is the Driver for Tencent Cloud Smart Media Hosting (provider-apis.md §1.4–1.8).
type SMHDriver struct {
	// Doer sends the control-plane requests (fetch in the browser).
	Doer smh.Doer
	// Function confirms and creates directories for tokens whose answer says
	// confirm: "function"; nil when there is no token function (tests).
	Function FunctionRoutes
	// RequestTimeout bounds each request (default DefaultRequestTimeout).
	RequestTimeout time.Duration
}

var _ Driver = (*SMHDriver)(nil)

// ErrSessionGone reports an upload task the server no longer has (expired or canceled
// elsewhere; brokered: its ticket refused, 403 Forbidden or 404 UploadNotFound on its
// routes): the upload starts afresh. Drivers may wrap it in an *Error carrying the code.
var ErrSessionGone = errors.New("the upload task is gone from the server")

// smhSession is SMHDriver's Session.Data.
type smhSession struct {
	APIBase string          `json:"apiBase"`
	Path    string          `json:"path"` // the library path asked for at begin
	Info    *smh.UploadInfo `json:"info"`
}

func (d *SMHDriver) Name() string { return "smh" }

func (d *SMHDriver) client(base, library string) *smh.Client {
	return &smh.Client{BaseURL: strings.TrimRight(base, "/"), LibraryID: library, Doer: withTimeout(d.Doer, d.RequestTimeout)}
}

// MayQuickUpload: a quick-upload hit completes the upload at begin, so only a token that may
// confirm itself may try (never a role that confirms through the function).
func (d *SMHDriver) MayQuickUpload(tok *Token) bool {
	return tok.Confirm != ConfirmFunction &&
		tok.HasGrant("admin", "space_admin", "upload_file", "upload_file_force", "confirm_upload")
}

func (d *SMHDriver) Begin(ctx context.Context, tok *Token, spec *FileSpec, quick *QuickHashes) (*Session, *Result, error) {
	c := d.client(tok.APIBase, tok.LibraryID)
	req := smh.BeginRequest{Path: spec.Path, Multipart: spec.Multipart, Conflict: spec.Conflict, Size: spec.Size,
		Labels: spec.Labels, Meta: spec.Meta}
	if quick != nil && !quick.Off && d.MayQuickUpload(tok) {
		req.BeginningHash = quick.Beginning
	}
	res, err := d.begin(ctx, c, tok, req)
	if err != nil {
		return nil, nil, err
	}
	if res.QuickCandidate() && req.BeginningHash != "" {
		full, err := quick.Full(ctx)
		if err != nil {
			return nil, nil, err
		}
		req.FullHash = full
		if res, err = d.begin(ctx, c, tok, req); err != nil {
			return nil, nil, err
		}
	}
	switch {
	case res.File != nil:
		r := resultOf(res.File, spec.Path)
		r.Rapid = true
		return nil, r, nil
	case res.Upload == nil:
		return nil, nil, &smh.Error{Status: res.Status, Code: "UnexpectedResponse", Message: "begin upload answered no upload info"}
	}
	s := d.session(smhSession{APIBase: tok.APIBase, Path: spec.Path, Info: res.Upload}, spec.Multipart)
	if spec.Multipart {
		s.PartSize = spec.PartSize
	}
	return s, nil, nil
}

// begin calls Begin and, on DirectoryNotFound, creates the parent directory (directly with a
// create_directory grant, else through the function's directoryUrl) and tries once more.
func (d *SMHDriver) begin(ctx context.Context, c *smh.Client, tok *Token, req smh.BeginRequest) (*smh.BeginResult, error) {
	res, err := c.Begin(ctx, tok.AccessToken, tok.SpaceID, req)
	if smh.Code(err) != smh.CodeDirectoryNotFound {
		return res, err
	}
	parent := path.Dir("/" + strings.Trim(req.Path, "/"))
	if parent == "/" {
		return nil, err
	}
	switch {
	case tok.HasGrant("admin", "space_admin", "create_directory"):
		if derr := c.CreateDirectory(ctx, tok.AccessToken, tok.SpaceID, parent); derr != nil {
			return nil, derr
		}
	case tok.DirectoryURL != "" && d.Function != nil:
		if derr := d.Function.CreateDirectory(ctx, tok.DirectoryURL, tok.SpaceID, parent); derr != nil {
			return nil, derr
		}
	default:
		return nil, err
	}
	return c.Begin(ctx, tok.AccessToken, tok.SpaceID, req)
}

func (d *SMHDriver) session(ss smhSession, multipart bool) *Session {
	return &Session{Key: ss.Info.ConfirmKey, Multipart: multipart, Expires: ss.Info.Expiration, Data: jsonx.Encode(&ss)}
}

func (d *SMHDriver) decode(s *Session) (*smhSession, error) {
	var ss smhSession
	if err := jsonx.Decode(s.Data, &ss); err != nil || ss.Info == nil {
		return nil, &Error{Code: CodeInternal, Message: "an SMH session without upload info"}
	}
	return &ss, nil
}

func (d *SMHDriver) Parts(ctx context.Context, tok *Token, s *Session) ([]RemotePart, *Result, error) {
	st, err := d.client(tok.APIBase, tok.LibraryID).State(ctx, tok.AccessToken, tok.SpaceID, s.Key)
	if smh.Code(err) == smh.CodeUploadNotFound {
		return nil, nil, ErrSessionGone
	}
	if err != nil {
		return nil, nil, err
	}
	if st.Confirmed {
		r := &Result{Path: "/" + strings.Join(st.Path, "/")}
		r.Name = path.Base(r.Path)
		return nil, r, nil
	}
	parts := make([]RemotePart, 0, len(st.Parts))
	for _, p := range st.Parts {
		parts = append(parts, RemotePart{N: p.PartNumber, Size: p.Size, ETag: p.ETag})
	}
	return parts, nil, nil
}

func (d *SMHDriver) Renew(ctx context.Context, tok *Token, s *Session) (*Session, error) {
	old, err := d.decode(s)
	if err != nil {
		return nil, err
	}
	info, err := d.client(tok.APIBase, tok.LibraryID).Renew(ctx, tok.AccessToken, tok.SpaceID, s.Key)
	if smh.Code(err) == smh.CodeUploadNotFound {
		return nil, ErrSessionGone
	}
	if err != nil {
		return nil, err
	}
	if info.ConfirmKey == "" {
		info.ConfirmKey = s.Key
	}
	ns := d.session(smhSession{APIBase: tok.APIBase, Path: old.Path, Info: info}, s.Multipart)
	ns.PartSize = s.PartSize
	return ns, nil
}

func (d *SMHDriver) Target(_ context.Context, _ *Token, s *Session, n int) (string, map[string]string, error) {
	ss, err := d.decode(s)
	if err != nil {
		return "", nil, err
	}
	h := make(map[string]string, len(ss.Info.Headers))
	for k, v := range ss.Info.Headers {
		h[k] = v
	}
	return d.client(ss.APIBase, "").DataURL(ss.Info, n), h, nil
}

func (d *SMHDriver) PartDone(_ *Session, resp *PartResponse) (PartAck, error) {
	return dataPlanePartDone(resp, "x-cos-hash-crc64ecma")
}

// dataPlanePartDone reads an answer of an object store's data plane (COS, OSS): ETag, the
// part's CRC-64 in crcHeader, or the store's XML error.
func dataPlanePartDone(resp *PartResponse, crcHeader string) (PartAck, error) {
	if e := smh.ParseDataPlaneError(&smh.Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: resp.Body}); e != nil {
		return PartAck{}, e
	}
	ack := PartAck{ETag: resp.Header["etag"]}
	if v := resp.Header[crcHeader]; v != "" {
		if crc, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64); err == nil {
			ack.CRC64 = &crc
		}
	}
	return ack, nil
}

func (d *SMHDriver) Complete(ctx context.Context, tok *Token, s *Session, crc64 uint64) (*Result, error) {
	crc := strconv.FormatUint(crc64, 10)
	var f *smh.File
	var err error
	if tok.Confirm == ConfirmFunction {
		if d.Function == nil || tok.ConfirmURL == "" {
			return nil, &Error{Code: CodeInvalidOptions, Message: "the token says confirm through the function, but there is no confirmUrl"}
		}
		f, err = d.Function.Confirm(ctx, tok.ConfirmURL, tok.SpaceID, s.Key, crc)
	} else {
		f, err = d.client(tok.APIBase, tok.LibraryID).Confirm(ctx, tok.AccessToken, tok.SpaceID, s.Key, smh.ConfirmRequest{Crc64: crc})
	}
	if err != nil {
		return nil, err
	}
	ss, _ := d.decode(s)
	fallback := ""
	if ss != nil {
		fallback = ss.Path
	}
	return resultOf(f, fallback), nil
}

func (d *SMHDriver) Abort(ctx context.Context, tok *Token, s *Session) error {
	err := d.client(tok.APIBase, tok.LibraryID).Cancel(ctx, tok.AccessToken, tok.SpaceID, s.Key)
	if smh.Code(err) == smh.CodeUploadNotFound {
		return nil
	}
	return err
}

func (d *SMHDriver) Classify(err error) Fault {
	if smh.Code(err) == smh.CodeInvalidAccessToken {
		return FaultRefreshToken
	}
	return classifyHTTP(err)
}

// classifyHTTP sorts the answers every driver meets the same way: no answer, 408, 429 and
// 5xx are retried; a data-plane signature that expired (or a clock skew it refused) asks
// for a renewal; anything else is fatal.
func classifyHTTP(err error) Fault {
	var ne *smh.NetworkError
	var sv *ServerError
	switch {
	case errors.As(err, &ne):
		return FaultRetry
	case smh.IsUploadExpired(err), smh.Code(err) == "RequestTimeTooSkewed":
		return FaultRenew
	case errors.As(err, &sv):
		if sv.Retry || sv.Status == 429 || sv.Status == 408 || sv.Status >= 500 {
			return FaultRetry
		}
		return FaultFatal
	}
	if st := smh.Status(err); st == 429 || st == 408 || st >= 500 {
		return FaultRetry
	}
	return FaultFatal
}

func resultOf(f *smh.File, fallbackPath string) *Result {
	p := "/" + strings.Trim(fallbackPath, "/")
	if len(f.Path) > 0 {
		p = "/" + strings.Join(f.Path, "/")
	}
	name := f.Name
	if name == "" {
		name = path.Base(p)
	}
	return &Result{Path: p, Name: name, Size: int64(f.Size), CRC64: f.Crc64, ETag: f.ETag}
}
