#!/usr/bin/env bash
# The chaos tier of scripts/test: e2e/chaos.test.js in headless chromium, with the set-up of
# the browser tier (scripts/lib/tier-e2e.sh: a fresh emulator in memory, the dev server, the
# wasm engine). 30 files (0 B to ~300 MiB) under seeded faults, token and signature expiry
# and a page reload; its figures go to test-results/e2e/chaos.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
FERRY_E2E_TESTS="$(echo e2e/chaos*.test.js)" FERRY_E2E_TIMEOUT=540000 exec scripts/lib/tier-e2e.sh
