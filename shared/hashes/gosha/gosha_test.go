package gosha_test

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/hashes"
	"github.com/ferry-upload/ferry/shared/hashes/gosha"
)

// vectorData is the provider-apis.md §4.4 input: b[i] = i mod 251, 2.5 MiB.
func vectorData() []byte {
	b := make([]byte, 2621440)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}

func TestChainVectors(t *testing.T) {
	begin, full := gosha.Sum(vectorData())
	assert.Equal(t, "631b84027d6b9e52b539c4e8373622d23032dfadc64d60af87339c9037e4f769", begin)
	assert.Equal(t, "483331f3e83bf691c43937e1a06352ac6da956bc63ee50d76a9b29b4d0508d60", full)

	// Up to one block, fullHash equals beginningHash.
	b, f := gosha.Sum(vectorData()[:hashes.BlockSize])
	assert.Equal(t, b, f)
}

func TestChainCheckpointResumes(t *testing.T) {
	data := vectorData()
	var c hashes.Chain
	gosha.Write(&c, data[:hashes.BlockSize])
	restored, err := hashes.RestoreChain(c.State())
	require.NoError(t, err)
	gosha.Write(&restored, data[hashes.BlockSize:2*hashes.BlockSize])
	gosha.Write(&restored, data[2*hashes.BlockSize:])
	_, full := gosha.Sum(data)
	assert.Equal(t, full, restored.FullHash())
	assert.Equal(t, int64(3), restored.Blocks())
}

func FuzzChain(f *testing.F) {
	f.Add([]byte("hello"), uint16(3))
	f.Add([]byte{}, uint16(0))
	f.Fuzz(func(t *testing.T, data []byte, blockHint uint16) {
		// Hash data in small blocks two ways, through a checkpoint round trip before each
		// block and by hand (SHA-256 of prefix‖block); they must agree.
		size := int(blockHint%64) + 1
		var direct, viaState hashes.Chain
		for off := 0; off < len(data); off += size {
			blk := data[off:min(off+size, len(data))]
			gosha.Write(&direct, blk)
			restored, err := hashes.RestoreChain(viaState.State())
			if err != nil {
				t.Fatal(err)
			}
			viaState = restored
			viaState.Advance(gosha.Digest(nil, append(viaState.Prefix(), blk...)))
		}
		if direct.FullHash() != viaState.FullHash() || direct.BeginningHash() != viaState.BeginningHash() {
			t.Fatalf("paths disagree")
		}
		if direct.Blocks() > 0 {
			if _, err := hex.DecodeString(direct.FullHash()); err != nil {
				t.Fatal(err)
			}
		}
	})
}
