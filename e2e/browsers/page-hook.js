// Loaded first by every page of the browsers tier (served as /test-hook.js from the tier's
// copy of web/). WebKitWebDriver has no BiDi, so a page's errors are seen only from inside
// the page: this records uncaught errors, unhandled rejections and console.error calls in
// window.__ferryProblems, which the runner reads before each navigation and at the end.
"use strict";
(() => {
  const problems = (window.__ferryProblems = []);
  // WebKit's stacks do not repeat the message, and may name no frame.
  const text = (v) => (v instanceof Error ? `${v.name}: ${v.message}\n${v.stack || ""}`.trim() : String(v));
  addEventListener("error", (e) => problems.push(`error: ${e.message} (${e.filename}:${e.lineno})`));
  addEventListener("unhandledrejection", (e) => problems.push(`unhandled rejection: ${text(e.reason)}`));
  const original = console.error;
  console.error = (...args) => {
    problems.push(`console.error: ${args.map(text).join(" ")}`);
    original.apply(console, args);
  };

  // Progress of every task the page sees, from the element's events, sampled at each frame,
  // and at each onProgress call the tests make: __ferryProgress[id] = [[state, fraction], …]
  // without repeats.
  const progress = (window.__ferryProgress = {});
  window.__ferryRecord = (s) => {
    const seen = (progress[s.id] ||= []);
    const last = seen[seen.length - 1];
    if (!last || last[0] !== s.state || last[1] !== s.fraction) seen.push([s.state, s.fraction]);
  };
  const sample = () => {
    try {
      const tasks = window.demo && Array.isArray(window.demo.tasks) ? [...window.demo.tasks] : []; // the JS API demo's
      for (const el of document.querySelectorAll("ferry-uploader")) tasks.push(...(el.tasks || []));
      for (const t of tasks) window.__ferryRecord(t.snapshot());
    } catch (e) {
      problems.push(`progress sampler: ${text(e)}`);
      return;
    }
    requestAnimationFrame(sample);
  };
  requestAnimationFrame(sample);
  for (const type of ["ferry-progress", "ferry-state", "ferry-complete", "ferry-error"]) {
    document.addEventListener(type, (e) => e.detail && e.detail.id && window.__ferryRecord(e.detail), true);
  }
})();
