package engine

import (
	"context"
	"strconv"
	"sync"

	"github.com/ferry-upload/ferry/shared/hashes"
)

// partShift caches the combine operator of the last part size asked for: every part but a
// file's last has that size, so the whole file's CRC-64 costs a few look-ups per part.
var partShift struct {
	mu sync.Mutex
	s  *hashes.CRC64Shift
}

func shiftFor(n int64) *hashes.CRC64Shift {
	partShift.mu.Lock()
	defer partShift.mu.Unlock()
	if partShift.s == nil || partShift.s.Len() != n {
		partShift.s = hashes.NewCRC64Shift(n)
	}
	return partShift.s
}

// combineParts is the CRC-64 of parts first..last of p from their CRC-64s.
func combineParts(p plan, crcs map[int]uint64) uint64 {
	var crc uint64
	var shift *hashes.CRC64Shift
	for n := p.first(); n <= p.last(); n++ {
		_, size := p.span(n)
		switch {
		case n == p.first():
			crc = crcs[n]
		case size == p.partSize:
			if shift == nil {
				shift = shiftFor(size)
			}
			crc = shift.Combine(crc, crcs[n])
		default:
			crc = hashes.CombineCRC64(crc, crcs[n], size)
		}
	}
	return crc
}

// fillCRC64 gives a result whose provider states no CRC-64 (Gokuai) the file's: combined
// from the parts' when every part was acknowledged (read and digested locally, the bytes
// the provider checked against the SHA-1 it began with), else from the file (a quick
// upload: the SHA-1's pass computed it). A file that can no longer be read leaves it
// empty: the file is stored all the same.
func (t *Task) fillCRC64(ctx context.Context, res *Result) {
	t.mu.Lock()
	whole := !res.Rapid && t.plan.partSize > 0 && len(t.crcs) == t.plan.count()
	crc := uint64(0)
	if whole {
		crc = t.wholeCRCLocked()
	}
	t.mu.Unlock()
	if !whole {
		var err error
		if crc, err = t.fileCRC(ctx); err != nil {
			return
		}
	}
	res.CRC64 = strconv.FormatUint(crc, 10)
}
