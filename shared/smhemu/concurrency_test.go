package smhemu_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"github.com/ferry-upload/ferry/shared/smhemu"
)

// TestConcurrentUploads runs uploads in parallel, each sending its parts concurrently
// (one of them twice), while readers list, inspect and count, in memory and on disk.
func TestConcurrentUploads(t *testing.T) {
	for _, mode := range []string{"memory", "disk"} {
		t.Run(mode, func(t *testing.T) {
			opts := smhemu.Options{}
			if mode == "disk" {
				opts.DataDir = t.TempDir()
			}
			e := newEnv(t, opts)
			tok := e.devToken("upload_file")
			req := func(method, url string, hdr map[string]string, body []byte) (int, []byte, error) {
				r, err := http.NewRequest(method, url, bytes.NewReader(body))
				if err != nil {
					return 0, nil, err
				}
				for k, v := range hdr {
					r.Header.Set(k, v)
				}
				resp, err := e.hc.Do(r)
				if err != nil {
					return 0, nil, err
				}
				defer resp.Body.Close()
				b, err := io.ReadAll(resp.Body)
				return resp.StatusCode, b, err
			}
			upload := func(i int) error {
				data := random(2*mib+i*1000, uint64(i))
				name := fmt.Sprintf("c%d.bin", i)
				status, b, err := req("POST", withToken(e.base+"/api/v1/file/smhdev/-/"+name+"?multipart", tok), nil, nil)
				if err != nil || status != 200 {
					return fmt.Errorf("begin: %d %s %v", status, b, err)
				}
				var ui uploadInfo
				if err := json.Unmarshal(b, &ui); err != nil {
					return err
				}
				chunks := map[int][]byte{1: data[:mib], 2: data[mib : 2*mib], 3: data[2*mib:]}
				var wg sync.WaitGroup
				errs := make(chan error, 4)
				for _, n := range []int{3, 1, 2, 1} {
					wg.Add(1)
					go func() {
						defer wg.Done()
						url := "http://" + ui.Domain + ui.Path + "?partNumber=" + strconv.Itoa(n) + "&uploadId=" + ui.UploadID
						if status, b, err := req("PUT", url, ui.Headers, chunks[n]); err != nil || status != 200 {
							errs <- fmt.Errorf("part %d: %d %s %v", n, status, b, err)
						}
					}()
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					return err
				}
				status, b, err = req("POST", withToken(e.base+"/api/v1/file/smhdev/-/"+ui.ConfirmKey+"?confirm", tok), nil, nil)
				if err != nil || status != 200 {
					return fmt.Errorf("confirm: %d %s %v", status, b, err)
				}
				got, err := e.emu.ReadFile("smhdev", "-", name)
				if err != nil || !bytes.Equal(got, data) {
					return fmt.Errorf("%s: content differs (%v)", name, err)
				}
				return nil
			}
			var wg sync.WaitGroup
			errs := make(chan error, 16)
			done := make(chan struct{})
			go func() { // readers
				for {
					select {
					case <-done:
						return
					default:
					}
					req("GET", withToken(e.base+"/api/v1/directory/smhdev/-/", tok), nil, nil)
					e.emu.Stats()
					e.emu.OpenUploads("smhdev", "-")
					e.emu.Files("smhdev", "-")
				}
			}()
			for i := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := upload(i); err != nil {
						errs <- err
					}
				}()
			}
			wg.Wait()
			close(done)
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			files, _ := e.emu.Files("smhdev", "-")
			if len(files) != 8 {
				t.Fatalf("%d files", len(files))
			}
		})
	}
}
