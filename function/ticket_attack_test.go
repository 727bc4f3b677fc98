package function_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/function"
)

// The ticket attacks of issue 11: every /v1/uploads/{id} route refuses a ticket that is not
// the caller's, has expired, was altered, was sealed elsewhere or names an area the caller
// no longer has, and no attack changes the victim's upload.

func longBearer(t *testing.T, sub, role string) string {
	return "Bearer " + jwtFor(t, jwt.MapClaims{"sub": sub, "role": role, "exp": time.Now().Add(72 * time.Hour).Unix()})
}

func TestTicketAttacks(t *testing.T) {
	data := pattern(2<<20+1, 3)
	routes := []struct{ method, suffix, body string }{
		{"POST", "/targets", `{"parts":[1]}`},
		{"GET", "", ""},
		{"POST", "/complete", `{"crc64":"1"}`},
		{"DELETE", "", ""},
	}
	type setup struct {
		e      *env
		victim string // the victim's auth
		id     string // the victim's ticket
		clk    *clock
	}
	newSetup := func(t *testing.T, opts ...option) *setup {
		clk := &clock{t: time.Now()}
		e := newEnv(t, append([]option{withBrokered(), withConfig(func(c *function.Config) { c.Now = clk.now })}, opts...)...)
		auth := longBearer(t, "alice", "uploader")
		a, u := e.begin(auth, beginBody("/v.bin", data))
		require.NotNil(t, u, string(a.Body))
		return &setup{e: e, victim: auth, id: u.ID, clk: clk}
	}
	other := func(t *testing.T, opts ...option) *env {
		return newEnv(t, append([]option{withBrokered()}, opts...)...)
	}
	alter := func(id string, i int) string {
		b := []byte(id)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	attacks := []struct {
		name string
		// try returns the attacker's handler env, auth and ticket for the victim's setup.
		try    func(t *testing.T, s *setup) (*env, string, string)
		status int
		code   string
	}{
		{"another caller's ticket", func(t *testing.T, s *setup) (*env, string, string) {
			return s.e, longBearer(t, "mallory", "uploader"), s.id
		}, 403, "Forbidden"},
		{"same caller, role now direct", func(t *testing.T, s *setup) (*env, string, string) {
			return s.e, longBearer(t, "alice", "direct"), s.id
		}, 403, "Forbidden"},
		{"expired ticket", func(t *testing.T, s *setup) (*env, string, string) {
			s.clk.t = s.clk.t.Add(24*time.Hour + time.Second)
			return s.e, s.victim, s.id
		}, 403, "Forbidden"},
		{"altered in the sealed body", func(t *testing.T, s *setup) (*env, string, string) {
			return s.e, s.victim, alter(s.id, len(s.id)/2)
		}, 403, "Forbidden"},
		{"altered in the tag", func(t *testing.T, s *setup) (*env, string, string) {
			return s.e, s.victim, alter(s.id, len(s.id)-2)
		}, 403, "Forbidden"},
		{"truncated", func(t *testing.T, s *setup) (*env, string, string) {
			return s.e, s.victim, s.id[:len(s.id)-10]
		}, 403, "Forbidden"},
		{"another version prefix", func(t *testing.T, s *setup) (*env, string, string) {
			return s.e, s.victim, "ft2." + strings.TrimPrefix(s.id, "ft1.")
		}, 403, "Forbidden"},
		{"not a ticket", func(t *testing.T, s *setup) (*env, string, string) {
			return s.e, s.victim, "ft1.not-a-ticket"
		}, 403, "Forbidden"},
		{"sealed under another key", func(t *testing.T, s *setup) (*env, string, string) {
			o := other(t, withConfig(func(c *function.Config) { c.TicketKey = ticketKey + "-other" }))
			_, u := o.begin(s.victim, beginBody("/v.bin", data))
			require.NotNil(t, u)
			return s.e, s.victim, u.ID
		}, 403, "Forbidden"},
		{"minted for another library", func(t *testing.T, s *setup) (*env, string, string) {
			o := other(t, withConfig(func(c *function.Config) { c.LibraryID, c.LibrarySecret = "smhmedia", mediaSecret }))
			return o, s.victim, s.id
		}, 403, "Forbidden"},
		{"area moved since", func(t *testing.T, s *setup) (*env, string, string) {
			o := other(t, withPolicy(`{"roles":{"uploader":{"grants":["begin_upload"],"mode":"brokered","pathPrefix":"/other/{sub}/"}}}`),
				withConfig(func(c *function.Config) { c.TicketKey = ticketKey }))
			return o, s.victim, s.id
		}, 403, "Forbidden"},
	}
	for _, at := range attacks {
		for _, rt := range routes {
			if at.name == "expired ticket" && rt.method == "DELETE" {
				continue // its owner may still cancel: TestExpiredTicketStillCancels
			}
			t.Run(at.name+" "+rt.method+rt.suffix, func(t *testing.T) {
				s := newSetup(t)
				e, auth, id := at.try(t, s)
				a := e.do(rt.method, "/v1/uploads/"+id+rt.suffix, auth, rt.body)
				assert.Equal(t, at.status, a.Status, string(a.Body))
				assert.Equal(t, at.code, a.code())
				if at.name != "same caller, role now direct" { // refused for the role, not the ticket
					assert.Equal(t, "upload ticket refused", a.JSON["message"], "the answer says why the ticket failed; it must not")
				}
				// The victim's upload is untouched and still theirs.
				s.clk.t = time.Now()
				require.Len(t, s.e.openUploads(), 1)
				g := s.e.do("GET", "/v1/uploads/"+s.id, s.victim, "")
				assert.Equal(t, 200, g.Status, string(g.Body))
			})
		}
	}
}

func TestTicketReplayAndBytes(t *testing.T) {
	t.Run("completed twice: the same file, once", func(t *testing.T) {
		e := newEnv(t, withBrokered())
		auth := bearer(t, "alice", "uploader")
		data := pattern(3<<20, 9)
		_, u := e.begin(auth, beginBody("/r.bin", data))
		require.NotNil(t, u)
		e.send(auth, u, data)
		first := e.complete(auth, u.ID, data)
		require.Equal(t, 200, first.Status, string(first.Body))
		again := e.complete(auth, u.ID, data)
		require.Equal(t, 200, again.Status, string(again.Body))
		assert.Equal(t, first.JSON["file"], again.JSON["file"])
		assert.Len(t, e.files(), 1)
		// Nothing else can be done with a spent ticket.
		a, _ := e.targets(auth, u.ID, 1)
		assert.Equal(t, 404, a.Status, string(a.Body))
		assert.Equal(t, "UploadNotFound", a.code())
		assert.Equal(t, 204, e.do("DELETE", "/v1/uploads/"+u.ID, auth, "").Status)
		assert.Len(t, e.files(), 1, "deleting a spent ticket removed the file")
	})
	t.Run("completed twice with other bytes' CRC: gone", func(t *testing.T) {
		e := newEnv(t, withBrokered())
		auth := bearer(t, "alice", "uploader")
		data := pattern(5, 1)
		_, u := e.begin(auth, beginBody("/r.bin", data))
		e.send(auth, u, data)
		require.Equal(t, 200, e.complete(auth, u.ID, data).Status)
		a := e.complete(auth, u.ID, []byte("other"))
		assert.Equal(t, 404, a.Status, string(a.Body))
		assert.Equal(t, "UploadNotFound", a.code())
	})
	t.Run("more bytes than declared in a part: refused, canceled", func(t *testing.T) {
		e := newEnv(t, withBrokered())
		auth := bearer(t, "alice", "uploader")
		data := pattern(2<<20+1, 4)
		_, u := e.begin(auth, beginBody("/big.bin", data))
		require.NotNil(t, u)
		require.Equal(t, 3, u.Parts)
		padded := append(append([]byte{}, data...), pattern(1<<20, 5)...)
		for _, tg := range u.Targets {
			length := tg.Length
			if tg.Part == 3 {
				length = 1<<20 + 1 // the last part, as large as the others
			}
			e.put(tg.URL, tg.Headers, padded[tg.Offset:tg.Offset+length])
		}
		a := e.complete(auth, u.ID, padded[:3<<20+1])
		assert.Equal(t, 403, a.Status, string(a.Body))
		assert.Equal(t, "PolicyViolation", a.code())
		assert.Empty(t, e.openUploads(), "the task was left open")
		assert.Empty(t, e.files())
	})
	t.Run("more bytes than declared in one body: not stored", func(t *testing.T) {
		e := newEnv(t, withBrokered())
		auth := bearer(t, "alice", "uploader")
		_, u := e.begin(auth, beginBody("/s.bin", []byte("12345")))
		require.NotNil(t, u)
		sent := []byte("123456")
		e.put(u.Targets[0].URL, u.Targets[0].Headers, sent)
		a := e.complete(auth, u.ID, sent)
		assert.NotEqual(t, 200, a.Status, string(a.Body))
		assert.Empty(t, e.files())
	})
	t.Run("fewer bytes: not completed", func(t *testing.T) {
		e := newEnv(t, withBrokered())
		auth := bearer(t, "alice", "uploader")
		data := pattern(2<<20+1, 6)
		_, u := e.begin(auth, beginBody("/few.bin", data))
		tg := u.Targets[0]
		e.put(tg.URL, tg.Headers, data[tg.Offset:tg.Offset+tg.Length])
		a := e.complete(auth, u.ID, data)
		assert.Equal(t, 400, a.Status, string(a.Body))
		assert.Equal(t, "InvalidRequest", a.code())
		assert.Len(t, e.openUploads(), 1, "an incomplete upload stays open to be finished")
	})
	t.Run("parts outside the upload", func(t *testing.T) {
		e := newEnv(t, withBrokered())
		auth := bearer(t, "alice", "uploader")
		_, u := e.begin(auth, beginBody("/p.bin", pattern(2<<20+1, 6)))
		for _, parts := range [][]int{{0}, {4}, {-1}, {1, 1}} {
			a, _ := e.targets(auth, u.ID, parts...)
			assert.Equal(t, 400, a.Status, "%v: %s", parts, a.Body)
		}
		a := e.do("POST", "/v1/uploads/"+u.ID+"/targets", auth, `{"offset":0}`)
		assert.Equal(t, 400, a.Status)
	})
	t.Run("canceled: nothing left", func(t *testing.T) {
		e := newEnv(t, withBrokered())
		auth := bearer(t, "alice", "uploader")
		data := pattern(2<<20+1, 6)
		_, u := e.begin(auth, beginBody("/c.bin", data))
		e.send(auth, u, data)
		assert.Equal(t, 204, e.do("DELETE", "/v1/uploads/"+u.ID, auth, "").Status)
		assert.Empty(t, e.openUploads())
		assert.Empty(t, e.files())
		a := e.complete(auth, u.ID, data)
		assert.Equal(t, 404, a.Status, string(a.Body))
	})
}

// TestBrokeredStoredFileChecked: what the service says it stored is checked against the
// ticket after completion (a service that does not refuse a body of another size, or answers
// without a size or path): a file of another size is removed for good, one without a path
// is refused.
func TestBrokeredStoredFileChecked(t *testing.T) {
	confirmAnswer := func(edit func(m map[string]any)) option {
		return tamper(func(r *http.Request, body []byte) []byte {
			if !r.URL.Query().Has("confirm") {
				return body
			}
			var m map[string]any
			if json.Unmarshal(body, &m) != nil {
				return body
			}
			edit(m)
			b, _ := json.Marshal(m)
			return b
		})
	}
	for _, c := range []struct {
		name string
		edit func(m map[string]any)
		kept bool
	}{
		{"another size", func(m map[string]any) { m["size"] = "6" }, false},
		{"no size", func(m map[string]any) { delete(m, "size") }, false},
		{"no path", func(m map[string]any) { delete(m, "path") }, true},
		{"outside the area", func(m map[string]any) { m["path"] = []string{"users", "bob", "s.bin"} }, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, withBrokered(), confirmAnswer(c.edit))
			auth := bearer(t, "alice", "uploader")
			data := []byte("12345")
			_, u := e.begin(auth, beginBody("/s.bin", data))
			require.NotNil(t, u)
			e.send(auth, u, data)
			a := e.complete(auth, u.ID, data)
			assert.Equal(t, 403, a.Status, string(a.Body))
			assert.Equal(t, "PolicyViolation", a.code())
			if c.kept {
				assert.Len(t, e.files(), 1, "a file whose place is unknown must not be deleted elsewhere")
			} else {
				assert.Empty(t, e.files())
			}
		})
	}
}
