#!/usr/bin/env bash
# scripts/lib/tier-workers.sh: the Workers smoke test. Builds the token function for
# Cloudflare Workers, runs it under `npx wrangler dev` (offline, no account) against the
# SMH emulator, and checks through the worker:
#   - GET /healthz;
#   - POST /v1/token with a dev JWT: the worker calls the emulator's token API, which is
#     outbound fetch from workerd (this is the test of the "Illegal invocation" workaround
#     in scripts/build-workers);
#   - the returned token begins an upload at the emulator; PUT; POST /v1/confirm through
#     the worker (server-side token, outbound fetch again);
#   - refusals: no JWT → 401, a disallowed origin → 403;
# and reports the bundle size as `wrangler deploy --dry-run` prints it.
# Run by scripts/test, or alone: scripts/lib/tier-workers.sh. Everything it starts is
# stopped on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/lib/common.sh

command -v curl >/dev/null || die "tier-workers: curl is missing (apt-get install curl)"
command -v node >/dev/null || die "tier-workers: node is missing: install Node.js 20"
ensure_npm

work=$(mktemp -d)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  printf '\n--- emulator log (tail) ---\n' >&2; tail -n 20 "$work/emulator.log" >&2 || true
  printf '\n--- wrangler log (tail) ---\n' >&2; tail -n 40 "$work/wrangler.log" >&2 || true
  die "tier-workers: $*"
}

# free_port: an unused loopback port (asks the kernel).
free_port_tw() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
EMU_PORT=$(free_port_tw)
WR_PORT=$(free_port_tw)
INSPECT_PORT=$(free_port_tw)
HOOK_PORT=$(free_port_tw)
WHS=tier-workers-webhook-secret
HS=tier-workers-hs256-secret-0123456789abcdef
ORIGIN=http://localhost:5173

step "Workers smoke: building the emulator and the worker"
go build -o "$work/emulator" ./scripts/emulator
scripts/build-workers | tee "$work/build.log"

step "Workers smoke: emulator on 127.0.0.1:$EMU_PORT"
setsid "$work/emulator" -addr "127.0.0.1:$EMU_PORT" >"$work/emulator.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$EMU_PORT/_emulator/healthz" 30 || fail "the emulator did not become ready"

# A webhook receiver that checks the signature (the README's Node snippet) and records.
cat >"$work/hook.js" <<'JS'
const crypto = require("node:crypto");
const [port, secret, out] = process.argv.slice(2);
require("node:http").createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    const parts = Object.fromEntries((req.headers["ferry-signature"] || "").split(",").map((p) => p.trim().split("=", 2)));
    const want = crypto.createHmac("sha256", secret).update(parts.t + ".").update(body).digest("hex");
    const ok = parts.v1 === want && Math.abs(Date.now() / 1000 - Number(parts.t)) < 300;
    if (ok) require("node:fs").writeFileSync(out, body);
    res.writeHead(ok ? 204 : 401).end();
  });
}).listen(Number(port), "127.0.0.1");
JS
setsid node "$work/hook.js" "$HOOK_PORT" "$WHS" "$work/hook.json" >"$work/hook.log" 2>&1 &
pids+=($!)

step "Workers smoke: wrangler dev on 127.0.0.1:$WR_PORT"
# The worker's settings: plain vars and secrets both as --var (nothing written to .dev.vars).
WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false setsid npx wrangler dev \
  --ip 127.0.0.1 --port "$WR_PORT" --inspector-port "$INSPECT_PORT" --show-interactive-dev-session=false \
  --var "SMH_API_BASE:http://127.0.0.1:$EMU_PORT" --var "SMH_LIBRARY_ID:smhdev" \
  --var "SMH_LIBRARY_SECRET:devsecret" --var "AUTH_HS256_SECRET:$HS" \
  --var "ALLOWED_ORIGINS:$ORIGIN" --var "RATE_LIMIT:off" \
  --var "WEBHOOK_URL:http://127.0.0.1:$HOOK_PORT/ferry" --var "WEBHOOK_SECRET:$WHS" \
  >"$work/wrangler.log" 2>&1 </dev/null &
wpid=$!
pids+=($wpid)
for ((i = 0; i < 1200; i++)); do
  curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$WR_PORT/healthz" 2>/dev/null && break
  kill -0 "$wpid" 2>/dev/null || fail "wrangler dev exited"
  sleep 0.1
done
((i < 1200)) || fail "wrangler dev did not answer /healthz within 120 s"

W="http://127.0.0.1:$WR_PORT"
E="http://127.0.0.1:$EMU_PORT"
JWT=$(go run ./scripts/devjwt -sub alice -role uploader -secret "$HS")

# call METHOD URL [curl args...]: prints "STATUS BODY" into $work/out, returns the status.
call() {
  local m=$1 u=$2; shift 2
  curl -sS -o "$work/body" -w '%{http_code}' -X "$m" "$u" "$@" >"$work/status" || fail "curl $m $u failed"
  cat "$work/status"
}
expect() { # expect STATUS what METHOD URL [args]
  local want=$1 what=$2 got; shift 2
  got=$(call "$@")
  [ "$got" = "$want" ] || fail "$what: HTTP $got, want $want: $(cat "$work/body")"
  printf '  ok  %-46s %s\n' "$what" "$got"
}
json() { node -e 'const o=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); const v=process.argv[2].split(".").reduce((a,k)=>a?.[k],o); if(v===undefined) process.exit(1); console.log(typeof v==="string"?v:JSON.stringify(v))' "$work/body" "$1"; }

step "Workers smoke: requests through the worker"
expect 200 "GET /healthz" GET "$W/healthz"
expect 200 "POST /v1/token (outbound fetch to SMH)" POST "$W/v1/token" -H "Authorization: Bearer $JWT" -H "Origin: $ORIGIN"
TOKEN=$(json accessToken) || fail "no accessToken in $(cat "$work/body")"
[ "$(json userId)" = alice ] && [ "$(json limits.pathPrefix)" = /users/alice/ ] || fail "unexpected token answer $(cat "$work/body")"
expect 401 "POST /v1/token without a JWT" POST "$W/v1/token"
[ "$(json code)" = Unauthenticated ] || fail "401 without code Unauthenticated"
expect 403 "POST /v1/token from a disallowed origin" POST "$W/v1/token" -H "Authorization: Bearer $JWT" -H "Origin: https://evil.example.com"
[ "$(json code)" = OriginNotAllowed ] || fail "403 without code OriginNotAllowed"
expect 201 "POST /v1/directory /users/alice" POST "$W/v1/directory" -H "Authorization: Bearer $JWT" -H 'Content-Type: application/json' -d '{"path":"/users/alice"}'

# The browser's part, with the issued token, straight at the emulator.
expect 200 "begin upload at the emulator with the token" PUT "$E/api/v1/file/smhdev/-/users/alice/smoke.txt?filesize=6" \
  -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"size":"6"}'
KEY=$(json confirmKey) || fail "no confirmKey: $(cat "$work/body")"
node -e '
const info = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const url = process.argv[2] + info.path;
fetch(url, { method: "PUT", headers: info.headers, body: "smoke\n" })
  .then(r => { if (r.status !== 200) { console.error("PUT", r.status); process.exit(1); } });
' "$work/body" "http://$(json domain)" || fail "PUT of the bytes failed"
printf '  ok  %-46s %s\n' "PUT the bytes to the emulator's data plane" 200
printf 'smoke\n' > "$work/smoke.txt"
CRC=$(go run ./scripts/crc64 "$work/smoke.txt") || fail "scripts/crc64 failed"
expect 200 "POST /v1/confirm (server-side token)" POST "$W/v1/confirm" -H "Authorization: Bearer $JWT" \
  -H 'Content-Type: application/json' -d "{\"confirmKey\":\"$KEY\",\"crc64\":\"$CRC\"}"
[ "$(json name)" = smoke.txt ] || fail "unexpected confirm answer $(cat "$work/body")"
for ((i = 0; i < 100; i++)); do [ -s "$work/hook.json" ] && break; sleep 0.1; done
grep -q '"path":"/users/alice/smoke.txt"' "$work/hook.json" 2>/dev/null || fail "no signed webhook after the confirm (waitUntil)"
printf '  ok  %-46s %s\n' "signed webhook delivered (waitUntil)" "$(cat "$work/hook.json")"
expect 204 "DELETE /v1/token" DELETE "$W/v1/token" -H "Authorization: Bearer $JWT"

step "Workers smoke: bundle size (wrangler deploy --dry-run)"
WRANGLER_SEND_METRICS=false npx wrangler deploy --dry-run --outdir "$work/dist" >"$work/deploy.log" 2>&1 ||
  { cat "$work/deploy.log" >&2; die "tier-workers: wrangler deploy --dry-run failed"; }
size=$(grep -o 'Total Upload:.*' "$work/deploy.log" | head -n1)
[ -n "$size" ] || { cat "$work/deploy.log" >&2; die "tier-workers: no size in the dry-run output"; }
echo "  Workers bundle: $size (free plan limit: 3 MiB gzipped)"
gz=$(sed -n 's/.*gzip: \([0-9.]*\) KiB.*/\1/p' <<<"$size")
[ -n "$gz" ] || die "tier-workers: no gzip size in '$size'"
awk -v g="$gz" 'BEGIN { exit !(g <= 3072) }' ||
  die "tier-workers: the Workers bundle is $gz KiB gzipped, over Cloudflare's free-plan limit of 3072 KiB"
ok "Workers smoke test passed"
