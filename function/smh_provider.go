package function

import (
	"context"
	"path"
	"strings"
	"time"

	"github.com/ferry-upload/ferry/function/provider"
	"github.com/ferry-upload/ferry/shared/smh"
)

// smhProvider runs SMH's control plane for brokered uploads (provider-apis.md §1.4–1.8)
// with server-side tokens that carry the caller's sub as user_id (so the tasks are the
// caller's) and only the grants of one purpose.
type smhProvider struct {
	client  *smh.Client
	tokens  *serverTokens
	library string
}

var (
	_ Beginner       = (*smhProvider)(nil)
	_ Targeter       = (*smhProvider)(nil)
	_ Stater         = (*smhProvider)(nil)
	_ Completer      = (*smhProvider)(nil)
	_ Aborter        = (*smhProvider)(nil)
	_ Remover        = (*smhProvider)(nil)
	_ Shaper         = (*smhProvider)(nil)
	_ DirectoryMaker = (*smhProvider)(nil)
)

// MakeDirectory creates dir and its parents with a server-side token holding only
// create_directory, so roles without that grant can upload into new folders.
func (p *smhProvider) MakeDirectory(ctx context.Context, c *provider.Caller, dir string) (created bool, err error) {
	key := tokenKey{user: c.Subject, space: c.Space, purpose: purposeDirectory}
	err = p.tokens.with(ctx, key, func(tok string) error {
		existed, err := p.client.DirectoryExists(ctx, tok, c.Space, dir)
		if err != nil || existed {
			return err
		}
		created = true
		return p.client.CreateDirectory(ctx, tok, c.Space, dir)
	})
	if err != nil {
		return false, upstreamError("creating the directory", err)
	}
	return created, nil
}

// Shape: parts in any order, SMH's two quick-upload hashes.
func (p *smhProvider) Shape() Shape { return Shape{CheckHashes: checkSMHHashes} }

// SMH's quick-upload hashes as the browser names them in "hashes".
const (
	hashBeginning = "beginningHash"
	hashFull      = "fullHash"
)

func (p *smhProvider) Name() string    { return ProviderSMH }
func (p *smhProvider) Library() string { return p.library }

var smhConflict = map[string]string{
	ConflictFail: smh.ConflictAsk, ConflictRename: smh.ConflictRename, ConflictReplace: smh.ConflictOverwrite,
}

func (p *smhProvider) Begin(ctx context.Context, c *provider.Caller, u *UploadSpec) (*Begun, error) {
	quick := u.Hashes[hashBeginning] != ""
	key := tokenKey{user: c.Subject, space: c.Space, purpose: beginPurpose(u.Conflict == ConflictReplace, quick)}
	req := smh.BeginRequest{Path: u.Path, Multipart: u.PartSize > 0, Conflict: smhConflict[u.Conflict], Size: u.Size,
		BeginningHash: u.Hashes[hashBeginning], FullHash: u.Hashes[hashFull], Labels: u.Labels, Meta: u.Meta}
	var res *smh.BeginResult
	err := p.tokens.with(ctx, key, func(tok string) (err error) {
		res, err = p.client.Begin(ctx, tok, c.Space, req)
		return err
	})
	if smh.Code(err) == smh.CodeDirectoryNotFound {
		// SMH creates no parents: make the missing ones (inside the caller's area, which the
		// path was checked to lie in) and begin once more.
		if derr := p.makeDirectory(ctx, c, path.Dir(u.Path)); derr != nil {
			return nil, derr
		}
		err = p.tokens.with(ctx, key, func(tok string) (err error) {
			res, err = p.client.Begin(ctx, tok, c.Space, req)
			return err
		})
	}
	if err != nil {
		return nil, upstreamError("beginning the upload", err)
	}
	switch {
	case res.QuickCandidate():
		if req.FullHash != "" {
			return nil, upstreamError("beginning the upload", &smh.Error{Status: 502, Code: "UnexpectedResponse", Message: "202 after the full hash"})
		}
		return nil, &HashNeeded{Need: []string{hashFull}}
	case res.File != nil:
		return &Begun{File: storedOf(res.File, "")}, nil
	case res.Upload == nil || res.Upload.ConfirmKey == "":
		return nil, upstreamError("beginning the upload", &smh.Error{Status: res.Status, Code: "UnexpectedResponse", Message: "no upload info"})
	}
	return &Begun{Session: res.Upload.ConfirmKey, Expires: res.Upload.Expiration,
		Targets: p.targetsOf(res.Upload, u.Size, u.PartSize, firstWindow(u.Size, u.PartSize))}, nil
}

func beginPurpose(force, quick bool) string {
	s := purposeBegin
	if force {
		s += "-force"
	}
	if quick {
		s += "-quick"
	}
	return s
}

func (p *smhProvider) makeDirectory(ctx context.Context, c *provider.Caller, dir string) error {
	key := tokenKey{user: c.Subject, space: c.Space, purpose: purposeDirectory}
	err := p.tokens.with(ctx, key, func(tok string) error { return p.client.CreateDirectory(ctx, tok, c.Space, dir) })
	return upstreamError("creating the folder", err)
}

func (p *smhProvider) Targets(ctx context.Context, c *provider.Caller, t *Ticket, parts []int) ([]Target, time.Time, error) {
	key := tokenKey{user: c.Subject, space: c.Space, purpose: purposeConfirm}
	var info *smh.UploadInfo
	err := p.tokens.with(ctx, key, func(tok string) error {
		if t.PartSize == 0 {
			// SMH renews multipart tasks only; a one-body task's signature is what its
			// state holds (an expired one is begun again by the browser).
			st, err := p.client.State(ctx, tok, c.Space, t.Session)
			if err == nil {
				if info = st.UploadPartInfo; info == nil {
					err = &smh.Error{Status: 502, Code: "UnexpectedResponse", Message: "upload state without upload info"}
				}
			}
			return err
		}
		var err error
		info, err = p.client.Renew(ctx, tok, c.Space, t.Session)
		return err
	})
	if err != nil {
		return nil, time.Time{}, taskError("renewing the upload's signatures", err)
	}
	return p.targetsOf(info, t.Size, t.PartSize, parts), info.Expiration, nil
}

// targetsOf renders the data-plane targets of parts: SMH signs one set of headers for every
// part of a task (public cloud), so a target is the part's URL with those headers.
func (p *smhProvider) targetsOf(info *smh.UploadInfo, size, partSize int64, parts []int) []Target {
	out := make([]Target, 0, len(parts))
	for _, n := range parts {
		off, length := span(size, partSize, n)
		h := make(map[string]string, len(info.Headers))
		for k, v := range info.Headers {
			h[k] = v
		}
		out = append(out, Target{Part: n, Offset: off, Length: length, Method: "PUT", URL: p.client.DataURL(info, n),
			Headers: h, Expires: info.Expiration})
	}
	return out
}

func (p *smhProvider) State(ctx context.Context, c *provider.Caller, t *Ticket) (*RemoteState, error) {
	key := tokenKey{user: c.Subject, space: c.Space, purpose: purposeConfirm}
	var st *smh.UploadState
	err := p.tokens.with(ctx, key, func(tok string) (err error) {
		st, err = p.client.State(ctx, tok, c.Space, t.Session)
		return err
	})
	if err != nil {
		return nil, taskError("reading the upload", err)
	}
	rs := &RemoteState{Stored: []StoredPart{}, Path: joinPath(st.Path)}
	if len(st.Path) == 0 {
		rs.Path = ""
	}
	if st.Confirmed {
		rs.File = &StoredFile{Path: rs.Path, Name: path.Base(rs.Path)}
		return rs, nil
	}
	if t.PartSize > 0 && st.Parts != nil {
		rs.HeldKnown = true
		for _, pt := range st.Parts {
			if !pt.SizeGiven {
				rs.HeldKnown = false
			}
			rs.Size += pt.Size
			rs.Stored = append(rs.Stored, StoredPart{Part: pt.PartNumber, Size: pt.Size, ETag: pt.ETag})
		}
	}
	return rs, nil
}

func (p *smhProvider) Complete(ctx context.Context, c *provider.Caller, t *Ticket, req *CompleteRequest) (*StoredFile, error) {
	key := tokenKey{user: c.Subject, space: c.Space, purpose: purposeConfirm}
	var f *smh.File
	err := p.tokens.with(ctx, key, func(tok string) (err error) {
		f, err = p.client.Confirm(ctx, tok, c.Space, t.Session, smh.ConfirmRequest{Crc64: req.CRC64})
		return err
	})
	if smh.Code(err) == smh.CodeUploadNotFound {
		// Completed already (a lost answer) or gone: the same bytes at the ticket's path
		// (or its renamed form) are the answer; anything else is gone.
		if found, ferr := p.findStored(ctx, c, t.Path, t.Size, req.CRC64); ferr != nil || found != nil {
			return found, ferr
		}
		return nil, errUploadGone()
	}
	if err != nil {
		return nil, upstreamError("completing the upload", err)
	}
	return storedOf(f, ""), nil
}

// findStored looks for a file of this size and CRC-64 at target or a renamed form of it,
// among the newest 100 files of its folder.
func (p *smhProvider) findStored(ctx context.Context, c *provider.Caller, target string, size int64, crc string) (*StoredFile, error) {
	key := tokenKey{user: c.Subject, space: c.Space, purpose: purposeConfirm}
	dir, name := path.Split(target)
	var list []smh.File
	err := p.tokens.with(ctx, key, func(tok string) (err error) {
		list, err = p.client.ListFiles(ctx, tok, c.Space, dir, 100)
		return err
	})
	if smh.Status(err) == 404 {
		return nil, nil
	}
	if err != nil {
		return nil, upstreamError("looking up the completed upload", err)
	}
	for i := range list {
		f := &list[i]
		if f.SizeGiven && int64(f.Size) == size && f.Crc64 == crc && smh.RenamedFrom(f.Name, name) {
			return storedOf(f, dir+f.Name), nil
		}
	}
	return nil, nil
}

func (p *smhProvider) Abort(ctx context.Context, c *provider.Caller, t *Ticket) error {
	key := tokenKey{user: c.Subject, space: c.Space, purpose: purposeConfirm}
	err := p.tokens.with(ctx, key, func(tok string) error { return p.client.Cancel(ctx, tok, c.Space, t.Session) })
	if smh.Code(err) == smh.CodeUploadNotFound {
		return nil
	}
	return upstreamError("canceling the upload", err)
}

func (p *smhProvider) Remove(ctx context.Context, c *provider.Caller, file string) error {
	key := tokenKey{user: c.Subject, space: c.Space, purpose: purposeDelete}
	err := p.tokens.with(ctx, key, func(tok string) error { return p.client.DeleteFile(ctx, tok, c.Space, file, true) })
	return upstreamError("removing the file that broke the policy", err)
}

// taskError maps UploadNotFound (the task is gone: completed, canceled or expired) to the
// neutral UploadNotFound answer and everything else as upstreamError does.
func taskError(op string, err error) error {
	if smh.Code(err) == smh.CodeUploadNotFound {
		return errUploadGone()
	}
	return upstreamError(op, err)
}

// storedOf renders an SMH file object; fallback is the path when the answer has none.
func storedOf(f *smh.File, fallback string) *StoredFile {
	p := fallback
	if len(f.Path) > 0 {
		p = joinPath(f.Path)
	}
	name := f.Name
	if name == "" && p != "" {
		name = path.Base(p)
	}
	if p != "" && !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return &StoredFile{Path: p, Name: name, Size: int64(f.Size), SizeKnown: f.SizeGiven, CRC64: f.Crc64, ETag: f.ETag}
}
