// The worker host: the worker's blob: bootstrap, FerryError, and Engine, the page's end of the protocol.

// The worker. One per client; it runs the Go engine. The worker's script is a blob: whose
// origin is the page's, so the base URL may be a CDN: importScripts() loads classic scripts
// from any origin, and ferry.wasm is fetched with CORS.

let workerBlobURL = null;
function workerURL() {
  if (workerBlobURL) return workerBlobURL;
  const src = `"use strict";
self.FERRY_BASE_URL = ${JSON.stringify(BASE)};
self.FERRY_WASM_URL = ${JSON.stringify(new URL("ferry.wasm", BASE).href)};
// instantiateFerryWasm(importObject): compileStreaming when the host sends application/wasm,
// otherwise (or when streaming fails for another reason) arrayBuffer + instantiate.
self.instantiateFerryWasm = async function (importObject) {
  const url = self.FERRY_WASM_URL;
  const res = await fetch(url, { credentials: "omit" });
  if (!res.ok) throw new Error("ferry.wasm: HTTP " + res.status + " from " + url);
  const type = (res.headers.get("Content-Type") || "").split(";")[0].trim().toLowerCase();
  if (type === "application/wasm" && WebAssembly.instantiateStreaming) {
    const copy = res.clone();
    try {
      return await WebAssembly.instantiateStreaming(res, importObject);
    } catch (e) {
      return await WebAssembly.instantiate(await copy.arrayBuffer(), importObject);
    }
  }
  return await WebAssembly.instantiate(await res.arrayBuffer(), importObject);
};
importScripts(${JSON.stringify(new URL("wasm_exec.js", BASE).href)}, ${JSON.stringify(new URL("worker.js", BASE).href)});
`;
  workerBlobURL = URL.createObjectURL(new Blob([src], { type: "text/javascript" }));
  return workerBlobURL;
}

class FerryError extends Error {
  constructor(code, message, snapshot) {
    super(message || code);
    this.name = "FerryError";
    this.code = code;
    if (snapshot) this.snapshot = snapshot;
  }
}

// Engine is the page's end of the worker protocol (see wasm/PROTOCOL.md). What the page
// sends and expects, all plain structured-clone messages:
//   page → worker  {type:"init", config}                        worker → page {type:"ready"} | {type:"fatal", code, message}
//   page → worker  {type:"upload", taskId, file, options:{path, conflict, labels, meta}}
//   page → worker  {type:"pause"|"resume"|"retry"|"cancel", taskId}
//   page → worker  {type:"restorable", id}                      worker → page {type:"reply", id, result:{entries}}
//   page → worker  {type:"resumeEntry", taskId, entryId, file, options}
//   page → worker  {type:"forget", id, entryId}                 worker → page {type:"reply", id, result|error}
//   page → worker  {type:"signOut", id}                         worker → page {type:"reply", id, result|error}
//   worker → page  {type:"snapshot", event, snapshot, result?}  (event state|progress|complete|error;
//                                                              result with complete: {path,name,size,crc64,eTag,rapid})
//   worker → page  {type:"total", total:{loaded,size,fraction,bytesPerSecond,etaSeconds}}
//   worker → page  {type:"headers", id}                         page → worker {type:"headers", id, headers, error?}
class Engine {
  constructor(config, getHeaders) {
    this.config = config;
    this.getHeaders = getHeaders;
    this.tasks = new Map();
    this.calls = new Map();
    this.seq = 0;
    this.worker = null;
    this.readyPromise = null;
    this.listeners = new Set();
    this.total = null;
  }

  start() {
    if (!this.readyPromise) {
      const ready = new Promise((resolve, reject) => {
        let worker;
        try {
          worker = new Worker(workerURL(), { name: "ferry" });
        } catch (e) {
          reject(new FerryError("WorkerFailed", e.message));
          return;
        }
        this.worker = worker;
        this.readyWaiter = { resolve, reject };
        // A worker terminated while it starts still speaks: Chromium reports its importScripts
        // cut short as an error event, after a new worker may have started. Only the engine's
        // current worker settles the waiter.
        worker.onmessage = (e) => { if (this.worker === worker) this.onMessage(e.data); };
        worker.onerror = (e) => {
          e.preventDefault && e.preventDefault();
          if (this.worker !== worker || !this.readyWaiter) return;
          this.readyWaiter.reject(new FerryError("WorkerFailed", e.message || "the worker failed to start"));
          this.readyWaiter = null;
        };
        worker.postMessage({ type: "init", config: this.config });
      });
      this.readyPromise = ready;
      // A worker that failed to start is tried again on the next call (unless the engine was
      // terminated or started again meanwhile).
      ready.catch(() => {
        if (this.readyPromise !== ready) return;
        if (this.worker) this.worker.terminate();
        this.worker = null;
        this.readyPromise = null;
      });
    }
    return this.readyPromise;
  }

  // post sends a message once the worker is ready. A message about a task that cannot be
  // delivered (the engine did not start) fails that task with the reason.
  post(msg, transfer) {
    return this.start().then(() => this.worker.postMessage(msg, transfer || [])).catch((err) => {
      const task = msg.taskId && this.tasks.get(msg.taskId);
      if (task && (msg.type === "upload" || msg.type === "resumeEntry")) {
        task._update({ state: "failed", error: { code: err.code || "WorkerFailed", message: err.message } }, null, "error");
      }
    });
  }

  call(type, payload) {
    return this.start().then(() => new Promise((resolve, reject) => {
      const id = ++this.seq;
      this.calls.set(id, { resolve, reject });
      this.worker.postMessage(Object.assign({ type, id }, payload));
    }));
  }

  // answerHeaders answers the worker that asked. One closed or replaced while getHeaders ran
  // gets no answer: a new worker numbers its questions afresh, so it would take this one as
  // the answer to a question of its own.
  async answerHeaders(msg) {
    const worker = this.worker;
    let headers = {}, error;
    try {
      if (this.getHeaders) headers = (await this.getHeaders()) || {};
      if (headers instanceof Headers) headers = Object.fromEntries(headers.entries());
    } catch (e) {
      error = { code: "Unauthenticated", message: String((e && e.message) || e) };
    }
    if (worker && this.worker === worker) worker.postMessage({ type: "headers", id: msg.id, headers, error });
  }

  onMessage(msg) {
    if (!msg || typeof msg !== "object") return;
    switch (msg.type) {
      case "ready":
        if (this.readyWaiter) {
          this.readyWaiter.resolve();
          this.readyWaiter = null;
        }
        break;
      case "fatal":
        if (this.readyWaiter) {
          this.readyWaiter.reject(new FerryError(msg.code || "WorkerFailed", msg.message));
          this.readyWaiter = null;
        }
        break;
      case "reply": {
        const c = this.calls.get(msg.id);
        if (!c) break;
        this.calls.delete(msg.id);
        if (msg.error) c.reject(new FerryError(msg.error.code, msg.error.message));
        else c.resolve(msg.result);
        break;
      }
      case "headers":
        this.answerHeaders(msg);
        break;
      case "snapshot": {
        const task = this.tasks.get(msg.snapshot && msg.snapshot.id);
        if (task) {
          task._accepted = true;
          task._update(msg.snapshot, msg.result, msg.event);
          // A task settled for good (done, or canceled) is the page's to keep or drop: the
          // engine forgets it, and its File with it. A failed one stays, for retry.
          if (task._settled && task.state !== "failed") this.tasks.delete(task.id);
        }
        break;
      }
      case "total":
        this.total = msg.total;
        for (const l of this.listeners) l(msg.total);
        break;
    }
  }

  terminate() {
    const worker = this.worker, waiter = this.readyWaiter;
    this.worker = null;
    this.readyPromise = null;
    this.readyWaiter = null;
    if (worker) worker.terminate();
    // Whoever waits for the terminated worker's start is told, rather than left waiting.
    if (waiter) waiter.reject(new FerryError("Closed", "the client was closed"));
  }
}
