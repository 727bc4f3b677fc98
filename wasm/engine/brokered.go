package engine

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/ferry-upload/ferry/shared/jsonx"
	"github.com/ferry-upload/ferry/shared/urlx"
)

// BrokeredDriver is the Driver of brokered uploads (interfaces.md §5.2): the token function
// begins, renews, reads, completes and aborts every upload after checking the caller's
// policy, and the browser, holding no provider credential, only PUTs bytes to the targets
// the function hands out for that one upload. The function decides how the file is cut;
// the session (keyed by the function's sealed ticket) says so.
//
// It is not a StoredFinder: a lost complete answer is settled by completing again (the
// function answers the stored file), and a file a lost quick begin may have stored cannot
// be looked up, so that begin is sent again.
type BrokeredDriver struct {
	// Function sends every request to the function's routes, with the page's headers (as
	// for /v1/token).
	Function *Function

	targets targetCache
}

var _ Driver = (*BrokeredDriver)(nil)

// brokeredSession is BrokeredDriver's Session.Data.
type brokeredSession struct {
	Provider string `json:"provider"` // whose data plane the targets are
	Path     string `json:"path"`     // the full library path the function approved
	Size     int64  `json:"size"`
}

// Codes of the function's answers the driver acts upon.
const (
	codeHashNeeded      = "HashNeeded"
	codeUploadNotFound  = "UploadNotFound"
	codeForbidden       = "Forbidden"
	codeUnauthenticated = "Unauthenticated"
	codeRateLimited     = "RateLimited"
)

func (d *BrokeredDriver) Name() string { return "brokered" }

// MayQuickUpload: the function says whether the role may send hashes, and quick upload
// needs hashes the provider takes (dataPlanes).
func (d *BrokeredDriver) MayQuickUpload(tok *Token) bool {
	_, ok := dataPlanes[tok.Provider]
	return tok.QuickUpload && ok
}

// upload is the begin answer's upload, target one byte target, answer any answer of the
// brokered routes (each fills its own fields), and beginBody the begin request (§5.2).
type upload struct {
	ID       string    `json:"id"`
	Path     string    `json:"path"`
	Size     int64     `json:"size"`
	PartSize int64     `json:"partSize"`
	Parts    int       `json:"parts"`
	Ordered  bool      `json:"ordered"` // the provider takes parts only in order
	Expires  time.Time `json:"expiresAt"`
	Targets  []target  `json:"targets"`
}

type target struct {
	Part    int               `json:"part"`
	Offset  int64             `json:"offset"`
	Length  int64             `json:"length"`
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers"`
	Expires time.Time         `json:"expiresAt"`
}

type answer struct {
	Upload  *upload      `json:"upload"`
	File    *Result      `json:"file"`
	Targets []target     `json:"targets"`
	Expires time.Time    `json:"expiresAt"`
	Stored  []RemotePart `json:"stored"`
	Rapid   bool         `json:"rapid"` // the begin's file was stored from its hashes
}

type beginBody struct {
	SpaceID  string            `json:"spaceId,omitempty"`
	Path     string            `json:"path"`
	Size     int64             `json:"size"`
	Conflict string            `json:"conflict,omitempty"`
	PartSize int64             `json:"partSize,omitempty"`
	Labels   []string          `json:"labels,omitempty"`
	Meta     map[string]string `json:"meta,omitempty"`
	Hashes   map[string]string `json:"hashes,omitempty"`
}

func (d *BrokeredDriver) Begin(ctx context.Context, tok *Token, spec *FileSpec, quick *QuickHashes) (*Session, *Result, error) {
	plane, ok := dataPlanes[tok.Provider]
	if !ok {
		return nil, nil, &Error{Code: "UnsupportedProvider", Message: "this engine sends bytes to SMH, PDS and Gokuai, not to " + tok.Provider}
	}
	rel, err := relativePath(tok.Limits.PathPrefix, spec.Path)
	if err != nil {
		return nil, nil, err
	}
	body := &beginBody{SpaceID: tok.SpaceID, Path: rel, Size: spec.Size, Conflict: spec.Conflict, PartSize: spec.PartSize,
		Labels: spec.Labels, Meta: spec.Meta}
	names := plane.hashes
	switch {
	case names[0] == "" && quick == nil:
		return nil, nil, &Error{Code: CodeInternal, Message: "the provider needs the file's hash to begin, and none was offered"}
	case names[0] == "":
		// Asked first: the provider cannot begin without it.
		full, err := quick.Full(ctx)
		if err != nil {
			return nil, nil, err
		}
		body.Hashes = map[string]string{names[1]: full}
	case quick != nil && !quick.Off && quick.Beginning != "" && d.MayQuickUpload(tok):
		body.Hashes = map[string]string{names[0]: quick.Beginning}
	}
	ans, err := d.do(ctx, "POST", tok, nil, "", "begin upload", body)
	if serverCode(err) == codeHashNeeded && body.Hashes[names[0]] != "" {
		// The beginning matched a stored file: the full hash decides.
		if body.Hashes[names[1]], err = quick.Full(ctx); err != nil {
			return nil, nil, err
		}
		ans, err = d.do(ctx, "POST", tok, nil, "", "begin upload", body)
	}
	switch {
	case err != nil:
		return nil, nil, err
	case ans.File != nil:
		ans.File.Rapid = ans.Rapid
		return nil, ans.File, nil
	}
	u := ans.Upload
	if u == nil || u.ID == "" || u.Size != spec.Size || u.PartSize < 0 || u.Parts != partCount(u.Size, u.PartSize) {
		return nil, nil, &Error{Code: "UnexpectedResponse", Message: "the begin answer's upload does not describe this file"}
	}
	s := &Session{Key: u.ID, Multipart: u.PartSize > 0, PartSize: u.PartSize, Ordered: u.Ordered, Expires: u.Expires,
		AppendOnly: plane.appendOnly}
	s.Data = jsonx.Encode(&brokeredSession{Provider: tok.Provider, Path: u.Path, Size: u.Size})
	d.targets.of(s.Key).add(u.Targets, nil)
	return s, nil, nil
}

// do sends one request to the uploads route (s nil) or to session s's (suffix "" is
// /{id} itself), and marks the answers that say s is gone.
func (d *BrokeredDriver) do(ctx context.Context, method string, tok *Token, s *Session, suffix, op string, body jsonx.Encoder) (*answer, error) {
	u := tok.UploadsURL
	if s != nil {
		u = strings.TrimRight(u, "/") + "/" + urlx.PathEscape(s.Key) + suffix
	}
	var ans answer
	err := d.Function.call(ctx, method, u, op, body, &ans)
	var se *ServerError
	if s != nil && errors.As(err, &se) && (se.Code == codeUploadNotFound || se.Code == codeForbidden) {
		// The ticket refused, or the task gone upstream (§5.2): begin afresh.
		return nil, &Error{Code: se.Code, Message: se.Message, Status: se.Status, RequestID: se.RequestID,
			ProviderCode: se.ProviderCode, Err: ErrSessionGone}
	}
	return &ans, err
}

// partCount is the number of parts of a brokered upload (0: one body).
func partCount(size, partSize int64) int {
	if partSize <= 0 {
		return 0
	}
	return int((size + partSize - 1) / partSize)
}

// relativePath is a full library path relative to the caller's area (the function joins
// them again), as the page gave it.
func relativePath(prefix, full string) (string, error) {
	root := strings.Trim(prefix, "/")
	if root == "" {
		return full, nil
	}
	if rest, ok := strings.CutPrefix(full, "/"+root); ok && strings.HasPrefix(rest, "/") {
		return rest, nil
	}
	return "", &Error{Code: CodePolicyViolation, Message: "the upload's path lies outside your area"}
}

func (d *BrokeredDriver) Parts(ctx context.Context, tok *Token, s *Session) ([]RemotePart, *Result, error) {
	ans, err := d.do(ctx, "GET", tok, s, "", "read upload", nil)
	if err != nil {
		return nil, nil, err
	}
	return ans.Stored, ans.File, nil
}

// Renew asks the function for fresh signatures (it renews the task upstream): of the parts
// the last targets were asked for, which are the ones in flight or next.
func (d *BrokeredDriver) Renew(ctx context.Context, tok *Token, s *Session) (*Session, error) {
	c := d.targets.of(s.Key)
	c.mu.Lock()
	parts := c.window
	if len(parts) == 0 {
		parts = d.window(s, 0)
	}
	exp, err := d.fetch(ctx, tok, s, c, parts)
	c.mu.Unlock()
	if err != nil {
		return nil, err
	}
	ns := *s
	ns.Expires = exp
	return &ns, nil
}

// Target: the function's target of part n. Contract v1 targets are PUTs of exactly the
// part's bytes; one placed wrong would fail the complete (BadCrc64), so they are not
// second-guessed here.
func (d *BrokeredDriver) Target(ctx context.Context, tok *Token, s *Session, n int) (string, map[string]string, error) {
	c := d.targets.of(s.Key)
	c.mu.Lock()
	t, ok := c.parts[n]
	var err error
	if !ok || t.Expires.Before(s.Expires) { // unknown, or signed before the session's last renewal
		_, err = d.fetch(ctx, tok, s, c, d.window(s, n))
		t, ok = c.parts[n]
	}
	c.mu.Unlock()
	if err == nil && (!ok || t.URL == "") {
		err = &Error{Code: "UnexpectedResponse", Message: "the function gave no target for a part"}
	}
	h := make(map[string]string, len(t.Headers))
	for k, v := range t.Headers {
		h[k] = v
	}
	return t.URL, h, err
}

// window is the parts whose targets one request asks for: the block of targetWindow parts
// that holds n (the begin answer's is the first). Blocks, not n and the next ones: parts
// run concurrently, and the one after n may ask first; it must ask for n's target too.
func (d *BrokeredDriver) window(s *Session, n int) []int {
	if !s.Multipart {
		return []int{0}
	}
	var bs brokeredSession
	_ = jsonx.Decode(s.Data, &bs)
	count := partCount(bs.Size, s.PartSize)
	start := (max(n, 1)-1)/targetWindow*targetWindow + 1
	out := []int{}
	for p := start; p <= count && p < start+targetWindow; p++ {
		out = append(out, p)
	}
	return out
}

// targetWindow is how many parts' targets one /targets request asks for (the function
// hands out up to 64; its begin answer carries 16).
const targetWindow = 16

// fetch asks for the targets of parts (c.mu held), keeps them, and returns the new expiry.
func (d *BrokeredDriver) fetch(ctx context.Context, tok *Token, s *Session, c *sessionTargets, parts []int) (time.Time, error) {
	ans, err := d.do(ctx, "POST", tok, s, "/targets", "renew targets", &targetsBody{Parts: parts})
	if err != nil {
		return time.Time{}, err
	}
	c.add(ans.Targets, parts)
	return ans.Expires, nil
}

// PartDone reads the answer of the session's provider's data plane.
func (d *BrokeredDriver) PartDone(s *Session, resp *PartResponse) (PartAck, error) {
	return d.plane(s).partDone(resp)
}

// plane is the data plane of session s's provider.
func (d *BrokeredDriver) plane(s *Session) dataPlane {
	var bs brokeredSession
	_ = jsonx.Decode(s.Data, &bs)
	p, ok := dataPlanes[bs.Provider]
	if !ok {
		p = dataPlanes[providerSMH] // sessions saved before the provider was recorded
	}
	return p
}

// PartDigests: Gokuai's parts carry their CRC-32.
func (d *BrokeredDriver) PartDigests(s *Session) bool { return d.plane(s).partCRC32 != "" }

func (d *BrokeredDriver) AddPartDigests(s *Session, body []byte, header map[string]string) {
	if h := d.plane(s).partCRC32; h != "" {
		addPartCRC32(header, h, body)
	}
}

func (d *BrokeredDriver) Complete(ctx context.Context, tok *Token, s *Session, crc64 uint64) (*Result, error) {
	ans, err := d.do(ctx, "POST", tok, s, "/complete", "complete upload", &completeBody{CRC64: strconv.FormatUint(crc64, 10)})
	if err != nil {
		return nil, err
	}
	if ans.File == nil || ans.File.Path == "" {
		return nil, &Error{Code: "UnexpectedResponse", Message: "the complete answer carries no file path"}
	}
	d.targets.drop(s.Key)
	return ans.File, nil
}

func (d *BrokeredDriver) Abort(ctx context.Context, tok *Token, s *Session) error {
	d.targets.drop(s.Key)
	_, err := d.do(ctx, "DELETE", tok, s, "", "abort upload", nil)
	if errors.Is(err, ErrSessionGone) {
		return nil // gone already, or not ours to abort any more
	}
	return err
}

// Classify: the function's codes (§3) first, then what every HTTP answer means. Forbidden
// (outside the /{id} routes, where it means the session is gone) may mean the role changed:
// a new token answer says (and, in another mode, fails the call with ModeChanged).
func (d *BrokeredDriver) Classify(err error) Fault {
	switch serverCode(err) {
	case codeUnauthenticated, codeForbidden:
		return FaultRefreshToken
	case codeRateLimited:
		return FaultRetry
	}
	return classifyHTTP(err)
}

// serverCode is the code of a *ServerError answer ("" for any other error).
func serverCode(err error) string {
	var se *ServerError
	if errors.As(err, &se) {
		return se.Code
	}
	return ""
}
