#!/usr/bin/env bash
# The browser end-to-end tier of scripts/test: headless Debian chromium, driven by
# playwright-core, against the real pieces on loopback:
#   - the SMH emulator (in memory) on a free port;
#   - the dev server (web/ + the token function in dev mode, default policy: brokered, the
#     browser holds no SMH token) on a free port;
#   - a dev server whose direct role may confirm directly (direct quick upload), and one with
#     the default role in direct mode, for the direct pass.
# Then `node --test e2e/` (brokered), and the core scenarios again in direct mode; screenshots
# go to test-results/e2e/. Every child is stopped at the end, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/common.sh

need_go
ensure_npm
ensure_chromium
# A CJK font, so the zh-CN screenshots show text rather than boxes (cosmetic: tests pass
# without it, so a failed install only warns).
if ! fc-list :lang=zh 2>/dev/null | grep -q . && [ "$(id -u)" = 0 ]; then
  { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null 2>&1; }; } ||
    printf '  (could not install fonts-wqy-microhei: Chinese text in screenshots will show as boxes)\n'
fi

step "e2e: building the emulator, the dev server and the engine"
mkdir -p test-results/e2e
build_e2e

children_init

EMU_PORT=$(free_port)
.dev/bin/emulator -addr "127.0.0.1:$EMU_PORT" >"$tmp/emulator.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$EMU_PORT/_emulator/healthz" 30 || { show_logs; die "the emulator did not become ready"; }

# A page of one's own on another origin (e2e/api.test.js) loads ferry.js from the dev
# server and calls its token function: its origin is allowed too.
OWN_PORT=$(free_port)
start_devserver() { # name port [extra env...]
  local name=$1 port=$2
  shift 2
  env SMH_API_BASE="http://127.0.0.1:$EMU_PORT" SMH_LIBRARY_ID=smhdev SMH_LIBRARY_SECRET=devsecret \
    DEV_MODE=1 AUTH_MODE=anonymous ALLOWED_ORIGINS="http://127.0.0.1:$port,http://127.0.0.1:$OWN_PORT" RATE_LIMIT=off "$@" \
    .dev/bin/devserver -addr "127.0.0.1:$port" -web web >"$tmp/$name.log" 2>&1 &
  pids+=($!)
  wait_http "http://127.0.0.1:$port/healthz" 30 || { show_logs; die "the dev server ($name) did not become ready"; }
}

WEB_PORT=$(free_port)
start_devserver devserver "$WEB_PORT"
DIRECT_PORT=$(free_port)
start_devserver devserver-direct "$DIRECT_PORT" \
  POLICY='{"roles":{"uploader":{"mode":"direct","grants":["upload_file"],"space":"-","pathPrefix":"/users/{sub}/","maxFileSize":5368709120,"allowedTypes":[],"period":3600,"confirm":"direct"}}}'

# A third dev server whose default role is in direct mode (interfaces.md §5.1, opt-in): the
# direct pass below runs the core browser tests through it.
DIRECTPASS_PORT=$(free_port)
start_devserver devserver-directpass "$DIRECTPASS_PORT" \
  POLICY='{"roles":{"uploader":{"grants":["begin_upload"],"mode":"direct"}}}'

step "e2e: node --test e2e/ (chromium $("$CHROMIUM_PATH" --version 2>/dev/null | grep -o '[0-9][0-9.]*' | head -1))"
export FERRY_E2E_URL="http://127.0.0.1:$WEB_PORT"
export FERRY_E2E_MODE=brokered
export FERRY_E2E_PROVIDER=smh
export FERRY_E2E_DIRECT_URL="http://127.0.0.1:$DIRECT_PORT"
export FERRY_E2E_EMULATOR="http://127.0.0.1:$EMU_PORT"
export FERRY_E2E_OWN_PORT=$OWN_PORT
export FERRY_E2E_FILES=${FERRY_E2E_FILES:-.dev/e2e-files}
export FERRY_E2E_RESULTS=test-results/e2e
# FERRY_E2E_TESTS picks the test files (scripts/lib/tier-chaos.sh runs e2e/chaos*.test.js
# this way); by default every e2e test but the chaos ones, which have a tier of their own.
if [ -n "${FERRY_E2E_TESTS:-}" ]; then
  read -r -a tests <<<"$FERRY_E2E_TESTS"
else
  tests=()
  for f in e2e/*.test.js; do case $f in e2e/chaos*) ;; *) tests+=("$f") ;; esac; done
fi
start=$SECONDS
if ! node --test --test-concurrency=1 --test-timeout="${FERRY_E2E_TIMEOUT:-240000}" "${tests[@]}"; then
  show_logs
  die "browser end-to-end tests failed (screenshots in test-results/e2e/)"
fi
ok "browser end-to-end tests passed in $((SECONDS - start)) s (screenshots in test-results/e2e/)"

# The direct pass: the core scenarios again with the page's role in direct mode (an SMH token
# in the browser, opt-in per role). Not in the chaos tier.
if [ -z "${FERRY_E2E_TESTS:-}" ]; then
  step "e2e: the direct pass (FERRY_E2E_MODE=direct)"
  # A fresh library: the tests upload the same files again, which quick upload would store
  # from their hashes alone.
  curl -fsS -X POST "http://127.0.0.1:$EMU_PORT/_emulator/reset" >/dev/null || die "could not reset the emulator"
  start=$SECONDS
  if ! FERRY_E2E_URL="http://127.0.0.1:$DIRECTPASS_PORT" FERRY_E2E_MODE=direct FERRY_E2E_RESULTS=test-results/e2e/direct \
    node --test --test-concurrency=1 --test-timeout="${FERRY_E2E_TIMEOUT:-240000}" \
    e2e/element.test.js e2e/api.test.js e2e/restorable.test.js e2e/interrupt.test.js e2e/lost.test.js; then
    show_logs
    die "browser end-to-end tests failed in the direct pass (screenshots in test-results/e2e/direct/)"
  fi
  ok "direct pass passed in $((SECONDS - start)) s"
fi
