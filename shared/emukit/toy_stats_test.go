package emukit_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/shared/emukit"
)

// spyListener takes a snapshot of the stats at the first moment, once armed, that a
// client could observe an answer: the server writes its first bytes on a connection, or
// closes one (a reset or the end of a stall).
type spyListener struct {
	net.Listener
	kit   *emukit.Kit
	mu    sync.Mutex
	armed bool
	seen  chan emukit.Stats
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
		l.seen <- l.kit.Stats()
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

// TestStatsBeforeClientSees: whatever a client can observe of a request to a provider's
// route (the first byte of its answer, or its connection dropped by a fault) is already in
// the stats, the faults injected counted in the same update as the request's outcome.
func TestStatsBeforeClientSees(t *testing.T) {
	const (
		begin = "POST /toy/uploads"
		put   = "PUT /toy/data/{id}"
		get   = "GET /toy/files/{name}"
	)
	cases := []struct {
		name, faults   string
		route, outcome string
		faultsInjected uint64
		send           func(t *testing.T, e *toyEnv, arm func())
	}{
		{"control-plane reset", `{"controlPlane":{"rate":1,"kinds":["reset"]}}`, begin, "reset", 1, sendBegin},
		{"control-plane stall that ends", `{"controlPlane":{"rate":1,"kinds":["stall"]},"stallFor":"10ms"}`, begin, "stall", 1, sendBegin},
		{"control-plane 503", `{"controlPlane":{"rate":1,"kinds":["503"]}}`, begin, "503", 1, sendBegin},
		{"data-plane reset", `{"dataPlane":{"rate":1,"kinds":["reset"]}}`, put, "reset", 1, sendPut},
		{"data-plane stall that ends", `{"dataPlane":{"rate":1,"kinds":["stall"]},"stallFor":"10ms"}`, put, "stall", 1, sendPut},
		{"large download", `{}`, get, "200", 0, sendGet},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ty, err := newToy("")
			require.NoError(t, err)
			ts := httptest.NewUnstartedServer(ty.kit)
			spy := &spyListener{Listener: ts.Listener, kit: ty.kit, seen: make(chan emukit.Stats, 1)}
			ts.Listener = spy
			ts.Start()
			t.Cleanup(func() { ts.Close(); ty.kit.Close() })
			e := &toyEnv{t: t, toy: ty, kit: ty.kit, base: ts.URL, hc: ts.Client()}
			c.send(t, e, func() {
				e.setFaults(c.faults)
				spy.arm()
			})
			st := <-spy.seen // taken before the client could see anything
			require.Equal(t, uint64(1), st.Requests[c.route][c.outcome], "stats when the client could first see the answer: %+v", st.Requests)
			require.Equal(t, c.faultsInjected, st.FaultsInjected)
		})
	}
}

func sendBegin(t *testing.T, e *toyEnv, arm func()) {
	arm()
	if resp, err := e.hc.Post(e.base+"/toy/uploads?name=a&size=1", "", nil); err == nil {
		resp.Body.Close()
	}
}

func sendPut(t *testing.T, e *toyEnv, arm func()) {
	data := random(64<<10, 1)
	id := e.begin("f.bin", len(data))
	arm()
	req, err := http.NewRequest("PUT", e.base+"/toy/data/"+id, strings.NewReader(string(data)))
	require.NoError(t, err)
	if resp, err := e.hc.Do(req); err == nil {
		resp.Body.Close()
	}
}

// sendGet reads a file larger than the server's write buffers, so that its answer reaches
// the connection while the handler still runs.
func sendGet(t *testing.T, e *toyEnv, arm func()) {
	expect(t, e.upload("big.bin", random(1<<20, 2)), 200, "")
	arm()
	expect(t, e.do("GET", "/toy/files/big.bin", nil), 200, "")
}
