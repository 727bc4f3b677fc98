#!/usr/bin/env bash
# The provider tiers of scripts/test: the browser tests that SMH has, against Alibaba PDS and
# Gokuai.
#   scripts/lib/tier-provider.sh pds|gokuai browsers   the core browser scenarios
#                                      (e2e/browsers/scenarios.js) in Chromium, Firefox ESR and
#                                      WebKitGTK (scripts/lib/browsers.sh, as tier-browsers.sh
#                                      runs them)
#   scripts/lib/tier-provider.sh pds|gokuai chaos      e2e/chaos.test.js in headless chromium
#                                      (what scripts/lib/tier-chaos.sh pds|gokuai runs)
# Against the real pieces on loopback, on free ports: the provider's emulator in memory
# (scripts/emulator -provider pds|gokuai) and the dev server with the token function in dev
# mode (anonymous user dev-user, default role: brokered, the only mode both have).
#   pds     the emulator trusts a JWT-app key pair made for this run in a temporary folder
#           (scripts/devkeys); files land in the user's default drive.
#   gokuai  enterprise gkdev/gkdevsecret, as scripts/dev --provider gokuai; the role's
#           "library":"{member}" puts files in dev-user's personal library, which the
#           function creates on the first upload (e2e/lib.js finds its mount id then).
# The tests read the user's files through the emulator's /_emulator/* API
# (FERRY_E2E_PROVIDER, e2e/lib.js). Screenshots and chaos.json go to test-results/<provider>/.
# Every child is stopped at the end, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/common.sh
source scripts/lib/browsers.sh

provider=${1:-}
what=${2:-}
case $provider:$what in
  pds:browsers | pds:chaos | gokuai:browsers | gokuai:chaos) ;;
  *) die "usage: scripts/lib/tier-provider.sh pds|gokuai browsers|chaos" ;;
esac
# The provider's name in messages.
name=$([ "$provider" = pds ] && echo PDS || echo Gokuai)

need_go
ensure_npm
ensure_chromium
if [ "$what" = browsers ]; then ensure_browsers; fi

step "$provider $what: building the emulator, the dev server and the engine"
export FERRY_E2E_RESULTS=test-results/$provider
mkdir -p "$FERRY_E2E_RESULTS"
if [ "$what" = browsers ]; then
  rm -f "$FERRY_E2E_RESULTS"/{chromium,firefox,webkit}-*.png "$FERRY_E2E_RESULTS"/*.log
fi
build_e2e
if [ "$provider" = pds ]; then go build -o .dev/bin/devkeys ./scripts/devkeys; fi

children_init
emulator_args=()
if [ "$provider" = pds ]; then
  # The JWT app's key pair, for this run only (removed with $tmp).
  .dev/bin/devkeys -dir "$tmp/keys" >/dev/null
  emulator_args=(-pds-jwt-public-key "$tmp/keys/jwt-app.pub")
fi

EMU_PORT=$(free_port)
.dev/bin/emulator -provider "$provider" -addr "127.0.0.1:$EMU_PORT" "${emulator_args[@]}" >"$tmp/emulator.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$EMU_PORT/_emulator/healthz" 30 || { show_logs; die "the $name emulator did not become ready"; }

# The browsers tier's pages load the test hook first (scripts/lib/browsers.sh); the chaos
# test listens to Chromium itself.
site=web
if [ "$what" = browsers ]; then
  hooked_web "$tmp/web"
  site=$tmp/web
fi
# A page of one's own on another origin (a browser scenario) loads ferry.js from the dev
# server and calls its token function: its origin is allowed too.
WEB_PORT=$(free_port)
OWN_PORT=$(free_port)
# The function's settings are exported in the child only (never on a command line).
(
  if [ "$provider" = pds ]; then
    export FERRY_PROVIDER=pds PDS_API_BASE="http://127.0.0.1:$EMU_PORT" PDS_DOMAIN_ID=pdsdev PDS_CLIENT_ID=ferry-dev-app
    PDS_PRIVATE_KEY="$(cat "$tmp/keys/jwt-app.key")"
    export PDS_PRIVATE_KEY
  else
    # scripts/dev's Gokuai settings: the caller's personal library, made on its first upload
    # (its policy from the one file scripts/dev reads).
    export FERRY_PROVIDER=gokuai GOKUAI_API_BASE="http://127.0.0.1:$EMU_PORT/m-open" GOKUAI_CLIENT_ID=gkdev \
      GOKUAI_CLIENT_SECRET=gkdevsecret
    POLICY=$(cat scripts/lib/dev-policy-gokuai.json)
    export POLICY
  fi
  export DEV_MODE=1 AUTH_MODE=anonymous ALLOWED_ORIGINS="http://127.0.0.1:$WEB_PORT,http://127.0.0.1:$OWN_PORT" RATE_LIMIT=off
  exec .dev/bin/devserver -addr "127.0.0.1:$WEB_PORT" -web "$site" >"$tmp/devserver.log" 2>&1
) &
pids+=($!)
wait_http "http://127.0.0.1:$WEB_PORT/healthz" 30 || { show_logs; die "the dev server ($name) did not become ready"; }

export FERRY_E2E_PROVIDER=$provider
export FERRY_E2E_USER=dev-user
export FERRY_E2E_URL="http://127.0.0.1:$WEB_PORT"
export FERRY_E2E_MODE=brokered
export FERRY_E2E_EMULATOR="http://127.0.0.1:$EMU_PORT"
export FERRY_E2E_OWN_PORT=$OWN_PORT

if [ "$what" = browsers ]; then
  export FERRY_E2E_FILES=${FERRY_E2E_FILES:-.dev/browser-files}
  start_xvfb
  run_browsers "$provider browsers" chromium firefox webkit
  ok "Chromium, Firefox ESR and WebKitGTK passed the core browser scenarios against $name (screenshots in $FERRY_E2E_RESULTS/)"
  exit 0
fi

export FERRY_E2E_FILES=${FERRY_E2E_FILES:-.dev/e2e-files}
step "$provider chaos: node --test e2e/chaos.test.js (chromium $("$CHROMIUM_PATH" --version 2>/dev/null | grep -o '[0-9][0-9.]*' | head -1))"
start=$SECONDS
# PDS's and Gokuai's parts go one at a time per file, and a stalled part waits out the
# engine's 30 s stall timeout: the test allows itself 15 minutes (SMH: 9).
if ! node --test --test-concurrency=1 --test-timeout="${FERRY_E2E_TIMEOUT:-960000}" e2e/chaos.test.js; then
  show_logs
  die "the $name chaos test failed (screenshots in $FERRY_E2E_RESULTS/)"
fi
ok "the $name chaos test passed in $((SECONDS - start)) s (figures in $FERRY_E2E_RESULTS/chaos.json)"
