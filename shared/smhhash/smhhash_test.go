package smhhash

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// vectorData is the provider-apis.md §4.4 input: b[i] = i mod 251, 2.5 MiB.
func vectorData() []byte {
	b := make([]byte, 2621440)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}

func TestCRC64Vectors(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want uint64
	}{
		{"check value", []byte("123456789"), 11051210869376104954},
		{"reference 2.5 MiB", vectorData(), 10547624972659972547},
		{"empty", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, CRC64(tt.data))
		})
	}
}

func TestChainVectors(t *testing.T) {
	begin, full := Sum(vectorData())
	assert.Equal(t, "631b84027d6b9e52b539c4e8373622d23032dfadc64d60af87339c9037e4f769", begin)
	assert.Equal(t, "483331f3e83bf691c43937e1a06352ac6da956bc63ee50d76a9b29b4d0508d60", full)

	// Up to one block, fullHash equals beginningHash.
	b, f := Sum(vectorData()[:BlockSize])
	assert.Equal(t, b, f)
}

func TestChainCheckpointResumes(t *testing.T) {
	data := vectorData()
	var c Chain
	c.Write(data[:BlockSize])
	restored, err := RestoreChain(c.State())
	require.NoError(t, err)
	restored.Write(data[BlockSize : 2*BlockSize])
	restored.Write(data[2*BlockSize:])
	_, full := Sum(data)
	assert.Equal(t, full, restored.FullHash())
	assert.Equal(t, int64(3), restored.Blocks())
}

func TestRestoreChainRejectsGarbage(t *testing.T) {
	for _, s := range []ChainState{
		{Blocks: -1},
		{Blocks: 1, First: "zz", Last: "00"},
		{Blocks: 2, First: "00", Last: "00"},
	} {
		_, err := RestoreChain(s)
		assert.ErrorIs(t, err, ErrBadChainState, "%+v", s)
	}
}

func TestCombineMatchesConcatenation(t *testing.T) {
	data := vectorData()
	for _, cut := range []int{0, 1, 7, BlockSize - 1, BlockSize, len(data) - 1, len(data)} {
		a, b := data[:cut], data[cut:]
		got := CombineCRC64(CRC64(a), CRC64(b), int64(len(b)))
		assert.Equal(t, CRC64(data), got, "cut at %d", cut)
	}
}

func FuzzCombineCRC64(f *testing.F) {
	f.Add([]byte("1234"), []byte("56789"))
	f.Add([]byte{}, []byte{0})
	f.Add(bytes.Repeat([]byte{0xff}, 100), []byte{})
	f.Fuzz(func(t *testing.T, a, b []byte) {
		whole := append(append([]byte{}, a...), b...)
		if got, want := CombineCRC64(CRC64(a), CRC64(b), int64(len(b))), CRC64(whole); got != want {
			t.Fatalf("combine(%x, %x) = %d, want %d", a, b, got, want)
		}
		if got, want := UpdateCRC64(CRC64(a), b), CRC64(whole); got != want {
			t.Fatalf("update = %d, want %d", got, want)
		}
	})
}

func FuzzChain(f *testing.F) {
	f.Add([]byte("hello"), uint16(3))
	f.Add([]byte{}, uint16(0))
	f.Fuzz(func(t *testing.T, data []byte, blockHint uint16) {
		// Hash data as blocks of a small size via the Prefix/Advance protocol, and compare
		// with Write; the two paths must agree, and a checkpoint must round-trip anywhere.
		size := int(blockHint%64) + 1
		var viaWrite, viaAdvance Chain
		for off := 0; off < len(data); off += size {
			blk := data[off:min(off+size, len(data))]
			viaWrite.Write(blk)
			restored, err := RestoreChain(viaAdvance.State())
			if err != nil {
				t.Fatal(err)
			}
			viaAdvance = restored
			var c Chain
			c.Write(append(viaAdvance.Prefix(), blk...))
			// c hashed prefix‖blk as a single first block: its first digest is the step.
			var d [32]byte
			copy(d[:], mustHex(t, c.BeginningHash()))
			viaAdvance.Advance(d)
		}
		if viaWrite.FullHash() != viaAdvance.FullHash() || viaWrite.BeginningHash() != viaAdvance.BeginningHash() {
			t.Fatalf("paths disagree")
		}
	})
}
