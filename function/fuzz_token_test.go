package function_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ferry-upload/ferry/function"
	"github.com/ferry-upload/ferry/shared/smhemu"
)

// fuzzFunction is one token function (HS256, issuer unset, one allowed origin) in front of
// an in-memory emulator, shared by every input of FuzzTokenRequest; logs go to a buffer
// that each input checks. Its policy has the default role "uploader" (brokered) and a
// direct role "direct".
var fuzzFunction = sync.OnceValues(func() (http.Handler, *bytes.Buffer) {
	srv, err := smhemu.NewServerNoListener(smhemu.Options{Libraries: []smhemu.Library{{ID: "smhdev", Secret: libSecret, Kind: smhemu.KindFile}}})
	if err != nil {
		panic(err)
	}
	logs := &bytes.Buffer{}
	pol, err := function.ParsePolicy(`{"roles":{"uploader":{"grants":["begin_upload"]},"direct":{"grants":["begin_upload"],"mode":"direct"}}}`)
	if err != nil {
		panic(err)
	}
	h, err := function.New(function.Config{Policy: pol, TicketKey: ticketKey,
		APIBase: srv.URL(), LibraryID: "smhdev", LibrarySecret: libSecret, DevMode: true, // DevMode: the emulator's URL is not loopback
		Auth: function.AuthConfig{HS256Secret: hsSecret}, AllowedOrigins: []string{appOrigin},
		RateLimit: function.RateLimit{Off: true}, HTTPClient: srv.HTTPClient(), Logger: slog.New(slog.NewJSONHandler(logs, nil)),
	})
	if err != nil {
		panic(err)
	}
	return h, logs
})

var fuzzMu sync.Mutex // the log buffer is per input

// FuzzTokenRequest: a POST /v1/token with any Authorization, Origin, Content-Type, query and
// body never panics or fails internally, answers JSON with a documented code, answers 200
// only to a JWT that verifies under the configured secret and an allowed (or absent) Origin
// (an SMH token only for the direct role, none in a brokered answer), and never puts the
// secrets in the answer or the log. Seeds are in
// testdata/fuzz/FuzzTokenRequest; run longer with
// go test -run '^$' -fuzz '^FuzzTokenRequest$' -fuzztime 5m ./function/
func FuzzTokenRequest(f *testing.F) {
	valid, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "alice", "role": "uploader",
		"exp": time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC).Unix()}).SignedString([]byte(hsSecret))
	if err != nil {
		f.Fatal(err)
	}
	direct, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "bob", "role": "direct",
		"exp": time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC).Unix()}).SignedString([]byte(hsSecret))
	if err != nil {
		f.Fatal(err)
	}
	f.Add("Bearer "+valid, "", "", "", "")
	f.Add("Bearer "+direct, appOrigin, "application/json", "", `{"clientId":"laptop"}`)
	f.Add("Bearer "+valid, appOrigin, "application/json", "", `{"clientId":"laptop"}`)
	f.Add("bearer  "+valid+" ", "https://evil.example.com", "application/json; charset=utf-8", "", `{"spaceId":"-"}`)
	f.Add("Bearer "+valid, "", "text/plain", "grant=admin", `{"grants":["admin"]}`)
	f.Add("Basic YWxpY2U6cHc=", "null", "", "", "")
	f.Fuzz(func(t *testing.T, authz, origin, ctype, query, body string) {
		h, logs := fuzzFunction()
		target := "/v1/token"
		if query != "" {
			target += "?" + query
		}
		r, err := http.NewRequest("POST", "http://fn.test"+target, strings.NewReader(body))
		if err != nil {
			return // not a request a client could send
		}
		for k, v := range map[string]string{"Authorization": authz, "Origin": origin, "Content-Type": ctype} {
			if v != "" {
				r.Header.Set(k, v)
			}
		}
		fuzzMu.Lock()
		defer fuzzMu.Unlock()
		logs.Reset()
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		out := w.Body.String()
		for _, s := range []string{libSecret, hsSecret, ticketKey} {
			if strings.Contains(out, s) || strings.Contains(logs.String(), s) {
				t.Fatal("a secret in the answer or the log")
			}
		}
		if strings.Contains(logs.String(), "eyJ") {
			t.Fatal("a JWT in the log")
		}
		var a map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil {
			t.Fatalf("%d answer is not JSON: %q", w.Code, out)
		}
		if w.Code == http.StatusOK {
			tok, _ := a["accessToken"].(string)
			switch a["mode"] {
			case "direct":
				if tok == "" {
					t.Fatalf("200 without a token: %s", out)
				}
			case "brokered":
				if _, ok := a["accessToken"]; ok || a["uploadsUrl"] == nil {
					t.Fatalf("a brokered answer with a token or without uploadsUrl: %s", out)
				}
			default:
				t.Fatalf("200 of no known mode: %s", out)
			}
			if origin != "" && origin != appOrigin {
				t.Fatalf("a token for origin %q", origin)
			}
			scheme, raw, _ := strings.Cut(strings.TrimSpace(authz), " ")
			claims := jwt.MapClaims{}
			_, err := jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired()).ParseWithClaims(strings.TrimSpace(raw), claims,
				func(*jwt.Token) (any, error) { return []byte(hsSecret), nil })
			if !strings.EqualFold(scheme, "Bearer") || err != nil {
				t.Fatalf("a token for an Authorization that does not verify: %q (%v)", authz, err)
			}
			if sub, _ := claims.GetSubject(); a["userId"] != sub {
				t.Fatalf("token for %v, JWT sub %q", a["userId"], sub)
			}
			return
		}
		switch code, _ := a["code"].(string); {
		case w.Code >= 500 && code != "UpstreamError":
			t.Fatalf("%d %s", w.Code, out)
		case !map[string]bool{"InvalidRequest": true, "Unauthenticated": true, "Forbidden": true, "OriginNotAllowed": true,
			"PolicyViolation": true, "RateLimited": true, "UpstreamError": true}[code]:
			t.Fatalf("undocumented code: %d %s", w.Code, out)
		case len(a) != 3 || strings.Contains(out, "accessToken"):
			t.Fatalf("error shape: %s", out)
		}
		_, _ = io.Copy(io.Discard, r.Body)
	})
}
