// The core browser scenarios, written once against drivers.js's session (open, eval, until,
// setFiles, click, shot) so that firefox-esr and WebKitGTK run the same code, and Chromium
// too against PDS and Gokuai (scripts/lib/tier-provider.sh; against SMH Chromium runs the
// same ground, with more, in e2e/*.test.js). The emulator's shape comes from
// FERRY_E2E_PROVIDER (e2e/lib.js).
// Each scenario checks bytes in the emulator (e2e/lib.js's assertStored) and that no task's
// progress fraction ever went down (the page hook records every task's [state, fraction] at
// each frame, event and onProgress call).
"use strict";
const assert = require("node:assert/strict");
const http = require("node:http");
const path = require("node:path");
const { env, MiB, home, makeFile, emulator, assertStored } = require("../lib");

const PART = 8 * MiB; // the engine's default part size and simple-upload threshold
const input = { shadow: "ferry-uploader", css: "input[type=file]:not([webkitdirectory])" };

// The element's tasks, settled (in one of states) and drawn, as snapshots.
async function settled(s, count, timeout = 180000, states = ["done", "rapid", "failed", "canceled"]) {
  await s.until(([n, states]) => {
    const el = document.querySelector("ferry-uploader");
    const ts = (el && el.tasks) || [];
    return ts.length >= n && ts.every((t) => states.includes(t.state));
  }, [count, states], { timeout, what: async () => `${count} settled tasks; have ${JSON.stringify(await snapshots(s))}` });
  await drawn(s);
  return snapshots(s);
}

function snapshots(s) {
  return s.eval(() => {
    const el = document.querySelector("ferry-uploader");
    return ((el && el.tasks) || []).map((t) => t.snapshot());
  });
}

// The element has drawn what it was told (it draws rows in an animation frame: two frames
// and that has run) and no transition runs in it (progress bars slide to their width).
async function drawn(s) {
  await s.eval(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true)))));
  await s.until(() => Array.from(document.querySelectorAll("ferry-uploader")).every((el) =>
    el.shadowRoot.getAnimations().every((a) => a.effect.getTiming().iterations === Infinity)), null,
  { timeout: 10000, what: "the element's transitions to end" });
}

// checkProgress fails when a task's recorded fraction went down; returns how many
// snapshots of how many tasks it checked.
async function checkProgress(s, ids) {
  const seen = await s.eval(() => window.__ferryProgress || {});
  let n = 0;
  for (const id of ids) {
    const list = seen[id] || [];
    assert.ok(list.length, `no progress recorded for task ${id}`);
    let last = 0;
    for (const [state, fraction] of list) {
      assert.ok(fraction >= last, `task ${id}: fraction went from ${last} down to ${fraction} (${state}); seen ${JSON.stringify(list)}`);
      last = fraction;
    }
    n += list.length;
  }
  return `${n} progress snapshots of ${ids.length} tasks, none going down`;
}

// The checkpoint of an upload in the page's IndexedDB (see e2e/lib.js's checkpoints) once it
// records at least `bytes` acknowledged.
function waitCheckpoint(s, name, bytes) {
  return s.until(([name, bytes]) => new Promise((resolve) => {
    const open = indexedDB.open("ferry");
    let none = false;
    open.onupgradeneeded = () => { none = true; open.transaction.abort(); };
    open.onerror = () => resolve(false);
    open.onsuccess = () => {
      const db = open.result;
      if (none || !db.objectStoreNames.contains("checkpoints")) { db.close(); resolve(false); return; }
      const all = db.transaction("checkpoints").objectStore("checkpoints").getAll();
      all.onerror = () => { db.close(); resolve(false); };
      all.onsuccess = () => {
        db.close();
        const cps = all.result.map((j) => JSON.parse(j)).filter((cp) => cp.name === name);
        const acked = Math.max(0, ...cps.map((cp) => (cp.parts || []).reduce((n, p) => n + p.s, 0)));
        resolve(acked >= bytes ? acked : false);
      };
    };
  }), [name, bytes], { timeout: 90000, what: `a checkpoint of ${name} with ${bytes} bytes acknowledged` });
}

// Data-plane requests from now on are held unanswered until the faults change: an upload
// stays under way however fast or slow the machine is.
const holdDataPlane = () => emulator.faults({ dataPlane: { rate: 1, kinds: ["stall"] } });

function edgeFiles(browser, route) {
  return [0, 1, PART - 1, PART, PART + 1, 2 * PART + 12345].map((n) => makeFile(`${browser}-${route}-${n}.bin`, n));
}

const scenarios = [
  {
    name: "edge sizes through <ferry-uploader>",
    async run(s, c) {
      const files = edgeFiles(c.browser, "element");
      const dir = c.dir("element");
      await s.open(`${env.url}/?${new URLSearchParams({ path: dir })}`);
      await s.setFiles(input, files.map((f) => f.path));
      const snaps = await settled(s, files.length);
      await s.shot(c.png("element-edge-sizes"), "ferry-uploader");
      for (const f of files) {
        const snap = snaps.find((x) => x.name === f.name);
        assert.ok(snap, `no task for ${f.name}`);
        assert.equal(snap.state, "done", `${f.name}: ${JSON.stringify(snap)}`);
        assert.equal(snap.fraction, 1);
        assert.equal(snap.path, `${home}${dir}${f.name}`);
        await assertStored(f, snap.path);
      }
      const summary = await s.eval(() => document.querySelector("ferry-uploader").shadowRoot.querySelector(".summary .text").textContent);
      assert.match(summary, new RegExp(`${files.length} of ${files.length} files uploaded`));
      return `${files.length} files, ${(files.reduce((n, f) => n + f.size, 0) / MiB).toFixed(1)} MiB byte-identical; ` +
        await checkProgress(s, snaps.map((x) => x.id));
    },
  },
  {
    name: "edge sizes through the JS API",
    async run(s, c) {
      const files = edgeFiles(c.browser, "api");
      const dir = c.dir("api");
      await s.open(`${env.url}/api.html`);
      await s.until(() => document.getElementById("status").textContent === "Ready.", null, { what: "the API demo's engine to start" });
      await s.eval((dir) => { document.getElementById("folder").value = dir; return true; }, dir);
      await s.setFiles("#files", files.map((f) => f.path));
      await s.click("#send");
      await s.until((n) => window.demo.tasks.length >= n, files.length, { what: "the demo's tasks" });
      await s.eval(() => {
        window.__apiResults = null;
        Promise.all(window.demo.tasks.map((task) => task.done.then((info) => ({ info, snap: task.snapshot() }),
          (e) => ({ error: `${e.code}: ${e.message}`, snap: task.snapshot() })))).then((r) => { window.__apiResults = r; });
        return true;
      });
      const results = await s.until(() => window.__apiResults, null, { timeout: 180000, what: "every task.done of the API demo" });
      await drawn(s);
      await s.shot(c.png("api-edge-sizes"));
      for (const f of files) {
        const r = results.find((x) => x.snap.name === f.name);
        assert.ok(r && r.info, `${f.name}: ${JSON.stringify(r)}`);
        assert.equal(r.snap.state, "done");
        assert.equal(r.info.size, f.size);
        assert.equal(r.info.rapid, false);
        assert.equal(r.info.path, `${home}${dir}${f.name}`);
        await assertStored(f, r.info.path);
      }
      // The documented result (web/ferry.d.ts) after the bytes, so that a missing field
      // does not hide what was stored.
      assert.deepEqual(results.filter((r) => !/^\d+$/.test(r.info.crc64)).map((r) => `${r.info.name}: crc64 ${JSON.stringify(r.info.crc64)}`),
        [], "every result's crc64 is a decimal string");
      return `${files.length} files byte-identical; ` + await checkProgress(s, results.map((r) => r.snap.id));
    },
  },
  {
    name: "pause, then resume",
    async run(s, c) {
      const f = makeFile(`${c.browser}-pause.bin`, 12 * MiB + 5);
      await emulator.faults({ latency: "100ms" });
      await s.open(`${env.url}/?${new URLSearchParams({ path: c.dir("pause"), "part-size": "1MiB", concurrency: "1" })}`);
      await s.setFiles(input, [f.path]);
      await s.until(() => {
        const t = document.querySelector("ferry-uploader").tasks[0];
        return t && t.state === "uploading" && t.snapshot().fraction > 0.1;
      }, null, { what: "the upload to be under way" });
      await holdDataPlane();
      await s.click({ shadow: "ferry-uploader", css: `button[aria-label="Pause ${f.name}"]` });
      await s.until(() => document.querySelector("ferry-uploader").tasks[0].state === "paused", null, { what: "the task to pause" });
      const at = (await snapshots(s))[0];
      assert.ok(at.fraction > 0 && at.fraction < 1, `paused part-way: ${at.fraction}`);
      await drawn(s);
      await s.shot(c.png("paused"), "ferry-uploader");
      await emulator.faults({});
      await s.click({ shadow: "ferry-uploader", css: `button[aria-label="Resume ${f.name}"]` });
      const [snap] = await settled(s, 1, 120000);
      assert.equal(snap.state, "done", JSON.stringify(snap));
      await assertStored(f, snap.path);
      return `paused at ${(at.fraction * 100).toFixed(0)} %, resumed, byte-identical; ` + await checkProgress(s, [snap.id]);
    },
  },
  {
    name: "reload mid-upload, then resume the restorable entry",
    async run(s, c) {
      const f = makeFile(`${c.browser}-reload.bin`, 16 * MiB + 3);
      const dir = c.dir("reload");
      await emulator.faults({ latency: "50ms" });
      await s.open(`${env.url}/?${new URLSearchParams({ path: dir, "part-size": "1MiB", concurrency: "2" })}`);
      await s.setFiles(input, [f.path]);
      await waitCheckpoint(s, f.name, 3 * MiB);
      await holdDataPlane();
      await s.reload();
      await emulator.faults({});
      // The same file picked again, into an input of the page's own; the JS API resumes it.
      await s.eval(() => {
        document.body.append(Object.assign(document.createElement("input"), { type: "file", id: "resume-source" }));
        return true;
      });
      await s.setFiles("#resume-source", [f.path]);
      const started = await s.eval(async (name) => {
        const c = document.querySelector("ferry-uploader").client;
        const entry = (await c.restorable()).find((e) => e.name === name);
        if (!entry) return { error: `no restorable entry of ${name}` };
        const task = entry.resume(document.getElementById("resume-source").files[0], { onProgress: window.__ferryRecord });
        window.__ferryRecord(task.snapshot());
        window.__resumed = null;
        task.done.then((info) => { window.__resumed = { info }; }, (e) => { window.__resumed = { error: `${e.code}: ${e.message}` }; });
        return { id: task.id, saved: entry.fraction, first: task.snapshot().fraction, path: entry.path };
      }, f.name);
      assert.ok(!started.error, started.error);
      assert.ok(started.saved > 0 && started.saved < 1, `the saved fraction is part-way: ${started.saved}`);
      assert.equal(started.first, started.saved, "the resumed task starts at the saved fraction");
      const done = await s.until(() => window.__resumed, null, { timeout: 120000, what: "the resumed task to end" });
      assert.ok(done.info, done.error);
      assert.equal(done.info.path, started.path);
      await assertStored(f, done.info.path);
      await drawn(s);
      await s.shot(c.png("reload-resumed"), "ferry-uploader");
      return `resumed from ${(started.saved * 100).toFixed(0)} %, byte-identical; ` + await checkProgress(s, [started.id]);
    },
  },
  {
    name: "a page on another origin loads ferry.js as from a CDN",
    async run(s, c) {
      const f = makeFile(`${c.browser}-own-page.bin`, 9 * MiB + 99);
      const dir = c.dir("own");
      const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>My page</title>
<link rel="icon" href="data:,"><script src="${env.url}/test-hook.js"></script><script src="${env.url}/ferry.js" defer></script></head>
<body><h1>My own page</h1><ferry-uploader token-url="${env.url}/v1/token" path="${dir}" multiple></ferry-uploader></body></html>`;
      const server = http.createServer((req, res) => {
        if (req.url !== "/") return res.writeHead(404), res.end();
        res.writeHead(200, { "Content-Type": "text/html" });
        res.end(html);
      });
      await new Promise((resolve) => server.listen(Number(process.env.FERRY_E2E_OWN_PORT || 0), "127.0.0.1", resolve));
      try {
        const origin = `http://127.0.0.1:${server.address().port}`;
        await s.open(`${origin}/`);
        assert.equal(await s.eval(() => window.Ferry && window.Ferry.baseURL), `${env.url}/`);
        await s.setFiles(input, [f.path]);
        const [snap] = await settled(s, 1, 120000);
        assert.equal(snap.state, "done", JSON.stringify(snap));
        await assertStored(f, snap.path);
        await s.shot(c.png("other-origin"));
        return `from ${origin}, byte-identical; ` + await checkProgress(s, [snap.id]);
      } finally {
        server.close();
        server.closeAllConnections();
      }
    },
  },
];

module.exports = { scenarios, resultsPath: (browser, name) => path.join(env.results, `${browser}-${name}.png`) };
