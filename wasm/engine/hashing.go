package engine

import (
	"context"
	"encoding/hex"
	"errors"

	"github.com/ferry-upload/ferry/shared/hashes"
)

// beginningHash is SMH's beginningHash: SHA-256 of the first block (of nothing for an empty
// file).
func (t *Task) beginningHash(ctx context.Context) (string, error) {
	buf, err := t.e.blocks.get(ctx, hashes.BlockSize)
	if err != nil {
		return "", err
	}
	defer t.e.blocks.put(buf)
	d, err := t.hashBlock(ctx, 0, min(t.src.Size(), hashes.BlockSize), nil, buf)
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(d[:]), nil
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

// fullHashOf computes SMH's chained full hash (state hashing), continuing from the
// checkpointed chain state and checkpointing it as it goes.
func (t *Task) fullHashOf(ctx context.Context) (string, error) {
	t.mu.Lock()
	if t.fullHash != "" {
		h := t.fullHash
		t.mu.Unlock()
		return h, nil
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
