package pds

import (
	"context"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/ferry-upload/ferry/function/provider"
	"github.com/ferry-upload/ferry/shared/pds"
)

// Name is the provider id of FERRY_PROVIDER and of tickets.
const Name = "pds"

// Quick-upload hashes as the browser names them in "hashes" (interfaces.md §5.2).
const (
	HashPre  = "preHash" // SHA-1 of the first 1024 bytes, hex
	HashSHA1 = "sha1"    // SHA-1 of the whole file, hex
)

// DriveDefault names each user's default drive (PDS_DRIVE=default).
const DriveDefault = "default"

// partURLLife is how long PDS's part URLs are valid when the URL does not say (15 minutes).
const partURLLife = 15 * time.Minute

// Provider is the PDS provider. Create it with New (JWT bearer) or NewWeb (web sign-in).
type Provider struct {
	client *pds.Client
	tokens *pds.UserTokens // JWT bearer: the function acts for any user of the domain
	web    *WebApp         // web sign-in: the function acts with the caller's own sign-in
	domain string
	drive  string // DriveDefault or a drive id
	now    func() time.Time
}

// WebApp is the web-server app of the sign-in flow (PDS_CLIENT_ID, PDS_CLIENT_SECRET).
type WebApp struct {
	ClientID     string
	ClientSecret string
}

// accessMargin is how long before its expiry a session's access token is renewed.
const accessMargin = 2 * time.Minute

var (
	_ provider.Beginner       = (*Provider)(nil)
	_ provider.Targeter       = (*Provider)(nil)
	_ provider.Stater         = (*Provider)(nil)
	_ provider.Completer      = (*Provider)(nil)
	_ provider.Aborter        = (*Provider)(nil)
	_ provider.Remover        = (*Provider)(nil)
	_ provider.DirectoryMaker = (*Provider)(nil)
	_ provider.Shaper         = (*Provider)(nil)
)

// New returns the provider of one PDS domain, acting for each caller with tokens.
func New(client *pds.Client, tokens *pds.UserTokens, domain, drive string, now func() time.Time) *Provider {
	if drive == "" {
		drive = DriveDefault
	}
	if now == nil {
		now = time.Now
	}
	return &Provider{client: client, tokens: tokens, domain: domain, drive: drive, now: now}
}

// NewWeb returns the provider of one PDS domain that acts with each caller's own sign-in
// (provider.Caller.Session), renewed with the web app's refresh grant.
func NewWeb(client *pds.Client, app WebApp, domain, drive string, now func() time.Time) *Provider {
	p := New(client, nil, domain, drive, now)
	p.web = &app
	return p
}

func (p *Provider) Name() string    { return Name }
func (p *Provider) Library() string { return p.domain }

// Shape: parts in order (Ferry never asks for parallel_upload, which needs a SHA-1 context
// per part), and PDS's two hashes.
func (p *Provider) Shape() provider.Shape {
	return provider.Shape{Ordered: true, CheckHashes: checkHashes}
}

func checkHashes(h map[string]string) error {
	for k, v := range h {
		if k != HashPre && k != HashSHA1 {
			return provider.Invalid("hashes: %q is not a hash PDS uses (preHash, sha1)", k)
		}
		if !isHex(v, 40) {
			return provider.Invalid("hashes.%s: 40 hex digits (SHA-1)", k)
		}
	}
	return nil
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// as runs fn with the caller's access token and drive, once more with a new token when PDS
// calls the first one invalid.
func (p *Provider) as(ctx context.Context, c *provider.Caller, fn func(tok, drive string) error) error {
	if p.web != nil {
		return p.asSession(ctx, c, fn)
	}
	for attempt := 0; ; attempt++ {
		t, err := p.tokens.Get(ctx, c.Subject)
		if err != nil {
			return upstream("signing in to PDS for the caller", err)
		}
		drive, err := p.driveOf(t.DefaultDriveID)
		if err != nil {
			return err
		}
		err = fn(t.AccessToken, drive)
		if attempt == 0 && pds.TokenInvalid(err) {
			p.tokens.Forget(c.Subject, t)
			continue
		}
		return err
	}
}

// asSession is as for web sign-in: the caller's session's access token, renewed with its
// refresh token when it is about to expire or PDS calls it invalid. A refresh PDS refuses
// means the caller must sign in again.
func (p *Provider) asSession(ctx context.Context, c *provider.Caller, fn func(tok, drive string) error) error {
	s := c.Session
	if s == nil || s.RefreshToken == "" {
		return signInRequired("you have not signed in to PDS")
	}
	for attempt := 0; ; attempt++ {
		if attempt > 0 || s.AccessToken == "" || !p.now().Before(s.AccessExpires.Add(-accessMargin)) {
			t, err := p.client.TokenByRefresh(ctx, p.web.ClientID, p.web.ClientSecret, s.RefreshToken)
			if st := pds.Status(err); st == 400 || st == 401 {
				return signInRequired("your PDS sign-in has ended (" + pds.Code(err) + ")")
			}
			if err != nil {
				return upstream("renewing your PDS sign-in", err)
			}
			s.AccessToken, s.AccessExpires = t.AccessToken, p.now().Add(time.Duration(t.ExpiresIn)*time.Second)
			if t.RefreshToken != "" {
				s.RefreshToken = t.RefreshToken // PDS may rotate it: the old one is spent
			}
			if t.DefaultDriveID != "" {
				s.Drive = t.DefaultDriveID
			}
			s.Changed = true
		}
		drive, err := p.driveOf(s.Drive)
		if err != nil {
			return err
		}
		err = fn(s.AccessToken, drive)
		if attempt == 0 && pds.TokenInvalid(err) {
			continue
		}
		return err
	}
}

func (p *Provider) driveOf(userDefault string) (string, error) {
	if p.drive != DriveDefault {
		return p.drive, nil
	}
	if userDefault == "" {
		return "", provider.Upstream("signing in to PDS for the caller", "NoDefaultDrive", "the user has no default drive", nil)
	}
	return userDefault, nil
}

// signInRequired is the answer when the caller's PDS sign-in is missing or over: 401, with
// PDS's "SignInRequired" beside, so the page offers the sign-in again.
func signInRequired(msg string) error {
	return &provider.Error{Code: provider.CodeUnauthenticated, Status: 401, ProviderCode: CodeSignInRequired,
		Message: msg + ": sign in again (POST /v1/pds/login)"}
}

// CodeSignInRequired is the provider code of a missing or ended web sign-in.
const CodeSignInRequired = "SignInRequired"

// session is what a ticket carries of a PDS upload.
type session struct{ drive, file, upload string }

func (s session) String() string { return s.drive + "/" + s.file + "/" + s.upload }

func parseSession(raw string) (session, bool) {
	f := strings.Split(raw, "/")
	if len(f) != 3 || f[0] == "" || f[1] == "" || f[2] == "" {
		return session{}, false
	}
	return session{f[0], f[1], f[2]}, true
}

var conflictModes = map[string]string{
	provider.ConflictFail:    pds.CheckNameRefuse,
	provider.ConflictRename:  pds.CheckNameAutoRename,
	provider.ConflictReplace: pds.CheckNameRefuse, // then a new revision of the existing file
}

func (p *Provider) Begin(ctx context.Context, c *provider.Caller, u *provider.UploadSpec) (*provider.Begun, error) {
	dir, name := path.Split(u.Path)
	var res *pds.CreateFileResponse
	var sess session
	err := p.as(ctx, c, func(tok, drive string) error {
		parent, err := p.folder(ctx, tok, drive, dir)
		if err != nil {
			return err
		}
		size := u.Size
		req := &pds.CreateFileRequest{DriveID: drive, ParentFileID: parent, Name: name, Type: "file", Size: &size,
			ContentType: u.Type, PartInfoList: partList(u.Size, u.PartSize), CheckNameMode: conflictModes[u.Conflict],
			PreHash: strings.ToUpper(u.Hashes[HashPre])}
		if h := u.Hashes[HashSHA1]; h != "" {
			req.PreHash, req.ContentHash, req.ContentHashName = "", strings.ToUpper(h), "sha1"
		}
		res, err = p.client.CreateFile(ctx, tok, req)
		if err == nil && res.Exist && u.Conflict == provider.ConflictReplace {
			// Replace: a new revision of the file that is there.
			req.FileID, req.CheckNameMode = res.FileID, pds.CheckNameIgnore
			res, err = p.client.CreateFile(ctx, tok, req)
		}
		sess = session{drive: drive}
		return err
	})
	switch {
	case pds.Code(err) == pds.CodePreHashMatched:
		return nil, &provider.HashNeeded{Need: []string{HashSHA1}}
	case err != nil:
		return nil, upstream("beginning the upload", err)
	case res.Exist:
		return nil, &provider.Error{Code: provider.CodeAlreadyExists, Status: 409, ProviderCode: "exist",
			Message: "a file named " + name + " already exists there"}
	case res.RapidUpload:
		return &provider.Begun{File: p.stored(dir, res.FileName, name, u.Size, "")}, nil
	case res.UploadID == "" || res.FileID == "":
		return nil, provider.Upstream("beginning the upload", provider.CodeUnexpected, "PDS answered no upload id", nil)
	}
	sess.file, sess.upload = res.FileID, res.UploadID
	targets, expires := p.targetsOf(res.PartInfoList, u.Size, u.PartSize)
	return &provider.Begun{Session: sess.String(), Targets: targets, Expires: expires}, nil
}

// partList declares every part of an upload (PDS wants them at create; ≤ 10,000).
func partList(size, partSize int64) []pds.PartInfo {
	n := provider.PartCount(size, partSize)
	if n == 0 {
		n = 1
	}
	out := make([]pds.PartInfo, n)
	for i := range out {
		out[i].PartNumber = i + 1
	}
	return out
}

// targetsOf renders part URLs as targets, at most provider.TargetWindow of them (the rest
// are asked for as the upload goes).
func (p *Provider) targetsOf(parts []pds.PartInfo, size, partSize int64) ([]provider.Target, time.Time) {
	out := make([]provider.Target, 0, min(len(parts), provider.TargetWindow))
	expires := p.now().Add(partURLLife)
	for _, pi := range parts {
		if len(out) == provider.TargetWindow {
			break
		}
		n := pi.PartNumber
		if partSize == 0 {
			n = 0 // one body: PDS's part 1
		}
		off, length := provider.Span(size, partSize, n)
		h := map[string]string{}
		if pi.ContentType != "" {
			h["Content-Type"] = pi.ContentType
		}
		e := urlExpiry(pi.UploadURL, p.now())
		if e.Before(expires) {
			expires = e
		}
		out = append(out, provider.Target{Part: n, Offset: off, Length: length, Method: "PUT", URL: pi.UploadURL,
			Headers: h, Expires: e})
	}
	return out, expires
}

// urlExpiry reads an OSS presigned URL's Expires (unix seconds); without one, the URL is
// taken to live partURLLife.
func urlExpiry(raw string, now time.Time) time.Time {
	if u, err := url.Parse(raw); err == nil {
		if s, err := strconv.ParseInt(u.Query().Get("Expires"), 10, 64); err == nil && s > 0 {
			return time.Unix(s, 0)
		}
	}
	return now.Add(partURLLife)
}

func (p *Provider) Targets(ctx context.Context, c *provider.Caller, t *provider.Ticket, parts []int) ([]provider.Target, time.Time, error) {
	s, ok := parseSession(t.Session)
	if !ok {
		return nil, time.Time{}, provider.UploadGone()
	}
	nums := make([]int, len(parts))
	for i, n := range parts {
		nums[i] = max(n, 1) // part 0, the one body, is PDS's part 1
	}
	var list []pds.PartInfo
	err := p.as(ctx, c, func(tok, _ string) (err error) {
		list, err = p.client.GetUploadURL(ctx, tok, s.drive, s.file, s.upload, nums)
		return err
	})
	if err != nil {
		return nil, time.Time{}, taskError("renewing the part URLs", err)
	}
	targets, expires := p.targetsOf(list, t.Size, t.PartSize)
	return targets, expires, nil
}

func (p *Provider) State(ctx context.Context, c *provider.Caller, t *provider.Ticket) (*provider.RemoteState, error) {
	s, ok := parseSession(t.Session)
	if !ok {
		return nil, provider.UploadGone()
	}
	var parts []pds.PartInfo
	err := p.as(ctx, c, func(tok, _ string) (err error) {
		parts, err = p.client.ListUploadedParts(ctx, tok, s.drive, s.file, s.upload)
		return err
	})
	if pds.Code(err) == pds.CodeNotFoundUploadID {
		// Completed (a lost answer) or gone: the file says which.
		f, ferr := p.completed(ctx, c, s, t)
		if ferr != nil || f == nil {
			return nil, orGone(ferr)
		}
		return &provider.RemoteState{Stored: []provider.StoredPart{}, File: f}, nil
	}
	if err != nil {
		return nil, taskError("reading the upload", err)
	}
	rs := &provider.RemoteState{Stored: []provider.StoredPart{}, HeldKnown: true}
	for _, pt := range parts {
		n := pt.PartNumber
		if t.PartSize == 0 {
			n = 0
		}
		rs.Size += pt.PartSize
		rs.Stored = append(rs.Stored, provider.StoredPart{Part: n, Size: pt.PartSize, ETag: pt.ETag})
	}
	return rs, nil
}

func (p *Provider) Complete(ctx context.Context, c *provider.Caller, t *provider.Ticket, req *provider.CompleteRequest) (*provider.StoredFile, error) {
	s, ok := parseSession(t.Session)
	if !ok {
		return nil, provider.UploadGone()
	}
	var f *pds.File
	err := p.as(ctx, c, func(tok, _ string) (err error) {
		f, err = p.client.Complete(ctx, tok, s.drive, s.file, s.upload, req.CRC64)
		return err
	})
	if pds.Code(err) == pds.CodeNotFoundUploadID {
		// Completed already (a lost answer): the same bytes in the file are the answer.
		sf, ferr := p.completed(ctx, c, s, t)
		if ferr == nil && sf != nil && sf.CRC64 != "" && sf.CRC64 != req.CRC64 {
			sf = nil
		}
		if ferr != nil || sf == nil {
			return nil, orGone(ferr)
		}
		return sf, nil
	}
	if err != nil {
		return nil, upstream("completing the upload", err)
	}
	dir, name := path.Split(t.Path)
	return p.stored(dir, f.Name, name, f.Size, f.CRC64Hash), nil
}

// completed returns the upload's file when PDS holds it completed ("available"), nil when
// it does not.
func (p *Provider) completed(ctx context.Context, c *provider.Caller, s session, t *provider.Ticket) (*provider.StoredFile, error) {
	var f *pds.File
	err := p.as(ctx, c, func(tok, _ string) (err error) {
		f, err = p.client.GetFile(ctx, tok, s.drive, s.file)
		return err
	})
	if pds.Code(err) == pds.CodeNotFoundFile {
		return nil, nil
	}
	if err != nil {
		return nil, upstream("looking up the completed upload", err)
	}
	if f.Status != "" && f.Status != "available" {
		return nil, nil
	}
	dir, name := path.Split(t.Path)
	return p.stored(dir, f.Name, name, f.Size, f.CRC64Hash), nil
}

// stored renders a file stored in dir. PDS answers names, not paths: the file lies in the
// folder the upload was begun in, under its answered name (auto_rename may change it).
func (p *Provider) stored(dir, answered, fallback string, size int64, crc string) *provider.StoredFile {
	name := answered
	if name == "" {
		name = fallback
	}
	return &provider.StoredFile{Path: path.Join(dir, name), Name: name, Size: size, SizeKnown: true, CRC64: crc}
}

// Abort deletes the file of an open upload by the id create answered: PDS has no abort
// call, and the received parts go with the file. An upload already gone is no error.
func (p *Provider) Abort(ctx context.Context, c *provider.Caller, t *provider.Ticket) error {
	s, ok := parseSession(t.Session)
	if !ok {
		return nil
	}
	err := p.as(ctx, c, func(tok, _ string) error {
		f, err := p.client.GetFile(ctx, tok, s.drive, s.file)
		switch {
		case err == nil && f.Status == "available":
			return nil // completed (or the file a replace revises): never deleted by a cancel
		case err != nil && pds.Code(err) != pds.CodeNotFoundFile:
			return err
		}
		// Still uploading (shown, or hidden until completed): its id deletes it.
		return p.client.Delete(ctx, tok, s.drive, s.file)
	})
	if pds.Code(err) == pds.CodeNotFoundFile {
		return nil
	}
	return upstream("canceling the upload", err)
}

func (p *Provider) Remove(ctx context.Context, c *provider.Caller, file string) error {
	err := p.as(ctx, c, func(tok, drive string) error {
		f, err := p.client.GetByPath(ctx, tok, drive, file)
		if err != nil {
			return err
		}
		return p.client.Delete(ctx, tok, drive, f.FileID)
	})
	return upstream("removing the file that broke the policy", err)
}

// MakeDirectory creates dir and its missing parents; created is false when it existed.
func (p *Provider) MakeDirectory(ctx context.Context, c *provider.Caller, dir string) (created bool, err error) {
	err = p.as(ctx, c, func(tok, drive string) error {
		_, err := p.client.GetByPath(ctx, tok, drive, dir)
		if pds.Code(err) != pds.CodeNotFoundFile {
			return err
		}
		created = true
		_, err = p.folder(ctx, tok, drive, dir)
		return err
	})
	return created, upstream("creating the folder", err)
}

// folder returns the file id of dir ("/a/b/"), creating the folders that are missing.
func (p *Provider) folder(ctx context.Context, tok, drive, dir string) (string, error) {
	dir = strings.Trim(dir, "/")
	if dir == "" {
		return "root", nil
	}
	if f, err := p.client.GetByPath(ctx, tok, drive, "/"+dir); err == nil {
		if f.Type != "folder" {
			return "", &pds.Error{Status: 409, Code: "NotAFolder", Message: "/" + dir + " is a file"}
		}
		return f.FileID, nil
	} else if pds.Code(err) != pds.CodeNotFoundFile {
		return "", err
	}
	parent := "root"
	for _, seg := range strings.Split(dir, "/") {
		res, err := p.client.CreateFile(ctx, tok, &pds.CreateFileRequest{DriveID: drive, ParentFileID: parent, Name: seg,
			Type: "folder", CheckNameMode: pds.CheckNameRefuse})
		if err != nil {
			return "", err
		}
		if res.Exist && res.Type != "" && res.Type != "folder" {
			return "", &pds.Error{Status: 409, Code: "NotAFolder", Message: seg + " is a file"}
		}
		parent = res.FileID
	}
	return parent, nil
}
