package function_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/ferry-upload/ferry/function"
	"github.com/ferry-upload/ferry/shared/hashes"
)

// row is one request of the behaviour table and what must come back.
type row struct {
	name   string
	method string
	path   string
	auth   string // "" none; "alice" a valid uploader JWT for alice; anything else verbatim
	body   string
	hdr    []string
	status int
	code   string // expected error code, "" for success
	check  func(t *testing.T, a *answer)
}

// commonRows hold for every role, brokered (the default) or direct.
func commonRows() []row {
	return []row{
		{name: "healthz", method: "GET", path: "/healthz", status: 200, check: func(t *testing.T, a *answer) {
			if a.JSON["ok"] != true {
				t.Errorf("body %s", a.Body)
			}
		}},
		{name: "token with client and session", method: "POST", path: "/v1/token", auth: "alice", body: `{"clientId":"laptop-1","sessionId":"s-42","spaceId":"-"}`, status: 200},
		{name: "token with charset", method: "POST", path: "/v1/token", auth: "alice", body: `{}`, hdr: []string{"Content-Type", "application/json; charset=UTF-8"}, status: 200},
		{name: "token from allowed origin", method: "POST", path: "/v1/token", auth: "alice", hdr: []string{"Origin", appOrigin}, status: 200, check: func(t *testing.T, a *answer) {
			if a.Header.Get("Access-Control-Allow-Origin") != appOrigin || a.Header.Get("Access-Control-Allow-Credentials") != "true" {
				t.Errorf("CORS headers %v", a.Header)
			}
			if !strings.Contains(strings.Join(a.Header.Values("Vary"), ","), "Origin") {
				t.Error("no Vary: Origin")
			}
		}},
		{name: "preflight allowed", method: "OPTIONS", path: "/v1/token", hdr: []string{"Origin", appOrigin, "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization,content-type"}, status: 204, check: func(t *testing.T, a *answer) {
			if a.Header.Get("Access-Control-Allow-Origin") != appOrigin || !strings.Contains(a.Header.Get("Access-Control-Allow-Headers"), "Authorization") ||
				!strings.Contains(a.Header.Get("Access-Control-Allow-Methods"), "POST") {
				t.Errorf("preflight headers %v", a.Header)
			}
		}},
		{name: "preflight refused", method: "OPTIONS", path: "/v1/token", hdr: []string{"Origin", "https://evil.example.com", "Access-Control-Request-Method", "POST"}, status: 403, code: "OriginNotAllowed", check: noCORS},
		{name: "no credentials", method: "POST", path: "/v1/token", status: 401, code: "Unauthenticated"},
		{name: "disallowed origin", method: "POST", path: "/v1/token", auth: "alice", hdr: []string{"Origin", "https://evil.example.com"}, status: 403, code: "OriginNotAllowed", check: noCORS},
		{name: "wrong method", method: "GET", path: "/v1/token", auth: "alice", status: 405, code: "InvalidRequest", check: func(t *testing.T, a *answer) {
			if a.Header.Get("Allow") != "POST, DELETE" {
				t.Errorf("Allow %q", a.Header.Get("Allow"))
			}
		}},
		{name: "unknown route", method: "GET", path: "/v2/token", status: 404, code: "InvalidRequest"},
		{name: "wrong content type", method: "POST", path: "/v1/token", auth: "alice", body: `{}`, hdr: []string{"Content-Type", "text/plain"}, status: 415, code: "InvalidRequest"},
		{name: "missing content type", method: "POST", path: "/v1/token", auth: "alice", body: `{}`, hdr: []string{"Content-Type", ""}, status: 415, code: "InvalidRequest"},
		{name: "body too large", method: "POST", path: "/v1/token", auth: "alice", body: `{"clientId":"` + strings.Repeat("a", 17<<10) + `"}`, status: 413, code: "InvalidRequest"},
		{name: "malformed JSON", method: "POST", path: "/v1/token", auth: "alice", body: `{"clientId":`, status: 400, code: "InvalidRequest"},
		{name: "unknown field", method: "POST", path: "/v1/token", auth: "alice", body: `{"grants":["admin"]}`, status: 400, code: "InvalidRequest"},
		{name: "foreign space", method: "POST", path: "/v1/token", auth: "alice", body: `{"spaceId":"space1"}`, status: 403, code: "Forbidden"},
		{name: "directory created", method: "POST", path: "/v1/directory", auth: "alice", body: `{"path":"/users/alice/photos/2026"}`, status: 201, check: func(t *testing.T, a *answer) {
			if a.JSON["path"] != "/users/alice/photos/2026" || a.JSON["created"] != true {
				t.Errorf("body %s", a.Body)
			}
		}},
		{name: "directory exists", method: "POST", path: "/v1/directory", auth: "alice", body: `{"path":"users/alice/photos/2026/"}`, status: 200},
		{name: "directory is the prefix", method: "POST", path: "/v1/directory", auth: "alice", body: `{"path":"/users/alice"}`, status: 200},
		{name: "directory outside", method: "POST", path: "/v1/directory", auth: "alice", body: `{"path":"/users/bob/photos"}`, status: 403, code: "PolicyViolation"},
		{name: "directory traversal", method: "POST", path: "/v1/directory", auth: "alice", body: `{"path":"/users/alice/../bob"}`, status: 403, code: "PolicyViolation"},
		{name: "directory empty path", method: "POST", path: "/v1/directory", auth: "alice", body: `{"path":""}`, status: 400, code: "InvalidRequest"},
		{name: "revoke one client", method: "DELETE", path: "/v1/token", auth: "alice", body: `{"clientId":"laptop-1"}`, status: 204},
		{name: "revoke all", method: "DELETE", path: "/v1/token", auth: "alice", status: 204},
		{name: "query refused", method: "POST", path: "/v1/token?grant=admin", auth: "alice", status: 400, code: "InvalidRequest"},
	}
}

// directRows hold for a direct role: an SMH token in the answer, /v1/confirm.
func directRows(e *env) []row {
	return []row{
		{name: "token", method: "POST", path: "/v1/token", auth: "alice", status: 200, check: func(t *testing.T, a *answer) {
			want := map[string]any{"provider": "smh", "mode": "direct", "libraryId": "smhdev", "spaceId": "-", "apiBase": e.url, "userId": "alice", "confirm": "function"}
			for k, v := range want {
				if a.JSON[k] != v {
					t.Errorf("%s = %v, want %v", k, a.JSON[k], v)
				}
			}
			if tok, _ := a.JSON["accessToken"].(string); tok == "" {
				t.Error("no accessToken")
			}
			if n, _ := a.JSON["expiresIn"].(float64); n <= 0 {
				t.Error("no expiresIn")
			}
			if fmt.Sprint(a.JSON["grants"]) != "[begin_upload]" {
				t.Errorf("grants %v", a.JSON["grants"])
			}
			for _, k := range []string{"confirmUrl", "directoryUrl"} {
				u, _ := a.JSON[k].(string)
				if !strings.HasPrefix(u, "http") || !strings.HasSuffix(u, map[string]string{"confirmUrl": "/v1/confirm", "directoryUrl": "/v1/directory"}[k]) {
					t.Errorf("%s = %q", k, u)
				}
			}
			lim, _ := a.JSON["limits"].(map[string]any)
			if lim["pathPrefix"] != "/users/alice/" || lim["maxFileSize"] != float64(5<<30) || fmt.Sprint(lim["allowedTypes"]) != "[]" {
				t.Errorf("limits %v", lim)
			}
			if a.Header.Get("Cache-Control") != "no-store" {
				t.Error("token answers must not be cached")
			}
		}},
		{name: "confirm unknown task", method: "POST", path: "/v1/confirm", auth: "alice", body: confirmBody("0123456789abcdef0123456789abcdef"), status: 400, code: "InvalidRequest"},
		{name: "confirm without body", method: "POST", path: "/v1/confirm", auth: "alice", status: 400, code: "InvalidRequest"},
		{name: "confirm bad key", method: "POST", path: "/v1/confirm", auth: "alice", body: confirmBody("../../token/smhdev"), status: 400, code: "InvalidRequest"},
		{name: "confirm bad crc", method: "POST", path: "/v1/confirm", auth: "alice", body: `{"confirmKey":"abc","crc64":"-1"}`, status: 400, code: "InvalidRequest"},
	}
}

// brokeredRows hold for a brokered role (the default): no credential in the answer, uploads
// through /v1/uploads. The upload itself is brokeredFlow.
func brokeredRows(*env) []row {
	return []row{
		{name: "token", method: "POST", path: "/v1/token", auth: "alice", status: 200, check: func(t *testing.T, a *answer) {
			want := map[string]any{"provider": "smh", "mode": "brokered", "libraryId": "smhdev", "spaceId": "-", "userId": "alice",
				"quickUpload": true, "expiresIn": float64(3600)}
			for k, v := range want {
				if a.JSON[k] != v {
					t.Errorf("%s = %v, want %v", k, a.JSON[k], v)
				}
			}
			for _, k := range []string{"accessToken", "apiBase", "grants", "confirm", "confirmUrl"} {
				if _, ok := a.JSON[k]; ok {
					t.Errorf("a brokered answer carries %s: %s", k, a.Body)
				}
			}
			for k, route := range map[string]string{"uploadsUrl": "/v1/uploads", "directoryUrl": "/v1/directory"} {
				if u, _ := a.JSON[k].(string); !strings.HasPrefix(u, "http") || !strings.HasSuffix(u, route) {
					t.Errorf("%s = %q", k, u)
				}
			}
			lim, _ := a.JSON["limits"].(map[string]any)
			if lim["pathPrefix"] != "/users/alice/" || lim["maxFileSize"] != float64(5<<30) || fmt.Sprint(lim["allowedTypes"]) != "[]" {
				t.Errorf("limits %v", lim)
			}
			if a.Header.Get("Cache-Control") != "no-store" {
				t.Error("token answers must not be cached")
			}
		}},
		{name: "preflight uploads", method: "OPTIONS", path: "/v1/uploads/ft1.x/complete", hdr: []string{"Origin", appOrigin, "Access-Control-Request-Method", "DELETE", "Access-Control-Request-Headers", "authorization,content-type"}, status: 204, check: func(t *testing.T, a *answer) {
			if a.Header.Get("Access-Control-Allow-Origin") != appOrigin || !strings.Contains(a.Header.Get("Access-Control-Allow-Methods"), "DELETE") {
				t.Errorf("preflight headers %v", a.Header)
			}
		}},
		{name: "begin without credentials", method: "POST", path: "/v1/uploads", body: `{"path":"/a.bin","size":1,"conflict":"rename"}`, status: 401, code: "Unauthenticated"},
		{name: "begin from disallowed origin", method: "POST", path: "/v1/uploads", auth: "alice", body: `{"path":"/a.bin","size":1,"conflict":"rename"}`, hdr: []string{"Origin", "https://evil.example.com"}, status: 403, code: "OriginNotAllowed", check: noCORS},
		{name: "begin outside the area", method: "POST", path: "/v1/uploads", auth: "alice", body: `{"path":"/../bob/a.bin","size":1,"conflict":"rename"}`, status: 403, code: "PolicyViolation"},
		{name: "begin over the size limit", method: "POST", path: "/v1/uploads", auth: "alice", body: fmt.Sprintf(`{"path":"/a.bin","size":%d,"conflict":"rename"}`, int64(5<<30)+1), status: 403, code: "PolicyViolation"},
		{name: "begin wrong content type", method: "POST", path: "/v1/uploads", auth: "alice", body: `{"path":"/a.bin","size":1}`, hdr: []string{"Content-Type", "text/plain"}, status: 415, code: "InvalidRequest"},
		{name: "begin unknown field", method: "POST", path: "/v1/uploads", auth: "alice", body: `{"path":"/a.bin","size":1,"grants":["admin"]}`, status: 400, code: "InvalidRequest"},
		{name: "uploads wrong method", method: "GET", path: "/v1/uploads", auth: "alice", status: 405, code: "InvalidRequest", check: func(t *testing.T, a *answer) {
			if a.Header.Get("Allow") != "POST" {
				t.Errorf("Allow %q", a.Header.Get("Allow"))
			}
		}},
		{name: "forged ticket", method: "GET", path: "/v1/uploads/ft1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", auth: "alice", status: 403, code: "Forbidden"},
		{name: "forged ticket complete", method: "POST", path: "/v1/uploads/not-a-ticket/complete", auth: "alice", body: `{"crc64":"1"}`, status: 403, code: "Forbidden"},
	}
}

func noCORS(t *testing.T, a *answer) {
	if a.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("CORS granted to a refused origin: %v", a.Header)
	}
}

// TestBehaviour runs the tables through every transport, for the default (brokered) role
// and for a direct one; with a brokered role it also uploads through each transport.
func TestBehaviour(t *testing.T) {
	for _, tr := range transports {
		for _, m := range []struct {
			mode string
			opts []option
			rows func(*env) []row
		}{
			{"brokered", nil, brokeredRows},
			{"direct", []option{withDirect()}, directRows},
		} {
			t.Run(tr.name+"/"+m.mode+"-role", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, m.opts...)
				send := tr.make(t, e.h)
				for _, r := range append(m.rows(e), commonRows()...) {
					t.Run(r.name, func(t *testing.T) {
						auth := r.auth
						if auth == "alice" {
							auth = bearer(t, "alice", "uploader")
						}
						a := serve(t, send, r.method, r.path, auth, r.body, r.hdr...)
						if a.Status != r.status || a.code() != r.code {
							t.Fatalf("%d %s, want %d %q", a.Status, a.Body, r.status, r.code)
						}
						if r.code != "" {
							checkErrorShape(t, r.name, a)
						}
						if a.Header.Get("X-Request-Id") == "" {
							t.Error("no X-Request-Id")
						}
						if r.check != nil {
							r.check(t, a)
						}
					})
				}
				if m.mode == "brokered" {
					t.Run("upload", func(t *testing.T) { brokeredFlow(t, e, send) })
					t.Run("abort", func(t *testing.T) { brokeredAbort(t, e, send) })
				}
			})
		}
	}
}

// sendJSON sends one request through a transport and checks its status.
func sendJSON(t *testing.T, send func(*http.Request) *http.Response, method, path, auth, body string, status int) *answer {
	t.Helper()
	a := serve(t, send, method, path, auth, body)
	if a.Status != status {
		t.Fatalf("%s %s: %d %s, want %d", method, path, a.Status, a.Body, status)
	}
	return a
}

// beginThrough begins an upload through a transport and returns its ticket and targets.
func beginThrough(t *testing.T, send func(*http.Request) *http.Response, auth, path string, data []byte) (string, []function.Target) {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"path": path, "size": len(data), "conflict": "fail", "partSize": 1 << 20})
	a := sendJSON(t, send, "POST", "/v1/uploads", auth, string(b), 201)
	var v struct {
		Upload struct {
			ID      string
			Path    string
			Parts   int
			Targets []function.Target
		}
	}
	if err := json.Unmarshal(a.Body, &v); err != nil || v.Upload.ID == "" {
		t.Fatalf("begin answer %s (%v)", a.Body, err)
	}
	capture.mu.Lock()
	capture.tickets = append(capture.tickets, v.Upload.ID)
	capture.mu.Unlock()
	parts := 0 // one body, up to a part's size
	if len(data) > 1<<20 {
		parts = (len(data) + 1<<20 - 1) >> 20
	}
	if v.Upload.Path != "/users/alice"+path || v.Upload.Parts != parts {
		t.Fatalf("begin answer %s", a.Body)
	}
	return v.Upload.ID, v.Upload.Targets
}

// brokeredFlow is the browser's side of a brokered upload, every function call through the
// transport: token, begin, fresh targets, the bytes to the data plane, state, complete.
func brokeredFlow(t *testing.T, e *env, send func(*http.Request) *http.Response) {
	e.t = t
	auth := bearer(t, "alice", "uploader")
	tok := sendJSON(t, send, "POST", "/v1/token", auth, "", 200)
	if tok.JSON["mode"] != "brokered" {
		t.Fatalf("token %s", tok.Body)
	}
	data := pattern(2<<20+3, 11) // three parts
	id, targets := beginThrough(t, send, auth, "/flow/a.bin", data)
	if len(targets) != 3 {
		t.Fatalf("%d targets", len(targets))
	}
	// The second part's target, renewed.
	fresh := sendJSON(t, send, "POST", "/v1/uploads/"+id+"/targets", auth, `{"parts":[2]}`, 200)
	var v struct{ Targets []function.Target }
	if err := json.Unmarshal(fresh.Body, &v); err != nil || len(v.Targets) != 1 || v.Targets[0].Part != 2 {
		t.Fatalf("targets %s", fresh.Body)
	}
	targets[1] = v.Targets[0]
	for _, tg := range targets {
		e.put(tg.URL, tg.Headers, data[tg.Offset:tg.Offset+tg.Length])
	}
	st := sendJSON(t, send, "GET", "/v1/uploads/"+id, auth, "", 200)
	if stored, _ := st.JSON["stored"].([]any); len(stored) != 3 {
		t.Fatalf("state %s", st.Body)
	}
	done := sendJSON(t, send, "POST", "/v1/uploads/"+id+"/complete", auth, fmt.Sprintf(`{"crc64":"%d"}`, hashes.CRC64(data)), 200)
	f, _ := done.JSON["file"].(map[string]any)
	if f["path"] != "/users/alice/flow/a.bin" || f["size"] != float64(len(data)) {
		t.Fatalf("complete %s", done.Body)
	}
	if !bytes.Equal(e.stored("/users/alice/flow/a.bin"), data) {
		t.Fatal("stored bytes differ")
	}
	// The ticket is alice's: bob's JWT is refused on every route.
	bob := bearer(t, "bob", "uploader")
	sendJSON(t, send, "GET", "/v1/uploads/"+id, bob, "", 403)
}

// brokeredAbort begins an upload and deletes it through the transport: the task is gone.
func brokeredAbort(t *testing.T, e *env, send func(*http.Request) *http.Response) {
	e.t = t
	auth := bearer(t, "alice", "uploader")
	id, _ := beginThrough(t, send, auth, "/abort/a.bin", pattern(10, 1))
	if n := len(e.openUploads()); n != 1 {
		t.Fatalf("%d open uploads", n)
	}
	if a := sendJSON(t, send, "DELETE", "/v1/uploads/"+id, auth, "", 204); len(a.Body) != 0 {
		t.Fatalf("body %s", a.Body)
	}
	if n := len(e.openUploads()); n != 0 {
		t.Fatalf("%d open uploads after the abort", n)
	}
}

// checkErrorShape: exactly {"code","message","requestId"}, the id matching the header,
// and no token anywhere.
func checkErrorShape(t *testing.T, name string, a *answer) {
	t.Helper()
	// code, message, requestId; and providerCode beside the code of an upstream refusal.
	fields := 3
	if pc, ok := a.JSON["providerCode"].(string); ok && pc != "" {
		fields++
	}
	if len(a.JSON) != fields || a.JSON["message"] == "" || a.JSON["requestId"] != a.Header.Get("X-Request-Id") {
		t.Errorf("%s: error body %s", name, a.Body)
	}
	if strings.Contains(string(a.Body), "accessToken") {
		t.Errorf("%s: token in an error", name)
	}
	if !strings.HasPrefix(a.Header.Get("Content-Type"), "application/json") {
		t.Errorf("%s: content type %q", name, a.Header.Get("Content-Type"))
	}
}
