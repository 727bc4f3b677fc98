package engine

import (
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
