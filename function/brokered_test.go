package function_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBrokeredTokenAnswerHoldsNoCredential(t *testing.T) {
	e := newEnv(t, withBrokered())
	a := e.do("POST", "/v1/token", bearer(t, "alice", "uploader"), "")
	require.Equal(t, 200, a.Status, string(a.Body))
	assert.Equal(t, "smh", a.JSON["provider"])
	assert.Equal(t, "brokered", a.JSON["mode"])
	assert.Equal(t, "http://fn.test/v1/uploads", a.JSON["uploadsUrl"])
	assert.Equal(t, "/users/alice/", a.JSON["limits"].(map[string]any)["pathPrefix"])
	assert.Equal(t, true, a.JSON["quickUpload"])
	for _, k := range []string{"accessToken", "apiBase", "grants", "confirmUrl"} {
		assert.NotContains(t, a.JSON, k)
	}
	d := e.do("POST", "/v1/token", bearer(t, "alice", "direct"), "")
	require.Equal(t, 200, d.Status, string(d.Body))
	assert.Equal(t, "direct", d.JSON["mode"])
	assert.Equal(t, "smh", d.JSON["provider"])
	assert.NotEmpty(t, d.JSON["accessToken"])
}

// TestBrokeredUploadEdgeSizes uploads through the brokered routes only (the browser's side
// holds no SMH token) and checks the stored bytes.
func TestBrokeredUploadEdgeSizes(t *testing.T) {
	const mib = 1 << 20
	for _, size := range []int{0, 1, mib - 1, mib, mib + 1, 3*mib + 5, 17*mib + 1} {
		t.Run("", func(t *testing.T) {
			e := newEnv(t, withBrokered())
			auth := bearer(t, "alice", "uploader")
			data := pattern(size, byte(size))
			a, u := e.begin(auth, beginBody("/in/a.bin", data))
			require.NotNil(t, u, "begin: %d %s", a.Status, a.Body)
			assert.Equal(t, "/users/alice/in/a.bin", u.Path)
			wantParts := 0
			if size > mib {
				wantParts = (size + mib - 1) / mib
			}
			assert.Equal(t, wantParts, u.Parts)
			for _, up := range e.openUploads() {
				assert.NotContains(t, string(a.Body), up.ConfirmKey, "the answer reveals the provider's task key")
			}
			e.send(auth, u, data)
			g := e.do("GET", "/v1/uploads/"+u.ID, auth, "")
			require.Equal(t, 200, g.Status, string(g.Body))
			if wantParts > 0 {
				assert.Len(t, g.JSON["stored"], wantParts)
			}
			c := e.complete(auth, u.ID, data)
			require.Equal(t, 200, c.Status, string(c.Body))
			f := c.JSON["file"].(map[string]any)
			assert.Equal(t, "/users/alice/in/a.bin", f["path"])
			assert.EqualValues(t, size, f["size"])
			assert.True(t, bytes.Equal(data, e.stored("/users/alice/in/a.bin")), "stored bytes differ")
			assert.Empty(t, e.openUploads())
		})
	}
}

func TestBrokeredQuickUpload(t *testing.T) {
	e := newEnv(t, withBrokered())
	data := pattern(3<<20, 7)
	require.NoError(t, e.emu.PutFile("smhdev", "-", "/users/bob/x.bin", data))
	auth := bearer(t, "alice", "uploader")

	a, _ := e.begin(auth, beginBody("/q.bin", data, "hashes", quickHashes(data, false)))
	require.Equal(t, 409, a.Status, string(a.Body))
	assert.Equal(t, "HashNeeded", a.code())
	assert.Equal(t, []any{"fullHash"}, a.JSON["need"])

	a, _ = e.begin(auth, beginBody("/q.bin", data, "hashes", quickHashes(data, true)))
	require.Equal(t, 200, a.Status, string(a.Body))
	assert.Equal(t, true, a.JSON["rapid"])
	assert.Equal(t, "/users/alice/q.bin", a.JSON["file"].(map[string]any)["path"])
	assert.True(t, bytes.Equal(data, e.stored("/users/alice/q.bin")))

	// A role without quick upload learns nothing from hashes: it may not send them.
	a, _ = e.begin(bearer(t, "alice", "noquick"), beginBody("/q2.bin", data, "hashes", quickHashes(data, false)))
	assert.Equal(t, 403, a.Status)
	assert.Equal(t, "PolicyViolation", a.code())
	tok := e.do("POST", "/v1/token", bearer(t, "alice", "noquick"), "")
	assert.Equal(t, false, tok.JSON["quickUpload"])
}

// TestBrokeredPolicyBeforeUpstream: a request outside the role is refused before any
// upstream task exists.
func TestBrokeredPolicyBeforeUpstream(t *testing.T) {
	data := []byte("hello")
	cases := []struct {
		name, role string
		body       map[string]any
		status     int
		code       string
	}{
		{"dot-dot", "uploader", beginBody("/../bob/a.bin", data), 403, "PolicyViolation"},
		{"encoded dot-dot", "uploader", beginBody("/%2e%2e/a.bin", data), 403, "PolicyViolation"},
		{"no file name", "uploader", beginBody("/", data), 403, "PolicyViolation"},
		{"too large", "uploader", map[string]any{"path": "/a.bin", "size": 64<<20 + 1}, 403, "PolicyViolation"},
		{"type by name", "images", beginBody("/a.exe", data), 403, "PolicyViolation"},
		{"type declared", "images", beginBody("/a.png", data, "type", "text/html"), 403, "PolicyViolation"},
		{"replace without force", "uploader", beginBody("/a.bin", data, "conflict", "replace"), 403, "PolicyViolation"},
		{"direct role", "direct", beginBody("/a.bin", data), 403, "Forbidden"},
		{"negative size", "uploader", map[string]any{"path": "/a.bin", "size": -1}, 400, "InvalidRequest"},
		{"no size", "uploader", map[string]any{"path": "/a.bin"}, 400, "InvalidRequest"},
		{"fractional size", "uploader", map[string]any{"path": "/a.bin", "size": 1.5}, 400, "InvalidRequest"},
		{"unknown conflict", "uploader", beginBody("/a.bin", data, "conflict", "merge"), 400, "InvalidRequest"},
		{"tiny parts", "uploader", beginBody("/a.bin", data, "partSize", 1024), 400, "InvalidRequest"},
		{"unknown field", "uploader", beginBody("/a.bin", data, "grants", []string{"admin"}), 400, "InvalidRequest"},
		{"bad hash", "uploader", beginBody("/a.bin", data, "hashes", map[string]string{"beginningHash": "xyz"}), 400, "InvalidRequest"},
		{"foreign hash", "uploader", beginBody("/a.bin", data, "hashes", map[string]string{"sha1": strings.Repeat("a", 40)}), 400, "InvalidRequest"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, withBrokered())
			a, _ := e.begin(bearer(t, "alice", c.role), c.body)
			assert.Equal(t, c.status, a.Status, string(a.Body))
			assert.Equal(t, c.code, a.code())
			assert.Empty(t, e.openUploads(), "an upstream task was created")
			for route := range e.emu.Stats().Requests {
				assert.NotContains(t, route, "/api/v1/file/", "the request reached the service's upload routes")
			}
		})
	}
	t.Run("allowed image", func(t *testing.T) {
		e := newEnv(t, withBrokered())
		a, u := e.begin(bearer(t, "alice", "images"), beginBody("/a.png", data, "type", "image/png"))
		require.NotNil(t, u, string(a.Body))
	})
	t.Run("replace with force", func(t *testing.T) {
		e := newEnv(t, withBrokered())
		require.NoError(t, e.emu.PutFile("smhdev", "-", "/users/alice/a.bin", []byte("old")))
		auth := bearer(t, "alice", "replacer")
		_, u := e.begin(auth, beginBody("/a.bin", data, "conflict", "replace"))
		require.NotNil(t, u)
		e.send(auth, u, data)
		require.Equal(t, 200, e.complete(auth, u.ID, data).Status)
		assert.Equal(t, data, e.stored("/users/alice/a.bin"))
	})
}

// TestBrokeredNeutralCodes: the provider's refusals reach the browser as codes every provider
// shares, with the provider's own code beside.
func TestBrokeredNeutralCodes(t *testing.T) {
	e := newEnv(t, withBrokered())
	require.NoError(t, e.emu.PutFile("smhdev", "-", "/users/alice/taken.bin", []byte("old")))
	a, _ := e.begin(bearer(t, "alice", "uploader"), beginBody("/taken.bin", []byte("new"), "conflict", "fail"))
	assert.Equal(t, 409, a.Status, string(a.Body))
	assert.Equal(t, "AlreadyExists", a.code())
	assert.Equal(t, "SameNameDirectoryOrFileExists", a.JSON["providerCode"])
	assert.Empty(t, e.openUploads())
}
