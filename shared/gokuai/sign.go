package gokuai

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"slices"
	"strings"
)

// Sign computes Gokuai's sign over params (provider-apis.md §3.2): the values (not the
// keys) sorted by key, joined with "\n", HMAC-SHA1 keyed with secret, standard base64.
// "sign" itself and the keys in skip (create_file skips filehash and filesize) are left
// out; empty values are kept, as the official Java and PHP SDKs keep them, so whoever
// sends a parameter signs it.
func Sign(secret string, params map[string]string, skip ...string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		if k != "sign" && !slices.Contains(skip, k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(params[k])
	}
	m := hmac.New(sha1.New, []byte(secret))
	m.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// VerifySign reports whether sign is params' signature under secret, in constant time.
func VerifySign(secret string, params map[string]string, sign string, skip ...string) bool {
	return hmac.Equal([]byte(Sign(secret, params, skip...)), []byte(sign))
}
