package main

import (
	"bufio"
	"crypto/sha256"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// parseSize reads 123, 4KiB, 256MiB, 1GiB, 4GiB.
func parseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		mul    int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}
	for _, u := range units {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			v, err := strconv.ParseInt(n, 10, 64)
			if err != nil || v < 0 {
				return 0, fmt.Errorf("size %q", s)
			}
			return v * u.mul, nil
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("size %q", s)
	}
	return v, nil
}

// seeded is a ChaCha8 stream keyed by a name: files with the same seed share their prefix,
// which is how the hashing figures make a stored file's beginning match a new one.
func seeded(seed string) *rand.ChaCha8 {
	key := sha256.Sum256([]byte("ferry-bench:" + seed))
	return rand.NewChaCha8(key)
}

// cmdMkfile writes a real (not sparse) file of pseudo-random bytes.
func cmdMkfile(args []string) error {
	fs := flag.NewFlagSet("mkfile", flag.ContinueOnError)
	sizeS := fs.String("size", "", "size, e.g. 1GiB")
	seed := fs.String("seed", "bench", "stream seed")
	out := fs.String("o", "", "output file")
	divergeS := fs.String("diverge", "", "after this many bytes, continue from another stream (a twin: same size and beginning, other content)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	size, err := parseSize(*sizeS)
	if err != nil || *out == "" {
		return fmt.Errorf("give -size and -o (%v)", err)
	}
	diverge := int64(-1)
	if *divergeS != "" {
		if diverge, err = parseSize(*divergeS); err != nil {
			return err
		}
	}
	tag := *seed + "/" + *divergeS
	if st, err := os.Stat(*out); err == nil && st.Size() == size {
		if b, err := os.ReadFile(*out + ".seed"); err == nil && string(b) == tag {
			return nil // already there
		}
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 8<<20)
	r := seeded(*seed)
	buf := make([]byte, 1<<20)
	for left := size; left > 0; {
		n := int64(len(buf))
		if left < n {
			n = left
		}
		if done := size - left; diverge >= 0 && done < diverge && done+n > diverge {
			n = diverge - done // stop at the divergence point
		} else if diverge >= 0 && done == diverge {
			r = seeded(*seed + "/twin")
		}
		r.Read(buf[:n]) // never fails
		if _, err := w.Write(buf[:n]); err != nil {
			f.Close()
			return err
		}
		left -= n
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.WriteFile(*out+".seed", []byte(tag), 0o644)
}

// cmdDiskfree prints the free bytes of the filesystem holding -path.
func cmdDiskfree(args []string) error {
	fs := flag.NewFlagSet("diskfree", flag.ContinueOnError)
	path := fs.String("path", ".", "a path on the filesystem")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(*path, &st); err != nil {
		return err
	}
	fmt.Println(int64(st.Bavail) * int64(st.Bsize))
	return nil
}
