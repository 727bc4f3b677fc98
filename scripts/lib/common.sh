# Shared helpers for the scripts/ commands. Sourced, not run.
step() { printf '\n==> %s\n' "$*"; }
ok()   { printf '\n✔ %s\n' "$*"; }
die()  { printf '\n✘ %s\n' "$*" >&2; exit 1; }

need_go() {
  command -v go >/dev/null 2>&1 || die "go is missing: install Go 1.26 (https://go.dev/dl) and re-run"
}
