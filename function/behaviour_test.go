package function_test

import (
	"fmt"
	"strings"
	"testing"
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

func behaviourRows(e *env) []row {
	return []row{
		{name: "healthz", method: "GET", path: "/healthz", status: 200, check: func(t *testing.T, a *answer) {
			if a.JSON["ok"] != true {
				t.Errorf("body %s", a.Body)
			}
		}},
		{name: "token", method: "POST", path: "/v1/token", auth: "alice", status: 200, check: func(t *testing.T, a *answer) {
			want := map[string]any{"libraryId": "smhdev", "spaceId": "-", "apiBase": e.url, "userId": "alice", "confirm": "function"}
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
		{name: "confirm unknown task", method: "POST", path: "/v1/confirm", auth: "alice", body: confirmBody("0123456789abcdef0123456789abcdef"), status: 400, code: "InvalidRequest"},
		{name: "confirm without body", method: "POST", path: "/v1/confirm", auth: "alice", status: 400, code: "InvalidRequest"},
		{name: "confirm bad key", method: "POST", path: "/v1/confirm", auth: "alice", body: confirmBody("../../token/smhdev"), status: 400, code: "InvalidRequest"},
		{name: "confirm bad crc", method: "POST", path: "/v1/confirm", auth: "alice", body: `{"confirmKey":"abc","crc64":"-1"}`, status: 400, code: "InvalidRequest"},
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

func noCORS(t *testing.T, a *answer) {
	if a.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("CORS granted to a refused origin: %v", a.Header)
	}
}

// TestBehaviour runs the table through every transport.
func TestBehaviour(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			send := tr.make(t, e.h)
			for _, r := range behaviourRows(e) {
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
		})
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
