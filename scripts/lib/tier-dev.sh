#!/usr/bin/env bash
# The scripts/dev tier of scripts/test: the real `scripts/dev --provider P` for SMH, PDS and
# Gokuai, as a user runs it, not a copy of its settings.
#   scripts/lib/tier-dev.sh [smh|pds|gokuai]   all three, or the one named
# For each: scripts/dev on free ports (PORT, EMULATOR_PORT) with its emulator's data in a
# scratch folder (FERRY_DEV_DATA), started in a process group of its own; once its dev server
# answers, e2e/dev-smoke.js picks one file of 20 MiB + 3 bytes through the demo page in
# headless chromium and checks the bytes where the page says they went (Gokuai: dev-user's
# personal library). Then scripts/dev gets SIGINT, as Ctrl-C sends it, and must exit 0 within
# 30 s having stopped its emulator and dev server: neither port may still listen, and none of
# its children may still run. Screenshots in test-results/dev/<provider>.png.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/common.sh

case ${1:-all} in
  all) providers=(smh pds gokuai) ;;
  smh | pds | gokuai) providers=("$1") ;;
  *) die "usage: scripts/lib/tier-dev.sh [smh|pds|gokuai]" ;;
esac

need_go
ensure_npm
ensure_chromium

export FERRY_E2E_RESULTS=test-results/dev
mkdir -p "$FERRY_E2E_RESULTS"
rm -f "$FERRY_E2E_RESULTS"/*.png
export FERRY_E2E_FILES=${FERRY_E2E_FILES:-.dev/e2e-files}
export FERRY_E2E_USER=dev-user
children_init

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# descendants PID: every process under PID (scripts/dev's children run in process groups of
# their own, so its group alone does not name them).
descendants() {
  local c
  for c in $(pgrep -P "$1" || true); do
    echo "$c"
    descendants "$c"
  done
}

# At exit, whatever happens, scripts/dev's children go too, even if its own cleanup failed:
# those recorded before it was told to stop (dev_children) and those of a scripts/dev still
# running. They go first, so that scripts/dev's wait for them cannot hang the exit.
dev_children=()
stop_all() {
  local p c
  for p in "${pids[@]}"; do
    for c in $(descendants "$p"); do dev_children+=("$c"); done
  done
  for c in "${dev_children[@]}"; do kill -TERM -- "-$c" 2>/dev/null || kill -TERM "$c" 2>/dev/null || true; done
  children_stop
}
trap stop_all EXIT

# fail MESSAGE: scripts/dev's output and every log, then die.
fail() {
  show_logs
  die "$1"
}

# stop_dev PID: SIGINT to scripts/dev's process group, as Ctrl-C in its terminal; it must exit 0
# within 30 s (a bound: past it the group is killed and the tier fails). Sets dev_rc.
stop_dev() {
  local dev=$1 guard
  kill -INT -- "-$dev"
  (
    sleep 30
    kill -KILL -- "-$dev" 2>/dev/null
  ) &
  guard=$!
  dev_rc=0
  wait "$dev" || dev_rc=$?
  kill -TERM -- "-$guard" 2>/dev/null || true
  wait "$guard" 2>/dev/null || true
}

summary=()
for provider in "${providers[@]}"; do
  step "scripts/dev --provider $provider: one file through the demo page"
  start=$SECONDS
  port=$(free_port)
  emu_port=$(free_port)
  while [ "$emu_port" = "$port" ]; do emu_port=$(free_port); done
  log=$tmp/scripts-dev-$provider.log
  # Nothing inherited from the caller's shell changes what scripts/dev runs.
  env -u ALLOWED_ORIGINS -u POLICY -u WRANGLER_PORT PORT="$port" EMULATOR_PORT="$emu_port" \
    FERRY_DEV_DATA="$tmp/data-$provider" scripts/dev --provider "$provider" >"$log" 2>&1 &
  dev=$!
  pids+=("$dev")

  # Ready once the dev server answers; the first build of the wasm engine is slow (300 s is a
  # bound, not a wait), and scripts/dev exiting before then fails at once.
  ready=0
  while ((SECONDS - start < 300)); do
    if curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/healthz" 2>/dev/null; then
      ready=1
      break
    fi
    [ -z "$(jobs -rp | grep -x "$dev" || true)" ] && fail "scripts/dev --provider $provider exited before its dev server answered"
    sleep 0.1
  done
  [ "$ready" = 1 ] || fail "scripts/dev --provider $provider: no answer on http://127.0.0.1:$port/healthz in 300 s"
  up=$((SECONDS - start))

  if ! FERRY_E2E_PROVIDER=$provider FERRY_E2E_URL="http://127.0.0.1:$port" \
    FERRY_E2E_EMULATOR="http://127.0.0.1:$emu_port" node e2e/dev-smoke.js; then
    fail "scripts/dev --provider $provider: the demo page did not store the file byte-identical (screenshot in $FERRY_E2E_RESULTS/)"
  fi

  mapfile -t dev_children < <(descendants "$dev")
  stop_dev "$dev"
  pids=() # stopped: nothing left for the exit trap
  [ "$dev_rc" = 0 ] || fail "scripts/dev --provider $provider exited $dev_rc on SIGINT (want 0; 137: it did not stop within 30 s)"
  for p in "$port" "$emu_port"; do
    listening "$p" && fail "scripts/dev --provider $provider stopped, but port $p still listens"
  done
  for c in "${dev_children[@]}"; do
    if kill -0 "$c" 2>/dev/null; then
      fail "scripts/dev --provider $provider stopped, but its child $c still runs: $(ps -o args= -p "$c" || true)"
    fi
  done
  grep -q '^Stopped\.$' "$log" || fail "scripts/dev --provider $provider did not say Stopped."
  dev_children=()
  summary+=("$(printf '%-7s %4d s (%d s to ready, the rest the upload and the stop)' "$provider" $((SECONDS - start)) "$up")")
done

printf '\n'
printf '  scripts/dev --provider %s\n' "${summary[@]}"
ok "scripts/dev served the demo page and stored one file byte-identical for ${providers[*]}; each stopped on SIGINT leaving nothing behind"
