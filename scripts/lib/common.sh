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
