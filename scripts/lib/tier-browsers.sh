#!/usr/bin/env bash
# The browsers tier of scripts/test: the core browser scenarios (e2e/browsers/scenarios.js:
# edge sizes through the element and the JS API, pause/resume, reload + resume, progress never
# going down, a page on another origin) in the two engines beside Chromium (tier-e2e.sh):
#   - Firefox ESR (Debian firefox-esr), headless, driven by puppeteer-core over WebDriver BiDi;
#   - WebKitGTK (Debian webkit2gtk-driver): WebKitWebDriver driving MiniBrowser under Xvfb,
#     through selenium-webdriver (classic WebDriver: it refuses BiDi).
# Against what the e2e tier runs: the SMH emulator and the dev server (default role, brokered)
# on free ports. The dev server serves a copy of web/ whose pages load e2e/browsers/
# page-hook.js first: without BiDi a page's errors are seen only from inside it. Screenshots
# go to test-results/browsers/. Every child is stopped at the end, whatever happens.
# (scripts/lib/tier-provider.sh pds|gokuai browsers runs the same against PDS and Gokuai, in
# Chromium too.)
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/common.sh
source scripts/lib/browsers.sh

need_go
ensure_npm
ensure_browsers

step "browsers: building the emulator, the dev server and the engine"
mkdir -p test-results/browsers
rm -f test-results/browsers/*.png test-results/browsers/*.log
build_e2e

children_init
hooked_web "$tmp/web"

EMU_PORT=$(free_port)
.dev/bin/emulator -addr "127.0.0.1:$EMU_PORT" >"$tmp/emulator.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$EMU_PORT/_emulator/healthz" 30 || { show_logs; die "the emulator did not become ready"; }

WEB_PORT=$(free_port)
OWN_PORT=$(free_port)
SMH_API_BASE="http://127.0.0.1:$EMU_PORT" SMH_LIBRARY_ID=smhdev SMH_LIBRARY_SECRET=devsecret \
  DEV_MODE=1 AUTH_MODE=anonymous ALLOWED_ORIGINS="http://127.0.0.1:$WEB_PORT,http://127.0.0.1:$OWN_PORT" RATE_LIMIT=off \
  .dev/bin/devserver -addr "127.0.0.1:$WEB_PORT" -web "$tmp/web" >"$tmp/devserver.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$WEB_PORT/healthz" 30 || { show_logs; die "the dev server did not become ready"; }

start_xvfb

export FERRY_E2E_URL="http://127.0.0.1:$WEB_PORT"
export FERRY_E2E_EMULATOR="http://127.0.0.1:$EMU_PORT"
export FERRY_E2E_PROVIDER=smh
export FERRY_E2E_OWN_PORT=$OWN_PORT
export FERRY_E2E_FILES=${FERRY_E2E_FILES:-.dev/browser-files}
export FERRY_E2E_RESULTS=test-results/browsers

run_browsers browsers firefox webkit
ok "Firefox ESR and WebKitGTK passed the core browser scenarios (screenshots in test-results/browsers/)"
