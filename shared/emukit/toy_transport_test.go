package emukit_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// TestToyNoListener: the in-memory transport serves a provider without any socket;
// injected resets are connection errors and stalls last until the caller gives up.
func TestToyNoListener(t *testing.T) {
	ty, err := newToy("")
	require.NoError(t, err)
	srv := emukit.NewServerNoListener(ty.kit, "http://toy.emulator.invalid")
	defer srv.Close()
	require.Equal(t, "http://toy.emulator.invalid", srv.URL())
	require.Same(t, ty.kit, srv.Kit())
	e := &toyEnv{t: t, toy: ty, kit: ty.kit, srv: srv, base: srv.URL(), hc: srv.HTTPClient()}
	data := random(300<<10, 4)
	expect(t, e.upload("n.bin", data), 200, "")
	require.Equal(t, data, e.do("GET", "/toy/files/n.bin", nil).body)
	a := e.do("HEAD", "/toy/files/n.bin", nil)
	require.Equal(t, 200, a.status)
	require.Empty(t, a.body)
	require.Equal(t, "307200", a.header.Get("Content-Length"))

	require.NoError(t, ty.kit.SetFaults(emukit.FaultConfig{ControlPlane: emukit.PlaneFaults{Rate: 1, Kinds: []string{"reset"}}}))
	_, err = e.hc.Post(e.base+"/toy/uploads?name=a&size=1", "", nil)
	require.ErrorIs(t, err, syscall.ECONNRESET)
	require.NoError(t, ty.kit.SetFaults(emukit.FaultConfig{DataPlane: emukit.PlaneFaults{Rate: 1, Kinds: []string{"stall"}}}))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.base+"/toy/files/n.bin", nil)
	_, err = e.hc.Do(req)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	waitFor(t, "the stall to end when its caller gave up", func() bool { return ty.kit.StallsHeld() == 0 })
}

// TestToyConcurrent runs uploads in parallel, each body sent twice at once, while readers
// list and count, in memory and on disk (run with -race).
func TestToyConcurrent(t *testing.T) {
	for _, mode := range []string{"memory", "disk"} {
		t.Run(mode, func(t *testing.T) {
			dir := ""
			if mode == "disk" {
				dir = t.TempDir()
			}
			e := newToyEnv(t, dir)
			send := func(method, path string, body []byte) (int, error) {
				req, err := http.NewRequest(method, e.base+path, bytes.NewReader(body))
				if err != nil {
					return 0, err
				}
				resp, err := e.hc.Do(req)
				if err != nil {
					return 0, err
				}
				defer resp.Body.Close()
				_, err = io.Copy(io.Discard, resp.Body)
				return resp.StatusCode, err
			}
			ids := make([]string, 8)
			for i := range ids {
				ids[i] = e.begin(fmt.Sprintf("c%d.bin", i), 100<<10+i)
			}
			done := make(chan struct{})
			var readers sync.WaitGroup
			readers.Go(func() {
				for {
					select {
					case <-done:
						return
					default:
					}
					e.kit.Stats()
					e.toy.Files("toy", "")
					e.toy.Uploads("toy", "")
				}
			})
			var wg sync.WaitGroup
			errs := make(chan error, 3*len(ids))
			for i, id := range ids {
				data := random(100<<10+i, uint64(i))
				for range 2 {
					wg.Go(func() {
						if status, err := send("PUT", "/toy/data/"+id, data); err != nil || status != 200 {
							errs <- fmt.Errorf("put %d: %d %v", i, status, err)
						}
					})
				}
			}
			wg.Wait()
			for i, id := range ids {
				wg.Go(func() {
					if status, err := send("POST", "/toy/uploads/"+id+"/done", nil); err != nil || status != 200 {
						errs <- fmt.Errorf("done %d: %d %v", i, status, err)
					}
				})
			}
			wg.Wait()
			close(done)
			readers.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			st := e.kit.Stats()
			require.Equal(t, uint64(16), st.Requests["PUT /toy/data/{id}"]["200"])
			for i, id := range ids {
				require.Equal(t, random(100<<10+i, uint64(i)), e.do("GET", fmt.Sprintf("/toy/files/c%d.bin", i), nil).body)
				require.Equal(t, uint64(2*(100<<10+i)), st.DataPlane.ByUpload[id].BytesStored, "both bodies stored")
			}
		})
	}
}
