package smhemu_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ferry-upload/ferry/shared/smhemu"
)

// TestNoListener runs an upload through the in-memory transport: no socket at all.
func TestNoListener(t *testing.T) {
	srv, err := smhemu.NewServerNoListener(smhemu.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if srv.URL() != smhemu.NoListenerURL {
		t.Fatalf("URL %s", srv.URL())
	}
	e := &env{t: t, srv: srv, emu: srv.Emulator(), base: srv.URL(), hc: srv.HTTPClient()}
	tok := e.devToken("upload_file")
	a, ui := e.begin(tok, "n.bin", true, "", nil)
	expect(t, a, 200, "")
	if ui.Domain != "smh.emulator.invalid" {
		t.Fatalf("domain %q", ui.Domain)
	}
	data := random(mib+5, 2)
	expect(t, e.put(ui, 1, data[:mib]), 200, "")
	expect(t, e.put(ui, 2, data[mib:]), 200, "")
	expect(t, e.task("POST", tok, ui.ConfirmKey, "confirm", nil), 200, "")
	if got := e.api("GET", "/api/v1/file/smhdev/-/n.bin", tok, nil); string(got.body) != string(data) { // via the 302
		t.Fatal("download differs")
	}
	expect(t, e.api("HEAD", "/api/v1/file/smhdev/-/n.bin", tok, nil), 200, "")
	expect(t, e.api("HEAD", "/api/v1/file/smhdev/-/none", tok, nil), 404, "")

	// Faults: a reset is a connection error, a stall lasts until the caller gives up.
	if err := srv.Emulator().SetFaults(smhemu.FaultConfig{ControlPlane: smhemu.PlaneFaults{Rate: 1, Kinds: []string{"reset"}}}); err != nil {
		t.Fatal(err)
	}
	_, err = e.hc.Get(withToken(e.base+"/api/v1/directory/smhdev/-/", tok))
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("reset: %v", err)
	}
	srv.Emulator().SetFaults(smhemu.FaultConfig{ControlPlane: smhemu.PlaneFaults{Rate: 1, Kinds: []string{"stall"}}})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", withToken(e.base+"/api/v1/directory/smhdev/-/", tok), nil)
	if _, err := e.hc.Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("stall: %v", err)
	}
}

func TestServerCloseEndsStalls(t *testing.T) {
	srv, err := smhemu.NewServer(smhemu.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv.Emulator().SetFaults(smhemu.FaultConfig{DataPlane: smhemu.PlaneFaults{Rate: 1, Kinds: []string{"stall"}}})
	errc := make(chan error, 1)
	go func() {
		resp, err := srv.HTTPClient().Get(srv.URL() + "/cos/dl/smhdev/-/x")
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	waitFor(t, "the stall to begin", func() bool { return srv.Emulator().StallsHeld() == 1 })
	done := make(chan struct{})
	go func() { srv.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Minute): // the stall would hold it for 5
		t.Fatal("Close waited for a stalled request")
	}
	if err := <-errc; err == nil {
		t.Fatal("stalled request got an answer")
	}
}

func TestOptions(t *testing.T) {
	good := `[{"id":"lib1","secret":"s","kind":"file","quotaBytes":10},{"id":"lib2","secret":"s","kind":"media","multiTenant":true,"multiAlbum":true,"spaces":["a","b"]}]`
	libs, err := smhemu.DecodeLibraries(strings.NewReader(good))
	if err != nil || len(libs) != 2 || libs[1].Spaces[1] != "b" || libs[0].QuotaBytes != 10 {
		t.Fatalf("%+v %v", libs, err)
	}
	for _, bad := range []string{
		`[]`,
		`{"id":"x"}`,
		`[{"id":"a b","secret":"s","kind":"file"}]`,
		`[{"id":"a","secret":"","kind":"file"}]`,
		`[{"id":"a","secret":"s","kind":"blob"}]`,
		`[{"id":"a","secret":"s","kind":"file"},{"id":"a","secret":"s","kind":"file"}]`,
		`[{"id":"a","secret":"s","kind":"file","spaces":["x"]}]`,
		`[{"id":"a","secret":"s","kind":"file","multiTenant":true,"spaces":["-"]}]`,
		`[{"id":"a","secret":"s","kind":"file","extra":1}]`,
	} {
		if _, err := smhemu.DecodeLibraries(strings.NewReader(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
	if _, err := smhemu.New(smhemu.Options{Libraries: []smhemu.Library{}}); err == nil {
		t.Error("New accepted no libraries")
	}
	e := newEnv(t, smhemu.Options{Libraries: libs})
	tok := e.token("lib2", "s", "space_id=b&grant=create_directory")
	expect(t, e.api("PUT", "/api/v1/directory/lib2/b/album", tok, nil), 201, "")
	expect(t, e.do("GET", "/api/v1/token?library_id=smhdev&library_secret=devsecret", nil, nil), 404, "WrongLibraryIdOrSecret")
	d := smhemu.DefaultLibraries()
	if len(d) != 2 || d[0].ID != "smhdev" || d[0].Secret != "devsecret" || d[1].ID != "smhmedia" || d[1].Secret != "mediasecret" ||
		!d[1].MultiTenant || !d[1].MultiAlbum || d[1].Kind != smhemu.KindMedia || d[1].Spaces[0] != "space1" {
		t.Fatalf("defaults %+v", d)
	}
}
