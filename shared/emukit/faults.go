package emukit

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"
)

// FaultConfig is the body of POST /_emulator/faults; the zero value ({}) injects nothing.
//
// Each plane (control: the provider's API; data: where the bytes go) draws from its own
// PRNG seeded by Seed, one decision per request in arrival order, so the same seed and
// the same sequence of requests fault the same requests. Preflight (OPTIONS), unmatched
// and test-control requests are never faulted and draw nothing. A fault is decided, and
// takes effect, before the request changes any state.
type FaultConfig struct {
	Seed         int64       `json:"seed"`
	DataPlane    PlaneFaults `json:"dataPlane,omitzero"`
	ControlPlane PlaneFaults `json:"controlPlane,omitzero"`
	// ExpireUploadAfter caps the validity of upload signatures or targets issued from now
	// on (the provider reads it through Faults).
	ExpireUploadAfter Duration `json:"expireUploadAfter,omitzero"`
	// ExpireTokenAfter caps the life of tokens issued from now on (sliding renewal
	// cannot extend them past it; the provider reads it through Faults).
	ExpireTokenAfter Duration `json:"expireTokenAfter,omitzero"`
	// Latency delays every API and data-plane request.
	Latency Duration `json:"latency,omitzero"`
	// StallFor is how long a "stall" holds the connection before dropping it (default
	// 5 minutes); a stall also ends when the faults change, on reset and on Close.
	StallFor Duration `json:"stallFor,omitzero"`
}

// PlaneFaults is the fault rate (0..1) of a plane and the kinds drawn from, uniformly:
// "500", "503", "reset" (the connection is closed with a TCP RST; on the data plane
// after reading half the body) and "stall" (nothing is read or answered).
type PlaneFaults struct {
	Rate  float64  `json:"rate"`
	Kinds []string `json:"kinds,omitempty"`
}

// FaultKinds are the kinds PlaneFaults accepts.
var FaultKinds = []string{"500", "503", "reset", "stall"}

const defaultStall = 5 * time.Minute

// Duration is a time.Duration written as a Go duration string ("250ms", "5s").
type Duration time.Duration

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a duration is a string such as \"5s\"")
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return fmt.Errorf("bad duration %q", s)
	}
	*d = Duration(v)
	return nil
}

func (c FaultConfig) validate() error {
	for name, p := range map[string]PlaneFaults{"dataPlane": c.DataPlane, "controlPlane": c.ControlPlane} {
		if p.Rate < 0 || p.Rate > 1 {
			return ErrInvalidParameter.With("%s.rate must be within 0..1", name)
		}
		if p.Rate > 0 && len(p.Kinds) == 0 {
			return ErrInvalidParameter.With("%s.kinds is empty: name the kinds to inject (%v)", name, FaultKinds)
		}
		for _, k := range p.Kinds {
			if !slices.Contains(FaultKinds, k) {
				return ErrInvalidParameter.With("%s: unknown fault kind %q (known: %v)", name, k, FaultKinds)
			}
		}
	}
	return nil
}

// faultEngine decides, per request, which fault (if any) to inject.
type faultEngine struct {
	mu   sync.Mutex
	cfg  FaultConfig
	rng  [2]*rand.Rand // by plane: control, data
	stop chan struct{} // closed when the configuration changes: ends stalls
}

func (f *faultEngine) set(cfg FaultConfig) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cfg = cfg
	for i := range f.rng {
		f.rng[i] = rand.New(rand.NewPCG(uint64(cfg.Seed), 0x5eedfa17+uint64(i)))
	}
	if f.stop != nil {
		close(f.stop)
	}
	f.stop = make(chan struct{})
}

func (f *faultEngine) config() FaultConfig {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cfg
}

// decision is what happens to one request.
type decision struct {
	kind    string // "" for none
	latency time.Duration
	stall   time.Duration
	stop    <-chan struct{}
}

// decide draws the next decision of a plane. Every request draws the same amount of
// randomness, whatever the outcome, so decisions depend only on the order of requests.
func (f *faultEngine) decide(p Plane) decision {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.stop == nil {
		f.stop = make(chan struct{})
	}
	d := decision{latency: time.Duration(f.cfg.Latency), stall: time.Duration(f.cfg.StallFor), stop: f.stop}
	if d.stall == 0 {
		d.stall = defaultStall
	}
	pf, i := f.cfg.ControlPlane, 0
	if p == PlaneData {
		pf, i = f.cfg.DataPlane, 1
	}
	if pf.Rate <= 0 || f.rng[i] == nil {
		return d
	}
	u, k := f.rng[i].Float64(), f.rng[i].Uint64()
	if u < pf.Rate {
		d.kind = pf.Kinds[k%uint64(len(pf.Kinds))]
	}
	return d
}
