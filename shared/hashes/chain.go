package hashes

import (
	"errors"
)

// BlockSize is the quick-upload block: beginningHash covers the first block, fullHash
// chains every block.
const BlockSize = 1 << 20

// Chain computes SMH's chained SHA-256: h₁ = SHA-256(block₁), hₖ = SHA-256(hₖ₋₁ ‖ blockₖ),
// fullHash = hex(h_last); beginningHash = hex(h₁). It is not a plain SHA-256 of the file.
//
// The whole state is the last digest and the block count, so it checkpoints in 40 bytes
// and a reload never rehashes blocks already hashed. Callers feed Prefix()‖block to a
// SHA-256 of their choice and hand the digest to Advance: package gosha does it with Go's
// crypto/sha256, the browser with crypto.subtle. This package does not import crypto/sha256
// itself, because linking it costs the browser module about 50 KB gzip.
type Chain struct {
	first  [32]byte
	last   [32]byte
	blocks int64
}

// Prefix returns what must precede the next block in its digest input: nothing for the
// first block, the previous digest after that. The slice is a copy.
func (c *Chain) Prefix() []byte {
	if c.blocks == 0 {
		return nil
	}
	p := c.last
	return p[:]
}

// Advance records the digest of Prefix()‖block for the next block.
func (c *Chain) Advance(digest [32]byte) {
	if c.blocks == 0 {
		c.first = digest
	}
	c.last = digest
	c.blocks++
}

// Blocks is the number of blocks hashed so far.
func (c *Chain) Blocks() int64 { return c.blocks }

// BeginningHash is hex(h₁); empty before the first block.
func (c *Chain) BeginningHash() string {
	if c.blocks == 0 {
		return ""
	}
	return Hex(c.first[:])
}

// FullHash is hex(h_last); empty before the first block.
func (c *Chain) FullHash() string {
	if c.blocks == 0 {
		return ""
	}
	return Hex(c.last[:])
}

// ChainState is the checkpointable form of a Chain.
type ChainState struct {
	First  string `json:"first"`
	Last   string `json:"last"`
	Blocks int64  `json:"blocks"`
}

// State returns the chain's state for a checkpoint.
func (c *Chain) State() ChainState {
	return ChainState{First: c.BeginningHash(), Last: c.FullHash(), Blocks: c.blocks}
}

// ErrBadChainState reports a checkpointed chain state that does not parse.
var ErrBadChainState = errors.New("hashes: bad chain state")

// RestoreChain rebuilds a Chain from a checkpointed state.
func RestoreChain(s ChainState) (Chain, error) {
	var c Chain
	if s.Blocks < 0 {
		return c, ErrBadChainState
	}
	if s.Blocks == 0 {
		return c, nil
	}
	f, ok1 := ParseHex(s.First)
	l, ok2 := ParseHex(s.Last)
	if !ok1 || !ok2 || len(f) != 32 || len(l) != 32 {
		return c, ErrBadChainState
	}
	copy(c.first[:], f)
	copy(c.last[:], l)
	c.blocks = s.Blocks
	return c, nil
}
