// The page side of scripts/bench's browser figures (bench/browser/bench.js drives it with
// playwright). Everything here runs in headless chromium on bench.html, served by
// scripts/devserver on the same origin as ferry.js and the token function. Ferry is used
// only through its public JS API (window.Ferry); the baselines are plain JavaScript doing
// the same SMH calls straight against the emulator.
"use strict";
window.bench = (() => {
  const picked = () => Array.from(document.getElementById("files").files);
  const enc = (p) => p.split("/").filter(Boolean).map(encodeURIComponent).join("/");

  // loadFerry inserts <script src="ferry.js">, then Ferry.create(options); it returns the
  // ms from inserting the tag to the client being ready (worker started, ferry.wasm
  // compiled and running, engine initialised).
  async function loadFerry(options) {
    const t0 = performance.now();
    await new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = "ferry.js";
      s.onload = resolve;
      s.onerror = () => reject(new Error("ferry.js did not load"));
      document.head.appendChild(s);
    });
    window.client = await Ferry.create(options);
    return performance.now() - t0;
  }

  async function newClient(options) {
    if (window.client) window.client.close();
    window.client = await Ferry.create(options);
  }

  // ferryUpload uploads picked file i through the JS API and records its states.
  // With stopAfterFullHash, the task is canceled once the full (chained) hash is done, and
  // the figure is the time spent in the second "hashing" state (the first hashes only the
  // first block; the second runs after begin answered 202: the full hash is wanted).
  function ferryUpload(i, path, stopAfterFullHash) {
    const file = picked()[i];
    const states = [];
    const t0 = performance.now();
    let fullHashMs = null;
    let hashStart = null;
    let hashingSeen = 0;
    return new Promise((resolve, reject) => {
      const task = window.client.upload(file, {
        path,
        conflict: "rename",
        onProgress: (s) => {
          const now = performance.now() - t0;
          const last = states.length ? states[states.length - 1][1] : null;
          if (last === s.state) return;
          states.push([Math.round(now), s.state]);
          if (s.state === "hashing") {
            hashingSeen++;
            if (hashingSeen === 2) hashStart = now;
          } else if (hashStart !== null && fullHashMs === null) {
            fullHashMs = now - hashStart;
            if (stopAfterFullHash) {
              if (s.state !== "rapid" && s.state !== "done") task.cancel();
              resolve({ fullHashMs, states });
            }
          }
        },
      });
      task.done.then(
        (info) => {
          const ms = performance.now() - t0;
          if (stopAfterFullHash && fullHashMs === null) {
            reject(new Error("the full hash was not forced (states " + JSON.stringify(states) + ")"));
          }
          resolve({ ms, info, states, fullHashMs });
        },
        (err) => {
          if (stopAfterFullHash && fullHashMs !== null) return; // canceled by us
          reject(new Error(`Ferry upload failed: ${err.code}: ${err.message} (states ${JSON.stringify(states)})`));
        },
      );
    });
  }

  // ferryMany uploads every picked file at once (the engine's parallelFiles and concurrency
  // bound it) and returns the wall time.
  async function ferryMany(dir) {
    const list = picked();
    const t0 = performance.now();
    const infos = await Promise.all(list.map((f) => window.client.upload(f, { path: `${dir}/${f.name}`, conflict: "rename" }).done));
    const ms = performance.now() - t0;
    const bad = infos.filter((x, k) => x.size !== list[k].size);
    if (bad.length) throw new Error(`${bad.length} files stored with the wrong size`);
    return { ms, n: infos.length };
  }

  async function ok(res, what) {
    if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`);
    return res;
  }

  // The plain-JS baseline of one file: begin (simple upload), PUT the bytes, confirm.
  async function plainSmall(emu, token, path, file) {
    const auth = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
    const r = await ok(await fetch(`${emu}/api/v1/file/smhdev/-/${enc(path)}?filesize=${file.size}&conflict_resolution_strategy=rename`,
      { method: "PUT", headers: auth, body: JSON.stringify({ size: String(file.size) }) }), "begin");
    const info = await r.json();
    await (await ok(await fetch(`http://${info.domain}${info.path}`, { method: "PUT", headers: info.headers, body: file }), "PUT")).arrayBuffer();
    await (await ok(await fetch(`${emu}/api/v1/file/smhdev/-/${info.confirmKey}?confirm`, { method: "POST", headers: auth, body: "{}" }), "confirm")).json();
  }

  // plainMany: every picked file through plainSmall, `concurrency` at a time.
  async function plainMany(emu, token, dir, concurrency) {
    const list = picked();
    let next = 0;
    const t0 = performance.now();
    const worker = async () => {
      while (next < list.length) {
        const f = list[next++];
        await plainSmall(emu, token, `${dir}/${f.name}`, f);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { ms: performance.now() - t0, n: list.length };
  }

  // plainMultipart: the throughput baseline. Begin a multipart upload, PUT parts of
  // partSize (Blob slices of the picked file, as fetch bodies) `concurrency` at a time with
  // the signed headers, confirm.
  async function plainMultipart(i, emu, token, path, partSize, concurrency) {
    const file = picked()[i];
    const auth = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
    const t0 = performance.now();
    const r = await ok(await fetch(`${emu}/api/v1/file/smhdev/-/${enc(path)}?multipart&filesize=${file.size}&conflict_resolution_strategy=rename`,
      { method: "POST", headers: auth, body: JSON.stringify({ size: String(file.size) }) }), "begin");
    const info = await r.json();
    const parts = Math.ceil(file.size / partSize);
    let next = 1;
    const worker = async () => {
      while (next <= parts) {
        const k = next++;
        const off = (k - 1) * partSize;
        const body = file.slice(off, Math.min(file.size, off + partSize));
        const url = `http://${info.domain}${info.path}?partNumber=${k}&uploadId=${encodeURIComponent(info.uploadId)}`;
        await (await ok(await fetch(url, { method: "PUT", headers: info.headers, body }), `PUT part ${k}`)).arrayBuffer();
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const c = await (await ok(await fetch(`${emu}/api/v1/file/smhdev/-/${info.confirmKey}?confirm`, { method: "POST", headers: auth, body: "{}" }), "confirm")).json();
    const ms = performance.now() - t0;
    if (Number(c.size) !== file.size) throw new Error(`stored ${c.size} bytes of ${file.size}`);
    return { ms };
  }

  // plainHash: the hashing baseline, in a dedicated worker like Ferry's engine: SMH's chained
  // SHA-256 over 1 MiB blocks of the picked file with crypto.subtle, one block after another
  // (read the slice, prefix the previous digest, digest).
  function plainHash(i) {
    const file = picked()[i];
    const src = `onmessage = async (e) => {
      const file = e.data, B = 1 << 20;
      const t0 = performance.now();
      let prev = null;
      for (let off = 0; ; off += B) {
        const n = Math.min(B, file.size - off);
        const block = new Uint8Array(await file.slice(off, off + n).arrayBuffer());
        const data = new Uint8Array((prev ? 32 : 0) + n);
        if (prev) data.set(prev, 0);
        data.set(block, prev ? 32 : 0);
        prev = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
        if (off + n >= file.size) break;
      }
      postMessage({ ms: performance.now() - t0, full: Array.from(prev, (b) => b.toString(16).padStart(2, "0")).join("") });
    };`;
    const url = URL.createObjectURL(new Blob([src], { type: "text/javascript" }));
    const w = new Worker(url);
    return new Promise((resolve, reject) => {
      w.onmessage = (e) => { w.terminate(); URL.revokeObjectURL(url); resolve(e.data); };
      w.onerror = (e) => { w.terminate(); reject(new Error(e.message)); };
      w.postMessage(file);
    });
  }

  // longTasks observes the main thread's long tasks (over 50 ms) until stop().
  function longTasks() {
    const list = [];
    const po = new PerformanceObserver((l) => { for (const e of l.getEntries()) list.push(e.duration); });
    po.observe({ type: "longtask" });
    return {
      stop() {
        for (const e of po.takeRecords()) list.push(e.duration);
        po.disconnect();
        return list;
      },
    };
  }

  return { loadFerry, newClient, ferryUpload, ferryMany, plainMany, plainMultipart, plainHash, longTasks, count: () => picked().length };
})();
