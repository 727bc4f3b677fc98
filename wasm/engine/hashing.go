package engine

import (
	"context"
	"errors"
	"strconv"

	"github.com/ferry-upload/ferry/shared/hashes"
	"github.com/ferry-upload/ferry/shared/hashes/sha1sum"
)

// Hash schemes: which hashes a task's BeginningHash and full hash are. Both identify the
// file in its checkpoint, and are the quick-upload hashes of a provider that takes them.
const (
	schemeChained = ""     // SMH's: SHA-256 of the first MiB, then the chained SHA-256
	schemeSHA1    = "sha1" // SHA-1 of the first KiB (PDS's preHash), then of the whole file
)

// hashSchemeOf is the scheme of the token's provider: SHA-1 where its begin takes SHA-1s.
func hashSchemeOf(tok *Token) string {
	if tok.Mode == ModeBrokered && dataPlanes[tok.Provider].hashes[1] == "sha1" {
		return schemeSHA1
	}
	return schemeChained
}

// beginningHash is the scheme's beginning hash: SMH's beginningHash, SHA-256 of the first
// block (of nothing for an empty file), or the SHA-1 of the first KiB.
func (t *Task) beginningHash(ctx context.Context, scheme string) (string, error) {
	if scheme == schemeSHA1 {
		first := make([]byte, min(t.src.Size(), sha1sum.PreHashSize))
		if err := t.read(ctx, first, 0); err != nil {
			return "", err
		}
		d := sha1sum.PreHash(first)
		return hashes.Hex(d[:]), nil
	}
	buf, err := t.e.blocks.get(ctx, hashes.BlockSize)
	if err != nil {
		return "", err
	}
	defer t.e.blocks.put(buf)
	d, err := t.hashBlock(ctx, 0, min(t.src.Size(), hashes.BlockSize), nil, buf)
	if err != nil {
		return "", err
	}
	return hashes.Hex(d[:]), nil
}

// hashBlock hashes one block, retrying read failures like network errors.
func (t *Task) hashBlock(ctx context.Context, off, n int64, prefix, buf []byte) ([32]byte, error) {
	var a attempts
	for {
		d, err := t.e.cfg.Hasher.HashBlock(ctx, t.src, off, n, prefix, buf)
		if err == nil {
			return d, nil
		}
		var re *readError
		if ctx.Err() == nil && !errors.As(err, &re) {
			err = &readError{Err: err}
		}
		if err := t.e.recover(ctx, nil, err, &a, nil, nil); err != nil {
			return d, err
		}
	}
}

// fullHashOf computes the scheme's full hash (state hashing), continuing from the
// checkpointed state: SMH's chained hash (chainOf) or the SHA-1 (sha1Of).
func (t *Task) fullHashOf(ctx context.Context) (string, error) {
	t.mu.Lock()
	h, scheme := t.fullHash, t.cp.HashScheme
	t.mu.Unlock()
	if h != "" {
		return h, nil
	}
	t.setState(StateHashing)
	buf, err := t.e.blocks.get(ctx, hashes.BlockSize)
	if err != nil {
		return "", err
	}
	defer t.e.blocks.put(buf)
	if scheme == schemeSHA1 {
		h, err = t.sha1Of(ctx, buf)
	} else {
		h, err = t.chainOf(ctx, buf)
	}
	if err != nil {
		return "", err
	}
	t.mu.Lock()
	t.fullHash = h
	t.mu.Unlock()
	t.setState(StateBeginning)
	return h, nil
}

// hashBlocks runs step over blocks first..last-1 of the file, keeping the hash's state in
// the checkpoint (keep) every 16 blocks (16 MiB) and at the end, or when a step fails: a
// reload goes on hashing from there.
func (t *Task) hashBlocks(ctx context.Context, first, last int64, step func(k int64) error, keep func()) error {
	for k := first; k < last; k++ {
		if err := step(k); err != nil {
			keep()
			return err
		}
		if k%16 == 15 {
			keep()
			t.saveCheckpoint(ctx, false)
		}
	}
	keep()
	t.saveCheckpoint(ctx, true)
	return nil
}

// chainOf is SMH's chained hash of the file, one block after the other (an empty file is
// one empty block).
func (t *Task) chainOf(ctx context.Context, buf []byte) (string, error) {
	var ch hashes.Chain
	t.mu.Lock()
	if st := t.cp.Chain; st != nil {
		if c, err := hashes.RestoreChain(*st); err == nil {
			ch = c
		}
	}
	t.mu.Unlock()
	size := t.src.Size()
	blocks := max(1, (size+hashes.BlockSize-1)/hashes.BlockSize)
	err := t.hashBlocks(ctx, ch.Blocks(), blocks, func(k int64) error {
		off := k * hashes.BlockSize
		d, err := t.hashBlock(ctx, off, min(hashes.BlockSize, size-off), ch.Prefix(), buf)
		if err == nil {
			ch.Advance(d)
		}
		return err
	}, func() { t.keepChain(ch) })
	if err != nil {
		return "", err
	}
	return ch.FullHash(), nil
}

func (t *Task) keepChain(c hashes.Chain) {
	st := c.State()
	t.mu.Lock()
	t.cp.Chain = &st
	t.version++
	t.mu.Unlock()
}

// sha1Of streams the whole file's SHA-1 in Go (crypto.subtle cannot hash a file in pieces).
func (t *Task) sha1Of(ctx context.Context, buf []byte) (string, error) {
	size := t.src.Size()
	d, crc := sha1sum.New(), uint64(0)
	t.mu.Lock()
	if b, ok := hashes.ParseHex(t.cp.SHA1); ok && len(b) > 0 {
		r, err := sha1sum.Restore(b)
		c, cerr := strconv.ParseUint(t.cp.SHA1CRC64, 10, 64)
		if err == nil && cerr == nil && r.Len() <= size {
			d, crc = r, c
		}
	}
	t.mu.Unlock()
	blocks := (size + hashes.BlockSize - 1) / hashes.BlockSize
	err := t.hashBlocks(ctx, d.Len()/hashes.BlockSize, blocks, func(k int64) error {
		// From where the digest is to the block's end (a restored digest may stop inside one).
		chunk := buf[:min((k+1)*hashes.BlockSize, size)-d.Len()]
		err := ctx.Err()
		if err == nil {
			err = t.read(ctx, chunk, d.Len())
		}
		if err == nil {
			d.Write(chunk)
			crc = hashes.UpdateCRC64(crc, chunk)
		}
		return err
	}, func() { t.keepSHA1(d, crc) })
	if err != nil {
		return "", err
	}
	t.mu.Lock()
	t.hashedCRC, t.hashedCRCOK = crc, true
	t.mu.Unlock()
	sum := d.Sum()
	return hashes.Hex(sum[:]), nil
}

func (t *Task) keepSHA1(d *sha1sum.Digest, crc uint64) {
	st, err := d.MarshalBinary()
	if err != nil {
		return
	}
	t.mu.Lock()
	t.cp.SHA1, t.cp.SHA1CRC64 = hashes.Hex(st), strconv.FormatUint(crc, 10)
	t.version++
	t.mu.Unlock()
}
