#!/usr/bin/env bash
# `scripts/test --under-load [N]` (N defaults to 3): the whole of scripts/test N times in a
# row while a CPU hog (stress-ng --cpu 1) keeps one core busy, as on a busy CI machine. Stops
# at the first failed run; prints each run's wall time and outcome, then a summary line. The
# hog is stopped however this ends (Ctrl-C included).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/common.sh

runs=${1:-3}
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "--under-load takes a number of runs (1 or more), not '$runs'"
ensure_stress_ng

hog=
stop_hog() {
  [ -n "$hog" ] || return 0
  kill -TERM -- "-$hog" 2>/dev/null || true
  wait "$hog" 2>/dev/null || true
  hog=
}
trap stop_hog EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The hog gets a process group of its own (job control on just for it), so stop_hog ends it
# and its worker together; Ctrl-C reaches only the runs, and the trap does the rest.
set -m
# Its own output is dropped (it warns that it was stopped early when stop_hog ends it).
stress-ng --cpu 1 --quiet >/dev/null 2>&1 &
hog=$!
set +m
# Started means its worker is running (two processes in its group).
for ((i = 0; i < 100; i++)); do
  kill -0 "$hog" 2>/dev/null || die "the CPU hog did not start: 'stress-ng --cpu 1 --timeout 5s' shows why"
  [ "$(pgrep -g "$hog" | wc -l)" -ge 2 ] && break
  sleep 0.1
done
printf '==> under load: %s run(s) of scripts/test, stress-ng --cpu 1 busy (pid %s) on %s cores\n' "$runs" "$hog" "$(nproc)"

times=""
for ((run = 1; run <= runs; run++)); do
  step "under load: run $run of $runs"
  start=$SECONDS
  status=0
  scripts/test || status=$?
  secs=$((SECONDS - start))
  times+="${times:+, }run $run $( ((status)) && echo FAILED || echo passed) in $secs s"
  kill -0 "$hog" 2>/dev/null || die "the CPU hog stopped during run $run, so it was not under load ($times)"
  if ((status)); then
    printf '\n==> under load: run %s of %s FAILED (exit %s) in %s s\n' "$run" "$runs" "$status" "$secs"
    die "under load: $((run - 1)) of $runs runs passed, then run $run failed ($times)"
  fi
  printf '\n==> under load: run %s of %s passed in %s s\n' "$run" "$runs" "$secs"
done
ok "under load: $runs of $runs runs passed ($times)"
