package function

import "github.com/ferry-upload/ferry/function/provider"

// How the function cuts a brokered upload. The browser may name a part size; the function
// decides (within the data plane's limits), so the ticket, the targets and the check at
// completion agree on one plan.
const (
	defaultPartSize = int64(8) << 20
	minPartSize     = int64(1) << 20 // the data plane refuses smaller parts (but the last)
	maxPartSize     = int64(5) << 30
	maxParts        = 10000
	targetWindow    = provider.TargetWindow
	// maxTargetsAsked caps the parts of one /targets request.
	maxTargetsAsked = 64
)

// choosePartSize returns 0 (one body) when size fits one part of pref, else pref grown in
// whole MiB so that there are at most maxParts parts.
func choosePartSize(size, pref int64) int64 {
	if pref == 0 {
		pref = defaultPartSize
	}
	if size <= pref {
		return 0
	}
	if need := (size + maxParts - 1) / maxParts; need > pref {
		pref = (need + minPartSize - 1) / minPartSize * minPartSize
	}
	return pref
}

func partCount(size, partSize int64) int { return provider.PartCount(size, partSize) }
