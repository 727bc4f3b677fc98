// Ferry's worker bootstrap. web/ferry.js starts a dedicated Worker from a blob: script that
// sets FERRY_BASE_URL, FERRY_WASM_URL and instantiateFerryWasm(importObject), then loads
// wasm_exec.js (the Go toolchain's, copied at build time) and this file. It holds the page's
// messages until the Go engine (ferry.wasm, built from wasm/) runs, then relays them; the
// engine answers with postMessage itself. The protocol is wasm/PROTOCOL.md.
"use strict";
(function () {
  const VERSION = 1;
  const pending = [];
  let started = false;

  function fatal(code, err) {
    self.postMessage({ v: VERSION, type: "fatal", code, message: String((err && err.message) || err) });
  }

  self.onmessage = (e) => {
    if (started && typeof self.ferryReceive === "function") self.ferryReceive(e.data);
    else pending.push(e.data);
  };

  // Called by the engine once it listens (wasm/internal/jsx Port.Serve).
  self.ferryStarted = () => {
    started = true;
    while (pending.length) self.ferryReceive(pending.shift());
  };

  async function instantiate(importObject) {
    if (typeof self.instantiateFerryWasm === "function") return self.instantiateFerryWasm(importObject);
    // Started some other way: fetch ferry.wasm beside this script.
    const url = self.FERRY_WASM_URL || new URL("ferry.wasm", self.FERRY_BASE_URL || self.location.href).href;
    const res = await fetch(url, { credentials: "omit" });
    if (!res.ok) throw new Error("ferry.wasm: HTTP " + res.status);
    const type = (res.headers.get("Content-Type") || "").split(";")[0].trim();
    if (type === "application/wasm" && WebAssembly.instantiateStreaming) {
      try {
        return await WebAssembly.instantiateStreaming(res.clone(), importObject);
      } catch (_) {
        // fall through: a proxy that mangles the type, for instance
      }
    }
    return WebAssembly.instantiate(await res.arrayBuffer(), importObject);
  }

  if (typeof self.Go !== "function") {
    fatal("WorkerFailed", "wasm_exec.js did not load before worker.js");
    return;
  }
  const go = new self.Go();
  instantiate(go.importObject)
    .then((result) => go.run(result.instance))
    .then(() => fatal("WorkerFailed", "the upload engine stopped"))
    .catch((err) => fatal("WorkerFailed", err));
})();
