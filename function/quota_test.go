package function_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/function"
)

// Issue 11: a per-user cap on open uploads (maxOpenUploads) and a per-user byte quota
// (quotaBytes) of brokered roles, checked at POST /v1/uploads before anything exists
// upstream.

const mib = 1 << 20

// quotaPolicy: "capped" may hold 2 open uploads, "quota" 1 MiB in its area, "quickcap" one
// open upload and 8 MiB, "qreplace" 1 MiB and may replace files, "plain" neither, "direct"
// uploads with its own token.
const quotaPolicy = `{"roles":{
 "capped":{"grants":["begin_upload"],"mode":"brokered","maxOpenUploads":2},
 "quota":{"grants":["begin_upload"],"mode":"brokered","quotaBytes":1048576},
 "quickcap":{"grants":["begin_upload"],"mode":"brokered","maxOpenUploads":1,"quotaBytes":8388608},
 "qreplace":{"grants":["begin_upload_force"],"mode":"brokered","quotaBytes":1048576},
 "plain":{"grants":["begin_upload"],"mode":"brokered"},
 "direct":{"grants":["begin_upload"],"mode":"direct"}}}`

func withQuota() option {
	return func(e *env) {
		withPolicy(quotaPolicy)(e)
		e.cfg.TicketKey = ticketKey
	}
}

// quotaBearer outlives the ticket lifetime, for tests that move the function's clock past it.
func quotaBearer(t *testing.T, sub, role string) string {
	return "Bearer " + jwtFor(t, jwt.MapClaims{"sub": sub, "role": role, "exp": time.Now().Add(72 * time.Hour).Unix()})
}

// mustBegin begins an upload of size bytes at path and fails the test unless it is 201.
func (e *env) mustBegin(auth, path string, size int) *begun {
	e.t.Helper()
	a, u := e.begin(auth, beginBody(path, make([]byte, size)))
	require.NotNil(e.t, u, "begin %s: %d %s", path, a.Status, a.Body)
	return u
}

func assertQuotaExceeded(t *testing.T, a *answer, words ...string) {
	t.Helper()
	assert.Equal(t, 403, a.Status, string(a.Body))
	assert.Equal(t, "QuotaExceeded", a.code())
	msg, _ := a.JSON["message"].(string)
	for _, w := range words {
		assert.Contains(t, msg, w)
	}
}

func TestQuotaOpenUploadCap(t *testing.T) {
	clk := &clock{t: time.Now()}
	e := newEnv(t, withQuota(), withConfig(func(c *function.Config) { c.Now = clk.now }))
	alice := quotaBearer(t, "alice", "capped")
	data := pattern(1000, 1)
	u1 := e.mustBegin(alice, "/1.bin", len(data))
	u2 := e.mustBegin(alice, "/2.bin", len(data))

	a, _ := e.begin(alice, beginBody("/3.bin", data))
	assertQuotaExceeded(t, a, "2 uploads already open", "finish or cancel one")
	assert.Len(t, e.openUploads(), 2, "the refused begin reached the service")

	// Another user has counters of their own.
	e.mustBegin(quotaBearer(t, "bob", "capped"), "/1.bin", 10)

	// A completed upload frees its slot.
	e.send(alice, u1, data)
	require.Equal(t, 200, e.complete(alice, u1.ID, data).Status)
	e.mustBegin(alice, "/3.bin", len(data))
	a, _ = e.begin(alice, beginBody("/4.bin", data))
	assertQuotaExceeded(t, a)

	// So does an aborted one.
	require.Equal(t, 204, e.do("DELETE", "/v1/uploads/"+u2.ID, alice, "").Status)
	e.mustBegin(alice, "/4.bin", len(data))
	a, _ = e.begin(alice, beginBody("/5.bin", data))
	assertQuotaExceeded(t, a)

	// Tickets expire after 24 h, and their slots with them (the tasks stay open upstream).
	clk.t = clk.t.Add(24*time.Hour + time.Second)
	e.mustBegin(alice, "/5.bin", len(data))
	e.mustBegin(alice, "/6.bin", len(data))
	a, _ = e.begin(alice, beginBody("/7.bin", data))
	assertQuotaExceeded(t, a)
}

// TestQuotaOpenUploadCapConcurrent: begins racing for the last slots get exactly the cap.
func TestQuotaOpenUploadCapConcurrent(t *testing.T) {
	e := newEnv(t, withQuota())
	alice := bearer(t, "alice", "capped")
	const n = 8
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := fmt.Sprintf(`{"path":"/c%d.bin","size":10,"conflict":"rename"}`, i)
			statuses <- serve(t, direct(t, e.h), "POST", "/v1/uploads", alice, body).Status
		}()
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	assert.Equal(t, map[int]int{201: 2, 403: n - 2}, count)
	assert.Len(t, e.openUploads(), 2)
}

func TestQuotaStoredBytesNested(t *testing.T) {
	e := newEnv(t, withQuota())
	for p, n := range map[string]int{
		"/users/alice/a.bin":          300000,
		"/users/alice/d1/c.bin":       200000,
		"/users/alice/d1/d2/b.bin":    300000,
		"/users/alice/d1/d2/d3/empty": 0,
		"/users/bob/big.bin":          5 * mib, // another user's area
		"/users/alice2/x.bin":         5 * mib, // a sibling whose name starts like alice's
		"/top.bin":                    5 * mib,
	} {
		require.NoError(t, e.emu.PutFile("smhdev", "-", p, make([]byte, n)))
	}
	e.mkdir("/users/alice/d1/emptydir")
	alice := bearer(t, "alice", "quota")
	a, _ := e.begin(alice, beginBody("/n.bin", make([]byte, 248577)))
	assertQuotaExceeded(t, a, "needs 248577 bytes", "800000 of 1048576 are used")
	assert.Empty(t, e.openUploads())
	e.mustBegin(alice, "/n.bin", 248576) // exactly the quota

	// A caller whose area does not exist yet holds nothing.
	e.mustBegin(bearer(t, "carol", "quota"), "/n.bin", mib)
}

// TestQuotaStoredBytesPaged: a folder of more files than one listing page holds.
func TestQuotaStoredBytesPaged(t *testing.T) {
	e := newEnv(t, withPolicy(`{"roles":{"q":{"grants":["begin_upload"],"mode":"brokered","quotaBytes":2000}}}`))
	for i := range 1500 {
		require.NoError(t, e.emu.PutFile("smhdev", "-", fmt.Sprintf("/users/alice/many/f%04d", i), []byte{1}))
	}
	alice := bearer(t, "alice", "q")
	a, _ := e.begin(alice, beginBody("/n.bin", make([]byte, 501)))
	assertQuotaExceeded(t, a, "1500 of 2000 are used")
	e.mustBegin(alice, "/n.bin", 500)
}

func TestQuotaCountsInFlightBytes(t *testing.T) {
	e := newEnv(t, withQuota())
	alice := bearer(t, "alice", "quota")
	data := pattern(600000, 2)
	u1 := e.mustBegin(alice, "/1.bin", len(data))
	a, _ := e.begin(alice, beginBody("/2.bin", data))
	assertQuotaExceeded(t, a, "needs 600000 bytes", "600000 of 1048576 are used")
	assert.Len(t, e.openUploads(), 1)

	// Completed, the bytes are stored instead of in flight: still counted.
	e.send(alice, u1, data)
	require.Equal(t, 200, e.complete(alice, u1.ID, data).Status)
	a, _ = e.begin(alice, beginBody("/2.bin", data))
	assertQuotaExceeded(t, a, "600000 of 1048576 are used")

	// An aborted upload's bytes are no longer counted.
	u2 := e.mustBegin(alice, "/2.bin", 400000)
	a, _ = e.begin(alice, beginBody("/3.bin", make([]byte, 48577)))
	assertQuotaExceeded(t, a, "1000000 of 1048576 are used")
	require.Equal(t, 204, e.do("DELETE", "/v1/uploads/"+u2.ID, alice, "").Status)
	e.mustBegin(alice, "/3.bin", 448576)

	// replace counts the new size in full: the replaced file is not subtracted.
	require.NoError(t, e.emu.PutFile("smhdev", "-", "/users/dave/r.bin", make([]byte, 600000)))
	a, _ = e.begin(bearer(t, "dave", "qreplace"), beginBody("/r.bin", make([]byte, 600000), "conflict", "replace"))
	assertQuotaExceeded(t, a, "600000 of 1048576 are used")
	assert.Len(t, e.openUploads(), 1, "dave's refused begin reached the service")
}

// TestQuotaQuickUploadHit: a hit completes at once, so it takes no slot, and its bytes count
// as stored afterwards.
func TestQuotaQuickUploadHit(t *testing.T) {
	e := newEnv(t, withQuota())
	data := pattern(3*mib, 7)
	require.NoError(t, e.emu.PutFile("smhdev", "-", "/users/bob/x.bin", data))
	alice := bearer(t, "alice", "quickcap")
	a, _ := e.begin(alice, beginBody("/q.bin", data, "hashes", quickHashes(data, false)))
	require.Equal(t, 409, a.Status, string(a.Body))
	a, _ = e.begin(alice, beginBody("/q.bin", data, "hashes", quickHashes(data, true)))
	require.Equal(t, 200, a.Status, string(a.Body))
	require.Equal(t, true, a.JSON["rapid"])

	a, _ = e.begin(alice, beginBody("/big.bin", make([]byte, 5*mib+1)))
	assertQuotaExceeded(t, a, fmt.Sprintf("%d of %d are used", 3*mib, 8*mib))
	e.mustBegin(alice, "/big.bin", 5*mib) // the hit took no slot of the one allowed
	a, _ = e.begin(alice, beginBody("/more.bin", []byte{}))
	assertQuotaExceeded(t, a, "1 upload already open")
}

// TestQuotaWalkBound: an area too large to measure within the walk's bound refuses the
// begin (fail closed) rather than skipping the quota.
func TestQuotaWalkBound(t *testing.T) {
	e := newEnv(t, withQuota())
	for i := range 200 {
		e.mkdir(fmt.Sprintf("/users/alice/d%03d", i))
	}
	alice := bearer(t, "alice", "quota")
	a, _ := e.begin(alice, beginBody("/n.bin", []byte("x")))
	assert.Equal(t, 502, a.Status, string(a.Body))
	assert.Equal(t, "UpstreamError", a.code())
	assert.Contains(t, a.JSON["message"], "too many folders")
	assert.Empty(t, e.openUploads())

	// 199 folders plus the area itself are 200 listings: measured.
	e2 := newEnv(t, withQuota())
	for i := range 199 {
		e2.mkdir(fmt.Sprintf("/users/alice/d%03d", i))
	}
	require.NoError(t, e2.emu.PutFile("smhdev", "-", "/users/alice/d198/f.bin", make([]byte, 1000)))
	e2.mustBegin(alice, "/n.bin", mib-1000)
}

// TestQuotaWalkFailsClosed: a listing the walk cannot trust refuses the begin rather than
// measuring less than the area holds.
func TestQuotaWalkFailsClosed(t *testing.T) {
	listing := func(r *http.Request) bool {
		return r.Method == "GET" && strings.HasPrefix(r.URL.Path, "/api/v1/directory/")
	}
	cases := []struct {
		name    string
		rewrite func(body []byte) []byte
	}{
		// Paged by offset instead of marker: no nextMarker, so the pages stop short of totalNum.
		{"no next marker", func(b []byte) []byte {
			var v map[string]any
			json.Unmarshal(b, &v)
			delete(v, "nextMarker")
			out, _ := json.Marshal(v)
			return out
		}},
		{"file without size", func(b []byte) []byte {
			var v map[string]any
			json.Unmarshal(b, &v)
			for _, c := range v["contents"].([]any) {
				delete(c.(map[string]any), "size")
			}
			out, _ := json.Marshal(v)
			return out
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, withPolicy(`{"roles":{"q":{"grants":["begin_upload"],"mode":"brokered","quotaBytes":1000000}}}`),
				tamper(func(r *http.Request, body []byte) []byte {
					if listing(r) {
						return c.rewrite(body)
					}
					return body
				}))
			for i := range 1001 {
				require.NoError(t, e.emu.PutFile("smhdev", "-", fmt.Sprintf("/users/alice/f%04d", i), []byte{1}))
			}
			a, _ := e.begin(bearer(t, "alice", "q"), beginBody("/n.bin", []byte("x")))
			assert.Equal(t, 502, a.Status, string(a.Body))
			assert.Equal(t, "UpstreamError", a.code())
			assert.Empty(t, e.openUploads())
		})
	}
}

// TestQuotaOnlyWhereSet: roles without the fields neither list the area nor count uploads.
func TestQuotaOnlyWhereSet(t *testing.T) {
	e := newEnv(t, withQuota())
	alice := bearer(t, "alice", "plain")
	for i := range 5 {
		e.mustBegin(alice, fmt.Sprintf("/%d.bin", i), 10)
	}
	for route := range e.emu.Stats().Requests {
		assert.False(t, strings.HasPrefix(route, "GET /api/v1/directory"), "a role without a quota listed its area: %s", route)
	}
}

func TestQuotaTokenAnswerLimits(t *testing.T) {
	e := newEnv(t, withQuota())
	lim := func(role string) map[string]any {
		a := e.do("POST", "/v1/token", bearer(t, "alice", role), "")
		require.Equal(t, 200, a.Status, string(a.Body))
		return a.JSON["limits"].(map[string]any)
	}
	l := lim("quickcap")
	assert.EqualValues(t, 1, l["maxOpenUploads"])
	assert.EqualValues(t, 8*mib, l["quotaBytes"])
	l = lim("capped")
	assert.EqualValues(t, 2, l["maxOpenUploads"])
	assert.NotContains(t, l, "quotaBytes")
	for _, role := range []string{"plain", "direct"} {
		l = lim(role)
		assert.NotContains(t, l, "maxOpenUploads", role)
		assert.NotContains(t, l, "quotaBytes", role)
	}
}

func TestQuotaPolicyValidation(t *testing.T) {
	cases := []struct{ name, role, want string }{
		{"negative cap", `{"grants":["begin_upload"],"maxOpenUploads":-1}`, "maxOpenUploads"},
		{"negative quota", `{"grants":["begin_upload"],"quotaBytes":-5}`, "quotaBytes"},
		{"fractional cap", `{"grants":["begin_upload"],"maxOpenUploads":1.5}`, "maxOpenUploads"},
		{"cap on a direct role", `{"grants":["begin_upload"],"mode":"direct","maxOpenUploads":3}`, "maxOpenUploads"},
		{"quota on a direct role", `{"grants":["begin_upload"],"mode":"direct","quotaBytes":1000}`, "quotaBytes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := function.Config{APIBase: "http://127.0.0.1:9", LibraryID: "smhdev", LibrarySecret: libSecret,
				Auth: function.AuthConfig{HS256Secret: hsSecret}, TicketKey: ticketKey}
			p, err := function.ParsePolicy(`{"roles":{"r":` + c.role + `}}`)
			if err == nil {
				cfg.Policy = p
				_, err = function.New(cfg)
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			if strings.Contains(c.name, "direct") {
				assert.Contains(t, err.Error(), "brokered")
			}
		})
	}
	t.Run("zero is no limit, on any role", func(t *testing.T) {
		p, err := function.ParsePolicy(`{"roles":{"d":{"grants":["begin_upload"],"mode":"direct","maxOpenUploads":0,"quotaBytes":0},
			"b":{"grants":["begin_upload"],"maxOpenUploads":0,"quotaBytes":0}}}`)
		require.NoError(t, err)
		assert.Zero(t, p.Roles["b"].MaxOpenUploads)
		assert.Zero(t, p.Roles["b"].QuotaBytes)
		_, err = function.New(function.Config{APIBase: "http://127.0.0.1:9", LibraryID: "smhdev", LibrarySecret: libSecret,
			Auth: function.AuthConfig{HS256Secret: hsSecret}, TicketKey: ticketKey, Policy: p})
		require.NoError(t, err)
	})
	t.Run("from the environment", func(t *testing.T) {
		env := map[string]string{"SMH_API_BASE": "http://127.0.0.1:9", "SMH_LIBRARY_ID": "smhdev", "SMH_LIBRARY_SECRET": libSecret,
			"AUTH_HS256_SECRET": hsSecret, "FERRY_TICKET_KEY": ticketKey,
			"POLICY": `{"roles":{"u":{"grants":["begin_upload"],"maxOpenUploads":4,"quotaBytes":1073741824}}}`}
		cfg, err := function.ConfigFromLookup(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
		require.NoError(t, err)
		assert.Equal(t, 4, cfg.Policy.Roles["u"].MaxOpenUploads)
		assert.Equal(t, int64(1)<<30, cfg.Policy.Roles["u"].QuotaBytes)
	})
}

// sharedUsage is a UsageStore a deployment could plug in: one for every instance.
type sharedUsage struct {
	mu       sync.Mutex
	open     map[string]map[string]int64
	reserves int
}

func (s *sharedUsage) Reserve(_ context.Context, key, id string, size int64, _ time.Time, lim function.UsageLimit) (function.OpenUsage, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reserves++
	if s.open == nil {
		s.open = map[string]map[string]int64{}
	}
	var u function.OpenUsage
	for _, n := range s.open[key] {
		u.Open++
		u.Bytes += n
	}
	if lim.MaxOpen > 0 && u.Open >= lim.MaxOpen || lim.Quota > 0 && lim.Stored+u.Bytes+size > lim.Quota {
		return u, false, nil
	}
	if s.open[key] == nil {
		s.open[key] = map[string]int64{}
	}
	s.open[key][id] = size
	return u, true, nil
}

func (s *sharedUsage) Release(_ context.Context, key, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.open[key], id)
	return nil
}

// TestQuotaUsageStore: the default store is per instance; a plugged store is shared.
func TestQuotaUsageStore(t *testing.T) {
	secondInstance := func(e *env) http.Handler {
		h, err := function.New(e.cfg)
		require.NoError(t, err)
		return h
	}
	beginOn := func(h http.Handler, auth, path string) *answer {
		return serve(t, direct(t, h), "POST", "/v1/uploads", auth, `{"path":"`+path+`","size":10}`)
	}
	alice := bearer(t, "alice", "quickcap")

	t.Run("default: per instance", func(t *testing.T) {
		e := newEnv(t, withQuota())
		h2 := secondInstance(e)
		e.mustBegin(alice, "/1.bin", 10)
		a, _ := e.begin(alice, beginBody("/2.bin", make([]byte, 10)))
		assertQuotaExceeded(t, a)
		assert.Equal(t, 201, beginOn(h2, alice, "/2.bin").Status, "the second instance shares the first one's counters")
	})
	t.Run("plugged: shared", func(t *testing.T) {
		store := &sharedUsage{}
		e := newEnv(t, withQuota(), withConfig(func(c *function.Config) { c.Usage = store }))
		h2 := secondInstance(e)
		u := e.mustBegin(alice, "/1.bin", 10)
		assertQuotaExceeded(t, beginOn(h2, alice, "/2.bin"), "1 upload already open")
		require.Equal(t, 204, serve(t, direct(t, h2), "DELETE", "/v1/uploads/"+u.ID, alice, "").Status)
		assert.Equal(t, 201, beginOn(h2, alice, "/2.bin").Status)
		assert.Positive(t, store.reserves)
	})
	t.Run("a failing store refuses the begin", func(t *testing.T) {
		e := newEnv(t, withQuota(), withConfig(func(c *function.Config) { c.Usage = failingUsage{} }))
		a, _ := e.begin(alice, beginBody("/1.bin", make([]byte, 10)))
		assert.Equal(t, 500, a.Status, string(a.Body))
		assert.Equal(t, "Internal", a.code())
		assert.Empty(t, e.openUploads())
	})
}

type failingUsage struct{}

func (failingUsage) Reserve(context.Context, string, string, int64, time.Time, function.UsageLimit) (function.OpenUsage, bool, error) {
	return function.OpenUsage{}, false, fmt.Errorf("store unreachable")
}

func (failingUsage) Release(context.Context, string, string) error {
	return fmt.Errorf("store unreachable")
}
