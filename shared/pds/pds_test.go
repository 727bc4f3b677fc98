package pds

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSignAssertion(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	now := time.Now().Truncate(time.Second)
	tests := []struct {
		name    string
		ttl     time.Duration
		wantExp time.Duration
	}{
		{"default five minutes", 0, MaxAssertionTTL},
		{"shorter kept", time.Minute, time.Minute},
		{"longer capped", time.Hour, MaxAssertionTTL},
	}
	jtis := map[string]bool{}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := SignAssertion(key, Assertion{ClientID: "app", UserID: "alice", DomainID: "dom", AutoCreate: true, TTL: tc.ttl}, now)
			require.NoError(t, err)
			claims := jwt.MapClaims{}
			tok, err := jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(func() time.Time { return now })).
				ParseWithClaims(s, claims, func(*jwt.Token) (any, error) { return &key.PublicKey, nil })
			require.NoError(t, err)
			assert.Equal(t, "JWT", tok.Header["typ"])
			assert.Equal(t, "app", claims["iss"])
			assert.Equal(t, "alice", claims["sub"])
			assert.Equal(t, "user", claims["sub_type"])
			assert.Equal(t, "dom", claims["aud"])
			assert.Equal(t, true, claims["auto_create"])
			assert.Equal(t, float64(now.Unix()), claims["iat"])
			assert.Equal(t, float64(now.Add(tc.wantExp).Unix()), claims["exp"])
			jti, _ := claims["jti"].(string)
			assert.Len(t, jti, 32)
			assert.False(t, jtis[jti], "a jti was drawn twice")
			jtis[jti] = true
		})
	}
	// Another key's signature does not verify.
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	s, err := SignAssertion(other, Assertion{ClientID: "app", UserID: "alice", DomainID: "dom"}, now)
	require.NoError(t, err)
	_, err = jwt.Parse(s, func(*jwt.Token) (any, error) { return &key.PublicKey, nil })
	assert.Error(t, err)
	// Missing parts are refused before signing.
	for _, a := range []Assertion{{UserID: "a", DomainID: "d"}, {ClientID: "c", DomainID: "d"}, {ClientID: "c", UserID: "a"}} {
		_, err := SignAssertion(key, a, now)
		assert.Equal(t, CodeInvalidArgument, Code(err), "%+v", a)
	}
	_, err = SignAssertion(nil, Assertion{ClientID: "c", UserID: "a", DomainID: "d"}, now)
	assert.Equal(t, CodeInvalidArgument, Code(err))
}

func TestErrorFromResponse(t *testing.T) {
	tests := []struct {
		name   string
		status int
		header map[string]string
		body   string
		want   Error
	}{
		{"PDS JSON", 400, map[string]string{"X-Ca-Request-Id": "r1"},
			`{"code":"InvalidParameter","message":"The input parameter file_id is not valid."}`,
			Error{Status: 400, Code: "InvalidParameter", Message: "The input parameter file_id is not valid.", RequestID: "r1"}},
		{"SDK-shaped JSON", 404, nil, `{"Code":"NotFound.UploadId","Message":"gone","RequestId":"x"}`,
			Error{Status: 404, Code: "NotFound.UploadId", Message: "gone"}},
		{"OSS XML", 403, nil,
			`<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Request has expired.</Message><RequestId>o1</RequestId></Error>`,
			Error{Status: 403, Code: "AccessDenied", Message: "Request has expired.", RequestID: "o1"}},
		{"gateway headers", 504, map[string]string{"X-Ca-Error-Code": "D504TO", "X-Ca-Error-Message": "timeout"}, "",
			Error{Status: 504, Code: "D504TO", Message: "timeout"}},
		{"nothing to go on", 502, nil, "<html>bad gateway</html>", Error{Status: 502, Code: "HTTP502"}},
		{"retry-after", 429, map[string]string{"Retry-After": "3"}, `{"code":"TooManyRequests"}`,
			Error{Status: 429, Code: "TooManyRequests", RetryAfter: 3 * time.Second}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tc.header {
				h.Set(k, v)
			}
			got := errorFromResponse(tc.status, h.Get, []byte(tc.body))
			assert.Equal(t, tc.want, *got)
		})
	}
	assert.True(t, TokenInvalid(&Error{Code: CodeAccessTokenInvalid}))
	assert.False(t, TokenInvalid(&Error{Code: CodeNotFoundFile}))
}

func TestLooseInt(t *testing.T) {
	for in, want := range map[string]int64{`7`: 7, `"12"`: 12, `""`: 0, `null`: 0} {
		var v struct {
			N looseInt `json:"n"`
		}
		require.NoError(t, json.Unmarshal([]byte(`{"n":`+in+`}`), &v), in)
		assert.Equal(t, want, int64(v.N), in)
	}
	var v struct{ N looseInt }
	assert.Error(t, json.Unmarshal([]byte(`{"N":"x"}`), &v))
}

func TestTokenHidesSecrets(t *testing.T) {
	tok := Token{AccessToken: "AT-secret", RefreshToken: "RT-secret", UserID: "u", DefaultDriveID: "d"}
	for _, s := range []string{tok.String(), tok.GoString()} {
		assert.NotContains(t, s, "secret")
	}
}
