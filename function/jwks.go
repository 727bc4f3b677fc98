package function

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"sync"
	"time"
)

// JWKS fetching bounds. On Workers every request is a fresh instance, so the cache lives
// one request there: the fetch must stay short and bounded.
const (
	jwksTTL          = 10 * time.Minute // keys are reused this long
	jwksMinRefetch   = 30 * time.Second // an unknown kid triggers a refetch at most this often
	jwksFetchTimeout = 2 * time.Second
	jwksMaxBody      = 64 << 10
	jwksStaleGrace   = time.Hour // known keys stay usable this long when refetching fails
)

var (
	errUnknownKey      = errors.New("no key with this kid")
	errJWKSUnavailable = errors.New("JWKS unavailable")
)

// jwks caches the host application's signing keys (RS256 and ES256 only).
type jwks struct {
	url    string
	client *http.Client
	now    func() time.Time

	mu        sync.Mutex
	keys      map[string]any // kid → *rsa.PublicKey | *ecdsa.PublicKey
	fetchedAt time.Time      // last successful fetch
	triedAt   time.Time      // last attempt
}

// key returns the key for kid and alg. An empty kid is accepted when the set holds exactly
// one key usable for alg.
//
// Refetches (for an unknown kid, after the TTL, or while the JWKS cannot be fetched) happen
// at most once per jwksMinRefetch, so a flood of tokens with made-up kids costs one fetch
// per 30 s per instance. Keys of the last good fetch stay usable while refetches fail, but
// never past jwksStaleGrace after that fetch: a key the IdP withdrew must stop working.
func (j *jwks) key(ctx context.Context, kid, alg string) (any, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	now := j.now()
	if !j.fetchedAt.IsZero() && now.Sub(j.fetchedAt) < jwksTTL {
		if k := j.lookup(kid, alg); k != nil {
			return k, nil
		}
	}
	var fetchErr error
	if j.triedAt.IsZero() || now.Sub(j.triedAt) >= jwksMinRefetch {
		j.triedAt = now
		keys, err := j.fetch(ctx)
		if err == nil {
			j.keys, j.fetchedAt = keys, now
		}
		fetchErr = err
	}
	if j.fetchedAt.IsZero() || now.Sub(j.fetchedAt) > jwksStaleGrace {
		if fetchErr == nil {
			fetchErr = errors.New("no successful fetch within the stale grace; the next attempt is at most 30 s away")
		}
		return nil, fmt.Errorf("%w: %v", errJWKSUnavailable, fetchErr)
	}
	if k := j.lookup(kid, alg); k != nil {
		return k, nil
	}
	return nil, errUnknownKey
}

func (j *jwks) lookup(kid, alg string) any {
	if kid != "" {
		return j.keys[kid]
	}
	var found any
	for _, k := range j.keys {
		if keyFits(k, alg) {
			if found != nil {
				return nil // ambiguous without a kid
			}
			found = k
		}
	}
	return found
}

func keyFits(k any, alg string) bool {
	switch k.(type) {
	case *rsa.PublicKey:
		return alg == "RS256"
	case *ecdsa.PublicKey:
		return alg == "ES256"
	}
	return false
}

func (j *jwks) fetch(ctx context.Context) (map[string]any, error) {
	ctx, cancel := context.WithTimeout(ctx, jwksFetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, j.url, nil)
	if err != nil {
		return nil, errors.New("bad JWKS URL")
	}
	req.Header.Set("Accept", "application/json")
	resp, err := j.client.Do(req)
	if err != nil {
		return nil, errors.New("fetching the JWKS: " + safeErr(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching the JWKS: HTTP %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, jwksMaxBody+1))
	if err != nil {
		return nil, errors.New("reading the JWKS: " + safeErr(err))
	}
	if len(body) > jwksMaxBody {
		return nil, errors.New("the JWKS is larger than 64 KiB")
	}
	return parseJWKS(body)
}

type jwk struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	N   string `json:"n"`
	E   string `json:"e"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
}

// parseJWKS keeps the usable signing keys of a JWK set: RSA of at least 2048 bits for
// RS256 and P-256 points (checked to be on the curve) for ES256. Others are skipped.
func parseJWKS(body []byte) (map[string]any, error) {
	var set struct {
		Keys []jwk `json:"keys"`
	}
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, errors.New("the JWKS is not valid JSON")
	}
	out := map[string]any{}
	for i, k := range set.Keys {
		if k.Use != "" && k.Use != "sig" {
			continue
		}
		var key any
		switch {
		case k.Kty == "RSA" && (k.Alg == "" || k.Alg == "RS256"):
			key = rsaKey(k)
		case k.Kty == "EC" && k.Crv == "P-256" && (k.Alg == "" || k.Alg == "ES256"):
			key = ecKey(k)
		}
		if key == nil {
			continue
		}
		id := k.Kid
		if id == "" {
			id = fmt.Sprintf("#%d", i) // usable only by a token without kid, when alone
		}
		out[id] = key
	}
	return out, nil
}

func b64(s string) []byte {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil
	}
	return b
}

func rsaKey(k jwk) any {
	n, e := b64(k.N), b64(k.E)
	if len(n) < 256 || len(e) == 0 || len(e) > 4 {
		return nil
	}
	ev := new(big.Int).SetBytes(e)
	if ev.Int64() < 3 || ev.Int64()%2 == 0 {
		return nil
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(ev.Int64())}
}

func ecKey(k jwk) any {
	x, y := b64(k.X), b64(k.Y)
	if len(x) != 32 || len(y) != 32 {
		return nil
	}
	// The parser refuses points that are not on the curve.
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...))
	if err != nil {
		return nil
	}
	return pub
}
