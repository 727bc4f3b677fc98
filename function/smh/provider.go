package smh

import (
	"context"
	"path"
	"strings"
	"time"

	"github.com/ferry-upload/ferry/function/provider"
	"github.com/ferry-upload/ferry/shared/smh"
)

// Name is the provider id of FERRY_PROVIDER and of tickets.
const Name = "smh"

// SMH's quick-upload hashes as the browser names them in "hashes" (interfaces.md §5.2).
const (
	HashBeginning = "beginningHash" // SHA-256 of the first 1 MiB, hex
	HashFull      = "fullHash"      // SMH's chained SHA-256 of the whole file, hex
)

// Provider runs SMH's control plane for brokered uploads (provider-apis.md §1.4–1.8).
type Provider struct {
	client  *smh.Client
	tokens  *Tokens
	library string
}

var (
	_ provider.Beginner       = (*Provider)(nil)
	_ provider.Targeter       = (*Provider)(nil)
	_ provider.Stater         = (*Provider)(nil)
	_ provider.Completer      = (*Provider)(nil)
	_ provider.Aborter        = (*Provider)(nil)
	_ provider.Remover        = (*Provider)(nil)
	_ provider.Shaper         = (*Provider)(nil)
	_ provider.DirectoryMaker = (*Provider)(nil)
	_ provider.UsageReader    = (*Provider)(nil)
)

// New returns the provider of the client's library, acting with tokens.
func New(client *smh.Client, tokens *Tokens) *Provider {
	return &Provider{client: client, tokens: tokens, library: client.LibraryID}
}

func (p *Provider) Name() string    { return Name }
func (p *Provider) Library() string { return p.library }

// Shape: parts in any order, SMH's two quick-upload hashes.
func (p *Provider) Shape() provider.Shape { return provider.Shape{CheckHashes: CheckHashes} }

// CheckHashes validates SMH's quick-upload hashes: lower-case hex SHA-256 values, the full
// hash only after the beginning hash.
func CheckHashes(h map[string]string) error {
	for k, v := range h {
		if k != HashBeginning && k != HashFull {
			return provider.Invalid("hashes: %q is not a hash this provider uses (beginningHash, fullHash)", clip(k))
		}
		if !IsSHA256Hex(v) {
			return provider.Invalid("hashes.%s: 64 lower-case hex digits", k)
		}
	}
	if h[HashFull] != "" && h[HashBeginning] == "" {
		return provider.Invalid("hashes: fullHash is sent with beginningHash")
	}
	return nil
}

// IsSHA256Hex matches ^[0-9a-f]{64}$.
func IsSHA256Hex(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// MakeDirectory creates dir and its parents with a server-side token holding only
// create_directory, so roles without that grant can upload into new folders.
func (p *Provider) MakeDirectory(ctx context.Context, c *provider.Caller, dir string) (created bool, err error) {
	key := Key{User: c.Subject, Space: c.Space, Purpose: PurposeDirectory}
	err = p.tokens.With(ctx, key, func(tok string) error {
		existed, err := p.client.DirectoryExists(ctx, tok, c.Space, dir)
		if err != nil || existed {
			return err
		}
		created = true
		return p.client.CreateDirectory(ctx, tok, c.Space, dir)
	})
	if err != nil {
		return false, Upstream("creating the directory", err)
	}
	return created, nil
}

var conflicts = map[string]string{
	provider.ConflictFail: smh.ConflictAsk, provider.ConflictRename: smh.ConflictRename, provider.ConflictReplace: smh.ConflictOverwrite,
}

func (p *Provider) Begin(ctx context.Context, c *provider.Caller, u *provider.UploadSpec) (*provider.Begun, error) {
	quick := u.Hashes[HashBeginning] != ""
	key := Key{User: c.Subject, Space: c.Space, Purpose: beginPurpose(u.Conflict == provider.ConflictReplace, quick)}
	req := smh.BeginRequest{Path: u.Path, Multipart: u.PartSize > 0, Conflict: conflicts[u.Conflict], Size: u.Size,
		BeginningHash: u.Hashes[HashBeginning], FullHash: u.Hashes[HashFull], Labels: u.Labels, Meta: u.Meta}
	var res *smh.BeginResult
	begin := func(tok string) (err error) {
		res, err = p.client.Begin(ctx, tok, c.Space, req)
		return err
	}
	err := p.tokens.With(ctx, key, begin)
	if smh.Code(err) == smh.CodeDirectoryNotFound {
		// SMH creates no parents: make the missing ones (inside the caller's area, which the
		// path was checked to lie in) and begin once more.
		if derr := p.makeDirectory(ctx, c, path.Dir(u.Path)); derr != nil {
			return nil, derr
		}
		err = p.tokens.With(ctx, key, begin)
	}
	if err != nil {
		return nil, Upstream("beginning the upload", err)
	}
	switch {
	case res.QuickCandidate():
		if req.FullHash != "" {
			return nil, Upstream("beginning the upload", unexpected(502, "202 after the full hash"))
		}
		return nil, &provider.HashNeeded{Need: []string{HashFull}}
	case res.File != nil:
		return &provider.Begun{File: storedOf(res.File, "")}, nil
	case res.Upload == nil || res.Upload.ConfirmKey == "":
		return nil, Upstream("beginning the upload", unexpected(res.Status, "no upload info"))
	}
	return &provider.Begun{Session: res.Upload.ConfirmKey, Expires: res.Upload.Expiration,
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

func (p *Provider) makeDirectory(ctx context.Context, c *provider.Caller, dir string) error {
	key := Key{User: c.Subject, Space: c.Space, Purpose: PurposeDirectory}
	err := p.tokens.With(ctx, key, func(tok string) error { return p.client.CreateDirectory(ctx, tok, c.Space, dir) })
	return Upstream("creating the folder", err)
}

func (p *Provider) Targets(ctx context.Context, c *provider.Caller, t *provider.Ticket, parts []int) ([]provider.Target, time.Time, error) {
	key := Key{User: c.Subject, Space: c.Space, Purpose: PurposeConfirm}
	var info *smh.UploadInfo
	err := p.tokens.With(ctx, key, func(tok string) error {
		if t.PartSize == 0 {
			// SMH renews multipart tasks only; a one-body task's signature is what its
			// state holds (an expired one is begun again by the browser).
			st, err := p.client.State(ctx, tok, c.Space, t.Session)
			if err == nil {
				if info = st.UploadPartInfo; info == nil {
					err = unexpected(502, "upload state without upload info")
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
func (p *Provider) targetsOf(info *smh.UploadInfo, size, partSize int64, parts []int) []provider.Target {
	out := make([]provider.Target, 0, len(parts))
	for _, n := range parts {
		off, length := provider.Span(size, partSize, n)
		h := make(map[string]string, len(info.Headers))
		for k, v := range info.Headers {
			h[k] = v
		}
		out = append(out, provider.Target{Part: n, Offset: off, Length: length, Method: "PUT", URL: p.client.DataURL(info, n),
			Headers: h, Expires: info.Expiration})
	}
	return out
}

// firstWindow is the parts whose targets the begin answer carries.
func firstWindow(size, partSize int64) []int {
	if partSize == 0 {
		return []int{0}
	}
	out := make([]int, min(provider.PartCount(size, partSize), provider.TargetWindow))
	for i := range out {
		out[i] = i + 1
	}
	return out
}

func (p *Provider) State(ctx context.Context, c *provider.Caller, t *provider.Ticket) (*provider.RemoteState, error) {
	key := Key{User: c.Subject, Space: c.Space, Purpose: PurposeConfirm}
	var st *smh.UploadState
	err := p.tokens.With(ctx, key, func(tok string) (err error) {
		st, err = p.client.State(ctx, tok, c.Space, t.Session)
		return err
	})
	if err != nil {
		return nil, taskError("reading the upload", err)
	}
	rs := &provider.RemoteState{Stored: []provider.StoredPart{}}
	if len(st.Path) > 0 {
		rs.Path = joinPath(st.Path)
	}
	if st.Confirmed {
		rs.File = &provider.StoredFile{Path: rs.Path, Name: path.Base(rs.Path)}
		return rs, nil
	}
	if t.PartSize > 0 && st.Parts != nil {
		rs.HeldKnown = true
		for _, pt := range st.Parts {
			if !pt.SizeGiven {
				rs.HeldKnown = false
			}
			rs.Size += pt.Size
			rs.Stored = append(rs.Stored, provider.StoredPart{Part: pt.PartNumber, Size: pt.Size, ETag: pt.ETag})
		}
	}
	return rs, nil
}

func (p *Provider) Complete(ctx context.Context, c *provider.Caller, t *provider.Ticket, req *provider.CompleteRequest) (*provider.StoredFile, error) {
	key := Key{User: c.Subject, Space: c.Space, Purpose: PurposeConfirm}
	var f *smh.File
	err := p.tokens.With(ctx, key, func(tok string) (err error) {
		f, err = p.client.Confirm(ctx, tok, c.Space, t.Session, smh.ConfirmRequest{Crc64: req.CRC64})
		return err
	})
	if smh.Code(err) == smh.CodeUploadNotFound {
		// Completed already (a lost answer) or gone: the same bytes at the ticket's path
		// (or its renamed form) are the answer; anything else is gone.
		if found, ferr := p.findStored(ctx, c, t.Path, t.Size, req.CRC64); ferr != nil || found != nil {
			return found, ferr
		}
		return nil, provider.UploadGone()
	}
	if err != nil {
		return nil, Upstream("completing the upload", err)
	}
	return storedOf(f, ""), nil
}

// findStored looks for a file of this size and CRC-64 at target or a renamed form of it,
// among the newest 100 files of its folder.
func (p *Provider) findStored(ctx context.Context, c *provider.Caller, target string, size int64, crc string) (*provider.StoredFile, error) {
	key := Key{User: c.Subject, Space: c.Space, Purpose: PurposeConfirm}
	dir, name := path.Split(target)
	var list []smh.File
	err := p.tokens.With(ctx, key, func(tok string) (err error) {
		list, err = p.client.ListFiles(ctx, tok, c.Space, dir, 100)
		return err
	})
	if smh.Status(err) == 404 {
		return nil, nil
	}
	if err != nil {
		return nil, Upstream("looking up the completed upload", err)
	}
	for i := range list {
		f := &list[i]
		if f.SizeGiven && int64(f.Size) == size && f.Crc64 == crc && smh.RenamedFrom(f.Name, name) {
			return storedOf(f, dir+f.Name), nil
		}
	}
	return nil, nil
}

func (p *Provider) Abort(ctx context.Context, c *provider.Caller, t *provider.Ticket) error {
	key := Key{User: c.Subject, Space: c.Space, Purpose: PurposeConfirm}
	err := p.tokens.With(ctx, key, func(tok string) error { return p.client.Cancel(ctx, tok, c.Space, t.Session) })
	if smh.Code(err) == smh.CodeUploadNotFound {
		return nil
	}
	return Upstream("canceling the upload", err)
}

func (p *Provider) Remove(ctx context.Context, c *provider.Caller, file string) error {
	key := Key{User: c.Subject, Space: c.Space, Purpose: PurposeDelete}
	err := p.tokens.With(ctx, key, func(tok string) error { return p.client.DeleteFile(ctx, tok, c.Space, file, true) })
	return Upstream("removing the file that broke the policy", err)
}

// storedOf renders an SMH file object; fallback is the path when the answer has none.
func storedOf(f *smh.File, fallback string) *provider.StoredFile {
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
	return &provider.StoredFile{Path: p, Name: name, Size: int64(f.Size), SizeKnown: f.SizeGiven, CRC64: f.Crc64, ETag: f.ETag}
}

// joinPath renders segments as an absolute library path.
func joinPath(segs []string) string { return "/" + strings.Join(segs, "/") }
