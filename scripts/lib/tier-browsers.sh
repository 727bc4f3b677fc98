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
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/common.sh

MINIBROWSER=/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser
FIREFOX=/usr/lib/firefox-esr/firefox-esr

# ensure_browsers: the Debian packages, installed with apt-get when missing (as root).
ensure_browsers() {
  local missing=()
  [ -x "$FIREFOX" ] || missing+=(firefox-esr)
  { command -v WebKitWebDriver >/dev/null 2>&1 && [ -x "$MINIBROWSER" ]; } || missing+=(webkit2gtk-driver)
  command -v Xvfb >/dev/null 2>&1 || missing+=(xvfb)
  [ ${#missing[@]} = 0 ] && return 0
  [ "$(id -u)" = 0 ] ||
    die "missing for the browsers tier: ${missing[*]}; this is not root: run 'sudo apt-get install -y ${missing[*]}' and re-run"
  step "browsers: apt-get install ${missing[*]}"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null) ||
    die "installing ${missing[*]} with apt-get failed: the browsers tier cannot run"
  [ -x "$FIREFOX" ] && command -v WebKitWebDriver >/dev/null && [ -x "$MINIBROWSER" ] && command -v Xvfb >/dev/null ||
    die "still missing after apt-get install: firefox-esr ($FIREFOX), WebKitWebDriver, MiniBrowser ($MINIBROWSER) or Xvfb"
}

need_go
ensure_npm
ensure_browsers
# puppeteer-core downloads no browser, and selenium-webdriver's manager is not asked for one
# (the runner gives it WebKitWebDriver's URL); this says it once more for an `npm ci`.
export PUPPETEER_SKIP_DOWNLOAD=1

step "browsers: building the emulator, the dev server and the engine"
mkdir -p .dev/bin test-results/browsers
rm -f test-results/browsers/*.png test-results/browsers/*.log
go build -o .dev/bin/emulator ./scripts/emulator
go build -o .dev/bin/devserver ./scripts/devserver
scripts/build-wasm
go run ./scripts/sri -dir web

free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  die "no free port found"
}

set -m
pids=()
tmp=$(mktemp -d)
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

show_logs() {
  local f
  for f in "$tmp"/*.log; do
    printf '\n--- %s (last 40 lines) ---\n' "$(basename "$f")"
    tail -n 40 "$f"
  done
}

# The pages with the hook first (a same-origin script: the pages' CSP allows it).
cp -r web "$tmp/web"
cp e2e/browsers/page-hook.js "$tmp/web/test-hook.js"
for f in "$tmp/web/index.html" "$tmp/web/api.html"; do
  grep -q '</head>' "$f" || die "$f has no </head> to put the test hook before"
  sed -i 's#</head>#<script src="test-hook.js"></script>\n</head>#' "$f"
done

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

# MiniBrowser has no headless mode: a virtual display, numbered by Xvfb itself.
Xvfb -displayfd 3 -screen 0 1600x1400x24 -nolisten tcp 3>"$tmp/display" >"$tmp/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$tmp/display" ] && break; sleep 0.1; done
[ -s "$tmp/display" ] || { show_logs; die "Xvfb did not start (no display number within 10 s)"; }
DISPLAY=":$(cat "$tmp/display")"

export FERRY_E2E_URL="http://127.0.0.1:$WEB_PORT"
export FERRY_E2E_EMULATOR="http://127.0.0.1:$EMU_PORT"
export FERRY_E2E_OWN_PORT=$OWN_PORT
export FERRY_E2E_FILES=${FERRY_E2E_FILES:-.dev/browser-files}
export FERRY_E2E_RESULTS=test-results/browsers
export FIREFOX_PATH=$FIREFOX MINIBROWSER_PATH=$MINIBROWSER

# Each browser in turn, bounded as a whole too (each step and scenario is bounded inside).
BOUND=${FERRY_BROWSERS_TIMEOUT:-1200}
failed=()
times=()
for b in firefox webkit; do
  step "browsers: $b"
  start=$SECONDS
  DISPLAY=$DISPLAY timeout -k 10 "$BOUND" node e2e/browsers/run.js "$b" &
  pids+=($!)
  rc=0
  wait $! || rc=$?
  [ "$rc" = 124 ] && printf '  ✘ %s: the whole run took over %s s and was stopped\n' "$b" "$BOUND"
  [ "$rc" = 0 ] || failed+=("$b")
  times+=("$b $((SECONDS - start)) s ($([ "$rc" = 0 ] && echo passed || echo FAILED))")
done

step "browsers: results"
printf '  %s\n' "${times[@]}"
if [ ${#failed[@]} != 0 ]; then
  show_logs
  [ -f test-results/browsers/webkit-driver.log ] &&
    { printf '\n--- webkit-driver.log (last 40 lines) ---\n'; tail -n 40 test-results/browsers/webkit-driver.log; }
  die "browser scenarios failed in: ${failed[*]} (screenshots in test-results/browsers/)"
fi
ok "Firefox ESR and WebKitGTK passed the core browser scenarios (screenshots in test-results/browsers/)"
