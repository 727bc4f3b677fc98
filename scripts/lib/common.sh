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
