package hashes

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
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
