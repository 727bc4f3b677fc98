package native

import (
	"context"
	"io"

	"github.com/ferry-upload/ferry/shared/hashes/gosha"
	"github.com/ferry-upload/ferry/wasm/engine"
)

// Hasher is the engine.BlockHasher in Go: it reads the block into buf and hashes
// prefix ‖ block with Go's crypto/sha256 (gosha).
type Hasher struct{}

var _ engine.BlockHasher = Hasher{}

func (Hasher) HashBlock(_ context.Context, src engine.Source, off, n int64, prefix, buf []byte) ([32]byte, error) {
	var d [32]byte
	b := buf[:n]
	if got, err := src.ReadAt(b, off); int64(got) != n {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return d, err
	}
	return gosha.Digest(prefix, b), nil
}
