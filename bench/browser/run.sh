#!/usr/bin/env bash
# bench/browser/run.sh WORK PARTS EMULATOR BIN FERRYBENCH: the browser figures (1-6) of
# scripts/bench, which calls it once ferry.wasm is built. It writes the test files (real
# pseudo-random bytes, deleted at the end), starts scripts/devserver on a free port serving
# web/ plus bench.html and bench-page.js (one origin for the page, ferry.js and the token
# function) with the function's default policy (brokered, quick upload on), then runs
# bench/browser/bench.js, which writes PARTS/browser.json. A second emulator (in memory)
# with its own dev server serves the small-files figure.
set -euo pipefail
WORK=$1 PARTS=$2 EMU=$3 BIN=$4 FB=$5
cd "$(dirname "$0")/../.."
source scripts/lib/common.sh

site=$WORK/site
files=$WORK/files
rm -rf "$site"
mkdir -p "$site" "$files"
for f in web/*; do ln -s "$PWD/$f" "$site/"; done
ln -s "$PWD/bench/browser/bench.html" "$PWD/bench/browser/bench-page.js" "$site/"

pids=()
cleanup_browser() {
  local p
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$files" "$WORK/tusd-data"
}
trap cleanup_browser EXIT

echo "writing test files in $files"
for s in 256MiB 1GiB 4GiB; do
  "$FB" mkfile -size "$s" -seed ferry-bench -o "$files/$s.bin"
done
# The twin of the 256 MiB file: the same size and first MiB, other bytes after. Stored in
# the emulator, it makes the function's begin answer 409 HashNeeded to Ferry's quick upload
# (forcing the full hash), which then matches nothing, so the file uploads.
"$FB" mkfile -size 256MiB -seed ferry-bench -diverge 1MiB -o "$files/256MiB-twin.bin"

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
# The baselines complete with CRC-64s computed before timing (bench.js).
go build -o "$BIN/crc64" ./scripts/crc64
# No POLICY: the default role (brokered, quick upload on, files up to 5 GiB), which both
# Ferry and the plain-JS baselines use. DEV_MODE gives the function a per-process ticket key.
devserver() { # devserver NAME EMULATOR_URL: starts one; sets DEV_URL
  local port url
  port=$(free_port)
  url="http://127.0.0.1:$port"
  env -u POLICY SMH_API_BASE="$2" SMH_LIBRARY_ID=smhdev SMH_LIBRARY_SECRET=devsecret DEV_MODE=1 AUTH_MODE=anonymous \
    ALLOWED_ORIGINS="$url" RATE_LIMIT=off \
    "$BIN/devserver" -addr "127.0.0.1:$port" -web "$site" >"$WORK/devserver-$1.log" 2>&1 &
  pids+=($!)
  wait_http "$url/healthz" 30 || { tail -n 30 "$WORK/devserver-$1.log"; echo "the dev server ($1) did not start"; exit 1; }
  DEV_URL=$url
}
devserver disk "$EMU"
URL=$DEV_URL
# The small-files figure runs against an emulator in memory (see bench.js).
mport=$(free_port)
EMU_MEM="http://127.0.0.1:$mport"
"$BIN/emulator" -addr "127.0.0.1:$mport" >"$WORK/emulator-browser-mem.log" 2>&1 &
pids+=($!)
wait_http "$EMU_MEM/_emulator/healthz" 30 || { echo "the in-memory emulator did not start"; exit 1; }
devserver memory "$EMU_MEM"
URL_MEM=$DEV_URL

# The tus peer (figure 1d): tusd from its own module (bench/tusd: tusd stays out of Ferry's
# go.mod) and tus-js-client from the npm registry, installed into WORK. Either failing
# leaves the figure "not measured" with the reason; the other figures go on.
TUSD_URL="" TUSD_WHY=""
TUS_VERSION=4.3.1
if ! (cd bench/tusd && go build -o "$BIN/tusd" .) >"$WORK/tusd-build.log" 2>&1; then
  TUSD_WHY="bench/tusd did not build (github.com/tus/tusd/v2 from the Go module proxy): $(tail -n 1 "$WORK/tusd-build.log")"
elif ! npm install --no-audit --no-fund --loglevel=error --prefix "$WORK/tus" "tus-js-client@$TUS_VERSION" >"$WORK/tus-npm.log" 2>&1; then
  TUSD_WHY="npm install tus-js-client@$TUS_VERSION failed: $(tail -n 1 "$WORK/tus-npm.log")"
else
  ln -s "$WORK/tus/node_modules/tus-js-client/dist/tus.min.js" "$site/"
  tport=$(free_port)
  "$BIN/tusd" -addr "127.0.0.1:$tport" -dir "$WORK/tusd-data" >"$WORK/tusd.log" 2>&1 &
  pids+=($!)
  if wait_http "http://127.0.0.1:$tport/healthz" 30; then
    TUSD_URL="http://127.0.0.1:$tport"
  else
    TUSD_WHY="tusd did not start: $(tail -n 1 "$WORK/tusd.log")"
  fi
fi
TUSD_VERSION=$(awk '$1 == "require" && $2 == "github.com/tus/tusd/v2" { print $3 } $1 == "github.com/tus/tusd/v2" { print $2 }' bench/tusd/go.mod | head -n 1)

BENCH_TUSD=$TUSD_URL BENCH_TUSD_WHY=$TUSD_WHY BENCH_TUS_VERSION=$TUS_VERSION BENCH_TUSD_VERSION=$TUSD_VERSION \
BENCH_URL=$URL BENCH_EMULATOR=$EMU BENCH_URL_MEM=$URL_MEM BENCH_EMULATOR_MEM=$EMU_MEM \
  BENCH_FILES=$files BENCH_OUT=$PARTS BENCH_WEB=web BENCH_CRC64=$BIN/crc64 \
  BENCH_RUNS=${FERRY_BENCH_RUNS:-} BENCH_MEM_RUNS=${FERRY_BENCH_MEM_RUNS:-} \
  node bench/browser/bench.js
