#!/usr/bin/env bash
# scripts/lib/tier-workers.sh: the Workers smoke test. Builds the token function for
# Cloudflare Workers, runs it under `npx wrangler dev` (offline, no account) against the
# SMH emulator, and checks through the worker (every call to SMH's control plane is an
# outbound fetch from workerd: the test of the "Illegal invocation" workaround in
# scripts/build-workers):
#   - GET /healthz; refusals: no JWT → 401, a disallowed origin → 403; POST /v1/directory;
#   - brokered, the default role (interfaces.md §5): the token answer holds no accessToken;
#     POST /v1/uploads for a one-body file and a two-part file (9 MiB, default 8 MiB parts),
#     the bytes PUT to the targets given, GET /v1/uploads/{id} shows the stored parts,
#     POST …/complete; each file checked at the emulator (size, sha256) and its signed
#     webhook received (waitUntil); another user's JWT with the ticket → 403; DELETE of a
#     begun upload → 204 and the task is gone;
#   - direct, a second role ("mode":"direct"): token → begin at the emulator → PUT →
#     POST /v1/confirm;
#   - the wrangler log holds no secret, no SMH token and no ticket;
# and reports the bundle size as `wrangler deploy --dry-run` prints it.
# Run by scripts/test, or alone: scripts/lib/tier-workers.sh. Everything it starts is
# stopped on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/lib/common.sh

command -v curl >/dev/null || die "tier-workers: curl is missing (apt-get install curl)"
command -v node >/dev/null || die "tier-workers: node is missing: install Node.js 20"
command -v sha256sum >/dev/null || die "tier-workers: sha256sum is missing (coreutils)"
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

# free_port_tw: an unused loopback port (asks the kernel).
free_port_tw() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
EMU_PORT=$(free_port_tw)
WR_PORT=$(free_port_tw)
INSPECT_PORT=$(free_port_tw)
HOOK_PORT=$(free_port_tw)
WHS=tier-workers-webhook-secret
HS=tier-workers-hs256-secret-0123456789abcdef
# Distinctive, so the log check below cannot match anything else.
TICKET_KEY=tier-workers-ticket-key-9f4c2a7e1b8d3065c4e2
LIB_SECRET=devsecret # the emulator's secret of library smhdev
ORIGIN=http://localhost:5173
# Two roles: the default "uploader" (brokered: no mode said) and one direct role.
POLICY='{"roles":{"uploader":{"grants":["begin_upload"]},"direct-uploader":{"grants":["begin_upload"],"mode":"direct"}}}'

step "Workers smoke: building the emulator, the tools and the worker"
go build -o "$work/emulator" ./scripts/emulator
go build -o "$work/devjwt" ./scripts/devjwt
go build -o "$work/crc64" ./scripts/crc64
scripts/build-workers | tee "$work/build.log"

step "Workers smoke: emulator on 127.0.0.1:$EMU_PORT"
setsid "$work/emulator" -addr "127.0.0.1:$EMU_PORT" >"$work/emulator.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$EMU_PORT/_emulator/healthz" 30 || fail "the emulator did not become ready"

# A webhook receiver that checks the signature (docs/webhook.md's Node snippet) and appends each
# verified body as one line.
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
    if (ok) require("node:fs").appendFileSync(out, body.toString().replace(/\n/g, " ") + "\n");
    res.writeHead(ok ? 204 : 401).end();
  });
}).listen(Number(port), "127.0.0.1");
JS
setsid node "$work/hook.js" "$HOOK_PORT" "$WHS" "$work/hooks.jsonl" >"$work/hook.log" 2>&1 &
pids+=($!)

step "Workers smoke: wrangler dev on 127.0.0.1:$WR_PORT"
# The worker's settings: plain vars and secrets both as --var (nothing written to .dev.vars;
# wrangler shows --var values as "(hidden)"). Workers runs an instance per request, so the
# ticket key must be a var: a per-instance random key would refuse every ticket.
WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false setsid npx wrangler dev \
  --ip 127.0.0.1 --port "$WR_PORT" --inspector-port "$INSPECT_PORT" --show-interactive-dev-session=false \
  --var "SMH_API_BASE:http://127.0.0.1:$EMU_PORT" --var "SMH_LIBRARY_ID:smhdev" \
  --var "SMH_LIBRARY_SECRET:$LIB_SECRET" --var "AUTH_HS256_SECRET:$HS" \
  --var "ALLOWED_ORIGINS:$ORIGIN" --var "RATE_LIMIT:off" --var "POLICY:$POLICY" \
  --var "FERRY_TICKET_KEY:$TICKET_KEY" \
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
JWT=$("$work/devjwt" -sub alice -role uploader -secret "$HS")
BOB=$("$work/devjwt" -sub bob -role uploader -secret "$HS")
DJWT=$("$work/devjwt" -sub dora -role direct-uploader -secret "$HS")
AUTH=(-H "Authorization: Bearer $JWT")
CT=(-H 'Content-Type: application/json')

# call METHOD URL [curl args...]: the body into $work/body, prints the status.
call() {
  local m=$1 u=$2; shift 2
  curl -sS -o "$work/body" -w '%{http_code}' -X "$m" "$u" "$@" >"$work/status" || fail "curl $m $u failed"
  cat "$work/status"
}
expect() { # expect STATUS what METHOD URL [args]
  local want=$1 what=$2 got; shift 2
  got=$(call "$@")
  [ "$got" = "$want" ] || fail "$what: HTTP $got, want $want: $(cat "$work/body")"
  printf '  ok  %-52s %s\n' "$what" "$got"
}
# json PATH [FILE]: the value at PATH (dots; array indexes as numbers), exit 1 when absent.
json() { node -e 'const o=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); const v=process.argv[2].split(".").reduce((a,k)=>a?.[k],o); if(v===undefined) process.exit(1); console.log(typeof v==="string"?v:JSON.stringify(v))' "${2:-$work/body}" "$1"; }
note() { printf '  ok  %-52s %s\n' "$1" "${2:-}"; }

# put_targets UPLOAD_JSON FILE [PART...]: PUTs each target's byte range of FILE (all targets,
# or the parts named) with the target's method and headers, as the browser does.
put_targets() {
  node -e '
const fs = require("node:fs");
const [up, file, ...want] = process.argv.slice(1);
const u = JSON.parse(fs.readFileSync(up, "utf8")).upload;
const bytes = fs.readFileSync(file);
(async () => {
  for (const t of u.targets) {
    if (want.length && !want.includes(String(t.part))) continue;
    const r = await fetch(t.url, { method: t.method, headers: t.headers, body: bytes.subarray(t.offset, t.offset + t.length) });
    if (!r.ok) { console.error(`PUT part ${t.part}: ${r.status} ${await r.text()}`); process.exit(1); }
  }
})().catch((e) => { console.error(e); process.exit(1); });
' "$@"
}

# wait_hook PATH: waits (up to 30 s) for a verified webhook about PATH.
wait_hook() {
  local i
  for ((i = 0; i < 300; i++)); do
    grep -qF "\"path\":\"$1\"" "$work/hooks.jsonl" 2>/dev/null && { note "signed webhook for $1 (waitUntil)"; return 0; }
    sleep 0.1
  done
  fail "no signed webhook for $1 within 30 s: $(cat "$work/hooks.jsonl" 2>/dev/null)"
}

# at_emulator PATH FILE: the emulator holds PATH with FILE's size and sha256.
at_emulator() {
  expect 200 "GET /_emulator/files (for $1)" GET "$E/_emulator/files?library=smhdev"
  node -e '
const [files, path, size, sha] = process.argv.slice(1);
const f = JSON.parse(require("fs").readFileSync(files, "utf8")).find((f) => f.path === path);
if (!f) { console.error(`${path} is not at the emulator`); process.exit(1); }
if (f.size !== Number(size) || f.sha256 !== sha) { console.error(`${path}: ${JSON.stringify(f)}, want size ${size} sha256 ${sha}`); process.exit(1); }
' "$work/body" "$1" "$(stat -c %s "$2")" "$(sha256sum "$2" | cut -d' ' -f1)" || fail "the emulator's copy of $1 differs from the local file"
  note "$1 at the emulator: size and sha256 match"
}

step "Workers smoke: health, refusals, directory"
expect 200 "GET /healthz" GET "$W/healthz"
expect 401 "POST /v1/token without a JWT" POST "$W/v1/token"
[ "$(json code)" = Unauthenticated ] || fail "401 without code Unauthenticated"
expect 403 "POST /v1/token from a disallowed origin" POST "$W/v1/token" "${AUTH[@]}" -H "Origin: https://evil.example.com"
[ "$(json code)" = OriginNotAllowed ] || fail "403 without code OriginNotAllowed"
expect 201 "POST /v1/directory /users/alice" POST "$W/v1/directory" "${AUTH[@]}" "${CT[@]}" -d '{"path":"/users/alice"}'

step "Workers smoke: brokered (the default role)"
expect 200 "POST /v1/token (brokered)" POST "$W/v1/token" "${AUTH[@]}" -H "Origin: $ORIGIN"
[ "$(json mode)" = brokered ] || fail "the default role is not brokered: $(cat "$work/body")"
! json accessToken >/dev/null || fail "a brokered token answer holds an accessToken: $(cat "$work/body")"
json uploadsUrl >/dev/null || fail "no uploadsUrl in $(cat "$work/body")"
[ "$(json userId)" = alice ] || fail "unexpected token answer $(cat "$work/body")"
note "token answer: mode brokered, uploadsUrl, no accessToken"

# One body: 6 bytes.
printf 'small\n' >"$work/small.txt"
expect 201 "POST /v1/uploads (6 bytes, one body)" POST "$W/v1/uploads" "${AUTH[@]}" "${CT[@]}" \
  -d '{"path":"/brokered/small.txt","size":6,"conflict":"fail"}'
cp "$work/body" "$work/up-small.json"
SMALL=$(json upload.id) || fail "no upload id: $(cat "$work/body")"
[[ $SMALL == ft1.* ]] || fail "the upload id is not a ticket: $SMALL"
[ "$(json upload.path)" = /users/alice/brokered/small.txt ] && [ "$(json upload.targets.0.part)" = 0 ] &&
  ! json upload.targets.1 >/dev/null || fail "unexpected begin answer $(cat "$work/body")"
put_targets "$work/up-small.json" "$work/small.txt" || fail "PUT of the small file failed"
note "PUT the one body to its target"

# Two parts: 9 MiB with the default 8 MiB part.
head -c $((9 << 20)) /dev/urandom >"$work/two.bin"
expect 201 "POST /v1/uploads (9 MiB, two parts)" POST "$W/v1/uploads" "${AUTH[@]}" "${CT[@]}" \
  -d "{\"path\":\"/brokered/two.bin\",\"size\":$((9 << 20)),\"conflict\":\"fail\"}"
cp "$work/body" "$work/up-two.json"
TWO=$(json upload.id) || fail "no upload id: $(cat "$work/body")"
[ "$(json upload.partSize)" = $((8 << 20)) ] && [ "$(json upload.parts)" = 2 ] &&
  [ "$(json upload.targets.1.part)" = 2 ] && ! json upload.targets.2 >/dev/null ||
  fail "unexpected two-part begin answer $(cat "$work/body")"
put_targets "$work/up-two.json" "$work/two.bin" 1 || fail "PUT of part 1 failed"
expect 200 "GET /v1/uploads/{id} after part 1" GET "$W/v1/uploads/$TWO" "${AUTH[@]}"
[ "$(json stored.0.part)" = 1 ] && [ "$(json stored.0.size)" = $((8 << 20)) ] && ! json stored.1 >/dev/null ||
  fail "stored after part 1: $(cat "$work/body")"
put_targets "$work/up-two.json" "$work/two.bin" 2 || fail "PUT of part 2 failed"
expect 200 "GET /v1/uploads/{id} after part 2" GET "$W/v1/uploads/$TWO" "${AUTH[@]}"
node -e 'const s=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).stored.map(p=>p.part+":"+p.size).sort().join(",");
  if (s !== process.argv[2]) { console.error(s); process.exit(1) }' "$work/body" "1:$((8 << 20)),2:$((1 << 20))" ||
  fail "stored after part 2: $(cat "$work/body")"
note "stored parts visible: 1 (8 MiB) and 2 (1 MiB)"

# Another user's JWT with alice's ticket.
expect 403 "GET /v1/uploads/{id} with bob's JWT" GET "$W/v1/uploads/$TWO" -H "Authorization: Bearer $BOB"
[ "$(json code)" = Forbidden ] || fail "403 without code Forbidden: $(cat "$work/body")"
expect 403 "POST /v1/uploads/{id}/complete with bob's JWT" POST "$W/v1/uploads/$TWO/complete" \
  -H "Authorization: Bearer $BOB" "${CT[@]}" -d "{\"crc64\":\"$("$work/crc64" "$work/two.bin")\"}"
[ "$(json code)" = Forbidden ] || fail "403 without code Forbidden: $(cat "$work/body")"

for f in small:small.txt two:two.bin; do
  id=${f%%:*}; id=${id^^}; file=${f#*:}
  expect 200 "POST /v1/uploads/{id}/complete ($file)" POST "$W/v1/uploads/${!id}/complete" "${AUTH[@]}" "${CT[@]}" \
    -d "{\"crc64\":\"$("$work/crc64" "$work/$file")\"}"
  [ "$(json file.path)" = "/users/alice/brokered/$file" ] && [ "$(json file.size)" = "$(stat -c %s "$work/$file")" ] ||
    fail "unexpected complete answer $(cat "$work/body")"
  at_emulator "/users/alice/brokered/$file" "$work/$file"
  wait_hook "/users/alice/brokered/$file"
done

# A begun upload, abandoned.
expect 201 "POST /v1/uploads (to be deleted)" POST "$W/v1/uploads" "${AUTH[@]}" "${CT[@]}" \
  -d '{"path":"/brokered/dropped.txt","size":6,"conflict":"fail"}'
DROP=$(json upload.id) || fail "no upload id: $(cat "$work/body")"
expect 204 "DELETE /v1/uploads/{id}" DELETE "$W/v1/uploads/$DROP" "${AUTH[@]}"
expect 404 "GET /v1/uploads/{id} after the DELETE" GET "$W/v1/uploads/$DROP" "${AUTH[@]}"
[ "$(json code)" = UploadNotFound ] || fail "404 without code UploadNotFound: $(cat "$work/body")"

step "Workers smoke: direct (role direct-uploader)"
expect 200 "POST /v1/token (direct)" POST "$W/v1/token" -H "Authorization: Bearer $DJWT" -H "Origin: $ORIGIN"
[ "$(json mode)" = direct ] || fail "the direct-uploader role is not direct: $(cat "$work/body")"
TOKEN=$(json accessToken) || fail "no accessToken in $(cat "$work/body")"
[ "$(json userId)" = dora ] && [ "$(json limits.pathPrefix)" = /users/dora/ ] || fail "unexpected token answer $(cat "$work/body")"
expect 201 "POST /v1/directory /users/dora" POST "$W/v1/directory" -H "Authorization: Bearer $DJWT" "${CT[@]}" -d '{"path":"/users/dora"}'
# The browser's part, with the issued token, straight at the emulator.
expect 200 "begin upload at the emulator with the token" PUT "$E/api/v1/file/smhdev/-/users/dora/direct.txt?filesize=6" \
  -H "Authorization: Bearer $TOKEN" "${CT[@]}" -d '{"size":"6"}'
KEY=$(json confirmKey) || fail "no confirmKey: $(cat "$work/body")"
node -e '
const info = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
fetch(process.argv[2] + info.path, { method: "PUT", headers: info.headers, body: "smoke\n" })
  .then(r => { if (r.status !== 200) { console.error("PUT", r.status); process.exit(1); } });
' "$work/body" "http://$(json domain)" || fail "PUT of the bytes failed"
note "PUT the bytes to the emulator's data plane"
printf 'smoke\n' >"$work/direct.txt"
expect 200 "POST /v1/confirm (server-side token)" POST "$W/v1/confirm" -H "Authorization: Bearer $DJWT" "${CT[@]}" \
  -d "{\"confirmKey\":\"$KEY\",\"crc64\":\"$("$work/crc64" "$work/direct.txt")\"}"
[ "$(json name)" = direct.txt ] || fail "unexpected confirm answer $(cat "$work/body")"
at_emulator /users/dora/direct.txt "$work/direct.txt"
wait_hook /users/dora/direct.txt
expect 204 "DELETE /v1/token" DELETE "$W/v1/token" -H "Authorization: Bearer $DJWT"
expect 403 "POST /v1/uploads with the direct role" POST "$W/v1/uploads" -H "Authorization: Bearer $DJWT" "${CT[@]}" \
  -d '{"path":"/x.txt","size":1}'

step "Workers smoke: nothing secret in the wrangler log"
# wrangler's own access lines ("[wrangler:info] POST /v1/uploads/ft1…/complete 200 OK")
# carry the request path, ticket included: the dev server's, not the worker's. Only that
# path segment is blanked; every other byte of the log is checked.
access='^(\[wrangler:info\] [A-Z]+ /v1/uploads/)ft1\.[^ /]+'
grep -Eq "$access" "$work/wrangler.log" || fail "no wrangler access line for an upload route: has the log's format changed?"
sed -E "s#$access#\1{ticket}#" "$work/wrangler.log" >"$work/checked.log"
grep -Fq '"path":"/v1/uploads/{id}/complete"' "$work/checked.log" ||
  fail "the worker's request log has no /v1/uploads/{id}/complete line: the check below would see nothing"
leaks=("FERRY_TICKET_KEY:$TICKET_KEY" "SMH_LIBRARY_SECRET:$LIB_SECRET" "AUTH_HS256_SECRET:$HS"
  "WEBHOOK_SECRET:$WHS" "the direct role's SMH token:$TOKEN" "an upload ticket:ft1.")
for l in "${leaks[@]}"; do
  if grep -Fn -- "${l#*:}" "$work/checked.log" >"$work/leak"; then
    head -n 5 "$work/leak" >&2
    die "tier-workers: the wrangler log holds ${l%%:*} (lines above)"
  fi
done
note "no ticket key, library/JWT/webhook secret, SMH token or ticket" "$(wc -l <"$work/checked.log") lines"

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
