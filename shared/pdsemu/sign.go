package pdsemu

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// keyIDPrefix begins the OSSAccessKeyId of presigned URLs; the serial after it lets
// POST /_emulator/expire expire every URL issued so far.
const keyIDPrefix = "STS.pdsemu"

// urlSignature is the HMAC-SHA1 (base64, OSS V1 style) of a presigned part URL under the
// emulator's key, over everything the URL says.
func (e *Emulator) urlSignature(uploadID string, part int, expires int64, keyID string) string {
	m := hmac.New(sha1.New, []byte(e.st.SignKey))
	m.Write([]byte(strings.Join([]string{"PUT", uploadID, strconv.Itoa(part), strconv.FormatInt(expires, 10), keyID}, "\n")))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// partTargetLocked presigns part n of u: a PUT URL on the host the client called, valid
// UploadURLTTL (or less, by the expireUploadAfter fault).
func (e *Emulator) partTargetLocked(r *http.Request, u *upload, n int) partInfo {
	ttl := UploadURLTTL
	if d := time.Duration(e.kit.Faults().ExpireUploadAfter); d > 0 && d < ttl {
		ttl = d
	}
	e.st.URLSerial++
	keyID := keyIDPrefix + strconv.FormatUint(e.st.URLSerial, 10)
	expires := e.now().Add(ttl).Unix()
	q := url.Values{
		"Expires":        {strconv.FormatInt(expires, 10)},
		"OSSAccessKeyId": {keyID},
		"Signature":      {e.urlSignature(u.ID, n, expires, keyID)},
		"partNumber":     {strconv.Itoa(n)},
		"uploadId":       {u.ID},
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	target := scheme + "://" + r.Host + dataPrefix + u.ID + "/" + strconv.Itoa(n) + "?" + q.Encode()
	return partInfo{PartNumber: n, UploadURL: target, InternalUploadURL: target, ContentType: ""}
}

// verifyPartURL checks a presigned part URL: every parameter present and matching the
// path, the signature (SignatureDoesNotMatch), then expiry by the clock or by
// POST /_emulator/expire (AccessDenied "Request has expired.").
func (e *Emulator) verifyPartURL(q url.Values, uploadID, partStr string) (int, error) {
	for _, k := range []string{"Expires", "OSSAccessKeyId", "Signature", "partNumber", "uploadId"} {
		if len(q[k]) != 1 {
			return 0, ErrAccessDenied.With("the URL needs exactly one %s", k)
		}
	}
	part, err := strconv.Atoi(partStr)
	if err != nil || part < 1 || part > maxParts || q.Get("partNumber") != partStr || q.Get("uploadId") != uploadID {
		return 0, ErrInvalidArgument.With("partNumber and uploadId must match the URL path (1..%d)", maxParts)
	}
	expires, err1 := strconv.ParseInt(q.Get("Expires"), 10, 64)
	keyID := q.Get("OSSAccessKeyId")
	serial, err2 := strconv.ParseUint(strings.TrimPrefix(keyID, keyIDPrefix), 10, 64)
	if err1 != nil || err2 != nil || !strings.HasPrefix(keyID, keyIDPrefix) {
		return 0, ErrSignatureDoesNotMatch
	}
	e.kit.Lock()
	want := e.urlSignature(uploadID, part, expires, keyID)
	forced := serial <= e.st.URLExpiredThrough
	e.kit.Unlock()
	if !hmac.Equal([]byte(q.Get("Signature")), []byte(want)) {
		return 0, ErrSignatureDoesNotMatch
	}
	if forced || !e.now().Before(time.Unix(expires, 0)) {
		return 0, ErrRequestExpired
	}
	return part, nil
}
