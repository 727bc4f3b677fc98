package engine

import (
	"context"
	"errors"

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

// fullHashOf computes the scheme's full hash (state hashing): SMH's chained hash, continuing
// from the checkpointed chain state and checkpointing it as it goes, or the SHA-1 (sha1Of).
func (t *Task) fullHashOf(ctx context.Context) (string, error) {
	t.mu.Lock()
	if t.fullHash != "" {
		h := t.fullHash
		t.mu.Unlock()
		return h, nil
	}
	if t.cp.HashScheme == schemeSHA1 {
		t.mu.Unlock()
		return t.sha1Of(ctx)
	}
	var ch hashes.Chain
	if st := t.cp.Chain; st != nil {
		if c, err := hashes.RestoreChain(*st); err == nil {
			ch = c
		}
	}
	t.mu.Unlock()
	t.setState(StateHashing)
	buf, err := t.e.blocks.get(ctx, hashes.BlockSize)
	if err != nil {
		return "", err
	}
	defer t.e.blocks.put(buf)
	size := t.src.Size()
	blocks := max(1, (size+hashes.BlockSize-1)/hashes.BlockSize)
	for k := ch.Blocks(); k < blocks; k++ {
		off := k * hashes.BlockSize
		d, err := t.hashBlock(ctx, off, min(hashes.BlockSize, size-off), ch.Prefix(), buf)
		if err != nil {
			t.keepChain(ch)
			return "", err
		}
		ch.Advance(d)
		if k%16 == 15 {
			t.keepChain(ch)
			t.saveCheckpoint(ctx, false)
		}
	}
	t.keepChain(ch)
	t.saveCheckpoint(ctx, true)
	full := ch.FullHash()
	t.mu.Lock()
	t.fullHash = full
	t.mu.Unlock()
	t.setState(StateBeginning)
	return full, nil
}
func (t *Task) keepChain(c hashes.Chain) {
	st := c.State()
	t.mu.Lock()
	t.cp.Chain = &st
	t.version++
	t.mu.Unlock()
}

// sha1Of streams the whole file's SHA-1 in Go (crypto.subtle cannot hash a file in pieces),
// continuing from the checkpointed state, so a reload goes on where hashing stopped.
func (t *Task) sha1Of(ctx context.Context) (string, error) {
	size := t.src.Size()
	d := sha1sum.New()
	t.mu.Lock()
	if b, ok := hashes.ParseHex(t.cp.SHA1); ok && len(b) > 0 {
		if r, err := sha1sum.Restore(b); err == nil && r.Len() <= size {
			d = r
		}
	}
	t.mu.Unlock()
	t.setState(StateHashing)
	buf, err := t.e.blocks.get(ctx, hashes.BlockSize)
	if err != nil {
		return "", err
	}
	defer t.e.blocks.put(buf)
	for k := 0; d.Len() < size; k++ {
		chunk := buf[:min(hashes.BlockSize, size-d.Len())]
		err := ctx.Err()
		if err == nil {
			err = t.read(ctx, chunk, d.Len())
		}
		if err != nil {
			t.keepSHA1(d)
			return "", err
		}
		d.Write(chunk)
		if k%16 == 15 {
			t.keepSHA1(d)
			t.saveCheckpoint(ctx, false)
		}
	}
	t.keepSHA1(d)
	t.saveCheckpoint(ctx, true)
	sum := d.Sum()
	full := hashes.Hex(sum[:])
	t.mu.Lock()
	t.fullHash = full
	t.mu.Unlock()
	t.setState(StateBeginning)
	return full, nil
}

func (t *Task) keepSHA1(d *sha1sum.Digest) {
	st, err := d.MarshalBinary()
	if err != nil {
		return
	}
	t.mu.Lock()
	t.cp.SHA1 = hashes.Hex(st)
	t.version++
	t.mu.Unlock()
}
