package emukit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash/crc64"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"
)

func patternBytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}

// (moved from shared/smhemu with the hashing writer)
func TestHashingWriterHead(t *testing.T) {
	for _, n := range []int{0, 10, HeadSize, HeadSize + 10} {
		data := patternBytes(n)
		h := newHashingWriter()
		for rest := data; len(rest) > 0; {
			k := min(len(rest), 100000)
			h.Write(rest[:k])
			rest = rest[k:]
		}
		ref := h.ref("x")
		want := sha256.Sum256(data[:min(n, HeadSize)])
		if ref.Head != hex.EncodeToString(want[:]) || ref.Size != int64(n) || ref.CRC64 != crc64.Checksum(data, crcTable) {
			t.Errorf("size %d: %+v", n, ref)
		}
	}
	// CRC-64/XZ check value and the 2.5 MiB vector of provider-apis.md §4.4.
	require.Equal(t, uint64(11051210869376104954), crc64.Checksum([]byte("123456789"), crcTable))
	require.Equal(t, uint64(10547624972659972547), crc64.Checksum(patternBytes(2621440), crcTable))
}

// TestStores: both stores keep exactly the announced bytes, refuse a body that is shorter,
// longer or failing without keeping anything, and read a file's blobs back as one.
func TestStores(t *testing.T) {
	disk, err := newStoreDisk(t.TempDir())
	require.NoError(t, err)
	for name, s := range map[string]blobStore{"memory": newStoreMem(), "disk": disk} {
		t.Run(name, func(t *testing.T) {
			a, err := s.write(bytes.NewReader([]byte("hello ")), 6)
			require.NoError(t, err)
			b, err := s.write(iotest.OneByteReader(strings.NewReader("world")), 5)
			require.NoError(t, err)
			require.Equal(t, "5d41402abc4b2a76b9719d911017c592", mustMD5(t, s, "hello"), "sanity of the helper")
			require.Equal(t, "7d793037a0760186574b0282f2f435e7", b.MD5) // md5("world")

			_, err = s.write(strings.NewReader("abc"), 4)
			require.ErrorIs(t, err, ErrShortBody)
			_, err = s.write(strings.NewReader("abcde"), 4)
			require.ErrorIs(t, err, ErrLongBody)
			_, err = s.write(iotest.ErrReader(errors.New("boom")), 4)
			require.Error(t, err)
			_, err = s.write(strings.NewReader(""), -1)
			require.Error(t, err)
			ids, err := s.list()
			require.NoError(t, err)
			require.ElementsMatch(t, []string{a.ID, b.ID}, ids, "only complete blobs are kept")

			k := &Kit{store: s}
			c, err := k.OpenContent([]BlobRef{a, b, a})
			require.NoError(t, err)
			defer c.Close()
			require.Equal(t, int64(17), c.Size())
			got, err := io.ReadAll(io.NewSectionReader(c, 0, c.Size()))
			require.NoError(t, err)
			require.Equal(t, "hello worldhello ", string(got))
			p := make([]byte, 7)
			n, err := c.ReadAt(p, 4)
			require.NoError(t, err)
			require.Equal(t, "o world", string(p[:n]))
			n, err = c.ReadAt(p, 14)
			require.Equal(t, io.EOF, err)
			require.Equal(t, "lo ", string(p[:n]))

			s.remove(a.ID)
			_, err = k.OpenContent([]BlobRef{b, a})
			require.Error(t, err, "a removed blob is gone")
		})
	}
}

func mustMD5(t *testing.T, s blobStore, data string) string {
	ref, err := s.write(strings.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	s.remove(ref.ID)
	return ref.MD5
}

// TestStateFile: the provider's own fields follow "version" in state.json, whatever the
// state holds, and a file of another version or shape is refused.
func TestStateFile(t *testing.T) {
	p := &persister{dir: t.TempDir(), version: 3}
	type st struct {
		A int               `json:"a,omitempty"`
		M map[string]string `json:"m,omitempty"`
	}
	for _, c := range []struct {
		in   st
		want string
	}{
		{st{}, `{"version":3}`},
		{st{A: 1, M: map[string]string{"k": "v"}}, `{"version":3,"a":1,"m":{"k":"v"}}`},
	} {
		require.NoError(t, p.saveState(c.in))
		b, err := os.ReadFile(p.statePath())
		require.NoError(t, err)
		require.Equal(t, c.want, string(b))
		var back st
		found, err := p.loadState(&back)
		require.NoError(t, err)
		require.True(t, found)
		require.Equal(t, c.in, back)
	}
	require.Error(t, p.saveState([]int{1}), "a state that is not a JSON object")
	other := &persister{dir: p.dir, version: 4}
	_, err := other.loadState(&st{})
	require.Error(t, err)
	found, err := (&persister{dir: filepath.Join(p.dir, "none"), version: 3}).loadState(&st{})
	require.NoError(t, err)
	require.False(t, found)
}

func TestIDs(t *testing.T) {
	require.Len(t, RandomHex(16), 32)
	require.Len(t, RandomAlnum(13), 13)
	require.True(t, ValidID(RandomHex(16)))
	for _, bad := range []string{"", "a/b", "..", "a b", strings.Repeat("a", 65), "é"} {
		require.False(t, ValidID(bad), bad)
	}
	require.Equal(t, "…", Redact("short"))
	require.Equal(t, "acctk1234…", Redact("acctk1234567890"))
}
