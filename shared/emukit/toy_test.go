package emukit_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestToyControlAPI: a provider that is not SMH gets the whole test-control API from the
// kit: healthz, files and uploads in its own terms, expire through its hook, stats of its
// own routes, reset of everything; errors in the provider's own shape.
func TestToyControlAPI(t *testing.T) {
	e := newToyEnv(t, "")
	expect(t, e.do("GET", "/_emulator/healthz", nil), 200, "")
	data := []byte("hello, toy")
	a := e.upload("a.txt", data)
	expect(t, a, 200, "")
	sum := sha256.Sum256(data)
	require.Equal(t, string(data), string(e.do("GET", "/toy/files/a.txt", nil).body))
	open := e.begin("b.bin", 3)
	expect(t, e.do("PUT", "/toy/data/"+open, "xy"), 400, "BadBody") // refused, counted in bytes
	expect(t, e.do("PUT", "/toy/data/"+open, "xyz"), 200, "")

	files := e.do("GET", "/_emulator/files?library=toy", nil)
	require.JSONEq(t, `[{"path":"/a.txt","size":10,"sha256":"`+hex.EncodeToString(sum[:])+`"}]`, string(files.body))
	ups := e.do("GET", "/_emulator/uploads?library=toy&space=ignored", nil)
	require.JSONEq(t, `[{"path":"/b.bin","size":3}]`, string(ups.body))

	// Errors of the control API come in the provider's shape, with the kit's codes or its own.
	for _, c := range []struct {
		method, path string
		status       int
		code         string
	}{
		{"GET", "/_emulator/files", 400, "InvalidParameter"},
		{"GET", "/_emulator/uploads?library=other", 404, "NoSuchLibrary"},
		{"GET", "/_emulator/nothing", 404, "RouteNotFound"},
		{"GET", "/_emulator/reset", 405, "MethodNotAllowed"},
		{"GET", "/_emulator/stats?a=%zz", 400, "InvalidParameter"},
		{"POST", "/_emulator/expire", 400, "InvalidParameter"}, // unknown field (below)
		{"GET", "/toy/nothing", 404, "RouteNotFound"},
	} {
		var body any
		if c.path == "/_emulator/expire" {
			body = `{"token":true}`
		}
		a := e.do(c.method, c.path, body)
		expect(t, a, c.status, c.code)
		require.NotEmpty(t, a.header.Get("X-Request-Id"), c.path)
	}

	// expire goes through the provider's hook.
	a = e.do("POST", "/_emulator/expire", `{"tokens":true,"uploads":true}`)
	require.JSONEq(t, `{"tokens":0,"uploads":1}`, string(a.body))
	expect(t, e.do("PUT", "/toy/data/"+open, "xyz"), 403, "Expired")

	st := e.kit.Stats()
	require.Equal(t, uint64(1), st.Requests["POST /toy/uploads/{id}/done"]["200"])
	require.Equal(t, uint64(2), st.Requests["POST /toy/uploads"]["201"])
	require.Equal(t, uint64(1), st.Requests["PUT /toy/data/{id}"]["400"])
	require.Equal(t, uint64(1), st.Requests["PUT /toy/data/{id}"]["403"])
	require.Equal(t, uint64(1), st.Requests["GET /toy/files/{name}"]["200"])
	require.Equal(t, uint64(1), st.Requests["GET (unmatched)"]["404"])
	require.Equal(t, uint64(10+2+3+3), st.DataPlane.BytesReceived, "every body byte the data plane read")
	require.Equal(t, "/b.bin", st.DataPlane.ByUpload[open].Path)
	require.Equal(t, uint64(2+3+3), st.DataPlane.ByUpload[open].BytesReceived)
	require.Equal(t, uint64(3), st.DataPlane.ByUpload[open].BytesStored)
	for name := range st.Requests {
		require.NotContains(t, name, "/_emulator/", "test-control requests are not counted")
	}
	// The stats over HTTP are the same snapshot.
	var overHTTP map[string]any
	require.NoError(t, json.Unmarshal(e.do("GET", "/_emulator/stats", nil).body, &overHTTP))
	require.Contains(t, overHTTP, "faultsInjected")

	// Reset drops the provider's state, the faults and the stats.
	e.setFaults(`{"seed":7,"controlPlane":{"rate":0.5,"kinds":["500"]}}`)
	expect(t, e.do("POST", "/_emulator/reset", nil), 200, "")
	b, _ := json.Marshal(e.kit.Stats())
	require.Equal(t, `{"requests":{},"faultsInjected":0,"dataPlane":{"bytesReceived":0,"byUpload":{}}}`, string(b))
	require.Equal(t, "[]", string(e.do("GET", "/_emulator/files?library=toy", nil).body))
	require.Equal(t, "[]", string(e.do("GET", "/_emulator/uploads?library=toy", nil).body))
	require.Equal(t, `{"seed":0}`, string(e.do("GET", "/_emulator/faults", nil).body))
	expect(t, e.do("GET", "/toy/files/a.txt", nil), 404, "NoSuchFile")
}

// TestToyCORS: every answer allows the caller's origin; a preflight, on any route, allows
// the configured headers and no others, and is neither faulted nor drawn for.
func TestToyCORS(t *testing.T) {
	e := newToyEnv(t, "")
	e.setFaults(`{"controlPlane":{"rate":1,"kinds":["500"]},"dataPlane":{"rate":1,"kinds":["500"]}}`)
	for _, path := range []string{"/toy/data/x", "/toy/uploads", "/_emulator/faults"} {
		a := e.do("OPTIONS", path, nil, "Origin", "http://page.test", "Access-Control-Request-Method", "PUT",
			"Access-Control-Request-Headers", "Content-Type, X-Toy-Meta, X-Other")
		expect(t, a, 204, "")
		require.Equal(t, "http://page.test", a.header.Get("Access-Control-Allow-Origin"))
		require.Equal(t, "content-type, x-toy-meta", a.header.Get("Access-Control-Allow-Headers"))
		require.Equal(t, "GET, HEAD, PUT, POST, DELETE, OPTIONS", a.header.Get("Access-Control-Allow-Methods"))
	}
	a := e.do("POST", "/toy/uploads?name=a&size=1", nil)
	expect(t, a, 500, "InternalError") // the same faults still hit the toy's routes
	require.Equal(t, "*", a.header.Get("Access-Control-Allow-Origin"))
	require.Equal(t, "X-Request-Id", a.header.Get("Access-Control-Expose-Headers"))
	st := e.kit.Stats()
	require.Equal(t, uint64(2), st.Requests["OPTIONS *"]["204"], "preflights of the provider's routes are counted")
	require.Equal(t, uint64(1), st.FaultsInjected)
}
