package gokuai

import (
	"context"
	"encoding/hex"
	"net/netip"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The library file API (provider-apis.md §3.4), signed with a library credential.
const (
	PathCreateFile   = "/1/file/create_file"
	PathFileInfo     = "/1/file/info"
	PathFileDel      = "/1/file/del"
	PathCreateFolder = "/1/file/create_folder"
)

// createFileUnsigned are create_file's parameters that are sent but not signed.
var createFileUnsigned = []string{"filehash", "filesize"}

// CreateFileRequest is create_file's parameters. Parent folders of Path are created by
// the service ("文件夹会自动创建").
type CreateFileRequest struct {
	Path      string // fullpath in the library, e.g. "docs/a.txt": no leading or trailing '/'
	Size      int64  // filesize in bytes
	SHA1      string // filehash: hex SHA-1 of the whole content (sent lower case)
	Overwrite bool   // replace a file already at Path; false refuses (CodeFileExists)
	OpName    string // the name the library log shows as the actor; optional
}

// CreatedFile is create_file's answer: State 1 means the service already had the content
// (instant upload) and the file exists now; otherwise the bytes go to Server (see
// UploadServer), under the path hash Hash.
type CreatedFile struct {
	FullPath Text `json:"fullpath"`
	Hash     Text `json:"hash"` // the file's unique id (x-gk-upload-pathhash at upload_init)
	State    Int  `json:"state"`
	Server   Text `json:"server"`
}

// Instant reports whether the file was stored from its SHA-1 alone.
func (f *CreatedFile) Instant() bool { return f.State == 1 }

// File describes a file or folder (info's answer).
type File struct {
	Hash             Text `json:"hash"`
	Dir              Int  `json:"dir"` // 1 for a folder
	FullPath         Text `json:"fullpath"`
	FileName         Text `json:"filename"`
	FileHash         Text `json:"filehash"` // hex SHA-1 of the content; "" for a folder
	FileSize         Int  `json:"filesize"`
	CreateMemberName Text `json:"create_member_name"`
	CreateDateline   Int  `json:"create_dateline"`
	LastMemberName   Text `json:"last_member_name"`
	LastDateline     Int  `json:"last_dateline"`
}

// Folder is create_folder's answer.
type Folder struct {
	Hash     Text `json:"hash"`
	FullPath Text `json:"fullpath"`
}

// CreateFile announces a file: the service answers an instant upload or where to send
// the bytes. filehash and filesize are sent but not signed, as the service expects.
func (c *Client) CreateFile(ctx context.Context, r CreateFileRequest) (*CreatedFile, error) {
	if err := c.fileOp("create_file"); err != nil {
		return nil, err
	}
	if err := CheckPath(r.Path); err != nil {
		return nil, invalid("create_file: %v", err)
	}
	if r.Size < 0 {
		return nil, invalid("create_file: filesize must not be negative")
	}
	if b, err := hex.DecodeString(r.SHA1); err != nil || len(b) != 20 {
		return nil, invalid("create_file: filehash must be 40 hex digits (SHA-1)")
	}
	p := Params{"fullpath": r.Path, "filehash": strings.ToLower(r.SHA1),
		"filesize": strconv.FormatInt(r.Size, 10), "overwrite": "0"}
	if r.Overwrite {
		p["overwrite"] = "1"
	}
	p.setStr("op_name", r.OpName)
	var out CreatedFile
	if err := c.call(ctx, "create_file", PathCreateFile, p, &out, createFileUnsigned...); err != nil {
		return nil, err
	}
	if !out.Instant() && out.State != 0 {
		return nil, &Error{Code: CodeUnexpectedResponse, Status: 200, Message: "create_file: unknown state " + strconv.FormatInt(int64(out.State), 10)}
	}
	return &out, nil
}

// FileInfo describes the file or folder at path.
func (c *Client) FileInfo(ctx context.Context, path string) (*File, error) {
	if err := c.fileOp("info"); err != nil {
		return nil, err
	}
	if err := CheckPath(path); err != nil {
		return nil, invalid("info: %v", err)
	}
	var out File
	if err := c.Call(ctx, "info", PathFileInfo, Params{"fullpath": path}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteFiles deletes files or folders (a folder with everything under it).
func (c *Client) DeleteFiles(ctx context.Context, opName string, paths ...string) error {
	if err := c.fileOp("del"); err != nil {
		return err
	}
	if len(paths) == 0 {
		return invalid("del: no path")
	}
	for _, p := range paths {
		if err := CheckPath(p); err != nil {
			return invalid("del: %v", err)
		}
		if strings.Contains(p, "|") {
			return invalid("del: a path with '|' cannot be sent (it separates fullpaths)")
		}
	}
	p := Params{"fullpaths": strings.Join(paths, "|")}
	p.setStr("op_name", opName)
	return c.Call(ctx, "del", PathFileDel, p, nil)
}

// CreateFolder creates a folder (and its parents).
func (c *Client) CreateFolder(ctx context.Context, path, opName string) (*Folder, error) {
	if err := c.fileOp("create_folder"); err != nil {
		return nil, err
	}
	if err := CheckPath(path); err != nil {
		return nil, invalid("create_folder: %v", err)
	}
	p := Params{"fullpath": path}
	p.setStr("op_name", opName)
	var out Folder
	if err := c.Call(ctx, "create_folder", PathCreateFolder, p, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// fileOp refuses an enterprise credential: file operations are signed by a library's.
func (c *Client) fileOp(op string) error {
	if !c.Library {
		return invalid("%s: file operations need a library credential (Bind)", op)
	}
	return nil
}

// CheckPath reports whether p is a fullpath the client sends: slash-separated names
// without '.' or '..', no empty name (so no leading, trailing or doubled '/'), valid
// UTF-8 without control characters, at most 1024 bytes.
func CheckPath(p string) error {
	switch {
	case p == "":
		return errPath("the path is empty")
	case len(p) > 1024:
		return errPath("the path is longer than 1024 bytes")
	case !utf8.ValidString(p):
		return errPath("the path is not valid UTF-8")
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return errPath("the path holds a control character or a backslash")
		}
	}
	for _, name := range strings.Split(p, "/") {
		if name == "" || name == "." || name == ".." {
			return errPath("the path has an empty, '.' or '..' name")
		}
	}
	return nil
}

type errPath string

func (e errPath) Error() string { return string(e) }

// UploadServer is the base URL of the upload server create_file named: the service may
// list several, comma-separated, and without a scheme (provider-apis.md §3.5); the first
// is taken and a missing scheme is http://. A trailing '/' is dropped.
func (f *CreatedFile) UploadServer() (string, error) { return ParseUploadServer(string(f.Server)) }

// ParseUploadServer reads create_file's server field as UploadServer does.
func ParseUploadServer(s string) (string, error) {
	first, _, _ := strings.Cut(s, ",")
	first = strings.TrimSpace(first)
	if !strings.Contains(first, "://") {
		first = "http://" + first
	}
	scheme, rest, _ := strings.Cut(first, "://")
	host, path, _ := strings.Cut(rest, "/")
	path = strings.TrimRight(path, "/")
	if scheme != "http" && scheme != "https" || !validHost(host) || !utf8.ValidString(path) ||
		strings.ContainsAny(path, "?#@\\%") || strings.ContainsFunc(path, func(r rune) bool { return r <= ' ' || unicode.IsControl(r) }) {
		return "", &Error{Code: CodeUnexpectedResponse, Message: "create_file: server is not an upload server address"}
	}
	out := scheme + "://" + host
	if path != "" {
		out += "/" + path
	}
	return out, nil
}

// validHost accepts a DNS name or IPv4 address, or a bracketed IPv6 address, with an
// optional numeric port.
func validHost(h string) bool {
	name, port, hasPort := h, "", false
	if rest, ok := strings.CutPrefix(h, "["); ok {
		ip, after, closed := strings.Cut(rest, "]")
		if a, err := netip.ParseAddr(ip); !closed || err != nil || !a.Is6() || a.Zone() != "" {
			return false
		}
		name = "ip6" // checked above
		port, hasPort = strings.CutPrefix(after, ":")
		if !hasPort && after != "" {
			return false
		}
	} else if i := strings.LastIndexByte(h, ':'); i >= 0 {
		name, port, hasPort = h[:i], h[i+1:], true
	}
	if name == "" || strings.Trim(strings.ToLower(name), "abcdefghijklmnopqrstuvwxyz0123456789.-") != "" {
		return false
	}
	if hasPort {
		n, err := strconv.Atoi(port)
		return err == nil && n >= 1 && n <= 65535 && strings.Trim(port, "0123456789") == ""
	}
	return true
}
