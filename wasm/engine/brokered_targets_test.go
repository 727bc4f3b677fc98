package engine

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/shared/smh"
)

// targetsDoer answers the function's /targets route with a target for every part asked
// and records the windows asked for.
type targetsDoer struct {
	mu      sync.Mutex
	windows [][]int
}

func (d *targetsDoer) Do(_ context.Context, r *smh.Request) (*smh.Response, error) {
	var body struct{ Parts []int }
	_ = json.Unmarshal(r.Body, &body)
	d.mu.Lock()
	d.windows = append(d.windows, body.Parts)
	d.mu.Unlock()
	ans := answer{Expires: time.Now().Add(time.Hour)}
	for _, n := range body.Parts {
		ans.Targets = append(ans.Targets, target{Part: n, URL: "https://data.test/" + strings.Repeat("p", n), Expires: ans.Expires})
	}
	b, _ := json.Marshal(ans)
	return &smh.Response{StatusCode: 200, Body: b}, nil
}

// TestBrokeredTargetsOneRequestPerWindow: parts run concurrently, so the part after the
// begin answer's window may ask for its target before the first part past it does. The
// targets of 21 parts still cost one request beyond the begin answer's 16, whichever part
// asks first (TestBrokeredHoldsNoProviderCredential failed now and then when part 18 did).
func TestBrokeredTargetsOneRequestPerWindow(t *testing.T) {
	doer := &targetsDoer{}
	d := &BrokeredDriver{Function: &Function{TokenURL: "https://fn.test/v1/token", Doer: doer}}
	tok := &Token{Mode: ModeBrokered, UploadsURL: "https://fn.test/v1/uploads"}
	exp := time.Now().Add(time.Hour)
	s := &Session{Key: "ticket", Multipart: true, PartSize: MiB, Expires: exp}
	s.Data, _ = json.Marshal(brokeredSession{Provider: "smh", Size: 21 * MiB})
	var first []target
	for n := 1; n <= targetWindow; n++ {
		first = append(first, target{Part: n, URL: "https://data.test/first", Expires: exp})
	}
	d.targets.of(s.Key).add(first, nil)
	for _, n := range []int{18, 17, 21, 19, 20} {
		if u, _, err := d.Target(context.Background(), tok, s, n); err != nil || u == "" {
			t.Fatalf("target of part %d: %q %v", n, u, err)
		}
	}
	if len(doer.windows) != 1 {
		t.Fatalf("target requests for the parts %v; want one", doer.windows)
	}
}
