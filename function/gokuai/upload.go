package gokuai

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/ferry-upload/ferry/function/provider"
	"github.com/ferry-upload/ferry/shared/gokuai"
	gkup "github.com/ferry-upload/ferry/shared/gokuai/upload"
)

// HashSHA1 is the quick-upload hash as the browser names it in "hashes": the hex SHA-1 of
// the whole file, which create_file needs (Gokuai announces every file by it).
const HashSHA1 = "sha1"

// emptySHA1 is the SHA-1 of no bytes: a 0-byte file needs no hash from the browser.
const emptySHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"

// targetLife is how long a target is handed out for. The targets carry no signature (the
// session is the capability) and the session's lifetime is not documented: the browser
// asks again now and then, which costs no call to Gokuai.
const targetLife = time.Hour

// finishPauses are the waits between upload_finish calls while Gokuai assembles the file
// (202): the first call and one more at once (small files assemble quickly), then
// backing off (the Java SDK polls every 2 s, 10 times).
var finishPauses = []time.Duration{0, 0, 500 * time.Millisecond, time.Second, 2 * time.Second, 2 * time.Second,
	2 * time.Second, 2 * time.Second}

// renames are how many numbered names "rename" tries ("a (1).txt" …) before a random one.
const renames = 4

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

// Shape: the upload server takes byte ranges strictly in order, and the one hash is the
// whole file's SHA-1.
func (p *Provider) Shape() provider.Shape {
	return provider.Shape{Ordered: true, CheckHashes: checkHashes}
}

func checkHashes(h map[string]string) error {
	for k, v := range h {
		if k != HashSHA1 {
			return provider.Invalid("hashes: %q is not a hash Gokuai uses (sha1)", k)
		}
		if b, err := hex.DecodeString(v); err != nil || len(b) != 20 {
			return provider.Invalid("hashes.sha1: 40 hex digits (SHA-1)")
		}
	}
	return nil
}

// Begin announces the file with create_file (signed with the library's credential) and
// opens its session with upload_init. Gokuai needs the file's SHA-1 to announce it: a
// begin without one is answered HashNeeded {"need":["sha1"]} before any call.
func (p *Provider) Begin(ctx context.Context, c *provider.Caller, u *provider.UploadSpec) (*provider.Begun, error) {
	sum := strings.ToLower(u.Hashes[HashSHA1])
	switch {
	case u.Size == 0 && sum == "":
		sum = emptySHA1
	case u.Size == 0 && sum != emptySHA1:
		return nil, provider.Invalid("hashes.sha1: a 0-byte file's SHA-1 is %s", emptySHA1)
	case sum == "":
		return nil, &provider.HashNeeded{Need: []string{HashSHA1}}
	}
	if u.PartSize > gkup.MaxPartSize || u.PartSize == 0 && u.Size > gkup.MaxPartSize {
		return nil, provider.Invalid("partSize: Gokuai's upload server takes at most %d bytes at once; ask for a partSize of at most that", gkup.MaxPartSize)
	}
	want := gkPath(u.Path)
	if err := gokuai.CheckPath(want); err != nil {
		return nil, &provider.Error{Code: provider.CodeInvalidPath, Status: 400, Message: "Gokuai cannot store this path: " + err.Error()}
	}
	var out *provider.Begun
	err := p.with(ctx, c, nil, func(l *lib) error {
		cf, at, err := p.announce(ctx, l, want, u, sum, c.Subject)
		if err != nil {
			return err
		}
		if cf.Instant() {
			f, err := p.fileAt(ctx, l, at)
			out = &provider.Begun{File: f}
			return err
		}
		server, err := cf.UploadServer()
		if err != nil {
			return err
		}
		up := p.uploader(server, l.id)
		s, err := up.Init(ctx, gkup.InitRequest{PathHash: string(cf.Hash), FileName: path.Base(at), SHA1: sum, Size: u.Size})
		if err != nil {
			return err
		}
		if s.Complete { // the content arrived since create_file: stored as an instant upload
			f, err := p.fileAt(ctx, l, at)
			out = &provider.Begun{File: f}
			return err
		}
		sess := &session{Org: l.org, ID: s.ID, Server: server, SHA1: sum}
		if at != want {
			sess.Path = at
		}
		if u.Size == 0 { // no byte to send: finish at once
			if err := p.finish(ctx, up, s.ID); err != nil {
				return err
			}
			f, err := p.fileAt(ctx, l, at)
			out = &provider.Begun{File: f}
			return err
		}
		targets := p.targets(sess, u.Size, u.PartSize, firstParts(u.Size, u.PartSize))
		out = &provider.Begun{Session: sess.String(), Targets: targets, Expires: p.now().Add(targetLife)}
		return nil
	})
	if err != nil {
		return nil, fileError("beginning the upload", err)
	}
	return out, nil
}

// announce calls create_file for want, mapping the neutral conflict onto Gokuai's one
// switch, overwrite: fail is overwrite=0 (a taken name is FileExists), replace is
// overwrite=1, and rename tries "name (1).ext" … "name (4).ext", then a random suffix,
// with overwrite=0, since Gokuai itself does not rename. It returns where the file goes.
func (p *Provider) announce(ctx context.Context, l *lib, want string, u *provider.UploadSpec, sum, opName string) (*gokuai.CreatedFile, string, error) {
	dir, name := path.Split(want)
	ext := path.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	for i := 0; ; i++ {
		at := want
		switch {
		case i > 0 && i <= renames:
			at = dir + stem + " (" + strconv.Itoa(i) + ")" + ext
		case i > renames:
			at = dir + stem + " (" + randomSuffix() + ")" + ext
		}
		cf, err := l.client.CreateFile(ctx, gokuai.CreateFileRequest{Path: at, Size: u.Size, SHA1: sum,
			Overwrite: u.Conflict == provider.ConflictReplace, OpName: opName})
		if gokuai.Code(err) == gokuai.CodeFileExists && u.Conflict == provider.ConflictRename && i <= renames {
			continue
		}
		if err == nil && string(cf.FullPath) != "" && string(cf.FullPath) != at {
			// Gokuai placed it elsewhere than asked: only the path asked for was approved.
			return nil, "", provider.Upstream("beginning the upload", provider.CodeUnexpected, "Gokuai announced another path", nil)
		}
		return cf, at, err
	}
}

func randomSuffix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// uploader is the upload-server client of one library: no secret, as the browser's.
func (p *Provider) uploader(server, orgClientID string) *gkup.Client {
	return &gkup.Client{Server: server, OrgClientID: orgClientID, Doer: p.client.Doer}
}

// firstParts are the parts the begin answer carries targets for.
func firstParts(size, partSize int64) []int {
	if partSize == 0 {
		return []int{0}
	}
	n := min(provider.PartCount(size, partSize), provider.TargetWindow)
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

// targets are the upload_part requests of parts: the session and the part's byte range in
// headers. The browser adds x-gk-upload-crc (the part's CRC-32), which only it can know.
func (p *Provider) targets(s *session, size, partSize int64, parts []int) []provider.Target {
	exp := p.now().Add(targetLife)
	out := make([]provider.Target, 0, len(parts))
	for _, n := range parts {
		off, length := provider.Span(size, partSize, n)
		out = append(out, provider.Target{Part: n, Offset: off, Length: length, Method: "PUT", URL: s.Server + gkup.PathPart,
			Headers: map[string]string{gkup.HeaderSession: s.ID,
				gkup.HeaderRange: strconv.FormatInt(off, 10) + "-" + strconv.FormatInt(off+length-1, 10),
				"Content-Type":   "application/octet-stream"},
			Expires: exp})
	}
	return out
}

// Targets renders the targets of parts again: they hold no signature, so no call to
// Gokuai is needed, only the check that the caller's library is still the ticket's.
func (p *Provider) Targets(ctx context.Context, c *provider.Caller, t *provider.Ticket, parts []int) ([]provider.Target, time.Time, error) {
	s, ok := parseSession(t.Session)
	if !ok {
		return nil, time.Time{}, provider.UploadGone()
	}
	if org, err := p.orgOf(ctx, c); err != nil {
		return nil, time.Time{}, err
	} else if org != s.Org {
		return nil, time.Time{}, errOtherLibrary()
	}
	return p.targets(s, t.Size, t.PartSize, parts), p.now().Add(targetLife), nil
}

// State reads the bytes the upload server holds (upload_req) as the parts they make up.
// A session Gokuai no longer has is the stored file when the upload was finished (a lost
// answer), else gone.
func (p *Provider) State(ctx context.Context, c *provider.Caller, t *provider.Ticket) (*provider.RemoteState, error) {
	s, ok := parseSession(t.Session)
	if !ok {
		return nil, provider.UploadGone()
	}
	var out *provider.RemoteState
	err := p.with(ctx, c, s, func(l *lib) error {
		off, err := p.uploader(s.Server, l.id).Offset(ctx, s.ID)
		if codeOf(err) == gokuai.CodeSessionInvalid {
			f, err := p.finished(ctx, l, s, t)
			if err == nil && f != nil {
				out = &provider.RemoteState{Stored: []provider.StoredPart{}, File: f}
			}
			return orGone(err, f != nil)
		}
		if err != nil {
			return err
		}
		out = &provider.RemoteState{Stored: heldParts(off, t.Size, t.PartSize), Size: off, HeldKnown: true}
		return nil
	})
	if err != nil {
		return nil, fileError("reading the upload", err)
	}
	return out, nil
}

// heldParts are the parts wholly inside the first off bytes.
func heldParts(off, size, partSize int64) []provider.StoredPart {
	out := []provider.StoredPart{}
	if partSize == 0 {
		if off >= size && size > 0 {
			out = append(out, provider.StoredPart{Part: 0, Size: size})
		}
		return out
	}
	for n := 1; n <= provider.PartCount(size, partSize); n++ {
		o, l := provider.Span(size, partSize, n)
		if o+l > off {
			break
		}
		out = append(out, provider.StoredPart{Part: n, Size: l})
	}
	return out
}

// Complete asks the upload server to assemble the file (upload_finish, asked again while
// it answers 202), then reads the stored file from the library (info). The browser's
// CRC-64 is not Gokuai's: the upload server checks each part's CRC-32 and the whole
// file's SHA-1 against the one create_file announced.
func (p *Provider) Complete(ctx context.Context, c *provider.Caller, t *provider.Ticket, _ *provider.CompleteRequest) (*provider.StoredFile, error) {
	s, ok := parseSession(t.Session)
	if !ok {
		return nil, provider.UploadGone()
	}
	var out *provider.StoredFile
	err := p.with(ctx, c, s, func(l *lib) error {
		err := p.finish(ctx, p.uploader(s.Server, l.id), s.ID)
		if codeOf(err) == gokuai.CodeSessionInvalid {
			f, err := p.finished(ctx, l, s, t)
			out = f
			return orGone(err, f != nil)
		}
		if _, short := gkup.ExpectedOffset(err); short {
			return provider.Invalid("the upload is incomplete: send the rest of its bytes first")
		}
		if err != nil {
			return err
		}
		f, err := p.fileAt(ctx, l, s.path(t))
		if err == nil && f.SHA1 != s.SHA1 {
			return provider.Upstream("completing the upload", provider.CodeUnexpected, "the file at the path is not the one uploaded", nil)
		}
		out = f
		return err
	})
	if err != nil {
		return nil, fileError("completing the upload", err)
	}
	return out, nil
}

// finish asks upload_finish until the file is assembled, pausing between the 202s.
func (p *Provider) finish(ctx context.Context, up *gkup.Client, id string) error {
	for _, pause := range p.pauses {
		if err := p.sleep(ctx, pause); err != nil {
			return err
		}
		fin, err := up.Finish(ctx, id)
		if err != nil || !fin.Pending {
			return err
		}
	}
	return &provider.Error{Code: provider.CodeUpstreamError, Status: 503, ProviderCode: "Assembling",
		Message: "Gokuai is still assembling the file: complete again in a few seconds", Header: map[string]string{"Retry-After": "5"}}
}

// finished is the upload's file when the library holds it with the announced content,
// nil when it does not.
func (p *Provider) finished(ctx context.Context, l *lib, s *session, t *provider.Ticket) (*provider.StoredFile, error) {
	f, err := p.fileAt(ctx, l, s.path(t))
	if codeOf(err) == gokuai.CodeFileNotFound {
		return nil, nil
	}
	if err != nil || f.SHA1 != s.SHA1 || f.Size != t.Size {
		return nil, err
	}
	return f, nil
}

// fileAt describes the file at a Gokuai path (info).
func (p *Provider) fileAt(ctx context.Context, l *lib, at string) (*provider.StoredFile, error) {
	f, err := l.client.FileInfo(ctx, at)
	if err != nil {
		return nil, err
	}
	if f.Dir == 1 {
		return nil, provider.Upstream("reading the stored file", provider.CodeUnexpected, "a folder is at the file's path", nil)
	}
	name := string(f.FileName)
	if name == "" {
		name = path.Base(at)
	}
	full := string(f.FullPath)
	if full == "" {
		full = at
	}
	return &provider.StoredFile{Path: "/" + full, Name: name, Size: int64(f.FileSize), SizeKnown: true,
		SHA1: strings.ToLower(string(f.FileHash))}, nil
}

func orGone(err error, found bool) error {
	if err != nil || found {
		return err
	}
	return provider.UploadGone()
}

// Abort ends the upload-server session and drops what it received (upload_abort). A
// session already gone is no error; a finished upload's file stays.
func (p *Provider) Abort(ctx context.Context, c *provider.Caller, t *provider.Ticket) error {
	s, ok := parseSession(t.Session)
	if !ok {
		return nil
	}
	err := p.with(ctx, c, s, func(l *lib) error {
		return p.uploader(s.Server, l.id).Abort(ctx, s.ID)
	})
	if codeOf(err) == gokuai.CodeSessionInvalid {
		return nil
	}
	return fileError("canceling the upload", err)
}

// Remove deletes a stored file for good (one that broke the policy after completion).
func (p *Provider) Remove(ctx context.Context, c *provider.Caller, file string) error {
	err := p.with(ctx, c, nil, func(l *lib) error { return l.client.DeleteFiles(ctx, c.Subject, gkPath(file)) })
	if codeOf(err) == gokuai.CodeFileNotFound {
		return nil
	}
	return fileError("removing the file that broke the policy", err)
}

// MakeDirectory creates dir and its missing parents; created is false when it existed.
func (p *Provider) MakeDirectory(ctx context.Context, c *provider.Caller, dir string) (created bool, err error) {
	at := gkPath(dir)
	if err := gokuai.CheckPath(at); err != nil {
		return false, &provider.Error{Code: provider.CodeInvalidPath, Status: 400, Message: "Gokuai cannot store this path: " + err.Error()}
	}
	err = p.with(ctx, c, nil, func(l *lib) error {
		f, err := l.client.FileInfo(ctx, at)
		switch {
		case err == nil && f.Dir == 1:
			return nil
		case err == nil:
			return &gokuai.Error{Code: gokuai.CodeFileExists, Status: 409}
		case gokuai.Code(err) != gokuai.CodeFileNotFound:
			return err
		}
		created = true
		_, err = l.client.CreateFolder(ctx, at, c.Subject)
		return err
	})
	return created, fileError("creating the folder", err)
}
