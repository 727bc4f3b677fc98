#!/usr/bin/env bash
# scripts/lib/tier-wasm.sh: the GOOS=js tier. Runs every test under ./wasm/... compiled to
# WebAssembly under Node (the Go toolchain's go_js_wasm_exec): the browser bindings
# (wasm/internal/jsx: promises, Blob reads, fetch, crypto.subtle, and the XMLHttpRequest,
# IndexedDB and Web Locks glue against small fakes, since Node has none of those), the
# page ↔ worker bridge, and the whole engine suite in the wasm runtime (the 1 GiB heap test
# runs natively, so it is skipped here with -short). Then it builds web/ferry.wasm and checks
# the size budget (scripts/build-wasm).
# Run by scripts/test, or alone: scripts/lib/tier-wasm.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/lib/common.sh

need_go
command -v node >/dev/null || die "tier-wasm: node is missing: install Node.js 20 (the GOOS=js tests run under it)"
runner="$(go env GOROOT)/lib/wasm"
[ -x "$runner/go_js_wasm_exec" ] || die "tier-wasm: $runner/go_js_wasm_exec is missing from the Go toolchain"

GOOS=js GOARCH=wasm go vet ./wasm/...
PATH="$runner:$PATH" GOOS=js GOARCH=wasm go test -count=1 -short ./wasm/...
scripts/build-wasm
