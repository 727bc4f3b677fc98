package smhemu_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/smhemu"
)

// spyListener takes a snapshot of the stats at the first moment, once armed, that a
// client could observe an answer: the server writes its first bytes on a connection, or
// closes one (a reset or the end of a stall).
type spyListener struct {
	net.Listener
	emu   *smhemu.Emulator
	mu    sync.Mutex
	armed bool
	seen  chan smhemu.Stats
}

func (l *spyListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &spyConn{Conn: c, l: l}, nil
}

func (l *spyListener) arm() {
	l.mu.Lock()
	l.armed = true
	l.mu.Unlock()
}

func (l *spyListener) observe() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.armed {
		l.armed = false
		l.seen <- l.emu.Stats()
	}
}

type spyConn struct {
	net.Conn
	l *spyListener
}

func (c *spyConn) Write(b []byte) (int, error) {
	c.l.observe()
	return c.Conn.Write(b)
}

func (c *spyConn) Close() error {
	c.l.observe()
	return c.Conn.Close()
}

// TestStatsBeforeClientSees: whatever a client can observe of a request (the first byte
// of its answer, or its connection dropped by a fault) is already in the stats, the
// faults injected counted in the same update as the request's outcome.
func TestStatsBeforeClientSees(t *testing.T) {
	const (
		dirList = "GET /api/v1/directory/{libraryId}/{spaceId}/{dirPath}"
		partPut = "PUT /cos/{objectKey}?partNumber&uploadId"
		dataGet = "GET /cos/{objectKey}"
	)
	cases := []struct {
		name            string
		faults          string // JSON FaultConfig set before the observed request
		route, outcome  string
		faultsInjected  uint64
		observedRequest func(t *testing.T, e *env, tok string, arm func()) // arms, then sends
	}{
		{"control-plane reset", `{"controlPlane":{"rate":1,"kinds":["reset"]}}`, dirList, "reset", 1, listRoot},
		{"control-plane stall that ends", `{"controlPlane":{"rate":1,"kinds":["stall"]},"stallFor":"10ms"}`, dirList, "stall", 1, listRoot},
		{"control-plane 503", `{"controlPlane":{"rate":1,"kinds":["503"]}}`, dirList, "503", 1, listRoot},
		{"data-plane reset", `{"dataPlane":{"rate":1,"kinds":["reset"]}}`, partPut, "reset", 1, putPart},
		{"data-plane stall that ends", `{"dataPlane":{"rate":1,"kinds":["stall"]},"stallFor":"10ms"}`, partPut, "stall", 1, putPart},
		{"large download", `{}`, dataGet, "200", 0, download},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			emu, err := smhemu.New(smhemu.Options{})
			require.NoError(t, err)
			ts := httptest.NewUnstartedServer(emu)
			spy := &spyListener{Listener: ts.Listener, emu: emu, seen: make(chan smhemu.Stats, 1)}
			ts.Listener = spy
			ts.Start()
			t.Cleanup(func() { ts.Close(); emu.Close() })
			e := &env{t: t, emu: emu, base: ts.URL, hc: ts.Client()}
			tok, err := emu.IssueToken("smhdev", smhemu.TokenRequest{Grants: []string{"upload_file"}})
			require.NoError(t, err)
			arm := func() {
				setFaults(t, e, c.faults)
				spy.arm()
			}
			c.observedRequest(t, e, tok, arm)
			st := <-spy.seen // taken before the client could see anything
			require.Equal(t, uint64(1), st.Requests[c.route][c.outcome], "stats when the client could first see the answer: %+v", st.Requests)
			require.Equal(t, c.faultsInjected, st.FaultsInjected)
		})
	}
}

func listRoot(t *testing.T, e *env, tok string, arm func()) {
	arm()
	if resp, err := e.hc.Get(withToken(e.base+"/api/v1/directory/smhdev/-/", tok)); err == nil {
		resp.Body.Close()
	}
}

func putPart(t *testing.T, e *env, tok string, arm func()) {
	_, ui := e.begin(tok, "f.bin", true, "", nil)
	arm()
	req, err := http.NewRequest("PUT", "http://"+ui.Domain+ui.Path+"?partNumber=1&uploadId="+ui.UploadID, strings.NewReader(string(random(64<<10, 1))))
	require.NoError(t, err)
	for k, v := range ui.Headers {
		req.Header.Set(k, v)
	}
	if resp, err := e.hc.Do(req); err == nil {
		resp.Body.Close()
	}
}

// download reads a file larger than the server's write buffers, so that its answer
// reaches the connection while the handler still runs.
func download(t *testing.T, e *env, tok string, arm func()) {
	require.NoError(t, e.emu.PutFile("smhdev", "-", "big.bin", random(1<<20, 2)))
	var info fileObject
	e.api("GET", "/api/v1/file/smhdev/-/big.bin?info", tok, nil).decode(t, &info)
	arm()
	expect(t, e.do("GET", info.CosURL, nil, nil), 200, "")
}
