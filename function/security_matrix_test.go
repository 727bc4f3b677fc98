package function_test

// The security matrix: hostile requests to the token function, beyond the attacks of
// attack_test.go (which it extends, not repeats), grouped as issue 7 lists them. Each gets
// its documented code and no token; TestMain's scan then checks that no secret appears in
// any log line or answer the suite captured, these included.

import (
	"bufio"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ferry-upload/ferry/function"
	"github.com/ferry-upload/ferry/function/internal/local"
)

// rawJWT assembles a token from a header and claims as given (no library checks), signed
// HS256 with key, or with the literal signature sig when key is nil.
func rawJWT(header, claims any, key []byte, sig string) string {
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	in := b64u(h) + "." + b64u(c)
	if key != nil {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(in))
		sig = b64u(m.Sum(nil))
	}
	return in + "." + sig
}

var attackerKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// hostile is one request of the matrix.
type hostile struct {
	group  string
	name   string
	env    string // "" (HS256, default policy: brokered), "direct" (HS256, direct role), "issaud" (HS256 with issuer and audience), "jwks", "media" ({space} role)
	method string
	path   string
	auth   string
	body   string
	hdr    []string
	task   []string // for /v1/confirm (a direct role's): the path the upstream task answers with (a tampered upstream)
	// outside: that path is not in the caller's area, so the task may be someone else's
	// and must be left open (a task in the area that breaks the rules is canceled).
	outside bool
	status  int
	code    string
}

const (
	matrixIssuer   = "https://idp.example.com"
	matrixAudience = "ferry"
)

func hostileRequests(t *testing.T, jwksURL string) []hostile {
	rk, ek := keys()
	now := time.Now()
	exp := now.Add(time.Hour).Unix()
	hs := func(c jwt.MapClaims) string {
		return "Bearer " + sign(t, jwt.SigningMethodHS256, []byte(hsSecret), "", c)
	}
	good := hs(claims())
	issaud := func(kv ...any) string {
		return hs(claims(append([]any{"iss", matrixIssuer, "aud", matrixAudience}, kv...)...))
	}
	// RS256 with the attacker's key and header fields of the attacker's choosing.
	// The claims are right (issuer and audience included), so only the key can refuse them.
	evil := func(hdr map[string]any) string {
		tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims("iss", matrixIssuer, "aud", matrixAudience))
		for k, v := range hdr {
			tok.Header[k] = v
		}
		s, err := tok.SignedString(attackerKey())
		if err != nil {
			t.Fatal(err)
		}
		return "Bearer " + s
	}
	ak := attackerKey()
	jwk := map[string]any{"kty": "RSA", "kid": "rsa1", "n": b64u(ak.N.Bytes()), "e": "AQAB"}
	member := func(kv ...any) string {
		return hs(claims(append([]any{"role", "member", "space", "space1"}, kv...)...))
	}

	tok := func(group, name, env, auth string, status int, code string) hostile {
		return hostile{group: group, name: name, env: env, method: "POST", path: "/v1/token", auth: auth, status: status, code: code}
	}
	jwtBad := func(name, env, auth string) hostile { return tok("jwt", name, env, auth, 401, "Unauthenticated") }
	origin := func(name, o string) hostile {
		h := tok("cors", name, "", good, 403, "OriginNotAllowed")
		h.hdr = []string{"Origin", o}
		return h
	}
	body := func(group, name, b string, status int, code string) hostile {
		h := tok(group, name, "", good, status, code)
		h.body = b
		return h
	}
	space := func(name, auth, spaceID string, status int, code string) hostile {
		h := tok("space", name, "media", auth, status, code)
		h.body = `{"spaceId":` + jsonString(spaceID) + `}`
		return h
	}
	confirm := func(name string, segs ...string) hostile {
		return hostile{group: "confirm path", name: name, env: "direct", method: "POST", path: "/v1/confirm", auth: good, task: segs, status: 403, code: "PolicyViolation"}
	}
	confirmOutside := func(name string, segs ...string) hostile {
		h := confirm(name, segs...)
		h.outside = true
		return h
	}
	dir := func(name, p string) hostile {
		return hostile{group: "directory path", name: name, method: "POST", path: "/v1/directory", auth: good, body: `{"path":` + jsonString(p) + `}`, status: 403, code: "PolicyViolation"}
	}
	begin := func(name, p string) hostile {
		return hostile{group: "upload path", name: name, method: "POST", path: "/v1/uploads", auth: good,
			body: `{"path":` + jsonString(p) + `,"size":7,"conflict":"rename"}`, status: 403, code: "PolicyViolation"}
	}
	ctype := func(name, ct string) hostile {
		h := body("content type", name, `{}`, 415, "InvalidRequest")
		h.hdr = []string{"Content-Type", ct}
		return h
	}
	deep := func(open, close string, n int) string { return strings.Repeat(open, n) + strings.Repeat(close, n) }

	return []hostile{
		// JWT forgeries.
		jwtBad("alg NONE (upper case), no signature", "", "Bearer "+rawJWT(map[string]any{"alg": "NONE", "typ": "JWT"}, claims(), nil, "")),
		jwtBad("alg none with an HS256 signature", "", "Bearer "+rawJWT(map[string]any{"alg": "none"}, claims(), []byte(hsSecret), "")),
		jwtBad("HS256 header, empty signature", "", "Bearer "+rawJWT(map[string]any{"alg": "HS256"}, claims(), nil, "")),
		jwtBad("HS256 with an empty key", "", "Bearer "+rawJWT(map[string]any{"alg": "HS256"}, claims(), []byte{}, "")),
		jwtBad("HS256 with the secret and a newline", "", "Bearer "+rawJWT(map[string]any{"alg": "HS256"}, claims(), []byte(hsSecret+"\n"), "")),
		jwtBad("HS256 with the HS secret when JWKS is configured", "jwks", hs(claims("iss", matrixIssuer, "aud", matrixAudience))),
		jwtBad("embedded jwk of the attacker's key", "jwks", evil(map[string]any{"kid": "rsa1", "jwk": jwk})),
		jwtBad("jku to the attacker's key set", "jwks", evil(map[string]any{"kid": "evil", "jku": jwksURL})),
		jwtBad("x5u to the attacker's certificate", "jwks", evil(map[string]any{"kid": "evil", "x5u": jwksURL})),
		jwtBad("kid of a known key, attacker's signature", "jwks", evil(map[string]any{"kid": "rsa1"})),
		jwtBad("kid path traversal", "jwks", evil(map[string]any{"kid": "../../../../dev/null"})),
		jwtBad("kid SQL injection", "jwks", evil(map[string]any{"kid": "x' UNION SELECT 'rsa1"})),
		jwtBad("kid as a number", "jwks", evil(map[string]any{"kid": 1})),
		jwtBad("no kid, attacker's signature", "jwks", evil(nil)),
		jwtBad("kid of the EC key on RS256", "jwks", "Bearer "+sign(t, jwt.SigningMethodRS256, rk, "ec1", claims("iss", matrixIssuer, "aud", matrixAudience))),
		jwtBad("ES256 signed by the right key, kid of the RSA key", "jwks", "Bearer "+sign(t, jwt.SigningMethodES256, ek, "rsa1", claims("iss", matrixIssuer, "aud", matrixAudience))),
		jwtBad("RS256 by the IdP's key, for another application", "jwks", "Bearer "+sign(t, jwt.SigningMethodRS256, rk, "rsa1", claims("iss", matrixIssuer, "aud", "other-app"))),
		jwtBad("RS256 by the IdP's key, another issuer", "jwks", "Bearer "+sign(t, jwt.SigningMethodRS256, rk, "rsa1", claims("iss", "https://other.example.com", "aud", matrixAudience))),
		jwtBad("expired past the leeway", "", hs(claims("exp", now.Add(-45*time.Second).Unix()))),
		jwtBad("exp as a string", "", hs(claims("exp", fmt.Sprint(exp)))),
		jwtBad("nbf past the leeway", "", hs(claims("nbf", now.Add(45*time.Second).Unix()))),
		jwtBad("wrong issuer", "issaud", issaud("iss", "https://evil.example.com")),
		jwtBad("no issuer", "issaud", issaud("iss", nil)),
		jwtBad("issuer with a trailing slash", "issaud", issaud("iss", matrixIssuer+"/")),
		jwtBad("issuer in another case", "issaud", issaud("iss", strings.ToUpper(matrixIssuer))),
		jwtBad("wrong audience", "issaud", issaud("aud", "ferry-admin")),
		jwtBad("no audience", "issaud", issaud("aud", nil)),
		jwtBad("audience list without ours", "issaud", issaud("aud", []string{"a", "b"})),
		jwtBad("sub a number", "", hs(claims("sub", 42))),
		jwtBad("sub a list", "", hs(claims("sub", []string{"alice"}))),
		jwtBad("sub an object", "", hs(claims("sub", map[string]any{"id": "alice"}))),
		tok("jwt", "sub with a division slash", "", hs(claims("sub", "a\u2215b")), 403, "Forbidden"),
		tok("jwt", "sub with NUL", "", hs(claims("sub", "ali\x00ce")), 403, "Forbidden"),
		tok("jwt", "sub with a bidi override", "", hs(claims("sub", "alice\u202e")), 403, "Forbidden"),
		tok("jwt", "sub is dot-dot", "", hs(claims("sub", "..")), 403, "Forbidden"),
		tok("jwt", "sub is two dot leaders", "", hs(claims("sub", "\u2025")), 403, "Forbidden"),
		tok("jwt", "sub blank", "", hs(claims("sub", "   ")), 403, "Forbidden"),
		jwtBad("huge token, validly signed", "", hs(claims("pad", strings.Repeat("x", 9000)))),
		jwtBad("token twice in one header", "", good+", "+strings.TrimPrefix(good, "Bearer ")),
		{group: "jwt", name: "token in the query", method: "POST", path: "/v1/token?access_token=" + strings.TrimPrefix(good, "Bearer "), status: 400, code: "InvalidRequest"},
		{group: "jwt", name: "token in a cookie nobody configured", method: "POST", path: "/v1/token", hdr: []string{"Cookie", "jwt=" + strings.TrimPrefix(good, "Bearer ")}, status: 401, code: "Unauthenticated"},
		tok("jwt", "role in another case", "", hs(claims("role", "Uploader")), 403, "Forbidden"),
		tok("jwt", "role with a trailing space", "", hs(claims("role", "uploader ")), 403, "Forbidden"),

		// CORS origins (the allow-list holds exactly https://app.example.com).
		origin("subdomain", "https://evil.app.example.com"),
		origin("suffix", "https://evilapp.example.com"),
		origin("prefix", "https://app.example.co"),
		origin("longer host", "https://app.example.commerce.net"),
		origin("upper case", "HTTPS://APP.EXAMPLE.COM"),
		origin("mixed case host", "https://App.Example.com"),
		origin("trailing slash", "https://app.example.com/"),
		origin("default port spelled out", "https://app.example.com:443"),
		origin("another port", "https://app.example.com:8443"),
		origin("plain http", "http://app.example.com"),
		origin("userinfo", "https://user@app.example.com"),
		origin("trailing dot", "https://app.example.com."),
		origin("two origins", "https://app.example.com https://evil.net"),
		origin("punycode look-alike", "https://xn--pp-8ba.example.com"),
		origin("file", "file://"),
		origin("wildcard", "*"),
		{group: "cors", name: "preflight from a refused origin", method: "OPTIONS", path: "/v1/token", hdr: []string{"Origin", "https://evil.net", "Access-Control-Request-Method", "POST"}, status: 403, code: "OriginNotAllowed"},

		// Grant escalation: nothing of the grant comes from the request.
		body("escalation", "grant in the body", `{"grant":"admin"}`, 400, "InvalidRequest"),
		body("escalation", "period in the body", `{"period":"315360000"}`, 400, "InvalidRequest"),
		body("escalation", "user id in the body", `{"userId":"admin"}`, 400, "InvalidRequest"),
		body("escalation", "library in the body", `{"libraryId":"smhmedia"}`, 400, "InvalidRequest"),
		body("escalation", "path prefix in the body", `{"pathPrefix":"/"}`, 400, "InvalidRequest"),
		body("escalation", "confirm mode in the body", `{"confirm":"direct"}`, 400, "InvalidRequest"),
		body("escalation", "limits in the body", `{"limits":{"maxFileSize":1e15}}`, 400, "InvalidRequest"),
		body("escalation", "__proto__", `{"__proto__":{"grants":["admin"]}}`, 400, "InvalidRequest"),
		body("escalation", "known field, then grants", `{"spaceId":"-","grants":["admin"]}`, 400, "InvalidRequest"),
		body("escalation", "escaped duplicate key", `{"spaceId":"-","spac\u0065Id":"space1"}`, 400, "InvalidRequest"),
		{group: "escalation", name: "period in the query", method: "POST", path: "/v1/token?period=315360000", auth: good, status: 400, code: "InvalidRequest"},
		{group: "escalation", name: "user id in the query", method: "POST", path: "/v1/token?user_id=admin", auth: good, status: 400, code: "InvalidRequest"},
		{group: "escalation", name: "method override header", method: "GET", path: "/v1/token", auth: good, hdr: []string{"X-HTTP-Method-Override", "POST"}, status: 405, code: "InvalidRequest"},

		// Foreign spaces (a media library whose role takes the space from the JWT: space1).
		space("another space", member(), "space2", 403, "Forbidden"),
		space("the space in upper case", member(), "SPACE1", 403, "Forbidden"),
		space("two spaces", member(), "space1,space2", 400, "InvalidRequest"),
		space("traversal in the space", member(), "../space1", 400, "InvalidRequest"),
		space("single-tenant marker", member(), "-", 403, "Forbidden"),
		space("a space the claim does not list", member("space", []string{"space2"}), "space1", 403, "Forbidden"),
		tok("space", "no space claim", "media", member("space", nil), 403, "Forbidden"),
		{group: "space", name: "confirm in another space", env: "media", method: "POST", path: "/v1/confirm", auth: member(), body: `{"spaceId":"space2","confirmKey":"abc"}`, status: 403, code: "Forbidden"},
		{group: "space", name: "directory in another space", env: "media", method: "POST", path: "/v1/directory", auth: member(), body: `{"spaceId":"space2","path":"/alice/x"}`, status: 403, code: "Forbidden"},

		// Path traversal through the path an upload task answers with (a hostile upstream):
		// refused; the task canceled when the path is in the caller's area, else left alone.
		confirm("dot-dot", "users", "alice", "..", "bob", "x.bin"),
		confirm("encoded dot-dot", "users", "alice", "%2e%2e", "x.bin"),
		confirm("double-encoded dot-dot", "users", "alice", "%252e%252e", "x.bin"),
		confirm("division slash", "users", "alice", "\u2215..\u2215bob", "x.bin"),
		confirm("fullwidth solidus", "users", "alice", "a\uff0fb.bin"),
		confirm("one dot leaders", "users", "alice", "\u2024\u2024", "x.bin"),
		confirm("fullwidth full stops", "users", "alice", "\uff0e\uff0e", "x.bin"),
		confirm("backslashes", "users", "alice", `..\..\bob`, "x.bin"),
		confirm("NUL", "users", "alice", "x\x00.bin"),
		confirm("overlong UTF-8 dots", "users", "alice", "\xc0\xae\xc0\xae", "x.bin"),
		confirm("encoded overlong dots", "users", "alice", "%c0%ae%c0%ae", "x.bin"),
		confirm("NFKC two dot leader", "users", "alice", "\ufe30", "x.bin"),
		confirm("NFKC account of", "users", "alice", "x\u2100y.bin"),
		confirm("NFKC fullwidth letters", "users", "alice", "\uff58.bin"),
		confirmOutside("the prefix itself", "users", "alice"),
		confirmOutside("another case", "users", "Alice", "x.bin"),
		confirmOutside("NFKC fullwidth prefix", "users", "\uff41lice", "x.bin"),
		confirmOutside("another user's", "users", "bob", "x.bin"),
		confirmOutside("no path", []string{}...),

		// Path traversal in /v1/directory, beyond attack_test.go's.
		dir("triple-encoded dot-dot", "/users/alice/%25252e%25252e/bob"),
		dir("encoded overlong dots", "/users/alice/%c0%ae%c0%ae/bob"),
		dir("raw overlong dots", "/users/alice/\xc0\xae\xc0\xae/bob"),
		dir("dot-dot and an encoded slash", "/users/alice/..%2fbob"),
		dir("dot and an encoded dot", "/users/alice/.%2e/bob"),
		dir("two dot leader", "/users/alice/\u2025/bob"),
		dir("small full stops", "/users/alice/\ufe52\ufe52/bob"),
		dir("fullwidth percent", "/users/alice/\uff052e\uff052e/bob"),
		dir("leading double slash", "//users/alice/x"),
		dir("backslash root", `\users\alice\x`),
		dir("overlong path", "/users/alice/"+strings.Repeat("a/", 2100)),
		dir("overlong segment", "/users/alice/"+strings.Repeat("a", 256)),

		// Path traversal in a brokered begin (paths relative to the caller's area): refused
		// before any upstream task exists.
		begin("dot-dot", "/../bob/x.bin"),
		begin("dot-dot at the end", "/a/.."),
		begin("dot", "/a/./x.bin"),
		begin("encoded dot-dot", "/%2e%2e/bob/x.bin"),
		begin("double-encoded dot-dot", "/%252e%252e/x.bin"),
		begin("encoded overlong dots", "/%c0%ae%c0%ae/x.bin"),
		begin("encoded slash", "/a%2f..%2f..%2fbob/x.bin"),
		begin("backslashes", `/..\..\bob\x.bin`),
		begin("NUL", "/x\x00.bin"),
		begin("division slash", "/\u2215..\u2215bob/x.bin"),
		begin("fullwidth full stops", "/\uff0e\uff0e/x.bin"),
		begin("one dot leaders", "/\u2024\u2024/x.bin"),
		begin("NFKC two dot leader", "/\ufe30/x.bin"),
		begin("bidi override", "/x\u202e.bin"),
		begin("empty segment", "/a//x.bin"),
		begin("no file name", "/"),
		begin("overlong segment", "/"+strings.Repeat("a", 256)),
		begin("overlong path", "/"+strings.Repeat("a/", 2100)+"x.bin"),
		{group: "escalation", name: "path prefix in a begin", method: "POST", path: "/v1/uploads", auth: good,
			body: `{"path":"/x.bin","size":7,"conflict":"rename","pathPrefix":"/"}`, status: 400, code: "InvalidRequest"},
		{group: "escalation", name: "user id in a begin", method: "POST", path: "/v1/uploads", auth: good,
			body: `{"path":"/x.bin","size":7,"conflict":"rename","userId":"bob"}`, status: 400, code: "InvalidRequest"},

		// Content types.
		ctype("text/plain", "text/plain"),
		ctype("multipart form", "multipart/form-data; boundary=x"),
		ctype("JSON in UTF-16", "application/json; charset=utf-16"),
		ctype("JSONP", "application/jsonp"),
		ctype("JSON patch", "application/json-patch+json"),
		ctype("two types", "application/json, text/html"),
		ctype("JSON with another parameter", "application/json; boundary=x"),

		// Duplicate keys and deep JSON.
		{group: "json", name: "duplicate confirm key", method: "POST", path: "/v1/confirm", auth: good, body: `{"confirmKey":"a","confirmKey":"b"}`, status: 400, code: "InvalidRequest"},
		{group: "json", name: "duplicate directory path", method: "POST", path: "/v1/directory", auth: good, body: `{"path":"/users/alice/x","path":"/users/bob"}`, status: 400, code: "InvalidRequest"},
		body("json", "deep array in a field", `{"clientId":`+deep("[", "]", 5000)+`}`, 400, "InvalidRequest"),
		body("json", "deep object in a field", `{"spaceId":`+deep(`{"a":`, "}", 2000)+`}`, 400, "InvalidRequest"),
		body("json", "deep array as the body", deep("[", "]", 8000), 400, "InvalidRequest"),
		body("json", "deep array over the size limit", `{"clientId":`+deep("[", "]", 9000)+`}`, 413, "InvalidRequest"),
	}
}

// TestSecurityMatrix runs every hostile request through every transport.
func TestSecurityMatrix(t *testing.T) {
	var fetched atomic.Int32
	attacker := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetched.Add(1)
		w.WriteHeader(404)
	}))
	defer attacker.Close()
	rows := hostileRequests(t, attacker.URL)
	if len(rows) < 40 {
		t.Fatalf("%d hostile requests: the matrix holds at least 40", len(rows))
	}
	groups := map[string]int{}
	for _, r := range rows {
		groups[r.group]++
	}
	t.Logf("%d hostile requests: %v", len(rows), groups)
	jwksTS, _ := jwksServer(t)
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			t.Parallel()
			envs := map[string]*matrixEnv{}
			for _, kind := range []string{"", "direct", "issaud", "jwks", "media"} {
				envs[kind] = newMatrixEnv(t, kind, jwksTS.URL, tr)
			}
			for _, r := range rows {
				t.Run(r.group+"/"+r.name, func(t *testing.T) {
					me := envs[r.env]
					body := r.body
					if r.task != nil {
						body = me.hostileTask(t, r.task)
					}
					ans := serve(t, me.send, r.method, r.path, r.auth, body, r.hdr...)
					if ans.Status != r.status || ans.code() != r.code {
						t.Fatalf("%d %s, want %d %s", ans.Status, ans.Body, r.status, r.code)
					}
					checkErrorShape(t, r.name, ans)
					noCORS(t, ans)
					if r.task != nil {
						me.mu.Lock()
						key := me.key
						me.mu.Unlock()
						open := false
						for _, u := range me.openUploads() {
							open = open || u.ConfirmKey == key
						}
						if r.outside && !open {
							t.Fatal("a task outside the caller's area was canceled (it may be someone else's)")
						}
						if !r.outside && open {
							t.Fatal("the task was not canceled")
						}
					}
				})
			}
			for name, me := range envs {
				me.env.t = t
				if files := me.files(); len(files) != 0 {
					t.Errorf("env %q: %d files stored", name, len(files))
				}
			}
			// Only the direct env's confirm rows make tasks; no hostile begin made one.
			if u := envs[""].openUploads(); len(u) != 0 {
				t.Errorf("hostile begins left %d upload tasks", len(u))
			}
		})
	}
	if n := fetched.Load(); n != 0 {
		t.Errorf("the function fetched %d times from a URL a token named (jku/x5u)", n)
	}
}

// matrixEnv is an env whose upstream answers can be made hostile for one upload task,
// with the transport its requests go through.
type matrixEnv struct {
	*env
	send func(*http.Request) *http.Response
	mu   sync.Mutex
	key  string   // the task whose state is rewritten
	path []string // the path it answers with
}

func newMatrixEnv(t *testing.T, kind, jwksURL string, tr transport) *matrixEnv {
	me := &matrixEnv{}
	opts := []option{tamper(me.rewrite)}
	switch kind {
	case "direct":
		opts = append(opts, withDirect())
	case "issaud":
		opts = append(opts, withConfig(func(c *function.Config) { c.Auth.Issuer, c.Auth.Audience = matrixIssuer, matrixAudience }))
	case "jwks":
		opts = append(opts, withConfig(func(c *function.Config) {
			c.Auth = function.AuthConfig{JWKSURL: jwksURL, Issuer: matrixIssuer, Audience: matrixAudience}
		}))
	case "media":
		opts = append(opts, withConfig(func(c *function.Config) { c.LibraryID, c.LibrarySecret = "smhmedia", mediaSecret }),
			withPolicy(`{"roles":{"member":{"grants":["begin_upload"],"space":"{space}","pathPrefix":"/{sub}/","allowedTypes":["image/*"]}}}`))
	}
	me.env = newEnv(t, opts...)
	me.send = tr.make(t, me.h)
	return me
}

// rewrite replaces the path of the hostile task in GET …?upload answers.
func (me *matrixEnv) rewrite(r *http.Request, body []byte) []byte {
	me.mu.Lock()
	key, segs := me.key, me.path
	me.mu.Unlock()
	if key == "" || r.Method != "GET" || !strings.Contains(r.URL.Path, "/"+key) || !r.URL.Query().Has("upload") {
		return body
	}
	var st map[string]any
	if json.Unmarshal(body, &st) != nil {
		return body
	}
	st["path"] = segs
	b, _ := json.Marshal(st)
	// encoding/json turns invalid UTF-8 into U+FFFD: put the raw bytes back, as a broken
	// upstream would send them.
	for _, s := range segs {
		if q, _ := json.Marshal(s); strings.Contains(string(q), `\ufffd`) {
			b = []byte(strings.Replace(string(b), string(q), `"`+s+`"`, 1))
		}
	}
	return b
}

// hostileTask begins a real upload as alice (a direct role, to a path of hers) and makes upstream answer
// with segs as its path; it returns the /v1/confirm body.
func (me *matrixEnv) hostileTask(t *testing.T, segs []string) string {
	me.env.t = t
	me.mkdir("/users/alice")
	tok := me.token("alice", "uploader")
	key := me.upload(tok, "-", "/users/alice/task.bin", []byte("hostile"), 0)
	me.mu.Lock()
	me.key, me.path = key, segs
	me.mu.Unlock()
	return confirmBody(key)
}

// TestLocalAdapterLimits: the local adapter's server has the limits a public server needs,
// and they hold against huge headers and slow clients. The timeouts are shortened here so
// the test is quick; the real values are checked first.
func TestLocalAdapterLimits(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	srv := local.Server("127.0.0.1:0", e.h)
	if srv.ReadHeaderTimeout <= 0 || srv.ReadHeaderTimeout > 30*time.Second || srv.ReadTimeout <= 0 ||
		srv.ReadTimeout > 60*time.Second || srv.WriteTimeout <= 0 || srv.IdleTimeout <= 0 || srv.MaxHeaderBytes <= 0 || srv.MaxHeaderBytes > 64<<10 {
		t.Fatalf("local adapter limits: header %v, read %v, write %v, idle %v, max header %d bytes",
			srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout, srv.MaxHeaderBytes)
	}
	srv.ReadHeaderTimeout, srv.ReadTimeout = 300*time.Millisecond, 600*time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	addr := ln.Addr().String()
	good := bearer(t, "alice", "uploader")

	// raw sends head, then after pause the rest, and returns the answer (status 0: the
	// connection was closed without one).
	raw := func(t *testing.T, head string, pause time.Duration, rest string) (int, string) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		io.WriteString(c, head)
		if pause > 0 {
			time.Sleep(pause)
			io.WriteString(c, rest)
		}
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			return 0, ""
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		recordAnswer(resp.StatusCode, resp.Header, b)
		return resp.StatusCode, string(b)
	}
	req := func(extra, body string) string {
		return "POST /v1/token HTTP/1.1\r\nHost: fn.test\r\nAuthorization: " + good + "\r\nContent-Type: application/json\r\n" +
			extra + fmt.Sprintf("Content-Length: %d\r\n\r\n", len(body)) + body
	}
	cases := []struct {
		name   string
		head   string
		pause  time.Duration
		rest   string
		status int // 0: closed without an answer
	}{
		{"one 40 KiB header", req("X-Pad: "+strings.Repeat("a", 40<<10)+"\r\n", ""), 0, "", 431},
		{"2,000 small headers", req(strings.Repeat("X-P: aaaaaaaaaaaaaaaa\r\n", 2000), ""), 0, "", 431},
		{"a 20 KiB Authorization", strings.Replace(req("", ""), good, "Bearer "+strings.Repeat("a", 20<<10), 1), 0, "", 401},
		{"headers trickling past the header timeout", "POST /v1/token HTTP/1.1\r\nHost: fn.test\r\n", time.Second, "Authorization: " + good + "\r\n\r\n", 0},
		{"a body trickling past the read timeout", strings.TrimSuffix(req("", `{"clientId":"slow"}`), `"slow"}`), time.Second, `"slow"}`, 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := raw(t, c.head, c.pause, c.rest)
			if status != c.status {
				t.Fatalf("status %d (%s), want %d", status, body, c.status)
			}
			if strings.Contains(body, "accessToken") {
				t.Fatalf("a token in %s", body)
			}
		})
	}
	// The server still serves well-behaved clients afterwards (the default role: brokered).
	if status, body := raw(t, req("", ""), 0, ""); status != 200 || !strings.Contains(body, `"mode":"brokered"`) {
		t.Fatalf("a good request after the hostile ones: %d %s", status, body)
	}
}
