// Chaos: 30 files from 0 B to ~300 MiB uploaded at once through window.Ferry while the
// emulator injects seeded faults (20% of data-plane requests fail with 500, 503, a reset
// connection or a stall; 5% of control-plane requests with 500 or 503), every token and
// then every upload signature is expired mid-upload, and the page is reloaded mid-upload.
// After the reload the interrupted uploads are resumed through client.restorable() with the
// same files picked again, and the ones that never started are uploaded.
//
// Pass: every file is confirmed byte-identical (sha256), under its own name (no "name (1)"),
// no upload task is left open, and after the reload no part the data plane had already
// stored is sent again beyond what was in flight at the reload (≤ concurrency × part size;
// PDS and Gokuai, whose parts go one at a time in order: ≤ one part per file under way).
//
// The accounting (emulator stats, per upload task of this run, dataPlane.byUpload):
//   bytesReceived  every body byte the data plane read, faulted and refused bodies included;
//   bytesStored    every complete body it kept, a part stored twice counting twice;
//   size           the bytes the task holds (each part once; the file size once confirmed).
// So bytesReceived − bytesStored are bodies that failed (injected faults, expired
// signatures: the retries), and bytesStored − size are parts sent again after the data
// plane had taken them. Taking the second quantity just before the reload (one stats
// snapshot, so both counters agree) and at the end, the difference is what was stored a
// second time after the reload: the parts in flight (or acknowledged but not yet
// checkpointed) when the page went away. Injected faults never count there: a faulted
// request is refused before the data plane stores anything. A task begun afresh (Gokuai
// ends every session at the signature expiry, and a new session is a new task) does not
// show in bytesStored − size: bytesStoredBeyondFiles (all bytes stored − the files' bytes)
// does, and after the reload such a task counts what its path held at the reload.
//
// FERRY_CHAOS_SEED (7) changes the fault sequence; FERRY_CHAOS_LARGE_MIB (300) the big file.
// FERRY_E2E_PROVIDER (smh, pds, gokuai) picks the emulator's shape (e2e/lib.js); with PDS and
// Gokuai each file's parts go in order, and a stalled part holds its file until the engine's 30 s stall timeout,
// so the run is slower and its deadlines longer.
"use strict";
const { test, after } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { env, MiB, home, checkProvider, dataPlane, makeFile, emulator, shot, withBrowser, pathOf, until, uploadLocks } = require("./lib");

checkProvider("smh", "pds", "gokuai");
// PDS and Gokuai send each file's parts in order, one at a time.
const ORDERED = env.provider !== "smh";

const run = Date.now().toString(36);
const SEED = Number(process.env.FERRY_CHAOS_SEED || 7);
const PART = 2 * MiB;
const CONCURRENCY = 4;
const PARALLEL_FILES = 3;
const LARGE = Number(process.env.FERRY_CHAOS_LARGE_MIB || 300) * MiB + 4321;
const FOLDER = `/chaos-${run}/`;
const PREFIX = `${home}${FOLDER}`;
// What may be stored a second time after the reload: the parts in flight then. SMH sends up
// to `concurrency` parts at once; PDS and Gokuai one part per file, in order.
const BOUND = ORDERED ? { bytes: PARALLEL_FILES * PART, says: "parallel files × part size (ordered parts)" }
  : { bytes: CONCURRENCY * PART, says: "concurrency × part size" };
// How long the test, and the wait for each share of the bytes, may take.
const LIMIT = ORDERED ? { test: 15 * 60 * 1000, share: 8 * 60 * 1000 } : { test: 9 * 60 * 1000, share: 4 * 60 * 1000 };
// When (by the share of all bytes acknowledged) the tokens expire, the signatures expire
// and the page reloads.
const AT = { tokens: 0.12, uploads: 0.25, reload: 0.42 };

// Edge sizes around the simple/multipart threshold (8 MiB) and the part size (2 MiB).
const SIZES = [
  LARGE, 0, 1, 1000, 64 << 10, MiB - 1, MiB, MiB + 1, 2 * MiB, 3 * MiB + 3, 5 * MiB,
  8 * MiB - 1, 8 * MiB, 8 * MiB + 1, 9 * MiB + 17, 10 * MiB, 10 * MiB + 1, 12 * MiB - 1,
  13 * MiB + 77, 14 * MiB, 16 * MiB - 1, 16 * MiB + 1, 18 * MiB + 5, 20 * MiB + 333,
  22 * MiB, 24 * MiB + 7, 26 * MiB - 3, 28 * MiB + 1, 30 * MiB + 999, 32 * MiB,
];

// A seeded shuffle, so the small files are spread among the large ones (the big one first:
// it runs the whole time).
function order(list, seed) {
  const out = list.slice(1);
  let s = seed >>> 0 || 1;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return [list[0], ...out];
}

// byUpload entries of this run, by confirm key.
async function mine() {
  const st = await emulator.stats();
  const out = {};
  for (const [ck, u] of Object.entries(st.dataPlane.byUpload || {})) {
    if (pathOf(u).startsWith(PREFIX)) out[ck] = u;
  }
  return { stats: st, uploads: out };
}

// draw lists this run's tasks on the page (name, state, progress) for the screenshots.
function draw(p) {
  return p.evaluate(() => {
    const ol = document.getElementById("chaos-tasks") || document.getElementById("jobs").parentElement.appendChild(Object.assign(document.createElement("ol"), { id: "chaos-tasks" }));
    ol.style.cssText = "font: 12px monospace; columns: 2";
    ol.replaceChildren(...window.chaos.tasks.map((t) => {
      const s = t.snapshot();
      return Object.assign(document.createElement("li"), { textContent: `${s.name} ${s.state} ${Math.floor(s.fraction * 100)}%${s.error ? " " + s.error.code : ""}` });
    }));
  });
}

function delta(a, b) { // request counts of stats b minus stats a
  const out = {};
  for (const [route, by] of Object.entries(b.requests)) {
    for (const [status, n] of Object.entries(by)) {
      const d = n - ((a.requests[route] || {})[status] || 0);
      if (d) (out[route] ||= {})[status] = d;
    }
  }
  return out;
}

const mib = (n) => `${(n / MiB).toFixed(1)} MiB`;
const t0 = Date.now();
const log = (msg) => console.log(`chaos +${((Date.now() - t0) / 1000).toFixed(0)}s: ${msg}`);

after(() => emulator.faults({}));

test("chaos: 30 files, seeded faults, expiries and a reload: all byte-identical, nothing left, nothing stored twice but what was in flight", { timeout: LIMIT.test }, async (t) => {
  const files = order(SIZES, SEED).map((n, i) => makeFile(`chaos-${String(i).padStart(2, "0")}-${n}.bin`, n, `chaos-${n}`));
  assert.equal(files.length, 30);
  const total = files.reduce((n, f) => n + f.size, 0);
  const byName = new Map(files.map((f) => [f.name, f]));
  const figures = { provider: env.provider, seed: SEED, files: files.length, bytes: total, partSize: PART, concurrency: CONCURRENCY, parallelFiles: PARALLEL_FILES };

  await withBrowser(t, async ({ page: p }) => {
    const opts = { partSize: PART, concurrency: CONCURRENCY, parallelFiles: PARALLEL_FILES };
    const open = async () => {
      await p.waitForFunction(() => window.Ferry && window.demo && window.demo.client, null, { timeout: 60000 });
      await p.evaluate(async (opts) => {
        window.chaos = { tasks: [], client: await Ferry.create(Object.assign({ tokenUrl: "/v1/token" }, opts)) };
      }, opts);
      await p.setInputFiles("#files", files.map((f) => f.path));
    };
    await p.goto(`${env.url}/api.html`);
    await open();

    const before = await mine();
    await emulator.faults({
      seed: SEED,
      dataPlane: { rate: 0.2, kinds: ["500", "503", "reset", "stall"] },
      controlPlane: { rate: 0.05, kinds: ["500", "503"] },
    });
    const start = Date.now();
    await p.evaluate((folder) => {
      for (const file of document.getElementById("files").files) {
        window.chaos.tasks.push(window.chaos.client.upload(file, { path: folder + file.name, conflict: "rename" }));
      }
    }, FOLDER);

    // Progress, by acknowledged bytes in the emulator (files confirmed + parts held).
    const held = async () => Object.values((await mine()).uploads).reduce((n, u) => n + u.size, 0);
    const states = () => p.evaluate(() => window.chaos.tasks.map((t) => t.snapshot()));
    let shown = 0;
    const waitShare = async (share, what) => {
      const deadline = Date.now() + LIMIT.share;
      for (let h; (h = await held()) < share * total;) {
        if (Date.now() - shown > 10000) {
          shown = Date.now();
          const s = await states();
          const by = s.reduce((m, x) => ((m[x.state] = (m[x.state] || 0) + 1), m), {});
          log(`${mib(h)} of ${mib(total)} held; ${JSON.stringify(by)}`);
        }
        assert.ok(Date.now() < deadline, `${what}: ${mib(await held())} of ${mib(total)} after ${LIMIT.share / 60000} minutes`);
        const failed = (await states()).filter((s) => s.state === "failed");
        assert.deepEqual(failed.map((s) => `${s.name}: ${s.error.code}: ${s.error.message}`), [], "no task fails");
        await p.waitForTimeout(100);
      }
    };

    await waitShare(AT.tokens, "token expiry");
    await emulator.expire({ tokens: true });
    log(`tokens expired at ${mib(await held())}`);
    await waitShare(AT.uploads, "signature expiry");
    await emulator.expire({ uploads: true });
    log(`upload signatures expired at ${mib(await held())}`);
    await waitShare(AT.reload, "reload");
    await draw(p);
    await shot(p, "30-chaos-before-reload", { fullPage: true });

    // Reload while parts are on the wire, but not while a task is between the control-plane
    // calls that create or complete a server task (begin, confirm): a reload there loses the
    // answer that names the task (see docs/reliability.md).
    let snap;
    for (const deadline = Date.now() + 60000; ;) {
      const s = await states();
      const busy = s.filter((x) => ["queued", "hashing", "beginning", "uploading", "confirming"].includes(x.state));
      if (busy.length && busy.every((x) => x.state === "uploading" || x.state === "queued") &&
          busy.filter((x) => x.state === "uploading" && x.size > 8 * MiB).length >= 2) {
        snap = s;
        break;
      }
      assert.ok(Date.now() < deadline, `no moment to reload: ${JSON.stringify(s.map((x) => x.state))}`);
      await p.waitForTimeout(20);
    }
    const atReload = await mine();
    p.on("dialog", (d) => d.accept().catch(() => {}));
    await p.reload({ waitUntil: "load" });
    figures.reloadAt = { heldBytes: Object.values(atReload.uploads).reduce((n, u) => n + u.size, 0),
      states: snap.reduce((m, s) => ((m[s.state] = (m[s.state] || 0) + 1), m), {}) };
    const inFlight = snap.filter((s) => s.state === "uploading").map((s) => s.name);
    log(`reload at ${mib(figures.reloadAt.heldBytes)} held; uploading: ${inFlight.join(", ")}`);

    // After the reload: resume what restorable() lists with the same files picked again;
    // upload what the library does not have and nothing lists (never begun).
    await open();
    // The replaced page's worker is gone once no upload lock is held (this page has begun
    // nothing yet): then restorable() sees every upload it left.
    await until(async () => !(await uploadLocks(p)).held.length, { what: () => "the replaced page's upload locks to be freed" });
    const entries = await p.evaluate(() => window.chaos.client.restorable().then((l) => l.map((e) => ({ id: e.id, name: e.name, path: e.path, size: e.size, fraction: e.fraction }))));
    const stored = new Set((await emulator.files()).map(pathOf).filter((x) => x.startsWith(PREFIX)));
    for (const name of inFlight) {
      if (!stored.has(PREFIX + name)) {
        assert.ok(entries.some((e) => e.name === name), `${name} was uploading at the reload: restorable() lists it (${JSON.stringify(entries)})`);
      }
    }
    for (const e of entries) assert.ok(byName.has(e.name) && e.path === PREFIX + e.name, `a restorable entry of this run: ${JSON.stringify(e)}`);
    const fresh = files.filter((f) => !stored.has(PREFIX + f.name) && !entries.some((e) => e.name === f.name)).map((f) => f.name);
    figures.afterReload = { resumed: entries.map((e) => e.name), uploadedAgain: fresh, alreadyStored: stored.size };
    log(`after the reload: ${entries.length} resumed, ${fresh.length} uploaded, ${stored.size} already stored`);
    await p.evaluate(async ({ ids, fresh, folder }) => {
      const files = [...document.getElementById("files").files];
      const pick = (name) => files.find((f) => f.name === name);
      const c = window.chaos.client;
      for (const e of await c.restorable()) {
        if (ids.includes(e.id)) window.chaos.tasks.push(e.resume(pick(e.name)));
      }
      for (const name of fresh) window.chaos.tasks.push(c.upload(pick(name), { path: folder + name, conflict: "rename" }));
    }, { ids: entries.map((e) => e.id), fresh, folder: FOLDER });

    const progress = setInterval(() => held().then((h) => log(`${mib(h)} of ${mib(total)} held`), () => {}), 15000);
    const results = await p.evaluate(() => Promise.all(window.chaos.tasks.map((task) => task.done.then(
      (info) => ({ info }), (e) => ({ error: `${e.code}: ${e.message}`, snap: task.snapshot() })))));
    clearInterval(progress);
    const wall = (Date.now() - start) / 1000;
    await emulator.faults({});
    await draw(p);
    await shot(p, "31-chaos-done", { fullPage: true });

    // The figures first (they help most when something below fails).
    const got = (await emulator.files()).filter((e) => pathOf(e).startsWith(PREFIX));
    const left = (await emulator.uploads()).filter((u) => pathOf(u).startsWith(PREFIX));
    const end = await mine();
    const sum = (o, k) => Object.values(o).reduce((n, u) => n + (u[k] || 0), 0);
    const received = sum(end.uploads, "bytesReceived");
    const storedBytes = sum(end.uploads, "bytesStored");
    const restoredBefore = sum(atReload.uploads, "bytesStored") - sum(atReload.uploads, "size");
    const restoredAll = storedBytes - sum(end.uploads, "size");
    // A file whose upload began afresh after the reload (a new task: Gokuai's session lost)
    // sent again what its task held at the reload: its bytes count too, up to that.
    const heldAt = {};
    for (const u of Object.values(atReload.uploads)) {
      if (!stored.has(pathOf(u))) heldAt[pathOf(u)] = (heldAt[pathOf(u)] || 0) + u.size;
    }
    const perUpload = Object.entries(end.uploads).map(([ck, u]) => {
      const b = atReload.uploads[ck];
      if (!b) return { path: pathOf(u), again: Math.min(u.bytesStored, heldAt[pathOf(u)] || 0), afresh: true };
      return { path: pathOf(u), again: (u.bytesStored - u.size) - (b.bytesStored - b.size) };
    }).filter((x) => x.again > 0);
    const restoredAfter = restoredAll - restoredBefore + perUpload.filter((x) => x.afresh).reduce((n, x) => n + x.again, 0);
    const reqs = delta(before.stats, end.stats);
    const count = (pick, outcome) => Object.entries(reqs).filter(([r]) => pick(r))
      .reduce((n, [, by]) => n + Object.entries(by).filter(([s]) => outcome(s)).reduce((m, [, c]) => m + c, 0), 0);
    const isPut = (r) => r.startsWith(dataPlane.route);
    const failedPuts = count(isPut, (s) => s !== "200");
    const failedCalls = count((r) => !isPut(r) && r !== "OPTIONS *", (s) => /^5|reset|stall/.test(s));
    const bound = BOUND.bytes;
    Object.assign(figures, {
      wallSeconds: Math.round(wall * 10) / 10,
      faultsInjected: end.stats.faultsInjected - before.stats.faultsInjected,
      retries: { dataPlane: failedPuts, controlPlane: failedCalls, stalls: count(isPut, (s) => s === "stall") },
      bytesResent: received - total,
      bytesFailedBodies: received - storedBytes,
      bytesStoredTwice: restoredAll,
      bytesStoredBeyondFiles: storedBytes - total,
      afterReload: Object.assign(figures.afterReload, { storedAgain: restoredAfter, bound, perUpload }),
      requests: reqs,
    });
    fs.writeFileSync(path.join(env.results, "chaos.json"), JSON.stringify(figures, null, 2) + "\n");
    const line = `chaos (${env.provider}, seed ${SEED}): ${files.length} files, ${mib(total)} in ${figures.wallSeconds} s; ` +
      `${figures.faultsInjected} faults injected; retries: ${failedPuts} data-plane (${figures.retries.stalls} stalls), ${failedCalls} control-plane; ` +
      `bytes re-sent ${mib(received - total)} (${mib(received - storedBytes)} in failed bodies, ${mib(restoredAll)} stored twice); ` +
      `after the reload ${mib(restoredAfter)} of parts already stored sent again (bound: ${BOUND.says} = ${mib(bound)})`;
    t.diagnostic(line);
    log(line);

    // Every task done, every file confirmed, byte-identical, once, under its own name;
    // nothing left open.
    for (const r of results) assert.ok(r.info, `a task failed: ${JSON.stringify(r)}`);
    for (const r of results) assert.equal(r.info.path, PREFIX + r.info.name, "stored under its own name");
    const want = files.map((f) => PREFIX + f.name).sort();
    assert.deepEqual(got.map(pathOf).sort(), want, "the library holds exactly the 30 files (no duplicates)");
    for (const e of got) {
      const f = byName.get(path.posix.basename(pathOf(e)));
      assert.equal(e.size, f.size, `size of ${f.name}`);
      assert.equal(e.sha256, f.sha256, `sha256 of ${f.name}`);
    }
    assert.deepEqual(left.map(pathOf), [], "no upload task left open");
    assert.equal(restoredBefore, 0, "before the reload no part was stored twice");
    assert.ok(restoredAfter <= bound, `after the reload ${restoredAfter} bytes of parts already stored were sent again: more than ${BOUND.says} (${bound}): ${JSON.stringify(perUpload)}`);
  }, { allow: /Failed to load resource|net::ERR_|status of (403|500|502|503)/ });
});
