package engine

import (
	"context"
	"errors"
	"path"
	"strconv"
	"strings"

	"github.com/ferry-upload/ferry/shared/hashes"
	"github.com/ferry-upload/ferry/shared/jsonx"
	"github.com/ferry-upload/ferry/shared/smh"
)

// Lost answers. A request whose answer never came (a network error, a 5xx) may still have
// done its work. Two such requests store a file: the confirm, and a quick upload's begin with
// the full hash (a 200 is the stored file). Trying them again is not safe: the confirm's task
// is gone once confirmed (UploadNotFound), and a second quick begin stores a second copy
// ("name (1).ext" under rename, SameNameDirectoryOrFileExists under ask). So after such an
// answer is lost the engine looks the file up instead: a file of the same size and CRC-64
// at the target path, or (rename) at one of its renamed variants, the newest first.

// CodeConfirmUnknown: the answer that would say whether the file was stored was lost, and
// looking the file up failed too. The file is likely stored.
const CodeConfirmUnknown = "ConfirmUnknown"

// StoredFinder is implemented by drivers that can look up a stored file (SMHDriver). A
// driver that is not one must complete idempotently (BrokeredDriver: the function answers
// a repeated complete with the stored file): its session is then looked up by completing
// it again, and a file stored by a lost quick begin cannot be looked up (it begins again).
type StoredFinder interface {
	// FindStored returns the newest file whose size and CRC-64 are these, stored at target
	// or at one of its renamed variants ("name (n).ext"), or nil when there is none.
	FindStored(ctx context.Context, tok *Token, target string, size int64, crc64 uint64) (*Result, error)
}

// lookupStored looks for the file a request with a lost answer may have stored (sess is
// the upload's task, nil for a begin): its result, nil when it is not stored, or a
// ConfirmUnknown error when the lookup fails.
func (t *Task) lookupStored(ctx context.Context, sess *Session, target string, crc uint64) (*Result, error) {
	d := t.driver()
	f, finder := d.(StoredFinder)
	if !finder && sess == nil {
		return nil, nil
	}
	var res *Result
	err := t.call(ctx, func(tok *Token) error {
		var err error
		if finder {
			res, err = f.FindStored(ctx, tok, target, t.src.Size(), crc)
			return err
		}
		if res, err = d.Complete(ctx, tok, sess, crc); errors.Is(err, ErrSessionGone) {
			res, err = nil, nil // completing again found nothing stored
		}
		return err
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return nil, &Error{Code: CodeConfirmUnknown, Message: "the server's answer was lost and the file could not be looked up (it may be stored): " + AsError(err).Message, Err: err}
	}
	return res, nil
}

// storedAfterReload: a checkpoint whose confirm was asked and whose task is gone: the
// confirm may have stored the file, before the page went away or during the resume. Found
// (same size and CRC-64 as the local file), it is the result; otherwise ErrSessionGone
// (start afresh). A lookup that fails leaves the answer lost, to be looked up again.
func (t *Task) storedAfterReload(ctx context.Context, cp *Checkpoint) (*Result, error) {
	crc, err := t.fileCRC(ctx)
	var res *Result
	if err == nil {
		res, err = t.lookupStored(ctx, cp.Session, cp.Path, crc)
	}
	t.setLost(err != nil)
	switch {
	case err != nil: // fails ConfirmUnknown; a retry looks again
		return nil, err
	case res == nil:
		return nil, ErrSessionGone
	}
	t.mu.Lock()
	t.cp, t.persisted = cp, true // so that its checkpoint goes
	t.mu.Unlock()
	return res, nil
}

// canFind reports whether the task's driver can look up a stored file without its task.
func (t *Task) canFind() bool {
	_, ok := t.driver().(StoredFinder)
	return ok
}

// fileCRC is the CRC-64 of the whole file, read through a block buffer.
func (t *Task) fileCRC(ctx context.Context) (uint64, error) {
	t.mu.Lock()
	crc, ok := t.hashedCRC, t.hashedCRCOK
	t.mu.Unlock()
	if ok {
		return crc, nil // the SHA-1's pass computed it
	}
	buf, err := t.e.blocks.get(ctx, hashes.BlockSize)
	if err != nil {
		return 0, err
	}
	defer t.e.blocks.put(buf)
	return t.crcRange(ctx, 0, t.src.Size(), buf)
}

// unknownOutcome reports a failed attempt after which the server may have done the work.
func (t *Task) unknownOutcome(ctx context.Context, err error) bool {
	return err != nil && t.e.classify(ctx, t.driver(), err) == FaultRetry
}

// FindStored lists the target's directory, newest first, and takes the first file named as
// the target or as a renamed variant of it whose size and CRC-64 match; where listing is
// refused, it reads the target's info.
func (d *SMHDriver) FindStored(ctx context.Context, tok *Token, target string, size int64, crc64 uint64) (*Result, error) {
	target = "/" + strings.Trim(target, "/")
	dir, name := path.Split(target)
	crc := strconv.FormatUint(crc64, 10)
	match := func(f *smh.File) bool { return int64(f.Size) == size && f.Crc64 == crc }
	c := d.client(tok.APIBase, tok.LibraryID)
	u := c.BaseURL + "/api/v1/directory/" + smh.EscapePath(tok.LibraryID+"/"+tok.SpaceID+dir) +
		"?filter=onlyFile&limit=100&order_by=creationTime&order_by_type=desc"
	resp, err := c.Doer.Do(ctx, &smh.Request{Method: "GET", URL: u, Header: map[string]string{"Authorization": "Bearer " + tok.AccessToken}})
	if err != nil {
		return nil, &smh.NetworkError{Op: "list directory", Err: err}
	}
	lerr := smh.ParseDataPlaneError(resp)
	if lerr == nil {
		var list dirListing
		if jsonx.Decode(resp.Body, &list) == nil {
			for i := range list.Contents {
				f := &list.Contents[i]
				if match(f) && renamedFrom(f.Name, name) {
					return resultOf(f, dir+f.Name), nil
				}
			}
			return nil, nil
		}
	}
	switch st := smh.Status(lerr); {
	case st == 404:
		return nil, nil // no such directory: nothing stored there
	case d.Classify(lerr) != FaultFatal:
		return nil, lerr
	}
	f, err := c.FileInfo(ctx, tok.AccessToken, tok.SpaceID, target) // listing refused: the target only
	if smh.Status(err) == 404 || err == nil && !match(f) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	f.Path = nil
	return resultOf(f, target), nil
}

// renamedFrom reports whether name is want or a conflict rename of it: "a (3).txt" of "a.txt".
func renamedFrom(name, want string) bool {
	if name == want {
		return true
	}
	base, ext := want, path.Ext(want)
	if ext != want && ext != "." {
		base = strings.TrimSuffix(want, ext)
	} else {
		ext = ""
	}
	rest, ok := strings.CutPrefix(name, base+" (")
	if !ok {
		return false
	}
	n, ok := strings.CutSuffix(rest, ")"+ext)
	if !ok || n == "" {
		return false
	}
	for _, r := range n {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
