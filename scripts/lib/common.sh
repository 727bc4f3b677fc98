# Shared helpers for the scripts/ commands. Sourced, not run.
step() { printf '\n==> %s\n' "$*"; }
ok()   { printf '\n✔ %s\n' "$*"; }
die()  { printf '\n✘ %s\n' "$*" >&2; exit 1; }

need_go() {
  command -v go >/dev/null 2>&1 || die "go is missing: install Go 1.26 (https://go.dev/dl) and re-run"
}

# wait_http URL SECONDS: poll until URL answers 2xx.
wait_http() {
  local url=$1 secs=${2:-30} i
  for ((i = 0; i < secs * 10; i++)); do
    curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# ensure_npm: node_modules matching package-lock.json (npm ci when missing or stale).
ensure_npm() {
  command -v node >/dev/null 2>&1 || die "node is missing: install Node.js 20 (apt-get install nodejs) and re-run"
  command -v npm >/dev/null 2>&1 || die "npm is missing: install npm and re-run"
  # npm ci rewrites node_modules/.package-lock.json, so a lock file newer than it means stale.
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error || die "npm ci failed: the npm registry must be reachable"
  fi
}

# ensure_chromium: Debian's chromium for the browser tests; installed with apt-get when missing.
ensure_chromium() {
  if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) ||
        die "installing chromium with apt-get failed: the browser tests cannot run"
    else
      die "chromium is missing and this is not root: run 'sudo apt-get install -y chromium' and re-run"
    fi
  fi
  CHROMIUM_PATH=$(command -v chromium)
  export CHROMIUM_PATH
}

# ensure_stress_ng: stress-ng, the CPU hog of `scripts/test --under-load`; installed with
# apt-get when missing.
ensure_stress_ng() {
  command -v stress-ng >/dev/null 2>&1 && return 0
  [ "$(id -u)" = 0 ] ||
    die "stress-ng is missing and this is not root: run 'sudo apt-get install -y stress-ng' and re-run"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq stress-ng >/dev/null) ||
    die "installing stress-ng with apt-get failed: --under-load needs it to keep a core busy"
  command -v stress-ng >/dev/null 2>&1 || die "stress-ng is still missing after apt-get install"
}

# free_port: a loopback TCP port nothing listens on now (random, so parallel tiers rarely pick
# the same one).
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

# children_init: for a tier that starts servers. Each child started after it (`cmd &` then
# `pids+=($!)`) runs in a process group of its own (set -m), and at exit every group is
# stopped, whatever happens; $tmp is a scratch folder removed then (logs go to $tmp/*.log).
children_init() {
  set -m
  pids=()
  tmp=$(mktemp -d)
  trap children_stop EXIT
  trap 'exit 130' INT TERM
}

children_stop() {
  local p
  for p in "${pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}

# show_logs: the end of every child's log in $tmp, after a failure.
show_logs() {
  local f
  for f in "$tmp"/*.log; do
    [ -f "$f" ] || continue
    printf '\n--- %s (last 40 lines) ---\n' "$(basename "$f")"
    tail -n 40 "$f"
  done
}

# build_e2e: what the browser tiers run: the emulator, the dev server and the wasm engine
# (web/ with its Subresource Integrity).
build_e2e() {
  mkdir -p .dev/bin
  go build -o .dev/bin/emulator ./scripts/emulator
  go build -o .dev/bin/devserver ./scripts/devserver
  [ -x scripts/build-wasm ] || die "scripts/build-wasm is missing: the browser tests need the wasm engine"
  scripts/build-wasm
  local f
  for f in web/ferry.wasm web/wasm_exec.js web/worker.js; do
    [ -f "$f" ] || die "$f is missing after scripts/build-wasm"
  done
  go run ./scripts/sri -dir web
}
