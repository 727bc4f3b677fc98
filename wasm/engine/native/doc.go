// Package native implements the engine's seams for native programs and tests: parts PUT
// with net/http (Sender) and the chained hash with Go's crypto/sha256 (Hasher). The browser
// build never links it, nor net/http or crypto/sha256: it has fetch, XMLHttpRequest and
// crypto.subtle (package wasm/internal/jsx).
package native
