# Shared by the browser-scenario tiers (scripts/lib/tier-browsers.sh against SMH,
# scripts/lib/tier-provider.sh pds|gokuai browsers against PDS and Gokuai): the browsers,
# the pages with the test hook, the virtual display and the run of e2e/browsers/run.js in
# each browser. Sourced after common.sh, and after children_init for the functions that
# start children.

MINIBROWSER=/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser
FIREFOX=/usr/lib/firefox-esr/firefox-esr

# ensure_browsers: the Debian packages of firefox-esr and WebKitGTK, installed with apt-get
# when missing (as root). Exports what e2e/browsers/drivers.js reads.
ensure_browsers() {
  local missing=()
  [ -x "$FIREFOX" ] || missing+=(firefox-esr)
  { command -v WebKitWebDriver >/dev/null 2>&1 && [ -x "$MINIBROWSER" ]; } || missing+=(webkit2gtk-driver)
  command -v Xvfb >/dev/null 2>&1 || missing+=(xvfb)
  if [ ${#missing[@]} != 0 ]; then
    [ "$(id -u)" = 0 ] ||
      die "missing for the browsers tier: ${missing[*]}; this is not root: run 'sudo apt-get install -y ${missing[*]}' and re-run"
    step "browsers: apt-get install ${missing[*]}"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null) ||
      die "installing ${missing[*]} with apt-get failed: the browsers tier cannot run"
    [ -x "$FIREFOX" ] && command -v WebKitWebDriver >/dev/null && [ -x "$MINIBROWSER" ] && command -v Xvfb >/dev/null ||
      die "still missing after apt-get install: firefox-esr ($FIREFOX), WebKitWebDriver, MiniBrowser ($MINIBROWSER) or Xvfb"
  fi
  export FIREFOX_PATH=$FIREFOX MINIBROWSER_PATH=$MINIBROWSER
  # puppeteer-core downloads no browser, and selenium-webdriver's manager is not asked for one
  # (the runner gives it WebKitWebDriver's URL); this says it once more for an `npm ci`.
  export PUPPETEER_SKIP_DOWNLOAD=1
}

# hooked_web DEST: a copy of web/ whose pages load e2e/browsers/page-hook.js first (a
# same-origin script: the pages' CSP allows it). Without BiDi a page's errors are seen only
# from inside it.
hooked_web() {
  local dest=$1 f
  cp -r web "$dest"
  cp e2e/browsers/page-hook.js "$dest/test-hook.js"
  for f in "$dest/index.html" "$dest/api.html"; do
    grep -q '</head>' "$f" || die "$f has no </head> to put the test hook before"
    sed -i 's#</head>#<script src="test-hook.js"></script>\n</head>#' "$f"
  done
}

# start_xvfb: a virtual display for MiniBrowser (it has no headless mode), numbered by Xvfb
# itself; sets DISPLAY.
start_xvfb() {
  Xvfb -displayfd 3 -screen 0 1600x1400x24 -nolisten tcp 3>"$tmp/display" >"$tmp/xvfb.log" 2>&1 &
  pids+=($!)
  local _
  for _ in $(seq 1 100); do [ -s "$tmp/display" ] && break; sleep 0.1; done
  [ -s "$tmp/display" ] || { show_logs; die "Xvfb did not start (no display number within 10 s)"; }
  DISPLAY=":$(cat "$tmp/display")"
}

# run_browsers WHAT BROWSER...: e2e/browsers/run.js in each browser in turn, each bounded as
# a whole too (each step and scenario is bounded inside); prints each one's wall time and
# fails naming the browsers that failed. WHAT names the run in the messages.
run_browsers() {
  local what=$1 b start rc
  shift
  local bound=${FERRY_BROWSERS_TIMEOUT:-1200} failed=() times=()
  for b in "$@"; do
    step "$what: $b"
    start=$SECONDS
    DISPLAY=$DISPLAY timeout -k 10 "$bound" node e2e/browsers/run.js "$b" &
    pids+=($!)
    rc=0
    wait $! || rc=$?
    [ "$rc" = 124 ] && printf '  ✘ %s: the whole run took over %s s and was stopped\n' "$b" "$bound"
    [ "$rc" = 0 ] || failed+=("$b")
    times+=("$b $((SECONDS - start)) s ($([ "$rc" = 0 ] && echo passed || echo FAILED))")
  done
  step "$what: results"
  printf '  %s\n' "${times[@]}"
  if [ ${#failed[@]} != 0 ]; then
    show_logs
    [ -f "$FERRY_E2E_RESULTS/webkit-driver.log" ] &&
      { printf '\n--- webkit-driver.log (last 40 lines) ---\n'; tail -n 40 "$FERRY_E2E_RESULTS/webkit-driver.log"; }
    die "$what: the core scenarios failed in: ${failed[*]} (screenshots in $FERRY_E2E_RESULTS/)"
  fi
}
