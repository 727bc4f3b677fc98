package function_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/function"
)

func lookupOf(kv map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := kv[k]; return v, ok }
}

var testPDSKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })

func pemOf(t *testing.T, der []byte, kind string) string {
	t.Helper()
	return string(pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}))
}

// pdsEnv is a valid FERRY_PROVIDER=pds environment (no SMH_* variables).
func pdsEnv(t *testing.T) map[string]string {
	key, err := testPDSKey()
	require.NoError(t, err)
	return map[string]string{
		function.EnvProvider:       function.ProviderPDS,
		function.EnvPDSAPIBase:     "https://pdsx.api.aliyunpds.com",
		function.EnvPDSDomainID:    "pdsx",
		function.EnvPDSClientID:    "ferry-app",
		function.EnvPDSPrivateKey:  pemOf(t, x509.MarshalPKCS1PrivateKey(key), "RSA PRIVATE KEY"),
		function.EnvHS256Secret:    strings.Repeat("k", 32),
		function.EnvAllowedOrigins: "https://app.example.com",
		function.EnvTicketKey:      strings.Repeat("t", 32),
	}
}

func TestConfigPDS(t *testing.T) {
	key, err := testPDSKey()
	require.NoError(t, err)
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	tests := []struct {
		name string
		mod  map[string]string
		want string // "" accepts
	}{
		{"defaults", nil, ""},
		{"PKCS#8 key", map[string]string{function.EnvPDSPrivateKey: pemOf(t, pkcs8, "PRIVATE KEY")}, ""},
		{"key with \\n escapes", map[string]string{function.EnvPDSPrivateKey: strings.ReplaceAll(pemOf(t, x509.MarshalPKCS1PrivateKey(key), "RSA PRIVATE KEY"), "\n", `\n`)}, ""},
		{"a drive id", map[string]string{function.EnvPDSDrive: "drive-1"}, ""},
		{"no api base", map[string]string{function.EnvPDSAPIBase: ""}, function.EnvPDSAPIBase},
		{"http api base", map[string]string{function.EnvPDSAPIBase: "http://pds.example.com"}, "plain http"},
		{"no domain", map[string]string{function.EnvPDSDomainID: ""}, function.EnvPDSDomainID},
		{"no client id", map[string]string{function.EnvPDSClientID: ""}, function.EnvPDSClientID},
		{"no key", map[string]string{function.EnvPDSPrivateKey: ""}, function.EnvPDSPrivateKey},
		{"not PEM", map[string]string{function.EnvPDSPrivateKey: "secret-key-material"}, "PEM"},
		{"short key", map[string]string{function.EnvPDSPrivateKey: pemOf(t, x509.MarshalPKCS1PrivateKey(small), "RSA PRIVATE KEY")}, "2048"},
		{"bad drive", map[string]string{function.EnvPDSDrive: "a/b"}, function.EnvPDSDrive},
		{"a direct role", map[string]string{function.EnvPolicy: `{"roles":{"uploader":{"grants":["begin_upload"],"mode":"direct"}}}`}, "SMH's only"},
		{"a space", map[string]string{function.EnvPolicy: `{"roles":{"uploader":{"grants":["begin_upload"],"space":"{space}"}}}`}, "no spaces"},
		{"web sign-in", map[string]string{function.EnvPDSPrivateKey: "", function.EnvPDSClientSecret: "s3cr3t", function.EnvPDSRedirectURI: "https://fn.example.com/v1/pds/callback"}, ""},
		{"web sign-in and a key", map[string]string{function.EnvPDSClientSecret: "s3cr3t", function.EnvPDSRedirectURI: "https://fn.example.com/v1/pds/callback"}, "choose"},
		{"web sign-in without redirect", map[string]string{function.EnvPDSPrivateKey: "", function.EnvPDSClientSecret: "s3cr3t"}, function.EnvPDSRedirectURI},
		{"redirect elsewhere", map[string]string{function.EnvPDSPrivateKey: "", function.EnvPDSClientSecret: "s3cr3t", function.EnvPDSRedirectURI: "https://fn.example.com/done"}, "/v1/pds/callback"},
		{"plain http redirect", map[string]string{function.EnvPDSPrivateKey: "", function.EnvPDSClientSecret: "s3cr3t", function.EnvPDSRedirectURI: "http://fn.example.com/v1/pds/callback"}, "plain http"},
		{"redirect without secret", map[string]string{function.EnvPDSRedirectURI: "https://fn.example.com/v1/pds/callback"}, function.EnvPDSClientSecret},
		{"gokuai without its variables", map[string]string{function.EnvProvider: function.ProviderGokuai}, function.EnvGokuaiAPIBase},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := pdsEnv(t)
			for k, v := range tc.mod {
				e[k] = v
			}
			cfg, err := function.ConfigFromLookup(lookupOf(e))
			if err == nil {
				_, err = function.New(cfg)
			}
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "PRIVATE KEY", "the error quotes the key")
			assert.NotContains(t, err.Error(), "secret-key-material", "the error quotes the key")
			assert.NotContains(t, err.Error(), "s3cr3t", "the error quotes the client secret")
		})
	}
}

// With PDS, the routes that only SMH has are not served.
func TestPDSRoutes(t *testing.T) {
	cfg, err := function.ConfigFromLookup(lookupOf(pdsEnv(t)))
	require.NoError(t, err)
	h, err := function.New(cfg)
	require.NoError(t, err)
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{"POST", "/v1/confirm", 404},
		{"DELETE", "/v1/token", 405},
		{"POST", "/v1/uploads", 401},
		{"POST", "/v1/directory", 401},
		{"GET", "/v1/uploads/x", 401},
	} {
		r := httptest.NewRequest(tc.method, tc.path, strings.NewReader("{}"))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		assert.Equal(t, tc.status, w.Code, "%s %s: %s", tc.method, tc.path, w.Body)
	}
}
