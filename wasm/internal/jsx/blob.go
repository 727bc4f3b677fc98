//go:build js && wasm

package jsx

import (
	"context"
	"errors"
	"io"
	"math"
	"time"

	"github.com/hack-pad/safejs"

	"github.com/ferry-upload/ferry/wasm/engine"
)

// readTimeout bounds one Blob read.
const readTimeout = 2 * time.Minute

// Blob is an engine.Source over a JavaScript File or Blob. Reads copy the slice asked for
// into Go; XHRSender and SubtleHasher use the slices themselves, so part bytes stay out of
// wasm memory.
type Blob struct {
	v            safejs.Value
	size         int64
	name         string
	lastModified int64
	typ          string
}

var (
	_ engine.Source = (*Blob)(nil)
	_ engine.Typed  = (*Blob)(nil)
)

// NewBlob wraps a File (name and lastModified from it) or a Blob (name "blob", lastModified 0).
func NewBlob(v safejs.Value) (*Blob, error) {
	ok, err := IsBlob(v)
	if err != nil || !ok {
		return nil, errors.New("jsx: not a File or Blob")
	}
	size, err := getNumber(v, "size")
	if err != nil {
		return nil, err
	}
	b := &Blob{v: v, size: int64(size), name: getString(v, "name"), typ: getString(v, "type")}
	if b.name == "" {
		b.name = "blob"
	}
	if lm, err := getNumber(v, "lastModified"); err == nil && !math.IsNaN(lm) {
		b.lastModified = int64(lm)
	}
	return b, nil
}

// IsBlob reports whether v is a Blob (a File is one).
func IsBlob(v safejs.Value) (bool, error) {
	if v.Type() != safejs.TypeObject || v.IsNull() {
		return false, nil
	}
	c, err := global("Blob")
	if err != nil || c.IsUndefined() {
		return false, err
	}
	return v.InstanceOf(c)
}

func (b *Blob) Size() int64         { return b.size }
func (b *Blob) Name() string        { return b.name }
func (b *Blob) LastModified() int64 { return b.lastModified }
func (b *Blob) Type() string        { return b.typ }

// Value is the File or Blob itself.
func (b *Blob) Value() safejs.Value { return b.v }

// Slice returns blob.slice(start, end).
func (b *Blob) Slice(start, end int64) (safejs.Value, error) {
	return b.v.Call("slice", float64(start), float64(end))
}

// ReadAt reads len(p) bytes at off (fewer, with io.EOF, at the end). A failed read — a
// NotReadableError — is an error the engine retries.
func (b *Blob) ReadAt(p []byte, off int64) (int, error) {
	if off >= b.size {
		return 0, io.EOF
	}
	end := min(off+int64(len(p)), b.size)
	ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
	defer cancel()
	buf, err := b.read(ctx, off, end)
	if err != nil {
		return 0, err
	}
	u, err := construct("Uint8Array", buf)
	if err != nil {
		return 0, err
	}
	n, err := safejs.CopyBytesToGo(p[:end-off], u)
	if err != nil {
		return n, err
	}
	if int64(n) < int64(len(p)) {
		return n, io.EOF
	}
	return n, nil
}

// read returns the ArrayBuffer of blob.slice(start, end).
func (b *Blob) read(ctx context.Context, start, end int64) (safejs.Value, error) {
	s, err := b.Slice(start, end)
	if err != nil {
		return s, err
	}
	p, err := s.Call("arrayBuffer")
	if err != nil {
		return p, err
	}
	return Await(ctx, p)
}
