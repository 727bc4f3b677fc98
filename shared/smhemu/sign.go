package smhemu

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// uploadValidity is how long data-plane signatures last (the expireUploadAfter fault
// shortens it).
const uploadValidity = time.Hour

// signature is the signed data-plane authorization of an upload task. Clients send it
// back verbatim as the Authorization header, with x-cos-security-token, on every PUT.
type signature struct {
	Serial        uint64    `json:"serial"`
	Start         time.Time `json:"start"`
	End           time.Time `json:"end"`
	Authorization string    `json:"authorization"`
	SecurityToken string    `json:"securityToken"`
}

// mac is HMAC-SHA256 under the emulator's signing key (which survives restarts).
func (e *Emulator) mac(parts ...string) string {
	m := hmac.New(sha256.New, e.st.SignKey)
	m.Write([]byte(strings.Join(parts, "\n")))
	return hex.EncodeToString(m.Sum(nil))
}

// signLocked signs PUTs to objectPath (and, for multipart, uploadID) from now on.
func (e *Emulator) signLocked(objectPath, uploadID string) signature {
	now := e.now()
	validity := uploadValidity
	if d := time.Duration(e.kit.Faults().ExpireUploadAfter); d > 0 && d < validity {
		validity = d
	}
	e.st.SigSerial++
	e.touchMetaLocked()
	s := signature{Serial: e.st.SigSerial, Start: now, End: now.Add(validity)}
	signTime := fmt.Sprintf("%d;%d", s.Start.UnixMilli(), s.End.UnixMilli())
	serial := strconv.FormatUint(s.Serial, 10)
	sig := e.mac("PUT", objectPath, uploadID, signTime, serial)
	s.Authorization = "q-sign-algorithm=hmac-sha256&q-ak=smhemu&q-sign-time=" + signTime +
		"&q-serial=" + serial + "&q-signature=" + sig
	s.SecurityToken = e.mac("token", serial)
	return s
}

// verifyPut checks the signed headers of a data-plane PUT: 403 AccessDenied when they
// are missing, SignatureDoesNotMatch when they do not sign this method, object and
// upload id, and AccessDenied "Request has expired" once they expired (by the clock or
// by POST /_emulator/expire).
func (e *Emulator) verifyPut(authorization, securityToken, objectPath, uploadID string) error {
	if authorization == "" {
		return ErrAccessDenied.With("the Authorization header is missing")
	}
	v := parseAuthorization(authorization)
	if v["q-sign-algorithm"] != "hmac-sha256" {
		return ErrSignatureDoesNotMatch
	}
	signTime, serial := v["q-sign-time"], v["q-serial"]
	a, b, ok := strings.Cut(signTime, ";")
	start, err1 := strconv.ParseInt(a, 10, 64)
	end, err2 := strconv.ParseInt(b, 10, 64)
	n, err3 := strconv.ParseUint(serial, 10, 64)
	if !ok || err1 != nil || err2 != nil || err3 != nil || start > end {
		return ErrSignatureDoesNotMatch
	}
	e.kit.Lock()
	want := e.mac("PUT", objectPath, uploadID, signTime, serial)
	wantToken := e.mac("token", serial)
	expiredThrough := e.st.SigExpiredThrough
	e.kit.Unlock()
	if !hmac.Equal([]byte(v["q-signature"]), []byte(want)) {
		return ErrSignatureDoesNotMatch
	}
	if !hmac.Equal([]byte(securityToken), []byte(wantToken)) {
		return ErrAccessDenied.With("the x-cos-security-token header is missing or does not match")
	}
	if e.now().UnixMilli() >= end || n <= expiredThrough {
		return ErrRequestExpired
	}
	return nil
}

// parseAuthorization splits "k=v&k=v" (COS style; values hold ';', so not a URL query).
func parseAuthorization(s string) map[string]string {
	m := map[string]string{}
	for _, kv := range strings.Split(s, "&") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			if _, dup := m[k]; dup {
				m[k] = "" // ambiguous: never matches
				continue
			}
			m[k] = v
		}
	}
	return m
}

// downloadURL is a signed data-plane URL for a file, valid for an hour.
func (e *Emulator) downloadURLLocked(scheme, host, lib, spaceID string, p []string) string {
	esc := make([]string, len(p))
	for i, s := range p {
		esc[i] = url.PathEscape(s)
	}
	objectPath := dataPrefix + downloadKeyPrefix + lib + "/" + url.PathEscape(spaceID) + "/" + strings.Join(esc, "/")
	exp := strconv.FormatInt(e.now().Add(time.Hour).UnixMilli(), 10)
	return scheme + "://" + host + objectPath + "?q-expires=" + exp + "&q-signature=" + e.mac("GET", lib, spaceID, pathKey(p), exp)
}

// verifyGet checks a signed download URL (signed over the decoded path, so that clients
// may escape it differently).
func (e *Emulator) verifyGet(lib, spaceID string, p []string, expires, sig string) error {
	exp, err := strconv.ParseInt(expires, 10, 64)
	if err != nil {
		return ErrAccessDenied
	}
	e.kit.Lock()
	want := e.mac("GET", lib, spaceID, pathKey(p), expires)
	e.kit.Unlock()
	if !hmac.Equal([]byte(sig), []byte(want)) {
		return ErrSignatureDoesNotMatch
	}
	if e.now().UnixMilli() >= exp {
		return ErrRequestExpired
	}
	return nil
}
