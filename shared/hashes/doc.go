// Package hashes holds the checksums the providers' uploads rely on: CRC-64/XZ (what COS
// calls crc64ecma, SMH and PDS check it) with a combine operation, so per-part CRCs give the
// whole-file CRC without a second pass; CRC-32/IEEE (Gokuai's per-part x-gk-upload-crc); and
// the chained SHA-256 that SMH quick upload ("秒传") compares.
//
// Everything here is pure Go with no I/O, so the browser engine, the token function and the
// tests share one implementation. What would grow the browser module is kept in
// subpackages it links only when it uses them: gosha (crypto/sha256 for the chain) and
// sha1sum (PDS's and Gokuai's resumable SHA-1). The CRC tables are built on first use, not
// embedded, for the same reason.
//
// The emulator deliberately does not import this package: it computes the same values
// independently, and the test vectors keep both honest.
package hashes
