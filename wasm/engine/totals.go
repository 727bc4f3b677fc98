package engine

// Totals are the engine's progress over every task that is not canceled.
type Totals struct {
	Loaded         int64    `json:"loaded"`
	Size           int64    `json:"size"`
	Fraction       float64  `json:"fraction"`
	BytesPerSecond *float64 `json:"bytesPerSecond"`
	EtaSeconds     *float64 `json:"etaSeconds"`
	Active         int      `json:"active"` // tasks not yet settled
}

// Totals sums the tasks' progress. The time left is the bytes left over the summed speed,
// but never shorter than the longest estimate of a file that is uploading: speeds do not
// transfer between files (a slow file stays slow when a fast one finishes).
func (e *Engine) Totals() Totals {
	var tot Totals
	var speed, longest float64
	known := false
	for _, t := range e.Tasks() {
		t.mu.Lock()
		if t.state != StateCanceled {
			tot.Size += t.prog.size
			if t.state == StateDone || t.state == StateRapid {
				tot.Loaded += t.prog.size
			} else {
				tot.Loaded += t.prog.loaded()
			}
			if !t.state.Settled() {
				tot.Active++
				if r := t.prog.rate(); r != nil && t.state == StateUploading {
					speed += *r
					known = true
					if eta := t.prog.eta(); eta != nil {
						longest = max(longest, *eta)
					}
				}
			}
		}
		t.mu.Unlock()
	}
	if tot.Size > 0 {
		tot.Fraction = float64(tot.Loaded) / float64(tot.Size)
	} else if len(e.Tasks()) > 0 && tot.Active == 0 {
		tot.Fraction = 1
	}
	if known {
		tot.BytesPerSecond = &speed
		if speed > 0 {
			eta := max(float64(tot.Size-tot.Loaded)/speed, longest)
			tot.EtaSeconds = &eta
		}
	}
	return tot
}
