package function_test

import (
	"crypto/x509"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ferry-upload/ferry/function"
	"github.com/ferry-upload/ferry/shared/pdsemu"
)

// newPDSFlowWith is newPDSFlow with more settings (the quota test stores more files than the
// default rate limit lets one caller begin).
func newPDSFlowWith(t *testing.T, settings map[string]string) *pdsEnvT {
	t.Helper()
	key, err := testPDSKey()
	require.NoError(t, err)
	srv, err := pdsemu.NewServer(pdsemu.Options{JWTClientID: "ferry-app", JWTPublicKey: &key.PublicKey, DomainID: "pdsx"})
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	e := pdsEnv(t)
	e[function.EnvPDSAPIBase] = srv.URL()
	e[function.EnvPDSPrivateKey] = pemOf(t, x509.MarshalPKCS1PrivateKey(key), "RSA PRIVATE KEY")
	e[function.EnvHS256Secret] = hsSecret
	for k, v := range settings {
		e[k] = v
	}
	cfg, err := function.ConfigFromLookup(lookupOf(e))
	require.NoError(t, err)
	cfg.HTTPClient = srv.HTTPClient()
	h, err := function.New(cfg)
	require.NoError(t, err)
	return &pdsEnvT{t: t, srv: srv, h: h}
}

// TestQuotaPDS: a PDS role's quotaBytes counts the files stored in the caller's area (all its
// folders, listing pages of 100) plus its open uploads; a begin past it is QuotaExceeded
// before anything is begun at PDS.
func TestQuotaPDS(t *testing.T) {
	p := newPDSFlowWith(t, map[string]string{function.EnvRateLimit: "off",
		function.EnvPolicy: `{"roles":{"uploader":{"grants":["begin_upload"],"mode":"brokered","quotaBytes":1000000}}}`})
	store := func(user, path string, data []byte) {
		t.Helper()
		a := p.begin(user, path, int64(len(data)), "")
		require.Equal(t, 201, a.Status, "%s", a.Body)
		p.put(a, data)
		require.Equal(t, 200, p.complete(user, a.JSON["upload"].(map[string]any)["id"].(string), data).Status)
	}
	store("alice", "a/one.bin", payload(400000))
	store("alice", "a/b/two.bin", payload(200000))
	for i := range 120 { // more than one listing page
		store("alice", fmt.Sprintf("many/f%03d", i), []byte{byte(i)})
	}
	open := p.begin("alice", "c/open.bin", 50000, "")
	require.Equal(t, 201, open.Status, "%s", open.Body)

	a := p.begin("alice", "c/n.bin", 349881, "")
	assertQuotaExceeded(t, a, "needs 349881 bytes", "650120 of 1000000 are used")
	a = p.begin("alice", "c/n.bin", 349880, "") // exactly the quota
	require.Equal(t, 201, a.Status, "%s", a.Body)

	// A caller whose area does not exist yet holds nothing.
	a = p.begin("carol", "n.bin", 1000000, "")
	require.Equal(t, 201, a.Status, "%s", a.Body)
}

// TestQuotaPDSAreaTooLarge: an area whose walk needs more listings than the bound is refused
// (UpstreamError), never measured in part.
func TestQuotaPDSAreaTooLarge(t *testing.T) {
	p := newPDSFlowWith(t, map[string]string{function.EnvRateLimit: "off",
		function.EnvPolicy: `{"roles":{"uploader":{"grants":["begin_upload"],"mode":"brokered","quotaBytes":1000}}}`})
	for i := range 200 { // the area and 200 folders: 201 listings
		a := p.do("POST", "/v1/directory", "alice", fmt.Sprintf(`{"path":"/users/alice/d%03d"}`, i))
		require.Equal(t, 201, a.Status, "%s", a.Body)
	}
	a := p.begin("alice", "n.bin", 10, "")
	require.Equal(t, 502, a.Status, "%s", a.Body)
	require.Equal(t, "UpstreamError", a.code())
	require.Contains(t, string(a.Body), "too many folders")
}
