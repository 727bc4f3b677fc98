// profileWorker runs fn with the CPU profiler of the page's Ferry worker on (CDP through the
// browser session: Target.attachToTarget, then Profiler.* sent to the worker), writes the
// profile where DevTools opens it (Performance → load profile) and logs the functions with
// the most self time. FERRY_BENCH_PROFILE=1 scripts/bench --only browser --groups small
// profiles the first Ferry run of figure 2.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

async function profileWorker(browser, file, log, fn) {
  const cdp = await browser.newBrowserCDPSession();
  const { targetInfos } = await cdp.send("Target.getTargets");
  const worker = targetInfos.find((t) => t.type === "worker");
  if (!worker) throw new Error("profile: the page has no worker");
  const { sessionId } = await cdp.send("Target.attachToTarget", { targetId: worker.targetId, flatten: false });
  let seq = 0;
  const waiting = new Map();
  cdp.on("Target.receivedMessageFromTarget", (ev) => {
    const m = JSON.parse(ev.message);
    if (m.id && waiting.has(m.id)) { waiting.get(m.id)(m); waiting.delete(m.id); }
  });
  const send = (method, params) => new Promise((resolve) => {
    const id = ++seq;
    waiting.set(id, resolve);
    cdp.send("Target.sendMessageToTarget", { sessionId, message: JSON.stringify({ id, method, params: params || {} }) });
  });
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 200 });
  await send("Profiler.start");
  let out;
  try { out = await fn(); } finally {
    const stop = await send("Profiler.stop");
    const prof = stop.result.profile;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(prof));
    const nodes = new Map(prof.nodes.map((n) => [n.id, n]));
    const self = new Map();
    prof.samples.forEach((id, i) => {
      const f = nodes.get(id).callFrame;
      const k = `${f.functionName || "(anonymous)"}${f.url ? " " + f.url.split("/").pop() : ""}`;
      self.set(k, (self.get(k) || 0) + (prof.timeDeltas[i] || 0));
    });
    log(`    worker CPU profile (${file}), self time in ms:`);
    for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15)) log(`      ${(us / 1000).toFixed(0).padStart(6)}  ${k}`);
    await cdp.detach().catch(() => {});
  }
  return out;
}

module.exports = { profileWorker };
