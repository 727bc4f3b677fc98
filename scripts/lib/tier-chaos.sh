#!/usr/bin/env bash
# The chaos tier of scripts/test: e2e/chaos.test.js in headless chromium. 30 files (0 B to
# ~300 MiB) under seeded faults, token and signature expiry and a page reload.
#   scripts/lib/tier-chaos.sh [smh]   against SMH, with the set-up of the browser tier
#                                     (scripts/lib/tier-e2e.sh: a fresh emulator in memory, the
#                                     dev server, the wasm engine); figures in
#                                     test-results/e2e/chaos.json
#   scripts/lib/tier-chaos.sh pds     against Alibaba PDS (scripts/lib/tier-provider.sh pds
#                                     chaos); figures in test-results/pds/chaos.json
#   scripts/lib/tier-chaos.sh gokuai  against Gokuai (scripts/lib/tier-provider.sh gokuai
#                                     chaos); figures in test-results/gokuai/chaos.json
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/common.sh
case ${1:-smh} in
  smh) FERRY_E2E_TESTS="$(echo e2e/chaos*.test.js)" FERRY_E2E_TIMEOUT=540000 exec scripts/lib/tier-e2e.sh ;;
  pds | gokuai) exec scripts/lib/tier-provider.sh "$1" chaos ;;
  *) die "usage: scripts/lib/tier-chaos.sh [smh|pds|gokuai]" ;;
esac
