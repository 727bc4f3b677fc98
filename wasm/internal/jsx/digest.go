//go:build js && wasm

package jsx

import (
	"context"
	"errors"

	"github.com/hack-pad/safejs"

	"github.com/ferry-upload/ferry/wasm/engine"
)

// SubtleHasher is an engine.BlockHasher over crypto.subtle.digest: 2–5× Go's sha256 in
// wasm, and a Blob block's bytes never enter Go (another source is read into buf and copied).
type SubtleHasher struct{}

var _ engine.BlockHasher = SubtleHasher{}

func (SubtleHasher) HashBlock(ctx context.Context, src engine.Source, off, n int64, prefix, buf []byte) ([32]byte, error) {
	var d [32]byte
	var block safejs.Value
	if b, ok := src.(*Blob); ok {
		var err error
		if block, err = b.read(ctx, off, off+n); err != nil {
			return d, err
		}
	} else {
		if got, err := src.ReadAt(buf[:n], off); int64(got) != n {
			if err == nil {
				err = errors.New("jsx: short read")
			}
			return d, err
		}
		var err error
		if block, err = toUint8Array(buf[:n]); err != nil {
			return d, err
		}
	}
	data, err := construct("Uint8Array", len(prefix)+int(n))
	if err != nil {
		return d, err
	}
	if len(prefix) > 0 {
		p, err := toUint8Array(prefix)
		if err != nil {
			return d, err
		}
		if _, err := data.Call("set", p, 0); err != nil {
			return d, err
		}
	}
	blockBytes, err := construct("Uint8Array", block)
	if err != nil {
		return d, err
	}
	if _, err := data.Call("set", blockBytes, len(prefix)); err != nil {
		return d, err
	}
	c, err := global("crypto")
	if err != nil {
		return d, err
	}
	subtle, err := c.Get("subtle")
	if err != nil {
		return d, err
	}
	p, err := subtle.Call("digest", "SHA-256", data)
	if err != nil {
		return d, err
	}
	sum, err := Await(ctx, p)
	if err != nil {
		return d, err
	}
	out, err := bytesOf(sum)
	if err != nil {
		return d, err
	}
	copy(d[:], out)
	return d, nil
}
