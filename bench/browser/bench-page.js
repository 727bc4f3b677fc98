// The page side of scripts/bench's browser figures (bench/browser/bench.js drives it with
// playwright). Everything here runs in headless chromium on bench.html, served by
// scripts/devserver on the same origin as ferry.js and the token function. Ferry is used
// only through its public JS API (window.Ferry); the baselines are plain JavaScript doing
// the same brokered calls against the same function (and bytes to the same data plane).
"use strict";
window.bench = (() => {
  const picked = () => Array.from(document.getElementById("files").files);

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
  // phases: the mean time a file spent in each state (from its onProgress snapshots), where
  // Ferry's per-file cost goes.
  async function ferryMany(dir) {
    const list = picked();
    const spent = {};
    const t0 = performance.now();
    const infos = await Promise.all(list.map((f) => {
      let state = "queued", since = performance.now();
      const onProgress = (s) => {
        if (s.state === state) return;
        const now = performance.now();
        spent[state] = (spent[state] || 0) + now - since;
        state = s.state, since = now;
      };
      return window.client.upload(f, { path: `${dir}/${f.name}`, conflict: "rename", onProgress }).done.then((info) => {
        spent.settling = (spent.settling || 0) + performance.now() - since; // done seen → done resolved
        return info;
      });
    }));
    const ms = performance.now() - t0;
    const bad = infos.filter((x, k) => x.size !== list[k].size);
    if (bad.length) throw new Error(`${bad.length} files stored with the wrong size`);
    const phases = Object.fromEntries(Object.entries(spent).map(([k, v]) => [k, +(v / list.length).toFixed(1)]));
    return { ms, n: infos.length, phases };
  }

  async function ok(res, what) {
    if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`);
    return res;
  }

  // The baselines speak the function's brokered routes (interfaces.md §5.2) in plain JS,
  // as Ferry's engine does by default: POST /v1/token (the answer names uploadsUrl and
  // holds no SMH token), POST /v1/uploads (the function checks the policy and begins
  // upstream), PUT the bytes to the targets it hands out, POST /v1/uploads/{id}/complete.
  // The page and the function share an origin; the dev server's caller is anonymous.
  async function call(url, body, what) {
    const res = await ok(await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body || {}) }), what);
    return res.json();
  }
  async function brokeredToken() {
    const t = await call("/v1/token", {}, "POST /v1/token");
    if (t.mode !== "brokered" || !t.uploadsUrl || "accessToken" in t) throw new Error(`not a brokered token answer: ${JSON.stringify(t)}`);
    return t.uploadsUrl;
  }
  async function put(t, body) {
    await (await ok(await fetch(t.url, { method: t.method, headers: t.headers, body }), `PUT part ${t.part}`)).arrayBuffer();
  }
  // putXHR is put through XMLHttpRequest, as Ferry's engine sends parts (for upload
  // progress): the plain-XHR baseline shows what XHR itself costs beside fetch.
  function putXHR(t, body) {
    return new Promise((resolve, reject) => {
      const x = new XMLHttpRequest();
      x.open(t.method, t.url, true);
      for (const [k, v] of Object.entries(t.headers || {})) x.setRequestHeader(k, v);
      x.upload.onprogress = () => {}; // as Ferry: a progress listener on the upload
      x.onload = () => (x.status >= 200 && x.status < 300 ? resolve() : reject(new Error(`PUT part ${t.part}: HTTP ${x.status}`)));
      x.onerror = () => reject(new Error(`PUT part ${t.part}: network error`));
      x.send(body);
    });
  }
  async function complete(uploads, id, crc, size) {
    const a = await call(`${uploads}/${id}/complete`, { crc64: crc }, "complete");
    if (!a.file || Number(a.file.size) !== size) throw new Error(`complete: want a file of ${size} bytes: ${JSON.stringify(a)}`);
    return a.file;
  }

  // plainSmall: one small file (one body, one target): begin, PUT, complete.
  async function plainSmall(uploads, path, file, crc) {
    const { upload } = await call(uploads, { path, size: file.size, conflict: "rename" }, "begin");
    if (!upload || upload.targets.length !== 1) throw new Error(`begin: want one target: ${JSON.stringify(upload)}`);
    await put(upload.targets[0], file);
    await complete(uploads, upload.id, crc, file.size);
  }

  // plainMany: every picked file through plainSmall, `concurrency` at a time, after one
  // token answer (Ferry too reuses its token answer). crcs maps file names to their CRC-64.
  async function plainMany(dir, concurrency, crcs) {
    const list = picked();
    let next = 0;
    const t0 = performance.now();
    const uploads = await brokeredToken();
    const worker = async () => {
      while (next < list.length) {
        const f = list[next++];
        await plainSmall(uploads, `${dir}/${f.name}`, f, crcs[f.name]);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { ms: performance.now() - t0, n: list.length };
  }

  // plainMultipart: the throughput baseline. Begin a multipart upload of partSize parts,
  // PUT the parts (Blob slices of the picked file, as fetch bodies) `concurrency` at a time
  // to their targets, asking the function for the targets the begin answer did not carry
  // (64 parts per request), complete with the file's CRC-64 (computed beforehand: the
  // baseline reads each byte once, to send it). viaXHR sends the parts by XMLHttpRequest;
  // "read" reads each part into a reused buffer first and sends those bytes.
  async function plainMultipart(i, path, partSize, concurrency, crc, viaXHR) {
    const file = picked()[i];
    const t0 = performance.now();
    const uploads = await brokeredToken();
    const { upload } = await call(uploads, { path, size: file.size, conflict: "rename", partSize }, "begin");
    if (!upload || !(upload.parts > 1)) throw new Error(`begin: want a multipart upload: ${JSON.stringify(upload)}`);
    const targets = new Map(upload.targets.map((t) => [t.part, t]));
    const first = upload.targets.length + 1; // the first part without a target
    const windows = new Map();
    const targetOf = async (k) => {
      if (!targets.has(k)) {
        const w = Math.floor((k - first) / 64);
        if (!windows.has(w)) {
          const parts = [];
          for (let p = first + 64 * w; p < first + 64 * (w + 1) && p <= upload.parts; p++) parts.push(p);
          windows.set(w, call(`${uploads}/${upload.id}/targets`, { parts }, "targets").then((a) => { for (const t of a.targets) targets.set(t.part, t); }));
        }
        await windows.get(w);
      }
      return targets.get(k);
    };
    let next = 1;
    const bufs = []; // reused part buffers (viaXHR "read")
    const worker = async () => {
      while (next <= upload.parts) {
        const t = await targetOf(next++);
        let body = file.slice(t.offset, t.offset + t.length);
        if (viaXHR === "read") { // what verify: "local" does: read the part, send the bytes read
          const buf = bufs.pop() || new Uint8Array(partSize);
          const view = buf.subarray(0, t.length);
          view.set(new Uint8Array(await body.arrayBuffer()));
          try { await putXHR(t, view); } finally { bufs.push(buf); }
          continue;
        }
        await (viaXHR ? putXHR : put)(t, body);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    await complete(uploads, upload.id, crc, file.size);
    return { ms: performance.now() - t0 };
  }

  // tusUpload: the peer a user might pick instead of Ferry: tus-js-client (loaded from
  // tus.min.js beside this page) to tusd, 4 partial uploads in flight (tus concatenation),
  // each sent in 8 MiB PATCH requests, as Ferry sends 4 parts of 8 MiB at a time.
  async function tusUpload(i, endpoint, chunkSize, parallel) {
    if (!window.tus) {
      await new Promise((resolve, reject) => {
        const s = document.createElement("script");
        s.src = "tus.min.js";
        s.onload = resolve;
        s.onerror = () => reject(new Error("tus.min.js did not load"));
        document.head.appendChild(s);
      });
    }
    const file = picked()[i];
    const t0 = performance.now();
    await new Promise((resolve, reject) => {
      const up = new window.tus.Upload(file, {
        endpoint, chunkSize, parallelUploads: parallel, retryDelays: [],
        storeFingerprintForResuming: false, metadata: { filename: file.name },
        onError: reject, onSuccess: resolve,
      });
      up.start();
    });
    return { ms: performance.now() - t0 };
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

  return { loadFerry, newClient, ferryUpload, ferryMany, plainMany, plainMultipart, plainHash, tusUpload, longTasks, count: () => picked().length };
})();
