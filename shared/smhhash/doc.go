// Package smhhash holds the checksums SMH uploads rely on: CRC-64/XZ (what COS calls
// crc64ecma) with a combine operation, so per-part CRCs give the whole-file CRC without a
// second pass, and the chained SHA-256 that SMH quick upload ("秒传") compares.
//
// Both are pure Go with no I/O, so the browser engine, the token function and the tests
// share one implementation. The emulator deliberately does not import this package: it
// computes the same values independently, and the test vectors keep both honest.
package smhhash
