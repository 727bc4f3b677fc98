package function_test

import (
	"context"
	"testing"

	"github.com/ferry-upload/ferry/shared/smh"
)

// The function's cached server-side token dies upstream (expired, or revoked behind the
// function's back). Every route that uses one mints a new token once and retries, also
// when the dead token is reported by an answer without a readable code: a HEAD's 403 has
// no body (DirectoryExists), so no InvalidAccessToken can be read there.
func TestServerTokenDiesUpstream(t *testing.T) {
	kills := map[string]func(e *env){
		"expired": func(e *env) {
			if _, _, err := e.emu.ExpireNow(true, false); err != nil {
				e.t.Fatal(err)
			}
		},
		"revoked": func(e *env) {
			// The library owner revokes alice's tokens without the function knowing.
			if err := e.smh().DeleteTokens(context.Background(), libSecret, []string{"alice"}, nil, nil); err != nil {
				e.t.Fatal(err)
			}
		},
	}
	for name, kill := range kills {
		t.Run("directory/"+name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			auth := bearer(t, "alice", "uploader")
			if a := e.do("POST", "/v1/directory", auth, `{"path":"/users/alice/a"}`); a.Status != 201 {
				t.Fatalf("first: %d %s", a.Status, a.Body)
			}
			kill(e)
			if a := e.do("POST", "/v1/directory", auth, `{"path":"/users/alice/b"}`); a.Status != 201 {
				t.Fatalf("after the token died: %d %s", a.Status, a.Body)
			}
			if a := e.do("POST", "/v1/directory", auth, `{"path":"/users/alice/b"}`); a.Status != 200 {
				t.Fatalf("exists: %d %s", a.Status, a.Body)
			}
		})
		t.Run("confirm/"+name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, withDirect())
			e.mkdir("/users/alice")
			auth := bearer(t, "alice", "uploader")
			k1 := e.upload(e.token("alice", "uploader"), "-", "/users/alice/1.txt", []byte("1"), 0)
			if a := e.do("POST", "/v1/confirm", auth, confirmBody(k1)); a.Status != 200 {
				t.Fatalf("first: %d %s", a.Status, a.Body)
			}
			k2 := e.upload(e.token("alice", "uploader"), "-", "/users/alice/2.txt", []byte("2"), 0)
			kill(e)
			if a := e.do("POST", "/v1/confirm", auth, confirmBody(k2)); a.Status != 200 {
				t.Fatalf("after the token died: %d %s", a.Status, a.Body)
			}
		})
		// Brokered (the default): begin, targets, state and complete all run on server
		// tokens; each one dead upstream is minted again.
		t.Run("brokered/"+name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			auth := bearer(t, "alice", "uploader")
			// between runs after each step of an upload: every route then finds its token dead.
			upload := func(p string, data []byte, between func(e *env)) {
				t.Helper()
				a, u := e.begin(auth, beginBody(p, data))
				if u == nil {
					t.Fatalf("begin %s: %d %s", p, a.Status, a.Body)
				}
				between(e)
				if a, ts := e.targets(auth, u.ID, 1, 2); a.Status != 200 || len(ts) != 2 {
					t.Fatalf("targets %s: %d %s", p, a.Status, a.Body)
				}
				e.send(auth, u, data)
				between(e)
				if g := e.do("GET", "/v1/uploads/"+u.ID, auth, ""); g.Status != 200 {
					t.Fatalf("state %s: %d %s", p, g.Status, g.Body)
				}
				between(e)
				if c := e.complete(auth, u.ID, data); c.Status != 200 {
					t.Fatalf("complete %s: %d %s", p, c.Status, c.Body)
				}
			}
			upload("/1.bin", pattern(1<<20+1, 1), func(*env) {})
			kill(e)
			upload("/2.bin", pattern(1<<20+1, 2), kill)
			if len(e.files()) != 2 {
				t.Fatalf("files %+v", e.files())
			}
		})
	}
}

// A 401/403 without a readable code is a dead token; one with a code that is not
// InvalidAccessToken (NoPermission, say) is not, and is not retried.
func TestDeadTokenAnswer(t *testing.T) {
	cases := []struct {
		err  error
		dead bool
	}{
		{&smh.Error{Status: 403, Code: "HTTP403"}, true},
		{&smh.Error{Status: 401, Code: "HTTP401"}, true},
		{&smh.Error{Status: 401, Code: smh.CodeInvalidAccessToken}, true},
		{&smh.Error{Status: 403, Code: smh.CodeNoPermission}, false},
		{&smh.Error{Status: 404, Code: "HTTP404"}, false},
		{&smh.Error{Status: 500, Code: "HTTP500"}, false},
		{nil, false},
	}
	for _, c := range cases {
		if got := smh.DeadToken(c.err); got != c.dead {
			t.Errorf("DeadToken(%v) = %v, want %v", c.err, got, c.dead)
		}
	}
}
